"""Reports as an agency's year publishes them: items numbered afresh under each group heading, divisions named
after the agency's own name, a year-end table whose progress column is headed 完成情况."""

from __future__ import annotations

import datetime as dt
import json

from flows.updates.ingest import ingest_updates
from flows.updates.read import FileProblem
from flows.updates.reports.read import read_report

AS_OF = dt.date(2015, 1, 31)
TITLE = "深圳市科技创新委员会2014年度公共服务白皮书第二季度进展情况"
AFRESH = "\n".join([
    "您现在的位置：首页 > 信息公开 > 白皮书", TITLE, "来源：市科技创新委　　发布时间：2014-07-10 09:30",
    "　　截至2014年6月30日，各项任务进展如下（测试数据，虚构）：",
    "一、重点工作",
    "（一）提升重点实验室、工程实验室、工程中心等建设发展质量。（主办单位：深圳市科技创新委员会创新支撑处）",
    "　　评审完成八成（测试）。", "进度评价：按进度完成。",
    "（二）强化重大科技基础设施和创新载体开放运行、资源共享。（主办单位：市科技创新委员会创新支撑处、产业化处）",
    "　　完成数据入库（测试）。", "进度评价：顺利推进。",
    "二、民生实事",
    "（一）实施“孔雀计划”，引进海外高层次创新团队。（主办单位：科技创新委员会人事处）",
    "　　完成初审（测试）。", "进度评价：已完成。",
    "（二）增加义务教育学位。（主办单位：政策规划处）",
    "　　新建学校（测试）。", "进度评价：按进度完成。",
])
# (task, division, department_source, status, note) of each row, in row order; None: rejected (AFRESH_CODES)
AFRESH_ROWS = [("szsti-2014-02", "szsti-innovation-support", "named_with_agency", "completed", "评审完成八成（测试）。"),
               ("szsti-2014-03", "szsti-innovation-support", "named_with_agency", "in_progress", "完成数据入库（测试）。"),
               None, None, None]
AFRESH_CODES = {3: "department_not_responsible", 4: "unknown_department", 5: "unknown_task"}


def _write(tmp_path, name: str, content: str):
    path = tmp_path / "raw" / "updates" / "szsti-2014" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def test_items_numbered_afresh_under_group_headings_are_matched_by_their_wording(tmp_path, seed):
    path = _write(tmp_path, "afresh.txt", AFRESH)
    read = read_report(path)
    assert read.cells["report_numbering"].to_pylist() == ["restarted"] * 5
    result = ingest_updates([path], seed.tables, AS_OF, root=tmp_path)
    rows = result.updates.sort_values("source_row")
    accepted = [r for r in AFRESH_ROWS if r]
    assert list(rows["source_row"]) == [n for n, r in enumerate(AFRESH_ROWS, start=1) if r]
    assert [(r.task_id, r.department_id, r.department_source, r.status, r.note.strip()) for r in rows.itertuples()] == accepted
    assert set(rows["task_match_method"]) == {"wording"} and (rows["task_match_score"] >= 60).all()
    assert dict(zip(result.rejections["source_row"], result.rejections["reason_codes"])) == AFRESH_CODES
    reasons = dict(zip(result.rejections["source_row"], result.rejections["reasons"]))
    # another agency's division is no division of this one: the name is kept as written, not cut to fit
    assert "unknown division '科技创新委员会人事处'" in reasons[4]
    assert "is item 2 of its group (the report numbers its items afresh under each group heading)" in reasons[5]
    # the division as written stays in the row's cells
    assert json.loads(read.raw_cells[0].as_py())["责任单位"] == "深圳市科技创新委员会创新支撑处"
    assert json.loads(read.raw_cells[1].as_py())["责任单位"] == "市科技创新委员会创新支撑处、产业化处"


def test_numbers_the_paper_may_give_are_not_read_as_restarted(tmp_path):
    cases = {  # numbering across groups (task 3 under 二、), and a repeated number without a heading before it
        "across.txt": ("paper", ["（二）", "（三）"]), "repeated.txt": ("paper", ["（一）", None, "（一）"]),
    }
    for name, (expected, numbers) in cases.items():
        lines = [TITLE, "发布时间：2014-07-10", "一、重点工作"]
        for n in numbers:
            if n is None:
                continue
            lines += [f"{n}增加义务教育学位。（主办单位：政策规划处）", "进度评价：已完成。"]
            if name == "across.txt" and n == "（二）":
                lines.append("二、民生实事")
        read = read_report(_write(tmp_path, name, "\n".join(lines)))
        assert set(read.cells["report_numbering"].to_pylist()) == {expected}, name


YEAR_END = ("<html><head><meta charset='utf-8'></head><body><h1>深圳市科技创新委员会2014年度公共服务白皮书工作完成情况</h1>"
            "<p>来源：市科技创新委　发布时间：2015-01-15 09:00</p><table border='1'>"
            "<tr><td>序号</td><td>工作任务</td><td>责任单位</td><td>年度目标</td><td>{progress}</td><td>{evaluation}</td></tr>"
            "<tr><td colspan='6'>一、重点工作</td></tr>"
            "<tr><td>1</td><td>实施“孔雀计划”，引进海外高层次创新团队</td><td>政策规划处</td><td>引进团队</td>"
            "<td>{cell1}</td><td>已完成</td></tr>"
            "<tr><td>2</td><td>提升重点实验室、工程实验室、工程中心等建设发展质量</td><td>创新支撑处</td><td>建设</td>"
            "<td>{cell2}</td><td>未按进度完成</td></tr></table></body></html>")


def _year_end(tmp_path, name, progress, evaluation, cell1, cell2):
    return _write(tmp_path, name, YEAR_END.format(progress=progress, evaluation=evaluation, cell1=cell1, cell2=cell2))


def test_a_year_end_table_headed_completion_reads_it_as_the_progress(tmp_path, seed):
    paths = [_year_end(tmp_path, "a.html", "完成情况", "目标完成情况", "引进团队12个（测试）。", "评审完成八成，2家待验收（测试）。"),
             _year_end(tmp_path, "b.html", "工作进展", "完成评价", "引进团队12个（测试）。", "评审完成八成，2家待验收（测试）。")]
    for path in paths:
        result = ingest_updates([path], seed.tables, AS_OF, root=tmp_path)
        rows = result.updates.sort_values("source_row")
        assert [(r.task_id, r.department_id, r.quarter, r.status, r.status_text_zh, r.note) for r in rows.itertuples()] == [
            ("szsti-2014-05", "szsti-policy-planning", 4, "completed", "已完成", "引进团队12个（测试）。"),
            ("szsti-2014-02", "szsti-innovation-support", 4, "delayed", "未按进度完成", "评审完成八成，2家待验收（测试）。")]
        assert result.rejections.empty


def test_a_completion_column_of_verdicts_only_is_the_evaluation_never_a_guess(tmp_path, seed):
    # alone: 完成情况 holding 已完成/按进度完成 only is the evaluation (the target column is not read)
    alone = _year_end(tmp_path, "alone.html", "年度目标", "完成情况", "引进团队", "建设")
    result = ingest_updates([alone], seed.tables, AS_OF, root=tmp_path)
    rows = result.updates.sort_values("source_row")
    assert [(r.task_id, r.status, r.status_text_zh) for r in rows.itertuples()] == [
        ("szsti-2014-05", "completed", "已完成"), ("szsti-2014-02", "delayed", "未按进度完成")]
    assert rows["note"].isna().all()                     # no progress column: no note
    # beside 目标完成情况: two columns of verdicts and no progress, so which is the evaluation is not guessed
    two = read_report(_year_end(tmp_path, "two.html", "完成情况", "目标完成情况", "已完成", "按进度完成"))
    assert isinstance(two, FileProblem) and two.code == "not_a_report"
    assert ("a table with the columns 序号 | 工作任务 | 责任单位 | 年度目标 | 完成情况 | 目标完成情况 was found; read: 序号 as 序号, "
            "工作任务 as 任务, 责任单位 as 单位, 目标完成情况 as 评价; 完成情况 holds only evaluation words") in two.message
    # progress, evaluation and a third such column: which holds the verdict is not guessed either
    three = read_report(_write(tmp_path, "three.html", YEAR_END.format(
        progress="进展情况", evaluation="完成情况", cell1="引进", cell2="建设").replace("<td>年度目标</td>", "<td>评价</td>")))
    assert isinstance(three, FileProblem) and "so which column holds the verdict is not guessed" in three.message
