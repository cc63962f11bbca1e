"""Report shapes as agencies publish them, each item's outcome written out: group rows, tables broken by them,
merged cells, 备注, running numbers, an item on two tasks, evaluations missing, mixed or glued to the progress."""

from __future__ import annotations

import datetime as dt
import io

import docx

from flows.updates.ingest import ingest_updates

AS_OF = dt.date(2015, 1, 31)
TITLE = "深圳市科技创新委员会2014年度公共服务白皮书第二季度进展情况"
PUBLISHED = "来源：市科技创新委　　发布时间：2014-07-10 09:30"
HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "二季度目标", "进展情况", "完成情况", "备注"]
ROWS = [  # a group row, a division merged over two tasks, 配合单位, 备注, the header again after a page break
    "一、市政府重点工作",
    ["1", "改革研发资金投入方式，引入创投机制", "政策规划处", "", "受理", "已受理项目申请320项，完成年度计划的85%。", "正在推进", "无"],
    ["2", "实施“孔雀计划”，引进海外高层次创新团队", None, "", "初审", "完成受理与初审（测试）。", "已完成", ""],
    ["3", "组织实施重大技术攻关项目", "综合计划处", "产业化处", "受理", "完成受理（测试）。", "基本完成", "评审推迟至7月"],
    HEADER,
    "二、民生实事",
    ["4", "组建重点实验室或工程中心，实施民生科技研发项目", "社会发展处", "", "评审", "评审进行中（测试）。", "滞后", ""],
]
# (source_row, task, division, status) of the rows accepted; the group rows give none
EXPECTED = [(1, "szsti-2014-01", "szsti-policy-planning", "in_progress"), (2, "szsti-2014-05", "szsti-policy-planning", "completed"),
            (3, "szsti-2014-04", "szsti-general-planning", "in_progress"), (4, "szsti-2014-04", "szsti-industrialisation", "in_progress"),
            (5, "szsti-2014-10", "szsti-social-development", "delayed")]


def _ingest(tmp_path, seed, name: str, content: bytes):
    path = tmp_path / "raw" / "updates" / "szsti-2014" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return ingest_updates([path], seed.tables, AS_OF, root=tmp_path)


def _outcome(result):
    rows = result.updates.sort_values("source_row")
    accepted = [(r.source_row, r.task_id, r.department_id, r.status) for r in rows.itertuples()]
    return accepted, dict(zip(result.rejections["source_row"], result.rejections["reason_codes"]))


def _html() -> bytes:
    out = []
    for r, row in enumerate(ROWS):
        if isinstance(row, str):
            out.append(f"<tr><td colspan='8'>{row}</td></tr>")
            continue
        tag = "th" if row is HEADER else "td"
        cells = [f"<{tag}>{c}</{tag}>" if c != "政策规划处" else f"<td rowspan='2'>{c}</td>" for c in row if c is not None]
        out.append("<tr>" + "".join(cells) + "</tr>")
    head = "<tr>" + "".join(f"<th>{c}</th>" for c in HEADER) + "</tr>"
    return (f"<html><head><meta charset='utf-8'></head><body><div>首页 &gt; 信息公开</div><h1>{TITLE}</h1>"
            f"<p>{PUBLISHED}</p><table border='1'>{head}{''.join(out)}</table><div>版权所有 打印 关闭</div></body></html>"
            ).encode("utf-8")


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph(PUBLISHED)
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for c, name in enumerate(HEADER):
        table.cell(0, c).text = name
    for r, row in enumerate(ROWS, start=1):
        if isinstance(row, str):
            merged = table.cell(r, 0).merge(table.cell(r, len(HEADER) - 1))
            merged.text = row
            continue
        for c, value in enumerate(row):
            if value is not None:
                table.cell(r, c).text = value
    table.cell(2, 2).merge(table.cell(3, 2)).text = "政策规划处"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _text() -> bytes:  # as a browser copies it: the group rows a line of their own, no tab in them
    lines = [TITLE, PUBLISHED, "\t".join(HEADER)]
    lines += [row if isinstance(row, str) else "\t".join(c or "" for c in row) for row in ROWS]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_group_rows_spanning_the_table_are_no_items_in_any_form(tmp_path, seed):
    # they were items: 一、市政府重点工作 one row per cell it spans, each rejected as unknown_task;unknown_department;
    # unknown_status, and in page text the group rows cut the table so that no item at all was found (not_a_report)
    for name, content in (("q2.html", _html()), ("q2.docx", _docx()), ("q2.txt", _text())):
        accepted, rejected = _outcome(_ingest(tmp_path / name, seed, name, content))
        assert (accepted, rejected) == (EXPECTED, {}), name


def test_a_remark_is_kept_with_the_rows_cells_not_in_the_note(tmp_path, seed):
    content = _text().decode().replace("基本完成\t评审推迟至7月", "未完成\t评审推迟至7月").encode()
    result = _ingest(tmp_path, seed, "q2.txt", content)
    rejected = result.rejections.set_index("source_row")
    assert rejected.loc[3, "reason_codes"] == "unknown_status"
    assert '"备注": "评审推迟至7月"' in rejected.loc[3, "raw_cells"] and "评审推迟" not in "".join(result.updates["note"])


NARRATIVE = [TITLE, PUBLISHED, "　　截至2014年6月30日，各项任务进展如下：",
             "1.提升重点实验室、工程实验室、工程中心等建设发展质量（责任单位：创新支撑处）",
             "　　完成创新载体评审，完成年度计划的85%，已完成。",                       # the verdict glued to the progress
             "2.实施“孔雀计划”，引进海外高层次创新团队",
             "　　完成受理与初审。", "进度评价：按计划推进。",
             "3.组织实施重大技术攻关项目；加快未来产业发展，培育先导企业群体（牵头单位：综合计划处）",   # two tasks
             "　　两项任务均完成受理。", "进度评价：按进度完成。",
             "4.强化重大科技基础设施和创新载体开放运行、资源共享（责任单位：创新支撑处）",
             "　　数据入库。", "进度评价：按进度推进，部分数据入库滞后。",                   # a verdict saying two things
             "5.优化高新区的产业和空间布局（责任单位：高新区发展处）", "　　编制规划。", "进度评价：滞后。"]


def test_running_numbers_an_item_on_two_tasks_and_evaluations_missing_or_mixed(tmp_path, seed):
    # 1.–5. number the items, not the paper's tasks: before, every item was task_wording_mismatch (1. is task 2…),
    # the item on tasks 4 and 8 would have been task 8 by its number or wording alone, and 按进度推进，…滞后 in_progress
    result = _ingest(tmp_path, seed, "q2.txt", ("\n".join(NARRATIVE) + "\n").encode("utf-8"))
    accepted, rejected = _outcome(result)
    assert accepted == [(2, "szsti-2014-05", "szsti-policy-planning", "in_progress"),
                        (5, "szsti-2014-07", "szsti-high-tech-zone-development", "delayed")]
    assert rejected == {1: "missing_status", 3: "several_tasks", 4: "mixed_evaluation"}
    assert set(result.updates["task_match_method"]) == {"wording"}
    reasons = dict(zip(result.rejections["source_row"], result.rejections["reasons"]))
    assert "no evaluation" in reasons[1] and "its progress ends '已完成'" in reasons[1] and "进度评价：已完成" in reasons[1]
    assert "task 8 " in reasons[3] and "task 4 " in reasons[3] and "report each task as its own item" in reasons[3]
    assert "'按进度推进' and then '部分数据入库滞后'" in reasons[4]


def test_paper_numbers_out_of_order_still_rule(tmp_path, seed):
    lines = [TITLE, PUBLISHED, "（二）突出创新增效（责任单位：应用促进处）", "受理申请。", "进度评价：已完成。",
             "（九）突出创新增效（责任单位：应用促进处）", "受理申请。", "进度评价：已完成。"]
    accepted, rejected = _outcome(_ingest(tmp_path, seed, "q2.txt", ("\n".join(lines) + "\n").encode("utf-8")))
    assert accepted == [(2, "szsti-2014-09", "szsti-application-promotion", "completed")]
    assert rejected == {1: "task_wording_mismatch"}


def test_a_table_without_an_evaluation_column_says_so(tmp_path, seed):
    lines = [TITLE, PUBLISHED, "序号\t工作任务\t责任单位\t进展情况",
             "1\t实施“孔雀计划”，引进海外高层次创新团队\t政策规划处\t完成初审，已完成。"]
    result = _ingest(tmp_path, seed, "q2.txt", ("\n".join(lines) + "\n").encode("utf-8"))
    assert list(result.rejections["reason_codes"]) == ["missing_status"]
    assert "the table has no evaluation column" in result.rejections["reasons"].iloc[0]
