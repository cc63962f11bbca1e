"""flows/whitepaper/task_table.py: a task table read by its header cells into the template's lines."""

import html
import io

import docx
import pytest

from flows import paths
from flows.whitepaper.html_page import html_lines
from flows.whitepaper.layout import Cell, reading_order
from flows.whitepaper.parse import parse_whitepaper
from flows.whitepaper.task_table import NotedLine, TaskTables, header_role
from flows.whitepaper.text import SourceError
from flows.whitepaper.word import docx_lines

Q = ["第一季度：甲一。", "第二季度：甲二。", "第三季度：甲三。", "第四季度：甲四。"]


def c(*lines: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(list(lines), rowspan, colspan)


def read(rows) -> list[str]:
    return TaskTables("x.html")(rows)


def notes(lines) -> list[tuple]:
    return [(line, *note[:2]) for line in lines for note in getattr(line, "notes", ())]


def test_the_template_table_gives_the_lines_it_gave_cell_by_cell():
    rows = [[c("三、2014年度工作任务目标", colspan=3)], [c("工作任务"), c("目标及进度"), c("责任部门")],
            [c("(一)任务甲", rowspan=2), c("目标:甲"), c("甲处牵头,乙处配合", rowspan=2)], [c(*Q)],
            [c("(二)任务乙"), c("目标:乙", *Q), c("乙处")]]
    assert read(rows) == reading_order(rows)
    assert notes(read(rows)) == []


def test_separate_lead_and_support_columns_make_one_division_line():
    rows = [[c("工作任务"), c("目标及进度"), c("牵头部门"), c("配合部门")],
            [c("(一)任务甲"), c("目标:甲", *Q), c("甲处"), c("乙处、丙处")],
            [c("(二)任务乙"), c("目标:乙", *Q), c("丁处", "戊处"), c()]]
    assert read(rows) == ["工作任务", "目标及进度", "牵头部门", "配合部门",
                          "(一)任务甲", "目标:甲", *Q, "甲处牵头，乙处、丙处配合",
                          "(二)任务乙", "目标:乙", *Q, "丁处、戊处牵头"]


def test_a_row_number_column_is_left_out():
    rows = [[c("序号"), c("工作任务"), c("目标及进度"), c("责任部门")],
            [c("1"), c("(一)任务甲"), c("目标:甲", *Q), c("甲处")],
            [c("2"), c("(二)任务乙"), c("目标:乙", *Q), c("乙处牵头，丙处配合")]]
    assert read(rows) == ["序号", "工作任务", "目标及进度", "责任部门", "(一)任务甲", "目标:甲", *Q, "甲处",
                          "(二)任务乙", "目标:乙", *Q, "乙处牵头，丙处配合"]


def test_quarter_columns_under_a_spanning_header_get_their_header_as_label():
    rows = [[c("工作任务", rowspan=2), c("年度目标", rowspan=2), c("进度安排", colspan=4), c("责任部门", rowspan=2)],
            [c("第一季度"), c("第二季度"), c("第三季度"), c("第四季度")],
            [c("(一)任务甲"), c("完成甲。"), c("甲一。"), c("第二季度：甲二。"), c(), c("甲四。", "并且甲五。"), c("甲处")]]
    assert read(rows)[8:] == ["(一)任务甲", "年度目标：完成甲。", "第一季度：甲一。", "第二季度：甲二。", "第三季度：",
                              "第四季度：甲四。", "并且甲五。", "甲处"]


def test_a_header_typed_again_is_skipped_and_noted_on_the_next_task():
    header = [c("工作任务"), c("目标及进度"), c("责任部门")]
    rows = [header, [c("(一)任务甲"), c("目标:甲", *Q), c("甲处")], list(header),
            [c("(二)任务乙"), c("目标:乙", *Q), c("乙处")]]
    lines = read(rows)
    assert lines == ["工作任务", "目标及进度", "责任部门", "(一)任务甲", "目标:甲", *Q, "甲处",
                     "(二)任务乙", "目标:乙", *Q, "乙处"]
    assert notes(lines) == [("(二)任务乙", "tasks", "repeated_table_header")]
    assert "row 3 repeats the task table's header (工作任务 | 目标及进度 | 责任部门)" in lines[10].notes[0][2]


def test_a_division_cell_merged_over_two_tasks_is_read_for_each_and_noted():
    rows = [[c("工作任务"), c("目标及进度"), c("责任部门")],
            [c("(一)任务甲"), c("目标:甲", *Q), c("甲处", rowspan=2)],
            [c("(二)任务乙"), c("目标:乙", *Q)],
            [c("(三)任务丙"), c("目标:丙", *Q), c("丙处")]]
    lines = read(rows)
    assert lines[3:] == ["(一)任务甲", "目标:甲", *Q, "甲处", "(二)任务乙", "目标:乙", *Q, "甲处",
                         "(三)任务丙", "目标:丙", *Q, "丙处"]
    assert notes(lines) == [("甲处", "task_departments", "merged_cell")]
    assert isinstance(lines[16], NotedLine) and not isinstance(lines[9], NotedLine)   # task (二)'s line, not (一)'s
    assert "merged down over the rows of task (一) and of task (二)" in lines[16].notes[0][2]


def test_an_unknown_header_over_text_is_refused_naming_it_an_empty_one_is_not_read():
    rows = [[c("工作任务"), c("目标及进度"), c("责任部门"), c("完成标志")],
            [c("(一)任务甲"), c("目标:甲", *Q), c("甲处"), c("验收")]]
    with pytest.raises(SourceError, match=r"^x\.html, table 1: the task table's column 4 has header cell '完成标志', "
                                          r"which this reader does not understand; accepted headers: 序号"):
        read(rows)
    rows[1][3] = c()
    assert read(rows)[-1] == "甲处"


def test_a_task_table_without_divisions_is_refused_other_tables_are_read_cell_by_cell():
    with pytest.raises(SourceError, match="has no column of responsible divisions"):
        read([[c("工作任务"), c("目标及进度")], [c("(一)任务甲"), c("目标:甲")]])
    contacts = [[c("序号"), c("项目"), c("电话")], [c("1"), c("热线"), c("12345")]]
    assert read(contacts) == reading_order(contacts)


@pytest.mark.parametrize("text, role", [("工作任务", "task"), (" 第三 季度：", "q3"), ("Q4", "q4"), ("配合单位", "support"),
                                        ("年度目标", "target"), ("主要目标", "target"), ("备注", "remarks"),
                                        ("完成时限", "deadline"), ("完成标志", None)])
def test_header_roles(text, role):
    assert header_role(text) == role


# A table split across pages, a row heading a group of tasks, a 备注 column: the tables of a nine-column paper.
HEADER9 = ["序号", "工作任务", "年度目标", "第一季度", "第二季度", "第三季度", "第四季度", "牵头部门", "配合部门"]
QL = ["第一季度：", "第二季度：", "第三季度：", "第四季度："]


def task_row(n: int, name: str, support: str = "") -> list[Cell]:
    return [c(str(n)), c(f"({'一二三四'[n - 1]}){name}任务"), c(f"完成{name}。"), *(c(f"{name}{q}。") for q in "一二三四"),
            c(f"{name}处"), c(support)]


def task_lines(n: int, name: str, support: str = "") -> list[str]:
    return [f"({'一二三四'[n - 1]}){name}任务", f"年度目标：完成{name}。", *(f"{QL[i]}{name}{q}。" for i, q in enumerate("一二三四")),
            f"{name}处牵头" + (f"，{support}配合" if support else "")]


def test_a_row_of_one_cell_across_the_table_is_a_heading_aside_from_every_task_and_noted():
    rows = [[c(h) for h in HEADER9], task_row(1, "甲"), [c("二、民生实事", colspan=9)], task_row(2, "乙", "丙处")]
    lines = read(rows)
    assert lines == [*HEADER9, *task_lines(1, "甲"), "二、民生实事", *task_lines(2, "乙", "丙处")]
    assert [ln for ln in lines if getattr(ln, "aside", False)] == ["二、民生实事"]
    assert notes(lines) == [("二、民生实事", "tasks", "table_group_row")]
    assert "row 3 is one cell across the whole task table, '二、民生实事'" in lines[16].notes[0][2]


def test_a_headerless_table_after_a_task_table_with_its_columns_and_numbering_is_read_by_its_header():
    tables = TaskTables("x.html")
    first = tables([[c(h) for h in HEADER9], task_row(1, "甲"), task_row(2, "乙", "丙处")])
    second = tables([task_row(3, "丙"), task_row(4, "丁")])
    assert first + second == [*HEADER9, *task_lines(1, "甲"), *task_lines(2, "乙", "丙处"), *task_lines(3, "丙"),
                              *task_lines(4, "丁")]
    assert notes(second) == [("(三)丙任务", "tasks", "table_continued_without_header")]
    assert "x.html, table 2 has no header row; it has the 9 columns of the task table before it (table 1)" in \
        second[0].notes[0][2]
    # A table that does not fit (numbering not going on, other columns, no task table before) is read cell by cell.
    for before, after in (([[c(h) for h in HEADER9], task_row(1, "甲")], [task_row(3, "丙")]),
                          ([[c(h) for h in HEADER9], task_row(1, "甲")], [task_row(2, "乙")[:8]]),
                          ([[c("1"), c("热线")]], [task_row(2, "乙")])):
        tables = TaskTables("x.html")
        tables(before)
        assert tables(after) == reading_order(after)


def test_a_table_continued_with_its_header_typed_again_skips_that_header_and_notes_it():
    tables = TaskTables("x.html")
    first = tables([[c(h) for h in HEADER9], task_row(1, "甲"), task_row(2, "乙")])
    second = tables([[c(h) for h in HEADER9], task_row(3, "丙")])
    assert second == task_lines(3, "丙")
    assert notes(second) == [("(三)丙任务", "tasks", "repeated_table_header")]
    assert "table 2: its header (序号 | 工作任务 | 年度目标 | 第一季度" in second[0].notes[0][2]
    assert first[:9] == HEADER9


def test_remarks_and_deadline_columns_are_labelled_lines_aside_an_alternative_target_header_is_the_target():
    rows = [[c("序号"), c("工作任务"), c("主要目标"), c("完成时限"), c("责任部门"), c("备注")],
            [c("1"), c("(一)任务甲"), c("完成甲。"), c("2014年12月"), c("甲处"), c("市政府重点工作")],
            [c("2"), c("(二)任务乙"), c("完成乙。"), c(), c("乙处"), c()]]
    lines = read(rows)
    assert lines[6:] == ["(一)任务甲", "备注：市政府重点工作", "完成时限：2014年12月", "主要目标：完成甲。", "甲处",
                         "(二)任务乙", "主要目标：完成乙。", "乙处"]
    assert [ln for ln in lines if getattr(ln, "aside", False)] == ["备注：市政府重点工作", "完成时限：2014年12月"]
    assert notes(lines) == [("备注：市政府重点工作", "tasks", "table_extra_column"),
                            ("完成时限：2014年12月", "tasks", "table_extra_column")]
    assert "the 备注 cell of task (一), '市政府重点工作', is kept as a line of its own" in lines[7].notes[0][2]


def test_word_tables_split_across_pages_with_a_remarks_column():
    document = docx.Document()
    for part in ([task_row(1, "甲")], [task_row(2, "乙")]):
        table = document.add_table(rows=2, cols=10)
        for cell, text in zip(table.rows[0].cells, [*HEADER9, "备注"]):
            cell.text = text
        for cell, text in zip(table.rows[1].cells, [*("\n".join(x.lines) for x in part[0]), "民生实事"]):
            cell.text = text
        document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    lines = docx_lines(out.getvalue(), "x.docx", TaskTables("x.docx"))
    assert lines == [*HEADER9, "备注", task_lines(1, "甲")[0], "备注：民生实事", *task_lines(1, "甲")[1:],
                     task_lines(2, "乙")[0], "备注：民生实事", *task_lines(2, "乙")[1:]]
    assert [n[1] for ln in lines for n in getattr(ln, "notes", ())] == ["table_extra_column", "repeated_table_header",
                                                                              "table_extra_column"]


def _paper(*tables: list[list[str | tuple[str, int]]]) -> bytes:
    """The seed paper as a web page, its section 三 the given tables (a cell (text, colspan) spans columns)."""
    seed = (paths.REPO / "raw/whitepapers/szsti-2014.txt").read_text(encoding="utf-8").split("\n")
    three, four = seed.index("三、2014年度工作任务目标"), next(i for i, ln in enumerate(seed) if ln.startswith("四、"))
    p = lambda lines: "".join(f"<p>{html.escape(ln)}</p>" for ln in lines if ln.strip())  # noqa: E731
    cell = lambda x: f"<td colspan='{x[1]}'>{x[0]}</td>" if isinstance(x, tuple) else f"<td>{x}</td>"  # noqa: E731
    body = "".join("<table>" + "".join("<tr>" + "".join(map(cell, r)) + "</tr>" for r in t) + "</table>" for t in tables)
    return f"<html><body>{p(seed[:three + 1])}{body}{p(seed[four:])}</body></html>".encode()


def _row(n: int, name: str, support: str = "") -> list[str]:
    return [str(n), f"({'一二三四'[n - 1]}){name}任务。", f"完成{name}。", *(f"{name}{q}。" for q in "一二三四"), "综合计划处", support]


def test_a_paper_with_a_group_row_a_split_table_and_remarks_parses_each_task_whole():
    header = [*HEADER9, "备注"]
    parsed = parse_whitepaper(_paper([header, [("一、市政府重点工作", 10)], [*_row(1, "甲"), "重点"],
                                      [("二、民生实事", 10)], [*_row(2, "乙", "产业化处"), ""]],
                                     [[*_row(3, "丙"), ""]]), "x", "x.html", form="html")
    tasks, milestones = parsed.tables["tasks"], parsed.tables["milestones"]
    assert list(tasks["target_zh"]) == ["完成甲。", "完成乙。", "完成丙。"]
    assert list(milestones["text_zh"]) == [f"{n}{q}。" for n in "甲乙丙" for q in "一二三四"]
    links = parsed.tables["task_departments"]
    assert sorted(set(links["department_id"].str.split("-").str[1:-1].str.join("-"))) == ["chan-ye-hua-chu",
                                                                                            "zong-he-ji-hua-chu"]
    flags = parsed.tables["quality_notes"]
    found = flags[flags["flag"].str.startswith("table_")]
    assert list(found["flag"]) == ["table_group_row", "table_extra_column", "table_group_row",
                                   "table_continued_without_header"]
    assert [parsed.text[s:e] for s, e in zip(found["source_start"], found["source_end"])] == [
        "一、市政府重点工作", "备注：重点", "二、民生实事", "(三)丙任务。"]
    assert list(found["row_id"].fillna("")) == ["", "x-01", "", ""]


# Tasks numbered only in the 序号 column: the number is written before the title, in tasks.py's 1、 (or 一、) numbering.
def _unnumbered_html(numbers: list[str], titles: list[str]) -> bytes:
    header = "".join(f"<td><p>{h}</p></td>" for h in HEADER9[:8])
    rows = "".join(f"<tr><td>{n}</td><td><p>{t}</p></td><td>完成{t}。</td>"
                   + "".join(f"<td>{t}{q}。</td>" for q in "一二三四") + "<td>甲处</td></tr>" for n, t in zip(numbers, titles))
    return f"<html><body><table><tr>{header}</tr>{rows}</table></body></html>".encode()


def _unnumbered_lines(numbers: list[str | None], titles: list[str]) -> list[str]:
    return [line for n, t in zip(numbers, titles)
            for line in [f"{n}、{t}" if n else t, f"年度目标：完成{t}。", *(f"{QL[i]}{t}{q}。" for i, q in enumerate("一二三四")),
                         "甲处牵头"]]


def test_tasks_numbered_only_in_the_row_number_column_take_that_number_and_one_note():
    for numbers in (["1", "2", "3"], ["一", "二", "三"]):
        lines = html_lines(_unnumbered_html(numbers, ["推进甲", "推进乙", "推进丙"]), "x.html", TaskTables("x.html"))[0]
        assert lines == [*HEADER9[:8], *_unnumbered_lines(numbers, ["推进甲", "推进乙", "推进丙"])]
        assert notes(lines) == [(f"{numbers[0]}、推进甲", "tasks", "task_numbered_by_row_number")]
        assert f"each task's number ({numbers[0]} to {numbers[2]}) is taken from the 序号 column" in lines[8].notes[0][2]


def test_row_numbers_that_do_not_run_one_two_three_or_titles_numbered_already_are_left_as_they_were():
    titles = ["推进甲", "推进乙", "推进丙"]
    for numbers in (["1", "3", "4"], ["1", "1", "2"], ["2", "3", "4"], ["1", "2", "第三"], ["1", "二", "3"]):
        lines = html_lines(_unnumbered_html(numbers, titles), "x.html", TaskTables("x.html"))[0]
        assert lines[8:] == _unnumbered_lines([None] * 3, titles) and notes(lines) == []
    numbered = ["(一)推进甲", "(二)推进乙", "(三)推进丙"]
    lines = html_lines(_unnumbered_html(["1", "2", "3"], numbered), "x.html", TaskTables("x.html"))[0]
    assert lines[8:] == _unnumbered_lines([None] * 3, numbered) and notes(lines) == []


def test_a_word_table_split_across_pages_numbered_in_its_row_number_column():
    document = docx.Document()
    for part in (["1", "2"], ["3"]):
        table = document.add_table(rows=len(part) + (part[0] == "1"), cols=8)
        rows = [HEADER9[:8]] if part[0] == "1" else []
        rows += [[n, f"推进{n}", f"完成推进{n}。", *(f"推进{n}{q}。" for q in "一二三四"), "甲处"] for n in part]
        for row, texts in zip(table.rows, rows):
            for cell, text in zip(row.cells, texts):
                cell.text = text
        document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    lines = docx_lines(out.getvalue(), "x.docx", TaskTables("x.docx"))
    assert lines[8:] == _unnumbered_lines(["1", "2", "3"], ["推进1", "推进2", "推进3"])
    assert notes(lines) == [("1、推进1", "tasks", "task_numbered_by_row_number"),
                            ("3、推进3", "tasks", "table_continued_without_header"),
                            ("3、推进3", "tasks", "task_numbered_by_row_number")]


def test_a_paper_whose_tasks_are_numbered_only_in_the_row_number_column_parses():
    header = HEADER9
    rows = [[str(n), f"推进{name}工作。", f"完成{name}。", *(f"{name}{q}。" for q in "一二三四"), "综合计划处", support]
            for n, name, support in ((1, "甲", ""), (2, "乙", "产业化处"))]
    with pytest.raises(Exception, match="section 三 has no numbered task"):   # the same table, 序号 with a gap
        parse_whitepaper(_paper([header, rows[0], ["3", *rows[1][1:]]]), "x", "x.html", form="html")
    parsed = parse_whitepaper(_paper([header, *rows]), "x", "x.html", form="html")
    tasks = parsed.tables["tasks"]
    assert list(tasks["title_zh"]) == ["推进甲工作。", "推进乙工作。"]
    assert list(tasks["target_zh"]) == ["完成甲。", "完成乙。"]
    assert list(parsed.tables["milestones"]["text_zh"]) == [f"{n}{q}。" for n in "甲乙" for q in "一二三四"]
    links = parsed.tables["task_departments"]
    assert [(t, d.split("-", 1)[1].rsplit("-", 1)[0], r) for t, d, r in
            zip(links["task_id"], links["department_id"], links["role"])] == [
        ("x-01", "zong-he-ji-hua-chu", "lead"), ("x-02", "zong-he-ji-hua-chu", "lead"), ("x-02", "chan-ye-hua-chu", "support")]
    flags = parsed.tables["quality_notes"]
    found = flags[flags["flag"].isin(["task_numbered_by_row_number", "task_numbering_style"])]
    assert sorted(found["flag"]) == ["task_numbered_by_row_number", "task_numbering_style"]
    row = found[found["flag"] == "task_numbered_by_row_number"].iloc[0]
    assert parsed.text[row["source_start"]:row["source_end"]] == "1、推进甲工作。"
