"""A report's canonical text as paragraphs and tables, with spans into it."""

from flows.updates.reports.forms import Table, read_text_form, text_blocks


def test_lines_are_paragraphs_and_tab_runs_are_tables():
    text = "标题\n  正文一行\n\n序号\t任务\t进展\n1\t甲\t乙\n\t\t丙\n结尾"
    blocks = text_blocks(text)
    assert [text[s:e] for s, e in blocks[:2]] == ["标题", "正文一行"]
    table = blocks[2]
    assert isinstance(table, Table)
    assert [[text[c[0]:c[1]] if c else None for c in row] for row in table.rows] == [
        ["序号", "任务", "进展"], ["1", "甲", "乙"], [None, None, "丙"]]
    assert text[blocks[3][0]:blocks[3][1]] == "结尾"


def test_a_single_line_with_a_tab_is_a_paragraph():
    text = "进度评价：\t已完成\n下一行"
    assert [text[s:e] for s, e in text_blocks(text)] == ["进度评价：\t已完成", "下一行"]


def test_page_text_is_decoded_as_a_paper_is():
    report = read_text_form("标题\r\n正文\r\n".encode("gb18030"), "r.txt")
    assert report.text == "标题\n正文\n" and len(report.paragraphs()) == 2
