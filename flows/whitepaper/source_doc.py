"""A decoded white paper as lines with offsets, plus the notes collected while reading it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flows.whitepaper.text import SourceError, cn_number, fold, line_spans, strip_span


class WhitepaperError(SourceError):
    """A white paper that does not follow the template; the message names the file, line and what was expected."""


@dataclass(frozen=True)
class Line:
    number: int   # 1-based line number, as an editor shows it
    start: int    # offsets into the canonical text, surrounding whitespace excluded
    end: int
    folded: str   # the stripped line, folded for matching


@dataclass
class SourceDoc:
    document_id: str
    source_file: str
    text: str
    folded: str = ""
    lines: list[Line] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    aside: list[tuple[int, int]] = field(default_factory=list)   # lines of a task table no task's (forms.PaperText)

    def __post_init__(self):
        self.folded = fold(self.text)
        for number, (start, end) in enumerate(line_spans(self.text), start=1):
            start, end = strip_span(self.text, start, end)
            self.lines.append(Line(number, start, end, self.folded[start:end]))

    def span(self, start: int, end: int) -> str:
        return self.text[start:end]

    def note(self, table: str, row_id: str | None, flag: str, detail: str, start: int | None = None, end: int | None = None) -> None:
        """Record an anomaly of the source; the parser never changes a value because of one."""
        self.notes.append({"document_id": self.document_id, "table_name": table, "row_id": row_id,
                           "flag": flag, "detail": detail, "source_start": start, "source_end": end})

    def is_aside(self, line: Line) -> bool:
        return any(start <= line.start and line.end <= end for start, end in self.aside)

    def where(self, line: Line) -> str:
        return f"{self.source_file}, line {line.number}"


NUMBERED = re.compile(r"^\(\s*([零〇一二两三四五六七八九十百千]+)\s*\)\s*")  # (一) after folding （一）
SECTION = re.compile(r"^([一二三四五六七八九十]+)\s*[、.]\s*(\S.*)$")      # 一、 工作职责


def paragraphs_span(lines: list[Line]) -> tuple[int, int] | None:
    """Span from the first to the last non-empty line: paragraphs joined exactly as in the source."""
    body = [ln for ln in lines if ln.folded]
    return (body[0].start, body[-1].end) if body else None


def numbered_items(doc: SourceDoc, lines: list[Line], table: str | None = None) -> list[tuple[int, Line, list[Line]]]:
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
