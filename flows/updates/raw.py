"""What reading an update file gives: rows of text cells, or the one problem that stops the file.

Shared by the readers (read.py for .csv and .json, xlsx.py for .xlsx) and every later step of the intake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """Why a row or file was rejected: a short snake_case code and a sentence a division can act on."""

    code: str
    message: str


class FileProblem(Problem):
    """A whole file that cannot be read as a table of reports."""


@dataclass(frozen=True)
class RawRow:
    source_row: int                    # spreadsheet row (header = 1) for csv/xlsx; array position (from 1) for json
    cells: dict[str, str]              # column as written → cell as text
    problems: tuple[Problem, ...] = ()  # problems seen while reading (extra cells, not an object, hidden, …)


@dataclass(frozen=True)
class RawTable:
    file_format: str
    header: list[str]
    rows: list[RawRow] = field(default_factory=list)


def blank(cells: list[str]) -> bool:
    """Every cell empty or whitespace. Joined first: one strip per row, not one per cell (a million rows a night)."""
    return not "".join(cells).strip()


def number_text(value: float) -> str:
    """3.0 → '3', 0.25 → '0.25', as a person would write it."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(round(value, 10)) if isinstance(value, float) else str(value)


def one_line(text: str, limit: int = 200) -> str:
    """A library's message made fit for one line of a rejection: whitespace collapsed, at most `limit` characters."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"
