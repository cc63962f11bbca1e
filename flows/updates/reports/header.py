"""Which report: the year and quarter its title names, the date it was published, the period end it states.

Titles as published: "2014年度公共服务白皮书第二季度进展情况", "2014年重点民生实事进展情况（第二季度）",
"工作任务一季度进展情况", "2014年上半年…", "前三季度…", "2014年全年…". A quarter phrase wins over the 年度
of "2014年度…白皮书": that 年度 names the paper's year, not the period. The date is the page's 发布时间 /
发布日期 / 日期 line ("来源：区政府办  发布时间：2014-07-10 09:30"), else a line that is only a date outside the
items (the 落款 under an official document).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from flows.whitepaper.text import cn_number, fold

_MONTH = r"(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])"
_TO = r"\s*月?\s*[-—~～至到]\s*"
PERIODS = [  # (pattern on the folded title, quarter): the first that matches wins, so 下半年 before 半年
    (re.compile(r"第?([一二三四1-4])季度"), None),
    # 1-6月, 4-6月, 1月至9月, 一至十二月, 前9个月, 截至9月底: months to a month's end, the quarter ending there; a
    # period that ends in no quarter ("1-10月", "10月份") names none (below), and its 2015年度… must not make it the fourth
    (re.compile(r"(?<![\d一二三四五六七八九十])" + _MONTH + _TO + _MONTH + r"\s*月"), "months"),
    (re.compile(r"前\s*" + _MONTH + r"\s*个?月"), "months"),
    (re.compile(r"截[至止]\s*(?:\d{4}\s*年\s*)?" + _MONTH + r"\s*月\s*(?:底|末|\d{1,2}\s*日)"), "months"),
    (re.compile(r"(?<![\d一二三四五六七八九十])" + _MONTH + r"\s*月份"), "month"),   # 10月份进展情况: one month's report
    (re.compile(r"下半年"), 4),
    (re.compile(r"上半年|半年"), 2),
    (re.compile(r"前三季度|1-3季度|一至三季度"), 3),
    (re.compile(r"全年"), 4),
]
YEAR_WORD = re.compile(r"年度")
"""2014年度…白皮书: the paper's year, read as the whole year only when no line of the title names a period."""
TITLE_WORDS = re.compile(r"进展|进度|完成情况|落实情况|执行情况|推进情况|实施情况|工作情况")
CHROME = re.compile(r"您现在的位置|当前位置|首页\s*>|>\s*首页|^\s*(?:字体|字号|打印|关闭|分享)")
DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
LABELLED_DATE = re.compile(r"(?:发布时间|发布日期|信息提供日期|成文日期|日期|时间)\s*[:：]\s*" + DATE)
DATE_LINE = re.compile(r"^\s*[\[【(（]?\s*" + DATE + r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\]】)）]?\s*$")
# "2014-07-10 09:30　来源：区政府办　浏览次数：120": a page's date among other publication details
DATE_WITH_DETAILS = re.compile(r"^\s*" + DATE + r".*(?:来源|浏览|点击|作者|字号|阅读)")
PERIOD_END = re.compile(r"截[至止]\s*(?:" + DATE + r"|(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末))")
# 截至9月底, 截止6月30日: the month (and day) without its year, which the title gives
PERIOD_END_IN_YEAR = re.compile(r"截[至止]\s*(?<!\d)(\d{1,2})\s*月\s*(?:(底|末)|(\d{1,2})\s*日)")
YEAR = re.compile(r"(\d{4})\s*年")
CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def _arabic(line: str) -> str:
    """二〇一四年七月十日 (the 落款 of an official document) → 2014年7月10日; only for reading the date."""
    return CN_DATE.sub(lambda m: f"{m.group(1).translate(CN_DIGITS)}年{cn_number(m.group(2))}月{cn_number(m.group(3))}日",
                       fold(line))


@dataclass(frozen=True)
class ReportHeader:
    title: str
    title_span: tuple[int, int]
    year: int | None
    quarter: int | None
    period_phrase: str | None          # as written in the title: 第二季度, 上半年, …
    reported_on: dt.date | None
    period_end: dt.date | None


def quarter_of(title: str, year_word: bool = True) -> tuple[int | None, str | None]:
    """(quarter, phrase as written) named by a title; (None, phrase) for a period that ends in no quarter (1-10月,
    10月份: whether its rows speak of the third quarter or the fourth is not said, so none is guessed); (None, None)
    when the title names no period. year_word: a bare 年度 counts as the fourth quarter (the last resort)."""
    folded = fold(title)
    for pattern, quarter in PERIODS:
        if m := pattern.search(folded):
            phrase = title[m.start():m.end()]
            if quarter in ("months", "month"):
                month = cn_number(m.groups()[-1])
                if quarter == "month" or month % 3 or (len(m.groups()) == 2 and cn_number(m.group(1)) > month):
                    return None, phrase
                quarter = month // 3
            return (quarter or cn_number(m.group(1))), phrase
    if year_word and (m := YEAR_WORD.search(folded)):
        return 4, title[m.start():m.end()]
    return None, None


def title_year(title: str, phrase: str | None) -> int | None:
    """The year a title names for its period: the last one before the period's phrase (2013年度工作完成情况及2014年
    第一季度进展情况 is about 2014), else the first one."""
    folded, at = fold(title), title.find(phrase) if phrase else -1
    years = [(m.start(), int(m.group(1))) for m in YEAR.finditer(folded)]
    before = [y for start, y in years if 0 <= at and start < at]
    return before[-1] if before else (years[0][1] if years else None)


def find_title(text: str, paragraphs: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first line naming progress (进展情况…) among the first lines, site chrome skipped; else the first line."""
    lines = [p for p in paragraphs[:25] if not CHROME.search(text[p[0]:p[1]])]
    for span in lines:
        line = text[span[0]:span[1]]
        if TITLE_WORDS.search(line) and len(line) <= 80:
            return span
    return lines[0] if lines else None


def _date(m: re.Match, at: int = 0) -> dt.date | None:
    try:
        return dt.date(*(int(g) for g in m.groups()[at:at + 3]))
    except ValueError:
        return None


def publication_date(text: str, paragraphs: list[tuple[int, int]], item_lines: set[int]) -> dt.date | None:
    """The date of the 发布时间/日期 line; else of a line that is only a date, not inside an item."""
    for s, e in paragraphs:
        if m := LABELLED_DATE.search(_arabic(text[s:e])):
            return _date(m)
    for pattern in (DATE_LINE, DATE_WITH_DETAILS):
        for s, e in paragraphs:
            if s not in item_lines and (m := pattern.match(_arabic(text[s:e]))):
                return _date(m)
    return None


def period_end(text: str, year: int | None = None) -> dt.date | None:
    """The first 截至2014年6月30日 (or 截至2014年6月底) the text states; with year (the title's), also 截至9月底 and
    截至9月30日, which leave it out."""
    folded = fold(text)
    m = PERIOD_END.search(folded)
    if m is not None:
        if m.group(1):
            return _date(m)
        return _month_end(int(m.group(4)), int(m.group(5)))
    m = PERIOD_END_IN_YEAR.search(folded) if year is not None else None
    if m is None:
        return None
    if m.group(2):
        return _month_end(year, int(m.group(1)))
    try:
        return dt.date(year, int(m.group(1)), int(m.group(3)))
    except ValueError:
        return None


def _month_end(year: int, month: int) -> dt.date | None:
    return dt.date(year, month, calendar.monthrange(year, month)[1]) if 1 <= month <= 12 else None


def quarter_end(year: int | None, quarter: int | None) -> dt.date | None:
    """The last day of a year's quarter: the day a report on the period its title names (第二季度, 4-6月, 上半年)
    speaks for when its text states no 截至."""
    return _month_end(year, 3 * quarter) if year is not None and quarter in (1, 2, 3, 4) else None


def read_header(text: str, paragraphs: list[tuple[int, int]], item_lines: set[int]) -> ReportHeader:
    title_span = find_title(text, paragraphs) or (0, 0)
    title = text[title_span[0]:title_span[1]]
    quarter, phrase = quarter_of(title, year_word=False)
    if quarter is None and phrase is None:
        # a title may put its period on a line of its own: 重点民生实事进展情况 / （第二季度）
        before_items = [(s, e) for s, e in paragraphs[:25] if s not in item_lines and e - s <= 40 and s > title_span[0]]
        quarter, phrase = next((q for q in (quarter_of(text[s:e], year_word=False) for s, e in before_items[:3])
                                if q[0]), (None, None))
    if quarter is None and phrase is None:
        quarter, phrase = quarter_of(title)
    year = title_year(title, phrase)
    reported_on = publication_date(text, paragraphs, item_lines)
    return ReportHeader(title, title_span, year, quarter, phrase, reported_on,
                        stated_period_end(text, paragraphs, item_lines, year) or quarter_end(year, quarter))


def stated_period_end(text: str, paragraphs: list[tuple[int, int]], item_lines: set[int], year: int | None) -> dt.date | None:
    """The period end a report states of itself: the first 截至… of a paragraph before its first item, in the year
    its title names (when it names one). A 截至 inside an item ("截至2013年底，平台已有会员300家") dates that figure,
    not the report, and the summaries take the period end as the day every row of the report speaks for."""
    first_item = min(item_lines, default=None)
    for s, e in paragraphs:
        if first_item is not None and s >= first_item:
            break
        end = period_end(text[s:e], year)
        if end is not None and (year is None or end.year == year):
            return end
    return None
