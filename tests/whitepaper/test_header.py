"""flows/whitepaper/header.py: title, publication line(s) in the sites' forms, and the site's chrome around them."""

import datetime as dt

import pytest

from flows.whitepaper.header import header_region, is_chrome
from flows.whitepaper.source_doc import SourceDoc, WhitepaperError

TITLE = "深圳市科技创新委员会2014年度公共服务白皮书"
INTRO = "  根据市委市政府工作部署，制定了2014年度公共服务白皮书。"


def header(*lines: str, before: tuple[str, ...] = ()):
    text = "\n".join([*before, TITLE, *lines, INTRO, "一、工作职责"])
    doc = SourceDoc("szsti-2014", "x.txt", text)
    first_section = next(ln for ln in doc.lines if ln.folded.startswith("一、"))
    row, notes = header_region(doc, first_section)
    return row, notes, doc


@pytest.mark.parametrize("lines, publisher, date", [
    (["信息来源:深圳科技创新委员会", "2014年04月02日"], "深圳科技创新委员会", dt.date(2014, 4, 2)),          # the seed's
    (["信息来源:深圳市科技创新委员会 信息提供日期:2014-04-02 【字体:"], "深圳市科技创新委员会", dt.date(2014, 4, 2)),
    (["来源:深圳市科技创新委员会发布时间:2014-04-02 10:00字号:【 视力保护色:"], "深圳市科技创新委员会", dt.date(2014, 4, 2)),
    (["来源：深圳市科技创新委员会　　发布日期：2014年4月2日"], "深圳市科技创新委员会", dt.date(2014, 4, 2)),
    (["发布时间：2014-04-02 10:00:00 来源：深圳市科技创新委员会 【大 中 小】"], "深圳市科技创新委员会", dt.date(2014, 4, 2)),
    (["信息来源：", "深圳市科技创新委员会", "信息提供日期：", "2014-04-02"], "深圳市科技创新委员会", dt.date(2014, 4, 2)),
    (["信息来源:", "深圳市科技创新委员会 发布日期:2014/4/2"], "深圳市科技创新委员会", dt.date(2014, 4, 2)),
    (["2014.04.02", "信息来源：深圳市科技创新委员会"], "深圳市科技创新委员会", dt.date(2014, 4, 2)),
    (["【发布日期：2014-04-02】【来源：深圳市科技创新委员会】"], "深圳市科技创新委员会", dt.date(2014, 4, 2)),
    (["深圳市科技创新委员会　2014-04-02 10:00"], "深圳市科技创新委员会", dt.date(2014, 4, 2)),
    ([], None, None),
], ids=["seed", "info-line-with-font", "laiyuan-run-together", "full-width-gap", "date-first", "label-then-value-lines",
        "publisher-line-then-date", "date-line-first", "bracketed", "office-and-date-unlabelled", "none"])
def test_publisher_and_date_in_every_form(lines, publisher, date):
    row, notes, _ = header(*lines)
    assert (row["publisher_zh"], row["published_date"]) == (publisher, date)
    assert not [n for n in notes if n[0] == "unplaced_header_line"]


def test_publisher_keeps_the_source_characters():
    row, _, _ = header("信息来源：深圳市科技创新委员会（ＳＴＩＣ）")
    assert row["publisher_zh"] == "深圳市科技创新委员会（ＳＴＩＣ）"


def test_breadcrumb_before_the_title_is_skipped_and_noted():
    row, notes, doc = header("信息来源:深圳科技创新委员会", before=("您现在的位置 : 首页 > 政务公开 > 规划计划 > 公共服务白皮书", ""))
    assert row["title_zh"] == TITLE and row["plan_year"] == 2014 and row["agency_zh"] == "深圳市科技创新委员会"
    assert doc.text[row["source_start"]:row["source_end"]] == TITLE
    [(flag, detail, start, end)] = notes
    assert flag == "site_chrome" and detail.startswith("line 1 before the title ('您现在的位置")
    assert doc.text[start:end].startswith("您现在的位置")


def test_breadcrumb_ending_in_the_full_title_is_not_the_title():
    row, notes, _ = header(before=(f"首页 > 政务公开 > {TITLE}",))
    assert row["source_start"] > 0 and notes[0][0] == "site_chrome"


def test_page_controls_are_noted_with_the_line():
    _, notes, doc = header("来源:深圳市科技创新委员会发布时间:2014-04-02 10:00字号:【 视力保护色:", "【打印本页】 【关闭窗口】")
    chrome = [n for n in notes if n[0] == "site_chrome"]
    assert len(chrome) == 2
    assert "字号" in chrome[0][1] and "视力保护色" in chrome[0][1] and chrome[0][1].startswith("line 2 (")
    assert doc.text[chrome[1][2]:chrome[1][3]] == "【打印本页】 【关闭窗口】"


def test_a_header_line_that_cannot_be_placed_is_noted():
    _, notes, _ = header("信息来源:深圳科技创新委员会", "第二版")
    [(flag, detail, _, _)] = notes
    assert flag == "unplaced_header_line" and "line 3" in detail and "'第二版'" in detail


def test_the_title_still_needs_a_year():
    doc = SourceDoc("x", "x.txt", "首页 > 公共服务白皮书\n深圳市科技创新委员会公共服务白皮书\n一、工作职责")
    with pytest.raises(WhitepaperError, match=r"x\.txt, line 2: the title has no year"):
        header_region(doc, doc.lines[2])


@pytest.mark.parametrize("line, chrome", [
    ("【打印本页】 【关闭窗口】", True), ("[打印] [关闭]", True), ("字体：大 中 小", True), ("版权所有：深圳市科技创新委员会", True),
    ("粤ICP备05023424号", True), ("上一篇：关于…的通知", True), ("当前位置：首页 > 政务公开", True),
    ("(一) 登录深圳市科技创新委员会网站(www.szsti.gov.cn)。", False), ("创新支撑处牵头,创新服务处配合", False),
    ("公众可以选择以下方式进行咨询。", False), ("0", False), ("【我要打印】【关闭】", True), ("浏览次数：123次", True),
    ("分享到：微信 微博", True), ("Copyright © 2014", True), ("编辑短信发送至12345", False), ("返回本市科技政策", False),
])
def test_is_chrome(line, chrome):
    from flows.whitepaper.text import fold

    assert is_chrome(fold(line)) is chrome
