"""Read one progress-update file (.csv, .xlsx or .json) into rows of text cells, safely and without changing it.

A file that cannot be read as a table comes back as a FileProblem naming what is wrong and what would be
accepted; reading never raises for anything a division can send. The file's bytes are read once and
never written: input files are not modified, moved or deleted.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

MAX_FILE_BYTES = 10 * 2**20
XLSX_MAX_UNCOMPRESSED_BYTES = 100 * 2**20
XLSX_MAX_RATIO = 100
"""A member may inflate at most this many times its packed size (members under 1 MiB are not held to it)."""
XLSX_MAX_MEMBERS = 1000
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


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
    problems: tuple[Problem, ...] = ()  # problems seen while reading (extra cells, not an object)


@dataclass(frozen=True)
class RawTable:
    file_format: str
    header: list[str]
    rows: list[RawRow] = field(default_factory=list)


def read_update_file(path: Path) -> RawTable | FileProblem:
    """The rows of one update file as text cells, or the reason the file cannot be read."""
    path = Path(path)
    file_format = FORMATS.get(path.suffix.lower())
    if file_format is None:
        return FileProblem("unsupported_format", f"files ending in {path.suffix or '(no extension)'!r} are not read; "
                           "save the sheet as .csv (UTF-8 or GB18030), .xlsx or .json")
    try:
        data = path.read_bytes()
    except OSError as err:
        return FileProblem("unreadable", f"the file cannot be opened ({err.strerror or err})")
    if len(data) > MAX_FILE_BYTES:
        return FileProblem("oversized", f"the file has {len(data):,} bytes; at most {MAX_FILE_BYTES:,} are accepted")
    if not data.strip(b" \t\r\n" + codecs.BOM_UTF8):
        return FileProblem("empty", "the file is empty; expected a header row and one row per report")
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json}[file_format]
    table = reader(data)
    if isinstance(table, FileProblem):
        return table
    if not table.rows:
        return FileProblem("empty", "the file has a header but no report rows under it")
    return table


def _blank(cells: list[str]) -> bool:
    return all(not c.strip() for c in cells)


def decode_text(data: bytes) -> str | FileProblem:
    """UTF-8 (with or without BOM) first, then GB18030; a multi-byte character cut off at the end means truncated."""
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if has_bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data":
            return FileProblem("truncated", "the file ends in the middle of a character: it looks cut short; send it again")
        if has_bom:
            return FileProblem("undecodable", f"the file starts with a UTF-8 byte-order mark but byte {err.start + 3} is not "
                               "UTF-8; save it as UTF-8 or GB18030")
        try:
            text = body.decode("gb18030")
        except UnicodeDecodeError as gb_err:
            if gb_err.end >= len(body) and "incomplete" in gb_err.reason:
                return FileProblem("truncated", "the file ends in the middle of a character: it looks cut short; send it again")
            return FileProblem("undecodable", f"byte {err.start} is neither UTF-8 nor GB18030/GBK; save the file as UTF-8 "
                               "(or GB18030)")
    if bad := CONTROL.search(text):
        return FileProblem("undecodable", f"character {bad.start()} is the control character {bad.group()!r}: this is not a "
                           "text file (binary, or UTF-16); save it as CSV in UTF-8 or GB18030")
    return text


def _read_csv(data: bytes) -> RawTable | FileProblem:
    text = decode_text(data)
    if isinstance(text, FileProblem):
        return text
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        if "end of data" in str(err) or "unexpected end" in str(err):
            return FileProblem("truncated", "a quoted cell is never closed: the file looks cut short; send it again")
        return FileProblem("not_a_table", f"the file is not valid CSV ({err}); save it as CSV with commas between cells")
    while records and _blank(records[-1]):
        records.pop()
    if not records:
        return FileProblem("empty", "the file has no rows")
    header = [h.strip() for h in records[0]]
    body = records[1:]
    if body and not text.endswith(("\n", "\r")) and len(body[-1]) < len(header):
        return FileProblem("truncated", f"the last row has {len(body[-1])} of the header's {len(header)} cells and the file "
                           "does not end with a line break: it looks cut short; send it again")
    rows = []
    for number, record in enumerate(body, start=2):
        if _blank(record):
            continue
        problems: tuple[Problem, ...] = ()
        extra = record[len(header):]
        if any(c.strip() for c in extra):
            problems = (Problem("extra_cells", f"the row has {len(record)} cells but the header has {len(header)}; "
                                "is there an unquoted comma in a cell?"),)
        cells = {h: (record[i] if i < len(record) else "") for i, h in enumerate(header)}
        cells.update({f"(cell {len(header) + i + 1})": c for i, c in enumerate(extra) if c.strip()})
        rows.append(RawRow(number, cells, problems))
    return RawTable("csv", header, rows)


def _xlsx_safety(data: bytes) -> FileProblem | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        if data.startswith(b"PK"):
            return FileProblem("truncated", "the .xlsx file is truncated or damaged (its zip directory is missing); save "
                               "it again from Excel or WPS")
        return FileProblem("not_a_table", "the file is not an .xlsx workbook (not a zip archive); an old .xls or a renamed "
                           "file must be saved as .xlsx")
    infos = archive.infolist()
    if len(infos) > XLSX_MAX_MEMBERS:
        return FileProblem("zip_bomb", f"the workbook holds {len(infos)} parts; at most {XLSX_MAX_MEMBERS} are accepted")
    total = sum(i.file_size for i in infos)
    if total > XLSX_MAX_UNCOMPRESSED_BYTES:
        return FileProblem("zip_bomb", f"the workbook unpacks to {total:,} bytes; at most {XLSX_MAX_UNCOMPRESSED_BYTES:,} "
                           "are accepted (a zip bomb?)")
    for info in infos:
        if info.file_size > 2**20 and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
            return FileProblem("zip_bomb", f"part {info.filename} unpacks {info.file_size // max(info.compress_size, 1)} times "
                               f"its packed size; at most {XLSX_MAX_RATIO} is accepted (a zip bomb?)")
    return None


def _xlsx_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        # 50% typed in Excel is stored as 0.5 with a percent format: read it as the division wrote it.
        if "%" in (cell.number_format or ""):
            return number_text(value * 100) + "%"
        return number_text(value)
    return str(value)


def number_text(value: float) -> str:
    """3.0 → '3', 0.25 → '0.25', as a person would write it."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(round(value, 10)) if isinstance(value, float) else str(value)


def _read_xlsx(data: bytes) -> RawTable | FileProblem:
    if problem := _xlsx_safety(data):
        return problem
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as err:  # noqa: BLE001 - anything openpyxl raises means the same to the division
        return FileProblem("damaged", f"the .xlsx file is damaged and cannot be opened ({type(err).__name__}); "
                           "save it again from Excel or WPS")
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None or not hasattr(sheet, "merged_cells"):
        return FileProblem("not_a_table", "the first sheet of the workbook is not a table of cells")
    if sheet.merged_cells.ranges:
        merged = ", ".join(sorted(str(r) for r in sheet.merged_cells.ranges)[:5])
        return FileProblem("merged_cells", f"sheet {sheet.title!r} has merged cells ({merged}); unmerge them so every "
                           "report has its own row and every cell its own value")
    grid = list(sheet.iter_rows(min_row=1, max_row=sheet.max_row, min_col=1, max_col=sheet.max_column))
    formulas = [c.coordinate for row in grid for c in row if c.data_type == "f"]
    if formulas:
        return FileProblem("formulas", f"sheet {sheet.title!r} has formulas in {', '.join(formulas[:5])}"
                           f"{' …' if len(formulas) > 5 else ''}; paste them as values (values only)")
    if not grid or _blank([_xlsx_text(c) for c in grid[0]]):
        return FileProblem("not_a_table", f"row 1 of sheet {sheet.title!r} is empty; the header must be in the first row")
    header = [_xlsx_text(c).strip() for c in grid[0]]
    rows = []
    for row in grid[1:]:
        values = [_xlsx_text(c) for c in row]
        if not _blank(values):
            rows.append(RawRow(row[0].row, {h or f"(column {i + 1})": v for i, (h, v) in enumerate(zip(header, values))}))
    return RawTable("xlsx", header, rows)


def _json_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _read_json(data: bytes) -> RawTable | FileProblem:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data":
            return FileProblem("truncated", "the file ends in the middle of a character: it looks cut short; send it again")
        return FileProblem("undecodable", f"byte {err.start} is not UTF-8; JSON files must be UTF-8")
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        if err.msg.startswith("Unterminated string") or err.pos >= len(text.rstrip()):
            return FileProblem("truncated", f"the JSON ends early ({err.msg}): the file looks cut short; send it again")
        return FileProblem("not_a_table", f"the file is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}")
    if not isinstance(items, list):
        return FileProblem("not_a_table", f"the JSON is a {type(items).__name__}, expected an array of objects: "
                           '[{"task": 3, "quarter": 2, …}, …]')
    if items and not any(isinstance(i, dict) for i in items):
        return FileProblem("not_a_table", "the JSON array holds no objects; expected one object per report")
    header: list[str] = []
    for item in items:
        if isinstance(item, dict):
            header.extend(k for k in item if k not in header)
    rows = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            cells = {str(k): _json_text(v) for k, v in item.items()}
            if not _blank(list(cells.values())):
                rows.append(RawRow(number, cells))
        elif item is not None:
            rows.append(RawRow(number, {"(value)": _json_text(item)},
                               (Problem("not_an_object", f"item {number} is a {type(item).__name__}, not an object "
                                        "with the update columns"),)))
    return RawTable("json", header, rows)
