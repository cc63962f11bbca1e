"""The lines around a paper's own text: its title, the publication line(s), and the site's chrome.

A paper copied from the agency's web page carries the page around it:

    您现在的位置 : 首页 > 政务公开 > 规划计划 > 公共服务白皮书          ← breadcrumb, before the title
    深圳市科技创新委员会2014年度公共服务白皮书                          ← the title
    信息来源:深圳市科技创新委员会 信息提供日期:2014-04-02 【字体:      ← publication line with page controls
    来源:深圳市科技创新委员会发布时间:2014-04-02 10:00字号:【 视力保护色:
    【打印本页】 【关闭窗口】                                          ← page controls, after the contacts

The publisher and the date are taken from the publication line(s) in any of these forms, one line or several,
a label and its value on one line or on two, with or without a time. Chrome is skipped and recorded as a
site_chrome note, never dropped in silence; a line between the title and section 一 that is neither
publication, chrome nor introduction becomes an unplaced_header_line note.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flows.whitepaper.source_doc import Line, SourceDoc, WhitepaperError

PUBLISHER = r"信息来源|来源单位|发布机构|发布单位|发文机关|来源"
DATE_LABEL = r"信息提供日期|发布时间|发布日期|成文日期|更新时间|生成日期|日期|时间"
CONTROL = (r"字体|字号|视力保护色|护眼模式|浏览次数|阅读次数|访问次数|点击数|点击率|访问量|浏览量|责任编辑|编辑|作者"
           r"|索引号|主题分类|体裁分类|分类|发文字号|文号|关键词|主题词")
# A label ends at its colon (folded: ":"); page controls may come without one: 【字体 大 中 小】.
LABEL = re.compile(rf"(?P<label>{PUBLISHER}|{DATE_LABEL})\s*:\s*|(?P<control>{CONTROL})\s*:?\s*")
DATE = re.compile(r"(?<!\d)(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
# A line starting so is the page's publication line wherever it stands (bare 时间/日期 are too common in a paper).
PUBLICATION_LINE = re.compile(r"(?:信息来源|来源|发布机构|发布单位|信息提供日期|发布时间|发布日期)\s*:")
CONTROL_WORDS = re.compile(r"(?:我要)?打印(?:本页|此页|文章|本文|页面)?|关闭(?:窗口|本页|页面)?|返回(?:顶部|首页|列表)|加入收藏"
                           r"|收藏(?:本页)?|分享(?:到)?|保存(?:本页)?|默认|扫一扫\S*|[大中小](?=[\s】\]|]|$)")
# A line starting with these is page controls whatever follows (浏览次数：123次, 字体：【大 中 小】 …); the looser labels
# of CONTROL (作者, 编辑, 分类…) may start a paper's own sentence ("编辑短信发送至…"), so they do not count here.
CONTROL_START = re.compile(r"(?:字体|字号|视力保护色|护眼模式|浏览次数|阅读次数|访问次数|点击数|点击率|访问量|浏览量|责任编辑)\s*:?")
BREADCRUMB = re.compile(r"^(?:您现在的位置|您的位置|您所在的位置|当前位置|所在位置|现在位置|位置)\s*:?|(?:首页|主页|网站首页)\s*[>›»→]"
                        r"|[>›»→]\s*[^>›»→]+\s*[>›»→]")
FOOTER = re.compile(r"版权所有|copyright|©|icp备|公网安备|网站标识码|主办单位|主办\s*:|承办单位|技术支持|网站地图|联系我们"
                    r"|关于我们|上一篇|下一篇|上一条|下一条|相关(?:链接|文章|新闻|信息|阅读)|分享到|扫一扫|返回顶部"
                    r"|【[^】]{0,6}(?:打印|关闭|收藏)", re.IGNORECASE)
PUNCTUATION = re.compile(r"[\s【】\[\]|丨/:;,.()<>·•-]*")
SENTENCE_END = re.compile(r"[。!?;…]$")


@dataclass
class Publication:
    """What the publication lines say, with offsets into the canonical text, and the chrome found on them."""

    publisher: tuple[int, int] | None = None
    published: dt.date | None = None
    chrome: list[tuple[Line, str]] = field(default_factory=list)   # (line, the chrome on it)


def is_breadcrumb(folded: str) -> bool:
    return bool(BREADCRUMB.search(folded))


def is_chrome(folded: str) -> bool:
    """Page controls, breadcrumb, site footer or a publication line: not the paper's text."""
    lead = _lead(folded)
    if is_breadcrumb(folded) or FOOTER.search(folded) or PUBLICATION_LINE.match(lead) or CONTROL_START.match(lead) \
            or CONTROL_WORDS.match(lead):
        return True
    rest = LABEL.sub("", CONTROL_WORDS.sub("", DATE.sub("", folded)))
    return folded.strip() != "" and PUNCTUATION.fullmatch(rest) is not None and bool(
        CONTROL_WORDS.search(folded) or LABEL.search(folded))


def find_title(doc: SourceDoc, lines: list[Line]) -> tuple[Line, re.Match]:
    """The title line '<agency><year>年度公共服务白皮书': the first line with 白皮书 and a year that is not a breadcrumb."""
    candidates = [ln for ln in lines if "白皮书" in ln.folded and not is_breadcrumb(ln.folded)]
    for ln in candidates:
        m = re.match(r"^(?P<agency>.*?)(?P<year>\d{4})\s*年", ln.folded)
        if m:
            return ln, m
    if candidates:
        raise WhitepaperError(f"{doc.where(candidates[0])}: the title has no year; expected '<agency><year>年度公共服务白皮书'")
    first = next((ln for ln in lines if ln.folded and not is_chrome(ln.folded)), None) or next(
        (ln for ln in lines if ln.folded), None)
    where = doc.where(first) if first else doc.source_file
    raise WhitepaperError(f"{where}: expected the title line '<agency><year>年度公共服务白皮书' first")


def read_publication(doc: SourceDoc, lines: list[Line], found: Publication | None = None) -> tuple[Publication, list[Line]]:
    """Publisher, date and chrome from the lines that are publication lines; returns the lines that are not."""
    pub = found or Publication()
    rest: list[Line] = []
    pending: str | None = None          # a label whose value is on the next line: 信息来源: ⏎ 深圳市科技创新委员会
    for ln in lines:
        if not ln.folded:
            continue
        if pending == "publisher" and not LABEL.match(_lead(ln.folded)) and not DATE.match(ln.folded):
            label = LABEL.search(ln.folded)      # 深圳市科技创新委员会 发布时间:2014-04-02: the rest is read as a line
            end = ln.start + (label.start() if label else len(ln.folded))
            while end > ln.start and doc.text[end - 1].isspace():
                end -= 1
            pub.publisher = pub.publisher or (ln.start, end)
            pending = _fields(Line(ln.number, ln.start + label.start(), ln.end, ln.folded[label.start():]), pub) if label else None
            continue
        if pending == "date" and DATE.match(ln.folded):
            pub.published = pub.published or _date(ln.folded)
        pending = None
        lead = _lead(ln.folded)
        if LABEL.match(lead) or DATE.match(lead) or CONTROL_WORDS.match(lead):
            pending = _fields(ln, pub)
        elif is_breadcrumb(ln.folded) or is_chrome(ln.folded):
            pub.chrome.append((ln, ln.folded))
        elif not _unlabelled(ln, pub):
            rest.append(ln)
    return pub, rest


def _unlabelled(ln: Line, pub: Publication) -> bool:
    """A short line naming an office and a date without labels ('深圳市科技创新委员会  2014-04-02'): read it."""
    date = DATE.search(ln.folded)
    if date is None or len(ln.folded) > 40 or ln.folded[date.end():].strip(" 【】[]|"):
        return False
    office = re.fullmatch(r"\s*(\S.*?(?:委员会|局|办公室|办|院|中心|政府|厅|委))\s*", ln.folded[:date.start()])
    if ln.folded[:date.start()].strip() and office is None:
        return False
    pub.published = pub.published or _date(date.group())
    if office and pub.publisher is None:
        pub.publisher = (ln.start + office.start(1), ln.start + office.end(1))
    return True


def _lead(folded: str) -> str:
    return folded.lstrip(" 【[|")


def _date(text: str) -> dt.date | None:
    m = DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _fields(ln: Line, pub: Publication) -> str | None:
    """Read one publication line into pub; return 'publisher' or 'date' when it ends with that label and no value."""
    f = ln.folded
    labels = list(LABEL.finditer(f))
    prefix = f[:labels[0].start()] if labels else f
    chrome = [w.group() for w in CONTROL_WORDS.finditer(prefix)]
    pub.published = pub.published or _date(prefix)
    waiting = None
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(f)
        value = f[m.end():end]
        if m.group("control"):
            chrome.append(f[m.start():end].strip())
            continue
        tail = value
        if re.fullmatch(PUBLISHER, m.group("label")):
            # The publisher ends at a bracket, a wide gap or a date: 来源:深圳市科技创新委员会 2014-04-02 【字体
            cut = re.search(r"[【】\[\]|]|\s{2,}|" + DATE.pattern, value)
            v_end = m.end() + (cut.start() if cut else len(value))
            while v_end > m.end() and f[v_end - 1].isspace():
                v_end -= 1
            if v_end > m.end() and pub.publisher is None:
                pub.publisher = (ln.start + m.end(), ln.start + v_end)
            waiting = "publisher" if v_end == m.end() else None
            tail = value[cut.start():] if cut else ""
        else:
            waiting = "date" if not value.strip() else None
        pub.published = pub.published or _date(tail)
        if leftover := DATE.sub("", tail).strip(" 【】[]|"):
            chrome.append(leftover)
    if chrome:
        pub.chrome.append((ln, " ".join(chrome)))
    return waiting


def header_region(doc: SourceDoc, first_section: Line) -> tuple[dict, list[tuple]]:
    """documents columns taken from the lines before section 一, and the notes to add (chrome, unplaced lines)."""
    head = [ln for ln in doc.lines[:first_section.number - 1] if ln.folded]
    title, m = find_title(doc, head)
    notes: list[tuple] = []
    before = [ln for ln in head if ln.number < title.number]
    if before:
        notes.append(chrome_note(doc, before, "before the title"))
    pub, rest = read_publication(doc, [ln for ln in head if ln.number > title.number])
    for ln, what in pub.chrome:
        detail = (f"line {ln.number} ({doc.span(ln.start, ln.end)[:60]!r}) holds page controls or site navigation "
                  f"({what[:40]!r}), not the paper's text; skipped")
        notes.append(("site_chrome", detail, ln.start, ln.end))
    for ln in rest:
        if not (SENTENCE_END.search(ln.folded) or len(ln.folded) >= 40):
            detail = (f"line {ln.number} between the title and section 一 is neither the publication line nor the "
                      f"introduction: {doc.span(ln.start, ln.end)[:60]!r}")
            notes.append(("unplaced_header_line", detail, ln.start, ln.end))
    header = {"title_zh": doc.span(title.start, title.end),
              "agency_zh": doc.span(title.start, title.start + m.end("agency")).strip(), "plan_year": int(m.group("year")),
              "publisher_zh": doc.span(*pub.publisher) if pub.publisher else None, "published_date": pub.published,
              "source_start": title.start, "source_end": title.end}
    return header, notes


def chrome_note(doc: SourceDoc, lines: list[Line], where: str) -> tuple:
    """(flag, detail, start, end) of a site_chrome note on a block of lines skipped as the web page's."""
    quoted = "; ".join(repr(doc.span(ln.start, ln.end)[:40]) for ln in lines[:3]) + ("…" if len(lines) > 3 else "")
    numbers = f"line {lines[0].number}" if len(lines) == 1 else f"lines {lines[0].number}–{lines[-1].number}"
    return ("site_chrome", f"{numbers} {where} ({quoted}) are the web page's, not the paper's; skipped",
            lines[0].start, lines[-1].end)


def trailing_chrome(doc: SourceDoc, lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """(the paper's lines, the site's lines): everything from the first chrome line after a section's text on."""
    for i, ln in enumerate(lines):
        if ln.folded and is_chrome(ln.folded):
            return lines[:i], [x for x in lines[i:] if x.folded]
    return lines, []
