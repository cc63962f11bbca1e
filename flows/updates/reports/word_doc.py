"""A progress report as a Word document (.docx): the white paper's Word reader, with the tables' grids kept.

The text is flows/whitepaper/word.py's (paragraphs and table cells one per line, merged cells read once); the
grids are that reader's rows of cells for each table of the body (vMerge and gridSpan as spans). That reader
checks the file's budget (unpacked bytes, XML elements) before python-docx parses it, and the file is parsed once.
"""

from __future__ import annotations

from flows.updates.reports.forms import ReportText
from flows.updates.reports.grid import report_text
from flows.whitepaper import word


def read_word(raw: bytes, source_file: str) -> ReportText:
    """ReportText of a .docx; SourceError (naming the file) when python-docx cannot read it, OverBudget (zip_bomb,
    too_large_range) past a limit of flows/updates/limits.py."""
    document = word.open_docx(raw, source_file)
    return report_text(word.document_lines(document), [word._rows(t) for t in document.tables])
