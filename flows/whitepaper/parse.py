"""Parse one public-service white paper (公共服务白皮书) into the tables of schemas/whitepaper.py.

Every agency publishes the same template: a title, 信息来源 and date, an introduction, then
一、工作职责 (numbered duties), 二、<year>年度工作任务目标完成情况 (the review), 三、<year>年度工作任务目标
(the task table) and 四、公众参与、监督渠道 (contacts). Pure: no Prefect, no files written except by
write_tables_csv.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flows import paths
from flows.tables.frames import to_frame
from flows.tables.validate import validate_tables
from flows.updates.limits import MAX_WHITEPAPER_BYTES, OverBudget, read_capped
from flows.whitepaper.contacts import parse_contacts
from flows.whitepaper.english import add_english, untranslated_detail
from flows.whitepaper.forms import FORM_NAMES, form_of, read_paper, refusal
from flows.whitepaper.header import chrome_note, header_region, read_publication, trailing_chrome
from flows.whitepaper.lookups import Lookups, load_lookups
from flows.whitepaper.quantities import find_quantities
from flows.whitepaper.sidecar import document_id_for, read_meta
from flows.whitepaper.source_doc import NUMBERED, SECTION, Line, SourceDoc, WhitepaperError, numbered_items, paragraphs_span
from flows.whitepaper.tasks import parse_tasks
from flows.whitepaper.text import SourceError, cn_number

__all__ = ["NotAWhitepaper", "ParsedWhitepaper", "WhitepaperError", "parse_whitepaper", "read_meta", "read_whitepaper",
           "write_tables_csv"]


class NotAWhitepaper(WhitepaperError):
    """A readable file with neither a white paper's title nor any of its sections: another document, not a paper."""


@dataclass(frozen=True)
class ParsedWhitepaper:
    document_id: str
    text: str                      # canonical text the offsets index
    encoding: str
    tables: dict[str, pd.DataFrame]
    rows: dict[str, list[dict]] | None = None   # the same rows, unframed, when parsed with frames=False
    form: str = "text"             # forms.FORMS: text, html or docx
    original: bytes | None = None  # the file's bytes, kept in the release, when the canonical text is extracted from it


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


def _section_key(ln: Line) -> str | None:
    title = SECTION.match(ln.folded).group(2)
    return next((key for key, (pattern, _) in SECTIONS.items()
                 if pattern.search(title) and not (key == "tasks" and "完成情况" in title)), None)


def _headings(doc: SourceDoc) -> list[tuple[int, Line, str | None]]:
    """(line index, line, section key or None) of each line numbered like a section heading that ends a section.

    Section 三 may number its tasks like headings (一、新建、改扩建中小学…。(民生实事) 目标:…): from a line 一、 that
    is no section's heading, with no (一) task before it, such lines are section 三's until the next known heading.
    """
    headings, in_tasks = [], False
    task_lines: bool | None = False   # inside section 三: False before any task line, True after a (一) one
    for i, ln in enumerate(doc.lines):
        if not (m := SECTION.match(ln.folded)) or doc.is_aside(ln):     # a table's group row 二、民生实事 is no heading
            if in_tasks and task_lines is False and NUMBERED.match(ln.folded):
                task_lines = True     # (一) tasks: a line 五、… after them ends section 三, as it always did
            continue
        key = _section_key(ln)
        if key is None and in_tasks and (task_lines is None or (task_lines is False and cn_number(m.group(1)) == 1)):
            task_lines = None         # the tasks are numbered 一、 二、 …
            continue
        in_tasks, task_lines = key == "tasks", False
        headings.append((i, ln, key))
    return headings


def _find_sections(doc: SourceDoc) -> dict[str, tuple[Line, list[Line]]]:
    headings = _headings(doc)
    found: dict[str, tuple[Line, list[Line]]] = {}
    for k, (i, ln, key) in enumerate(headings):
        end = headings[k + 1][0] if k + 1 < len(headings) else len(doc.lines)
        if key is not None:
            template = SECTIONS[key][1]
            if key in found:
                raise WhitepaperError(f"{doc.where(ln)}: a second heading for section {template!r} "
                                      f"(the first is on line {found[key][0].number}); expected each section once")
            found[key] = (ln, doc.lines[i + 1:end])
    missing = [template for key, (_, template) in SECTIONS.items() if key not in found]
    if missing:
        raise WhitepaperError(f"{doc.source_file}: no section heading like {', '.join(repr(m) for m in missing)}; "
                              "expected the four numbered sections of the white-paper template")
    return found


def _check_numbering(doc: SourceDoc, table: str, items, id_of) -> None:
    for position, (printed, ln, _) in enumerate(items, start=1):
        if printed != position:
            doc.note(table, id_of(position), "numbering_out_of_order",
                     f"item {position} of the section is numbered ({printed}) in the source", ln.start, ln.end)


def _responsibilities(doc: SourceDoc, lines: list[Line]) -> list[dict]:
    items = numbered_items(doc, lines, "responsibilities")
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


def _looks_like_a_paper(doc: SourceDoc) -> bool:
    """Two headings of the template's four sections, or one and a line naming a 白皮书: a paper, perhaps a broken
    one (whose error is then worth a failure); anything less is another document (a notice, minutes, a scan)."""
    headings = {key for ln in doc.lines if (m := SECTION.match(ln.folded))
                for key, (pattern, _) in SECTIONS.items() if pattern.search(m.group(2))}
    return len(headings) >= 2 or (len(headings) == 1 and any("白皮书" in ln.folded for ln in doc.lines))


def _paper_lines(doc: SourceDoc, contacts: list[Line]) -> tuple[list[Line], list[Line]]:
    """Section 四's lines, and the site's lines after them (page controls, footer), which are no channel."""
    # Only after the last channel: a chrome-like word inside the channels ("联系我们" 栏目) never cuts one off.
    last = max((i for i, ln in enumerate(contacts) if NUMBERED.match(ln.folded)), default=len(contacts))
    _, chrome = trailing_chrome(doc, contacts[last + 1:])
    if not chrome:
        return contacts, []
    return [ln for ln in contacts if ln.number < chrome[0].number], chrome


def parse_whitepaper(raw: bytes, document_id: str, source_file: str = "<memory>", meta: dict | None = None,
                     lookups: Lookups | None = None, validate: bool = True, frames: bool = True,
                     form: str = "text") -> ParsedWhitepaper:
    """Raw bytes of one white paper in a form of forms.FORMS → its validated tables; WhitepaperError if it is not in
    the template (NotAWhitepaper if it is another document altogether: no 白皮书 title and no section of it).

    validate=False leaves validation to the caller, which validates many papers' tables at once (the pipeline);
    frames=False (which implies it) returns the rows unframed, to be framed once for all papers.
    """
    try:
        paper = read_paper(raw, form, source_file)
        text, encoding = paper.text, paper.encoding
    except SourceError as err:
        paper_err = WhitepaperError(str(err))
        if err.rule:                  # empty, html_too_deep: the rule document_rejections gives it
            paper_err.rule = err.rule
        raise paper_err from None
    except OverBudget as over:        # a .docx past its budget (word.py): the paper's rejection, by that rule
        err = WhitepaperError(f"{source_file}: {over.message}")
        err.rule = over.code
        raise err from None
    doc = SourceDoc(document_id, source_file, text, aside=paper.aside)
    if not _looks_like_a_paper(doc):
        raise NotAWhitepaper(f"{source_file}: not a white paper: this {FORM_NAMES[form]} has at most one heading of "
                             "the template's four sections (一、工作职责 … 四、公众参与、监督渠道) and no title "
                             "'<agency><year>年度公共服务白皮书' with one; expected a white paper in the template")
    lookups = lookups or load_lookups()
    sections = _find_sections(doc)
    first_heading = min((heading for heading, _ in sections.values()), key=lambda ln: ln.number)
    header, header_notes = header_region(doc, first_heading)
    contact_lines, chrome = _paper_lines(doc, sections["contacts"][1])
    if chrome:
        tail, _ = read_publication(doc, chrome)    # some sites print 发布日期 under the text, not above it
        header["publisher_zh"] = header["publisher_zh"] or (doc.span(*tail.publisher) if tail.publisher else None)
        header["published_date"] = header["published_date"] or tail.published
        header_notes.append(chrome_note(doc, chrome, "after the contacts"))
    review_heading = SECTIONS["review"][0].search(sections["review"][0].folded)
    tasks_heading = SECTIONS["tasks"][0].search(sections["tasks"][0].folded)
    if int(tasks_heading.group(1)) != header["plan_year"]:
        doc.note("documents", document_id, "year_mismatch", f"title says {header['plan_year']}, section 三 says {tasks_heading.group(1)}",
                 sections["tasks"][0].start, sections["tasks"][0].end)
    sha = hashlib.sha256(raw).hexdigest()
    documents = [{"document_id": document_id, "agency_id": agency_of(document_id), **header, **(meta or {}),
                  "review_year": int(review_heading.group(1)), "source_file": source_file, "source_sha256": sha,
                  "source_format": form, "source_encoding": encoding,
                  "text_sha256": hashlib.sha256(text.encode()).hexdigest(), "text_chars": len(text)}]
    review_sections, indicators = _review(doc, sections["review"][1])
    task_tables = parse_tasks(doc, sections["tasks"][1], header["plan_year"], agency_of(document_id), lookups)
    tables = {
        "documents": documents,
        "responsibilities": _responsibilities(doc, sections["responsibilities"][1]),
        "review_sections": review_sections,
        "indicators": indicators,
        **task_tables,
        "contacts": parse_contacts(doc, contact_lines),
    }
    for table, flag, detail, start, end in paper.notes:   # the table reader's: a merged cell belongs to its task
        task = [t["task_id"] for t in task_tables["tasks"] if t["source_start"] <= start] if flag in ("merged_cell", "table_extra_column") else []
        doc.note(table, task[-1] if task else None, flag, detail, start, end)
    for flag, detail, start, end in header_notes:   # last, so that the notes of the paper's text keep their ids
        doc.note("documents", document_id, flag, detail, start, end)
    if missing := add_english(tables, lookups.translations):  # one note per paper, never a failure
        doc.note("documents", document_id, "untranslated_text", untranslated_detail(missing))
    notes = [{"note_id": f"{document_id}-n{i:02d}", **note} for i, note in enumerate(doc.notes, start=1)]
    original = raw if form != "text" else None
    if not frames:
        return ParsedWhitepaper(document_id, text, encoding, {}, {**tables, "quality_notes": notes}, form, original)
    framed = {name: to_frame(rows, name) for name, rows in {**tables, "quality_notes": notes}.items()}
    if validate:
        framed = validate_tables(framed, context=source_file)
    return ParsedWhitepaper(document_id, text, encoding, framed, None, form, original)


def relative_to_repo(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.REPO).as_posix()
    except ValueError:
        return path.as_posix()


def read_whitepaper(path: Path, document_id: str | None = None, lookups: Lookups | None = None,
                    source_file: str | None = None, validate: bool = True, frames: bool = True) -> ParsedWhitepaper:
    """Read and parse a white paper file in any form of forms.FORMS (by its extension).

    The document id defaults to sidecar.document_id_for (the sidecar's, else the file name made into an id),
    source_file to the path relative to the repository. WhitepaperError if the form is not accepted.
    """
    path = Path(path)
    source_file = source_file or relative_to_repo(path)
    form = form_of(path)
    if form is None:
        raise WhitepaperError(refusal(source_file, path))
    try:
        raw = read_capped(path, MAX_WHITEPAPER_BYTES)   # size checked first, never through a link
    except OverBudget as over:
        err = WhitepaperError(f"{source_file}: {over.message}")
        err.rule = over.code
        raise err from None
    return parse_whitepaper(raw, document_id or document_id_for(path, source_file), source_file,
                            read_meta(path), lookups, validate, frames, form)


def write_tables_csv(tables: dict[str, pd.DataFrame], out_dir: Path) -> dict[str, int]:
    """One UTF-8 <table>.csv with a header row per table; returns rows written per table."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
    return {name: len(df) for name, df in tables.items()}
