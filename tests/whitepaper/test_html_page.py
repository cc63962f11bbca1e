"""flows/whitepaper/html_page.py: a saved web page's text from its structure, in reading order."""

import pytest

from flows.whitepaper.html_page import MAX_DEPTH, html_lines
from flows.whitepaper.task_table import TaskTables
from flows.whitepaper.text import SourceError


def lines(body: str, head: str = '<meta charset="utf-8">', encoding: str = "utf-8") -> list[str]:
    return html_lines(f"<html><head>{head}</head><body>{body}</body></html>".encode(encoding), "x.html")[0]


def test_blocks_and_line_breaks_end_lines_inline_elements_do_not():
    assert lines("<h1>标题</h1><p>第一<b>段</b>文字<br>第二行</p><div>甲<span>乙</span></div>丙") == [
        "标题", "第一段文字", "第二行", "甲乙", "丙"]


def test_scripts_styles_navigation_forms_and_hidden_elements_are_not_text():
    body = ("<script>var a = '白皮书';</script><style>p{}</style><nav><a>首页</a></nav><noscript>请启用</noscript>"
            "<div hidden>隐藏</div><p style='display: none'>也隐藏</p><select><option>选项</option></select>"
            "<div role='navigation'>导航</div><!-- 注释 -->正文<p>段落</p>")
    assert lines(body) == ["正文", "段落"]


def test_source_line_breaks_are_one_space_but_spaces_inside_a_line_stay():
    assert lines("<p>完成受理与初审。  完成专家评审。</p><p>\n  第一\n  季度\n</p><p>&nbsp;(一)甲</p>") == [
        "完成受理与初审。  完成专家评审。", "第一 季度", "\xa0(一)甲"]


def test_a_table_cell_per_line_and_paragraphs_inside_a_cell():
    table = ("<table><tr><th>工作任务</th><th>目标及进度</th><th>责任部门</th></tr>"
             "<tr><td>(一)任务甲</td><td><p>目标:甲</p><p>第一季度:甲一</p></td><td>甲处</td></tr></table>")
    assert lines(table) == ["工作任务", "目标及进度", "责任部门", "(一)任务甲", "目标:甲", "第一季度:甲一", "甲处"]


def test_cells_spanning_rows_read_column_by_column_and_spanning_columns_once():
    table = ("<table><tr><td colspan='3'>三、2014年度工作任务目标</td></tr>"
             "<tr><td rowspan='3'>(一)任务甲</td><td>目标:甲</td><td rowspan='3'>甲处牵头</td></tr>"
             "<tr><td>第一季度:甲一</td></tr><tr><td>第二季度:甲二</td></tr>"
             "<tr><td>(二)任务乙</td><td>目标:乙</td><td>乙处</td></tr></table>")
    assert lines(table) == ["三、2014年度工作任务目标", "(一)任务甲", "目标:甲", "第一季度:甲一", "第二季度:甲二", "甲处牵头",
                            "(二)任务乙", "目标:乙", "乙处"]


def test_a_table_nested_in_a_layout_table_keeps_its_place():
    page = "<table><tr><td><p>标题</p><table><tr><td>甲</td><td>乙</td></tr></table><p>尾</p></td></tr></table>"
    assert lines(page) == ["标题", "甲", "乙", "尾"]


@pytest.mark.parametrize("head", ['<meta charset="gbk">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
                                  '<META HTTP-EQUIV="content-type" CONTENT="text/html;charset=GBK">'])
def test_gbk_declared_in_a_meta_tag(head):
    raw = f"<html><head>{head}</head><body><p>深圳市科技创新委员会</p></body></html>".encode("gbk")
    assert html_lines(raw, "x.html") == (["深圳市科技创新委员会"], "gb18030")


def test_no_declared_charset_utf8_then_gb18030():
    assert html_lines("<p>白皮书</p>".encode(), "x.html")[1] == "utf-8"
    assert html_lines("<p>白皮书</p>".encode("gbk"), "x.html") == (["白皮书"], "gb18030")


def test_bytes_that_do_not_fit_the_declared_charset_name_the_file():
    raw = '<meta charset="utf-8"><p>白皮书</p>'.encode("gbk")
    with pytest.raises(SourceError, match=r"^x\.html: not utf-8 \(invalid at byte \d+\); expected a web page in UTF-8, GBK"):
        html_lines(raw, "x.html")


@pytest.mark.parametrize("charset", ["klingon", "big5", "iso-8859-1"])
def test_a_charset_other_than_utf8_or_gbk_names_the_file(charset):
    with pytest.raises(SourceError, match=rf"^x\.html: the page declares charset '{charset}'; expected a web page in UTF-8"):
        html_lines(f'<meta charset="{charset}"><p>x</p>'.encode(), "x.html")


def _nested(depth: int) -> bytes:
    """A page whose deepest element is `depth` deep (<html> 1, <body> 2), with a paragraph after the deep part."""
    inner = depth - 2
    return (f"<html><body>{'<div>' * (inner - 1)}<p>深处</p>{'</div>' * (inner - 1)}<p>之后的正文</p></body></html>"
            ).encode("utf-8")


def test_a_page_nested_up_to_the_parsers_limit_is_read_whole():
    assert html_lines(_nested(MAX_DEPTH), "x.html")[0] == ["深处", "之后的正文"]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 300, 3000])
def test_a_page_nested_deeper_than_the_parser_reads_is_refused_not_cut_short(depth):
    # lxml (libxml2) stops at its depth limit and hands back the page cut off there: the tasks after it were lost,
    # and the paper refused as not in the template, the report as having no progress items
    with pytest.raises(SourceError, match=rf"^x\.html, line 1: elements nested more than {MAX_DEPTH} deep .*lxml's "
                       r"HTML parser \(libxml2\)") as err:
        html_lines(_nested(depth), "x.html")
    assert err.value.rule == "html_too_deep"


def test_a_task_table_with_a_row_number_lead_and_support_columns_is_read_by_its_header():
    q = "".join(f"<p>第{n}季度:甲{n}</p>" for n in "一二三四")
    table = ("<table><tr><td>序号</td><td>工作任务</td><td>目标及进度</td><td>牵头部门</td><td>配合部门</td></tr>"
             f"<tr><td>1</td><td>(一)任务甲</td><td><p>目标:甲</p>{q}</td><td rowspan='2'>甲处</td><td>乙处</td></tr>"
             f"<tr><td>2</td><td>(二)任务乙</td><td><p>目标:乙</p>{q}</td><td></td></tr></table>")
    got, _ = html_lines(f"<html><body>{table}</body></html>".encode(), "x.html", TaskTables("x.html"))
    quarters = [f"第{n}季度:甲{n}" for n in "一二三四"]
    assert got == ["序号", "工作任务", "目标及进度", "牵头部门", "配合部门", "(一)任务甲", "目标:甲", *quarters, "甲处牵头，乙处配合",
                   "(二)任务乙", "目标:乙", *quarters, "甲处牵头"]
    assert [note[1] for ln in got for note in getattr(ln, "notes", ())] == ["merged_cell"]
    assert lines(table)[5:7] == ["1", "2"]       # without the task-table reader: cell by cell, row numbers included
