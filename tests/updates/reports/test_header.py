"""Which report: the period a title names, the publication date, the period end."""

import datetime as dt

import pytest

from flows.updates.reports.forms import text_blocks
from flows.updates.reports.header import period_end, publication_date, quarter_of, read_header


@pytest.mark.parametrize("title, quarter, phrase", [
    ("2014年度公共服务白皮书第二季度进展情况", 2, "第二季度"),     # the quarter phrase wins over 年度
    ("2014年重点民生实事进展情况（第二季度）", 2, "第二季度"),
    ("工作任务一季度进展情况", 1, "一季度"),
    ("2014年上半年白皮书任务进展情况", 2, "上半年"),
    ("2014年前三季度工作任务进展情况", 3, "三季度"),
    ("2014年第四季度进展情况", 4, "第四季度"),
    ("2014年全年工作任务完成情况", 4, "全年"),
    ("2014年度公共服务白皮书进展情况", 4, "年度"),
    ("２０１４年第３季度进展情况", 3, "第３季度"),              # full-width digits, as written
    ("白皮书进展情况", None, None),
])
def test_the_title_names_the_quarter(title, quarter, phrase):
    assert quarter_of(title) == (quarter, phrase)


@pytest.mark.parametrize("line, day", [
    ("来源：区政府办　　发布时间：2014-07-10 09:30", dt.date(2014, 7, 10)),
    ("发布日期：2014年7月9日", dt.date(2014, 7, 9)),
    ("信息提供日期：2014/07/08", dt.date(2014, 7, 8)),
    ("日期：２０１４－０７－０７", dt.date(2014, 7, 7)),
    ("2014年07月06日", dt.date(2014, 7, 6)),                      # a line that is only the date
    ("来源：区政府办", None),
    ("发布时间：2014-02-30", None),                               # no such day
])
def test_the_publication_date(line, day):
    text = f"标题进展情况\n{line}\n正文"
    blocks = text_blocks(text)
    assert publication_date(text, blocks, set()) == day


def test_a_date_inside_an_item_is_not_the_publication_date():
    text = "第二季度进展情况\n（一）任务\n2014年7月1日\n进度评价：已完成"
    blocks = text_blocks(text)
    assert publication_date(text, blocks, {blocks[2][0]}) is None


def test_the_period_end_the_text_states():
    assert period_end("截至2014年6月30日，进展如下") == dt.date(2014, 6, 30)
    assert period_end("截止2014年9月底，进展如下") == dt.date(2014, 9, 30)
    assert period_end("进展如下") is None


def test_the_title_skips_site_chrome():
    text = "您现在的位置：首页 > 信息公开\n字体：大 中 小\n2014年第二季度进展情况\n发布时间：2014-07-10"
    header = read_header(text, text_blocks(text), set())
    assert (header.title, header.year, header.quarter, header.reported_on) == (
        "2014年第二季度进展情况", 2014, 2, dt.date(2014, 7, 10))


def test_a_period_on_the_line_under_the_title_and_a_date_among_the_page_details():
    text = "重点民生实事进展情况\n（第二季度）\n2014-07-10 09:30　来源：区政府办　浏览次数：120\n（一）任务"
    header = read_header(text, text_blocks(text), set())
    assert (header.quarter, header.period_phrase, header.reported_on) == (2, "第二季度", dt.date(2014, 7, 10))


def test_months_as_a_period_and_a_date_in_chinese_numerals():
    assert quarter_of("2014年1-6月重点工作进展情况") == (2, "1-6月")
    assert quarter_of("2014年1至9月进展情况") == (3, "1至9月")
    text = "2014年1-6月进展情况\n（一）任务\n进度评价：已完成\n区政府办公室\n二〇一四年七月十日"
    assert read_header(text, text_blocks(text), set()).reported_on == dt.date(2014, 7, 10)


@pytest.mark.parametrize("title, phrase", [
    ("2015年度公共服务白皮书1-10月进展情况", "1-10月"),    # its 年度 names the paper's year: never the fourth quarter
    ("2015年1月至11月工作进展", "1月至11月"),
    ("前十个月进展情况", "前十个月"),
    ("2015年10月份工作进展情况", "10月份"),              # one month's report
    ("2014年12月份进展情况", "12月份"),                  # December is not the year's fourth quarter either
])
def test_a_period_that_ends_in_no_quarter_names_no_quarter_and_is_not_a_year(title, phrase):
    assert quarter_of(title) == (None, phrase)
    text = f"{title}\n（第四季度）\n发布时间：2015-11-05\n（一）任务"
    header = read_header(text, text_blocks(text), set())
    assert (header.quarter, header.period_phrase) == (None, phrase)   # the line below is not read over the title's period


@pytest.mark.parametrize("title, quarter, phrase", [
    ("2014年下半年工作进展情况", 4, "下半年"),                  # not the 半年 of 上半年
    ("2014年4-6月进展情况", 2, "4-6月"),                      # a quarter's months
    ("2014年4月至9月进展情况", 3, "4月至9月"),
    ("2014年度公共服务白皮书进展情况（截至9月底）", 3, "截至9月底"),
    ("进展情况（截至2014年6月30日）", 2, "截至2014年6月30日"),
])
def test_more_ways_a_title_names_a_quarter(title, quarter, phrase):
    assert quarter_of(title) == (quarter, phrase)


def test_a_period_on_the_next_line_wins_over_the_papers_year_in_the_title():
    text = "深圳市科技创新委员会2014年度公共服务白皮书进展情况\n（第二季度）\n发布时间：2014-07-10 09:30\n（一）任务"
    header = read_header(text, text_blocks(text), set())
    assert (header.quarter, header.period_phrase, header.year) == (2, "第二季度", 2014)
    text = "深圳市科技创新委员会2014年度公共服务白皮书进展情况\n发布时间：2015-01-10\n（一）任务"
    assert read_header(text, text_blocks(text), set()).quarter == 4   # 年度 alone: the whole year, as before


def test_the_year_is_the_one_the_period_is_in():
    text = "深圳市科技创新委员会2013年度工作完成情况及2014年第一季度进展情况\n发布时间：2014-04-10\n（一）任务"
    header = read_header(text, text_blocks(text), set())
    assert (header.year, header.quarter) == (2014, 1)


def test_periods_to_a_quarters_end_in_other_spellings():
    assert quarter_of("2014年1月至12月进展情况") == (4, "1月至12月")
    assert quarter_of("一至十二月进展情况") == (4, "一至十二月")
    assert quarter_of("2014年前9个月进展情况") == (3, "前9个月")


@pytest.mark.parametrize("intro, item, expected", [
    ("截至2014年6月20日，部分任务进展如下：", "本季度已发布指南。", dt.date(2014, 6, 20)),    # the report's own statement
    ("截至6月20日，部分任务进展如下：", "本季度已发布指南。", dt.date(2014, 6, 20)),         # its year the title's
    ("截至5月底，部分任务进展如下：", "本季度已发布指南。", dt.date(2014, 5, 31)),
    # else the end of the period the title names (第二季度): a figure's date inside an item, or another year's, is
    # not the report's
    ("部分任务进展如下：", "截至2013年12月31日，平台已有会员企业300家。", dt.date(2014, 6, 30)),
    ("截至2013年12月31日，进展如下：", "本季度已发布指南。", dt.date(2014, 6, 30)),
])
def test_the_period_end_is_the_reports_own_statement_before_its_items(intro, item, expected):
    text = f"2014年度公共服务白皮书第二季度进展情况\n发布时间：2014-07-10\n{intro}\n（六）任务\n{item}\n进度评价：已完成"
    blocks = text_blocks(text)
    items = {s for s, _ in blocks if s >= text.index("（六）")}
    assert read_header(text, blocks, items).period_end == expected


@pytest.mark.parametrize("title, expected", [
    ("2014年4-6月进展情况", dt.date(2014, 6, 30)), ("2014年下半年进展情况", dt.date(2014, 12, 31)),
    ("2014年度白皮书进展情况（截至9月底）", dt.date(2014, 9, 30)),   # the 截至 of the title, its year the title's
    ("白皮书第二季度进展情况", None),                                  # no year: no day
])
def test_without_a_stated_period_end_the_report_speaks_for_the_end_of_the_period_its_title_names(title, expected):
    text = f"{title}\n发布时间：2014-10-10\n（六）任务\n本季度已发布指南。\n进度评价：已完成"
    blocks = text_blocks(text)
    assert read_header(text, blocks, {s for s, _ in blocks if s >= text.index("（六）")}).period_end == expected
