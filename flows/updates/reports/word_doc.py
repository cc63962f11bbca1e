"""A progress report as a Word document (.docx): the white paper's Word reader, with the tables' grids kept.

The text is flows/whitepaper/word.py's (paragraphs and table cells one per line, merged cells read once); the
grids are that reader's rows of cells for each table of the body (vMerge and gridSpan as spans).
"""

from __future__ import annotations

import io
import zipfile

import docx

from flows.updates import limits
from flows.updates.limits import OverBudget
from flows.updates.reports.forms import ReportText
from flows.updates.reports.grid import report_text
from flows.whitepaper import word


def read_word(raw: bytes, source_file: str) -> ReportText:
    """ReportText of a .docx; SourceError (naming the file) when python-docx cannot read it."""
    _unpacked_within_budget(raw)
    lines = word.docx_lines(raw, source_file)         # raises SourceError for anything but a readable .docx
    tables = [word._rows(t) for t in docx.Document(io.BytesIO(raw)).tables]
    return report_text(lines, tables)


def _unpacked_within_budget(raw: bytes) -> None:
    """OverBudget (zip_bomb) for a .docx whose parts say they unpack past MAX_UNPACKED_BYTES, or one part 100 times."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return                                         # not a zip: the Word reader names the problem
    total = sum(i.file_size for i in infos)
    if total > limits.MAX_UNPACKED_BYTES or any(i.file_size > 2**20 and i.file_size > 100 * max(i.compress_size, 1)
                                                for i in infos):
        raise OverBudget("zip_bomb", f"the Word document unpacks to {total:,} bytes or one part to more than 100 times its "
                         f"packed size; at most {limits.MAX_UNPACKED_BYTES:,} bytes are accepted (a zip bomb?)")
