"""A progress report as a Word document (.docx): the white paper's Word reader, with the tables' grids kept.

The text is flows/whitepaper/word.py's (paragraphs and table cells one per line, merged cells read once); the
grids are that reader's rows of cells for each table of the body (vMerge and gridSpan as spans).
"""

from __future__ import annotations

import io

import docx

from flows.updates.reports.forms import ReportText
from flows.updates.reports.grid import report_text
from flows.whitepaper import word


def read_word(raw: bytes, source_file: str) -> ReportText:
    """ReportText of a .docx; SourceError (naming the file) when python-docx cannot read it."""
    lines = word.docx_lines(raw, source_file)         # raises SourceError for anything but a readable .docx
    tables = [word._rows(t) for t in docx.Document(io.BytesIO(raw)).tables]
    return report_text(lines, tables)
