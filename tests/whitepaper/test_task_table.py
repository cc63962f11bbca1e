"""flows/whitepaper/task_table.py: a task table read by its header cells into the template's lines."""

import pytest

from flows.whitepaper.layout import Cell, reading_order
from flows.whitepaper.task_table import NotedLine, TaskTables, header_role
from flows.whitepaper.text import SourceError

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
                                        ("年度目标", "target"), ("备注", None)])
def test_header_roles(text, role):
    assert header_role(text) == role
