"""flows/whitepaper/word.py: a .docx's paragraphs and tables, merged cells read once, in reading order."""

import io

import docx
import pytest

from flows.whitepaper.text import SourceError
from flows.whitepaper.task_table import TaskTables
from flows.whitepaper.word import docx_lines


def saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_paragraphs_and_a_table_in_document_order():
    document = docx.Document()
    document.add_paragraph("三、2014年度工作任务目标")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["工作任务", "目标及进度", "责任部门"]):
        cell.text = text
    table.cell(1, 0).text = "(一)任务甲"
    table.cell(1, 1).text = "目标:甲"
    table.cell(1, 1).add_paragraph("第一季度:甲一")
    table.cell(1, 2).text = "甲处"
    document.add_paragraph("四、公众参与、监督渠道")
    document.add_paragraph("")
    assert docx_lines(saved(document), "x.docx") == ["三、2014年度工作任务目标", "工作任务", "目标及进度", "责任部门", "(一)任务甲",
                                                     "目标:甲", "第一季度:甲一", "甲处", "四、公众参与、监督渠道"]


def test_vertically_and_horizontally_merged_cells_are_read_once():
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "三、2014年度工作任务目标"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "(一)任务甲"
    table.cell(1, 2).merge(table.cell(3, 2)).text = "甲处牵头,乙处配合"
    for r, text in enumerate(["目标:甲", "第一季度:甲一", "第二季度:甲二"], start=1):
        table.cell(r, 1).text = text
    assert docx_lines(saved(document), "x.docx") == ["三、2014年度工作任务目标", "(一)任务甲", "目标:甲", "第一季度:甲一",
                                                     "第二季度:甲二", "甲处牵头,乙处配合"]


def test_a_line_break_inside_a_paragraph_ends_a_line():
    document = docx.Document()
    document.add_paragraph("信息来源:深圳市科技创新委员会").add_run().add_break()
    document.paragraphs[0].add_run("2014年04月02日")
    assert docx_lines(saved(document), "x.docx") == ["信息来源:深圳市科技创新委员会", "2014年04月02日"]


@pytest.mark.parametrize("raw, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, r"^x\.docx: not a \.docx .*not a zip archive; a legacy Word \.doc"),
    (b"PK\x05\x06" + b"\0" * 18, r"^x\.docx: not a Word document python-docx can read"),
])
def test_not_a_docx_names_the_file(raw, message):
    with pytest.raises(SourceError, match=message):
        docx_lines(raw, "x.docx")


def test_a_task_table_continued_with_its_header_typed_again_and_a_division_merged_over_two_tasks():
    document = docx.Document()
    header = ["工作任务", "目标及进度", "责任部门"]
    table = document.add_table(rows=5, cols=3)
    for r, texts in enumerate([header, ["(一)任务甲", "目标:甲", "甲处"], header, ["(二)任务乙", "目标:乙", ""],
                               ["(三)任务丙", "目标:丙", ""]]):
        for cell, text in zip(table.rows[r].cells, texts):
            cell.text = text
    table.cell(3, 2).merge(table.cell(4, 2)).text = "乙处"
    got = docx_lines(saved(document), "x.docx", TaskTables("x.docx"))
    assert got == ["工作任务", "目标及进度", "责任部门", "(一)任务甲", "目标:甲", "甲处", "(二)任务乙", "目标:乙", "乙处",
                   "(三)任务丙", "目标:丙", "乙处"]
    assert [(ln, note[1]) for ln in got for note in getattr(ln, "notes", ())] == [
        ("(二)任务乙", "repeated_table_header"), ("乙处", "merged_cell")]
    assert got[-1].notes[0][0] == "task_departments"
    assert "the 责任部门 cell '乙处' is one cell merged down over the rows of task (二) and of task (三)" in got[-1].notes[0][2]
