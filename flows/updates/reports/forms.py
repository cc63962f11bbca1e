"""A progress report's bytes → its canonical text, as paragraphs and tables with offsets into that text.

The canonical text is what source_start/source_end index and what the release publishes as
sources/<report_id>.txt. Page text (.txt) is decoded as a paper's (flows/whitepaper/text.py: UTF-8 or
GB18030, line endings to \\n); a table in page text is a run of lines whose cells are separated by tabs, as a
browser copies a table, or by `|`. A web page (web_page.py) and a Word document (word_doc.py) are read by the
white papers' readers, one paragraph or cell per line, their tables' grids kept (grid.py). Every reader gives
the same ReportText, so the parsers never see the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from flows.whitepaper.text import decode, line_spans, strip_span

Span = tuple[int, int]
FORMS = {".txt": "text", ".html": "html", ".htm": "html", ".docx": "docx"}
"""Suffix → form of a progress report (any other file stays a contract file, which refuses what it cannot read as
unsupported_format). Web pages and Word documents are read by the white papers' readers, reused rather than copied."""
CELL_SEPARATOR = re.compile(r"\t|\|")


@dataclass(frozen=True)
class Table:
    """Rows of cells, each a span of the canonical text, or None where the cell is empty or covered by one above."""

    rows: list[list[Span | None]]


@dataclass
class ReportText:
    text: str
    blocks: list[Span | Table] = field(default_factory=list)   # paragraphs (one line each) and tables, in order

    def paragraphs(self) -> list[Span]:
        return [b for b in self.blocks if not isinstance(b, Table)]

    def lines(self) -> list[Span]:
        """Every non-empty line, whitespace around it left out: a web page laid out in a table still has its
        paragraphs here (one per line of the canonical text), wherever the page put them."""
        return [span for span in (strip_span(self.text, s, e) for s, e in line_spans(self.text)) if span[1] > span[0]]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def form_of(path: Path) -> str | None:
    return FORMS.get(Path(path).suffix.lower())


def _cells(text: str, start: int, end: int) -> list[Span | None]:
    """The cells of one table line: spans between separators, stripped; an empty cell is None."""
    parts, at = [], start
    for piece in CELL_SEPARATOR.split(text[start:end]):
        parts.append((at, at + len(piece)))
        at += len(piece) + 1
    line = text[start:end].strip()
    if line.startswith("|"):                    # | a | b | : the outer bars do not open or close a cell
        parts = parts[1:]
    if line.endswith("|"):
        parts = parts[:-1]
    return [(s, e) if e > s else None for s, e in (strip_span(text, *p) for p in parts)]


def text_blocks(text: str) -> list[Span | Table]:
    """Non-empty lines as paragraphs; runs of two or more lines with a tab or `|` between cells as tables."""
    blocks: list[Span | Table] = []
    run: list[Span] = []

    def close() -> None:
        rows = [_cells(text, s, e) for s, e in run if not re.fullmatch(r"[\s|:\-]+", text[s:e])]  # |---| is no row
        if len(rows) < 2:                         # one such line alone is a paragraph
            run[:] = [strip_span(text, s, e) for s, e in run]
        blocks.extend([Table(rows)] if len(rows) >= 2 else run)
        run.clear()

    for start, end in line_spans(text):
        s, e = strip_span(text, start, end)
        if e == s:
            continue
        # a row opens a table with a separator between cells; leading tabs are empty cells of a row already in
        # one ("\t\t产业化处" continues the task above), where elsewhere they are only indentation
        if CELL_SEPARATOR.search(text[s:e]) or (run and "\t" in text[start:s]):
            run.append((start, end))
            continue
        close()
        blocks.append((s, e))
    close()
    return blocks


def read_text_form(raw: bytes, source_file: str) -> ReportText:
    """Page text: decoded, canonical, split into blocks; SourceError (naming the file) when it is not text."""
    text, _ = decode(raw, source_file)
    return ReportText(text, text_blocks(text))


def _web_page(raw: bytes, source_file: str) -> ReportText:
    from flows.updates.reports.web_page import read_web_page   # these import lxml and python-docx: only when used

    return read_web_page(raw, source_file)


def _word(raw: bytes, source_file: str) -> ReportText:
    from flows.updates.reports.word_doc import read_word

    return read_word(raw, source_file)


READERS = {"text": read_text_form, "html": _web_page, "docx": _word}
