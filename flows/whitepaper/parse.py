"""Parse one public-service white paper (公共服务白皮书) into the tables of schemas/whitepaper.py.

Every agency publishes the same template: a title, 信息来源 and date, an introduction, then
一、工作职责 (numbered duties), 二、<year>年度工作任务目标完成情况 (the review), 三、<year>年度工作任务目标
(the task table) and 四、公众参与、监督渠道 (contacts). Pure: no Prefect, no files written except by
write_tables_csv.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flows import paths
from flows.tables.frames import to_frame
from flows.updates.limits import MAX_WHITEPAPER_BYTES, OverBudget, read_capped
from flows.whitepaper.english import add_english, untranslated_detail
from flows.whitepaper.lookups import Lookups, load_lookups
from flows.whitepaper.quantities import find_quantities
from flows.whitepaper.sidecar import read_meta
from flows.whitepaper.source_doc import NUMBERED, SECTION, Line, SourceDoc, WhitepaperError, paragraphs_span
from flows.whitepaper.text import SourceError, cn_number, decode
from flows.tables.validate import validate_tables
from flows.whitepaper.tasks import parse_tasks


__all__ = ["ParsedWhitepaper", "WhitepaperError", "parse_whitepaper", "read_meta", "read_whitepaper", "write_tables_csv"]


@dataclass(frozen=True)
class ParsedWhitepaper:
    document_id: str
    text: str                      # canonical text the offsets index
    encoding: str
    tables: dict[str, pd.DataFrame]
    rows: dict[str, list[dict]] | None = None   # the same rows, unframed, when parsed with frames=False


SECTIONS = {  # key: (how to recognise the heading, how the template writes it)
    "responsibilities": (re.compile(r"职责"), "一、工作职责"),
    "review": (re.compile(r"(\d{4})\s*年度?.*完成情况"), "二、<year>年度工作任务目标完成情况"),
    "tasks": (re.compile(r"(\d{4})\s*年度?.*工作任务"), "三、<year>年度工作任务目标"),
    "contacts": (re.compile(r"公众参与|监督渠道"), "四、公众参与、监督渠道"),
}
# 继获国家技术发明一等奖…等10个奖项之后,又有9项: a 继…之后 clause recalls earlier years, not the year reviewed.
EARLIER_YEARS = re.compile(r"^\s*继.*之后")


def agency_of(document_id: str) -> str:
    return re.sub(r"-\d{4}$", "", document_id)


def _find_sections(doc: SourceDoc) -> dict[str, tuple[Line, list[Line]]]:
    headings = [(i, ln) for i, ln in enumerate(doc.lines) if SECTION.match(ln.folded)]
    found: dict[str, tuple[Line, list[Line]]] = {}
    for k, (i, ln) in enumerate(headings):
        title = SECTION.match(ln.folded).group(2)
        end = headings[k + 1][0] if k + 1 < len(headings) else len(doc.lines)
        for key, (pattern, template) in SECTIONS.items():
            if pattern.search(title) and not (key == "tasks" and "完成情况" in title):
                if key in found:
                    raise WhitepaperError(f"{doc.where(ln)}: a second heading for section {template!r} "
                                          f"(the first is on line {found[key][0].number}); expected each section once")
                found[key] = (ln, doc.lines[i + 1:end])
                break
    missing = [template for key, (_, template) in SECTIONS.items() if key not in found]
    if missing:
        raise WhitepaperError(f"{doc.source_file}: no section heading like {', '.join(repr(m) for m in missing)}; "
                              "expected the four numbered sections of the white-paper template")
    return found


def _header(doc: SourceDoc, first_section: Line, meta: dict) -> dict:
    head = [ln for ln in doc.lines[:first_section.number - 1] if ln.folded]
    if not head or "白皮书" not in head[0].folded:
        where = doc.where(head[0]) if head else doc.source_file
        raise WhitepaperError(f"{where}: expected the title line '<agency><year>年度公共服务白皮书' first")
    title = head[0]
    m = re.match(r"^(?P<agency>.*?)(?P<year>\d{4})\s*年", title.folded)
    if not m:
        raise WhitepaperError(f"{doc.where(title)}: the title has no year; expected '<agency><year>年度公共服务白皮书'")
    publisher, published = None, None
    for ln in head[1:]:
        src = re.match(r"^信息来源\s*[:]\s*(.+)$", ln.folded)
        if src and publisher is None:
            publisher = doc.span(ln.end - len(src.group(1)), ln.end).strip()
        date = re.search(r"(\d{4})\s*[年-]\s*(\d{1,2})\s*[月-]\s*(\d{1,2})", ln.folded)
        if date and published is None and len(ln.folded) <= 20:
            published = dt.date(*map(int, date.groups()))
    return {"title_zh": doc.span(title.start, title.end), "agency_zh": doc.span(title.start, title.start + m.end("agency")).strip(),
            "plan_year": int(m.group("year")), "publisher_zh": publisher, "published_date": published,
            "source_start": title.start, "source_end": title.end, **meta}


def _numbered_items(doc: SourceDoc, lines: list[Line], table: str | None = None) -> list[tuple[int, Line, list[Line]]]:
    """(number as printed, first line, continuation lines) for each (一)-numbered item.

    Lines before the first item are an introduction; with `table` given each one becomes a note.
    """
    items: list[tuple[int, Line, list[Line]]] = []
    for ln in lines:
        m = NUMBERED.match(ln.folded)
        if m:
            items.append((cn_number(m.group(1)), ln, []))
        elif ln.folded and items:
            items[-1][2].append(ln)
        elif ln.folded and table:
            doc.note(table, None, "unparsed_line", f"line {ln.number} comes before the first numbered item and is not "
                     f"tabulated: {doc.span(ln.start, ln.end)[:60]!r}", ln.start, ln.end)
    return items


def _check_numbering(doc: SourceDoc, table: str, items, id_of) -> None:
    for position, (printed, ln, _) in enumerate(items, start=1):
        if printed != position:
            doc.note(table, id_of(position), "numbering_out_of_order",
                     f"item {position} of the section is numbered ({printed}) in the source", ln.start, ln.end)


def _responsibilities(doc: SourceDoc, lines: list[Line]) -> list[dict]:
    items = _numbered_items(doc, lines, "responsibilities")
    rid = lambda seq: f"{doc.document_id}-r{seq:02d}"  # noqa: E731
    _check_numbering(doc, "responsibilities", items, rid)
    rows = []
    for seq, (_, first, more) in enumerate(items, start=1):
        start = first.start + NUMBERED.match(first.folded).end()
        end = (more[-1] if more else first).end
        rows.append({"responsibility_id": rid(seq), "document_id": doc.document_id, "responsibility_seq": seq,
                     "text_zh": doc.span(start, end), "source_start": start, "source_end": end})
    return rows


def _review(doc: SourceDoc, lines: list[Line]) -> tuple[list[dict], list[dict]]:
    groups: list[tuple[Line | None, list[Line]]] = [(None, [])]
    for ln in lines:
        if NUMBERED.match(ln.folded):
            groups.append((ln, []))
        else:
            groups[-1][1].append(ln)
    sections, indicators = [], []
    for seq, (heading, body) in enumerate(groups):
        span = paragraphs_span(body)
        if heading is None and span is None:
            continue
        section_id = f"{doc.document_id}-s{seq}"
        heading_zh = None
        if heading is not None:
            h_start = heading.start + NUMBERED.match(heading.folded).end()
            heading_zh = doc.span(h_start, heading.end).strip()
            if span is None:
                doc.note("review_sections", section_id, "empty_review_section",
                         f"review heading ({seq}) {heading_zh} has no paragraph under it", heading.start, heading.end)
                span = (h_start, heading.end)
        start, end = span
        sections.append({"section_id": section_id, "document_id": doc.document_id, "section_seq": seq,
                         "heading_zh": heading_zh, "text_zh": doc.span(start, end),
                         "source_start": heading.start if heading else start, "source_end": end})
        for q in find_quantities(doc.folded, start, end, skip_clause=EARLIER_YEARS):
            n = len(indicators) + 1
            indicators.append({"indicator_id": f"{doc.document_id}-i{n:02d}", "document_id": doc.document_id,
                               "section_id": section_id, "section_seq": seq, "indicator_seq": n,
                               "metric_zh": q.metric, "value": q.value, "unit_zh": q.unit, "qualifier": q.qualifier,
                               "is_cumulative": q.is_cumulative, "value_text_zh": doc.span(q.start, q.end),
                               "source_start": q.start, "source_end": q.end})
    return sections, indicators


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Brackets are left out of a URL: the folded text turns （http://…） into (http://…).
URL = re.compile(r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[A-Za-z0-9\-._~/?#@!$&*+=%:;,]*)?")
# Digits next to Chinese text have no \b (a CJK character is a word character), hence the lookarounds: 拨打12345热线.
PHONE = re.compile(r"(?<!\d)(?:(?:\+?86[- ]?)?(?:0\d{2,3}[- ]?)?\d{7,8}|1\d{10}|\d{5})(?!\d)")


def _contact_channel(folded: str) -> tuple[str, re.Match | None]:
    if m := EMAIL.search(folded):
        return "email", m
    if re.search(r"电话|热线|拨打|传真", folded) and (m := PHONE.search(folded)):
        return "phone", m
    if re.search(r"网站|网址|登录|www\.|https?://", folded) and (m := URL.search(folded)):
        return "website", m
    if re.search(r"信箱|邮寄|来信|地址|邮编", folded):
        return "mail", None
    return "other", None


def _contacts(doc: SourceDoc, lines: list[Line]) -> list[dict]:
    items = _numbered_items(doc, lines)
    rows = []
    for seq, (_, first, more) in enumerate(items, start=1):
        kept = []
        for ln in more:
            # The seed ends with a lone "0" after the last channel: not part of any item.
            if re.fullmatch(r"[\d\W_]{1,5}", ln.folded):
                doc.note("contacts", None, "stray_line", f"line {ln.number} holds only {doc.span(ln.start, ln.end)!r}; left out",
                         ln.start, ln.end)
            else:
                kept.append(ln)
        start = first.start + NUMBERED.match(first.folded).end()
        end = (kept[-1] if kept else first).end
        channel, m = _contact_channel(doc.folded[start:end])
        value = doc.span(start + m.start(), start + m.end()).rstrip(".,;:") if m else doc.span(start, end)
        rows.append({"contact_id": f"{doc.document_id}-c{seq}", "document_id": doc.document_id, "contact_seq": seq,
                     "channel": channel, "value": value, "text_zh": doc.span(start, end),
                     "source_start": start, "source_end": end})
    if not rows:
        raise WhitepaperError(f"{doc.source_file}: section 四 lists no numbered channel; expected lines like '(一) 登录…网站(www…)'")
    return rows


def parse_whitepaper(raw: bytes, document_id: str, source_file: str = "<memory>", meta: dict | None = None,
                     lookups: Lookups | None = None, validate: bool = True, frames: bool = True) -> ParsedWhitepaper:
    """Raw bytes of one white paper → its validated tables; WhitepaperError if it is not in the template.

    validate=False leaves validation to the caller, which validates many papers' tables at once (the pipeline);
    frames=False (which implies it) returns the rows unframed, to be framed once for all papers.
    """
    try:
        text, encoding = decode(raw, source_file)
    except SourceError as err:
        raise WhitepaperError(str(err)) from None
    doc = SourceDoc(document_id, source_file, text)
    lookups = lookups or load_lookups()
    sections = _find_sections(doc)
    first_heading = min((heading for heading, _ in sections.values()), key=lambda ln: ln.number)
    header = _header(doc, first_heading, meta or {})
    review_heading = SECTIONS["review"][0].search(sections["review"][0].folded)
    tasks_heading = SECTIONS["tasks"][0].search(sections["tasks"][0].folded)
    if int(tasks_heading.group(1)) != header["plan_year"]:
        doc.note("documents", document_id, "year_mismatch", f"title says {header['plan_year']}, section 三 says {tasks_heading.group(1)}",
                 sections["tasks"][0].start, sections["tasks"][0].end)
    sha = hashlib.sha256(raw).hexdigest()
    documents = [{"document_id": document_id, "agency_id": agency_of(document_id), **header,
                  "review_year": int(review_heading.group(1)), "source_file": source_file, "source_sha256": sha,
                  "source_encoding": encoding, "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                  "text_chars": len(text)}]
    review_sections, indicators = _review(doc, sections["review"][1])
    task_tables = parse_tasks(doc, sections["tasks"][1], header["plan_year"], agency_of(document_id), lookups)
    tables = {
        "documents": documents,
        "responsibilities": _responsibilities(doc, sections["responsibilities"][1]),
        "review_sections": review_sections,
        "indicators": indicators,
        **task_tables,
        "contacts": _contacts(doc, sections["contacts"][1]),
    }
    if missing := add_english(tables, lookups.translations):  # one note per paper, never a failure
        doc.note("documents", document_id, "untranslated_text", untranslated_detail(missing))
    notes = [{"note_id": f"{document_id}-n{i:02d}", **note} for i, note in enumerate(doc.notes, start=1)]
    if not frames:
        return ParsedWhitepaper(document_id, text, encoding, {}, {**tables, "quality_notes": notes})
    framed = {name: to_frame(rows, name) for name, rows in {**tables, "quality_notes": notes}.items()}
    if validate:
        framed = validate_tables(framed, context=source_file)
    return ParsedWhitepaper(document_id, text, encoding, framed)


def relative_to_repo(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.REPO).as_posix()
    except ValueError:
        return path.as_posix()


def read_whitepaper(path: Path, document_id: str | None = None, lookups: Lookups | None = None,
                    source_file: str | None = None, validate: bool = True, frames: bool = True) -> ParsedWhitepaper:
    """Read and parse a white paper file; the document id defaults to the file stem, source_file to its repo path."""
    path = Path(path)
    source_file = source_file or relative_to_repo(path)
    try:
        raw = read_capped(path, MAX_WHITEPAPER_BYTES)   # size checked first, never through a link
    except OverBudget as over:
        err = WhitepaperError(f"{source_file}: {over.message}")
        err.rule = over.code
        raise err from None
    return parse_whitepaper(raw, document_id or path.stem, source_file, read_meta(path), lookups, validate, frames)


def write_tables_csv(tables: dict[str, pd.DataFrame], out_dir: Path) -> dict[str, int]:
    """One UTF-8 <table>.csv with a header row per table; returns rows written per table."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
    return {name: len(df) for name, df in tables.items()}
