"""Read one progress-update file (.csv, .xlsx, .xls or .json) into rows of text cells, safely and without changing it.

read_update_file is the one guard of a file's reading: whatever goes wrong inside it — a file past its budget
(flows/updates/limits.py), a link or special file, or any exception a library raises — comes back as one
FileProblem naming the cause, and the night goes on. The file is opened without following links, its size
checked before a capped read, and never written: input files are not modified, moved or deleted.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from pathlib import Path

from flows.updates import limits
from flows.updates.limits import Deadline, OverBudget
from flows.updates.raw import FileProblem, Problem, RawRow, RawTable, blank, number_text, one_line
from flows.updates.xls import OLE2_MAGIC, read_xls
from flows.updates.xlsx import read_xlsx

__all__ = ["FileProblem", "Problem", "RawRow", "RawTable", "decode_text", "guarded", "number_text", "read_update_file"]

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".xls": "xls", ".json": "json"}
SAVE_AS = {".et": "a WPS Spreadsheets .et file: open it in WPS and save it as .xlsx",
           ".ods": "an OpenDocument spreadsheet: save it as .xlsx"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


def guarded(read, *args) -> object:
    """read(*args), with anything it raises turned into the FileProblem that names the cause."""
    try:
        return read(*args)
    except OverBudget as over:
        return FileProblem(over.code, over.message)
    except MemoryError:
        return FileProblem("too_large_range", "the file needs more memory than a report file may use; keep only the "
                           "report table")
    except RecursionError:
        return FileProblem("too_deep", f"the file nests deeper than {limits.MAX_JSON_DEPTH} levels; expected an array "
                           "of objects")
    except Exception as err:  # noqa: BLE001 - the guard: one file's failure is that file's rejection, never the night's
        return FileProblem("reader_error", f"the file could not be read ({type(err).__name__}: {one_line(err)}); "
                           "save it again from Excel, WPS or a text editor")


def read_update_file(path: Path, deadline: Deadline | None = None, csv_table=None) -> RawTable | FileProblem:
    """The rows of one update file as text cells, or the reason the file cannot be read. Never raises.

    csv_table(header, body) builds a CSV file's table from its records instead of csv_rows (flows/updates/
    columns.py builds columns directly); whatever it raises is the file's problem like any other.
    """
    return guarded(_read, Path(path), deadline or Deadline(), csv_table or csv_rows)


def _read(path: Path, deadline: Deadline, csv_table) -> RawTable | FileProblem:
    if problem := limits.not_a_regular_file(path):
        raise problem
    file_format = FORMATS.get(path.suffix.lower())
    if file_format is None:
        what = f"{SAVE_AS[path.suffix.lower()]}; " if path.suffix.lower() in SAVE_AS else ""
        return FileProblem("unsupported_format", f"files ending in {path.suffix or '(no extension)'!r} are not read; "
                           f"{what}save the sheet as .csv (UTF-8 or GB18030), .xlsx, .xls or .json")
    data = limits.read_capped(path)
    if not data.strip(b" \t\r\n" + codecs.BOM_UTF8):
        return FileProblem("empty", "the file is empty; expected a header row and one row per report")
    if file_format == "csv":
        records = _csv_records(data, deadline)
        table = records if isinstance(records, FileProblem) else csv_table(*records)
    elif file_format in ("xlsx", "xls"):
        table = _read_workbook(data, file_format, deadline)
    else:
        table = _read_json(data, deadline)
    if isinstance(table, FileProblem):
        return table
    if not (table.rows if isinstance(table, RawTable) else len(table)):
        return FileProblem("empty", "the file has a header but no report rows under it")
    return table


def _read_workbook(data: bytes, file_format: str, deadline: Deadline) -> RawTable | FileProblem:
    """A workbook read by what its bytes are, not its name: an .xls renamed .xlsx, or the reverse, is read all
    the same. Web systems export a web page or XML under an .xls name, which Excel opens but no reader of workbooks
    does: that is said."""
    if data.startswith(OLE2_MAGIC):
        return read_xls(data, deadline)
    if data.startswith(b"PK") or file_format == "xlsx":
        return read_xlsx(data, deadline)
    head = data[:2048].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if head.startswith((b"<", b"\xff\xfe<", b"\xfe\xff")):
        return FileProblem("not_a_table", "the .xls file is a web page or XML saved under an .xls name (as web systems "
                           "export tables); open it in Excel or WPS and save it as .xlsx, or save it as .csv")
    return FileProblem("not_a_table", "the file is not an Excel workbook (neither .xls nor .xlsx inside); save the "
                       "sheet as .xlsx or .csv")


def _windows_936(err: UnicodeDecodeError) -> tuple[str, int]:
    """Windows' code page 936 (GBK as Excel and WPS save it) has the euro sign at 0x80, which GB18030 leaves out."""
    if err.object[err.start] == 0x80:
        return "€", err.start + 1
    raise err


codecs.register_error("whitepaper-cp936", _windows_936)


def _where(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"row {line}, byte {offset} (0x{data[offset]:02X})" if offset < len(data) else f"byte {offset}"


def decode_text(data: bytes) -> str | FileProblem:
    """UTF-8 (with or without BOM), else GB18030 read as Windows reads GBK; a character cut off at the end means
    truncated; an undecodable byte is named by its row (header = 1) and offset."""
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if has_bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data":
            return FileProblem("truncated", "the file ends in the middle of a character: it looks cut short; send it again")
        if has_bom:
            return FileProblem("undecodable", f"the file starts with a UTF-8 byte-order mark but {_where(data, err.start + 3)} "
                               "is not UTF-8; save it as UTF-8 or GB18030")
        try:
            text = body.decode("gb18030", errors="whitepaper-cp936")
        except UnicodeDecodeError as gb_err:
            if gb_err.end >= len(body) and "incomplete" in gb_err.reason:
                return FileProblem("truncated", "the file ends in the middle of a character: it looks cut short; send it again")
            return FileProblem("undecodable", f"{_where(data, gb_err.start)} is neither UTF-8 nor GB18030/GBK; save the "
                               "file as UTF-8 (or GB18030)")
    if bad := CONTROL.search(text):
        return FileProblem("undecodable", f"character {bad.start()} (row {text.count(chr(10), 0, bad.start()) + 1}) is the "
                           f"control character {bad.group()!r}: this is not a text file (binary, or UTF-16); save it as CSV "
                           "in UTF-8 or GB18030")
    return text


def _csv_records(data: bytes, deadline: Deadline) -> tuple[list[str], list[list[str]]] | FileProblem:
    """(the header, its outer spaces removed; the records under it, from row 2), or why the file is not CSV."""
    text = decode_text(data)
    if isinstance(text, FileProblem):
        return text
    records, cells = [], 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), strict=True):
            records.append(record)
            cells += max(len(record), 1)
            if cells > limits.MAX_CELLS:
                return FileProblem("too_large_range", f"the file has more than {limits.MAX_CELLS:,} cells; split it")
            if len(records) % 1000 == 0:
                deadline.check()
    except csv.Error as err:
        if "end of data" in str(err) or "unexpected end" in str(err):
            return FileProblem("truncated", "a quoted cell is never closed: the file looks cut short; send it again")
        return FileProblem("not_a_table", f"the file is not valid CSV ({one_line(err)}, row {len(records) + 1}); save it "
                           "as CSV with commas between cells")
    while records and blank(records[-1]):
        records.pop()
    if not records:
        return FileProblem("empty", "the file has no rows")
    header = [h.strip() for h in records[0]]
    body = records[1:]
    if body and not text.endswith(("\n", "\r")) and len(body[-1]) < len(header):
        return FileProblem("truncated", f"the last row has {len(body[-1])} of the header's {len(header)} cells and the file "
                           "does not end with a line break: it looks cut short; send it again")
    return header, body


def csv_rows(header: list[str], body: list[list[str]]) -> RawTable:
    """A CSV file's records as rows: blank ones skipped, short ones padded with "", extra cells that are not
    blank kept as "(cell N)" with an extra_cells problem; a header name given twice keeps its last cell."""
    rows = []
    for number, record in enumerate(body, start=2):
        if blank(record):
            continue
        problems: tuple[Problem, ...] = ()
        extra = record[len(header):]
        if not blank(extra):
            problems = (Problem("extra_cells", f"the row has {len(record)} cells but the header has {len(header)}; "
                                "is there an unquoted comma in a cell?"),)
        cells = {h: (record[i] if i < len(record) else "") for i, h in enumerate(header)}
        cells.update({f"(cell {len(header) + i + 1})": c for i, c in enumerate(extra) if c.strip()})
        rows.append(RawRow(number, cells, problems))
    return RawTable("csv", header, rows)


class _Object(dict):
    """A JSON object that remembers the keys it was given more than once (json keeps only the last)."""

    repeated: dict[str, list] = {}


def _object(pairs: list[tuple[str, object]]) -> _Object:
    obj = _Object(pairs)
    seen: dict[str, list] = {}
    for key, value in pairs:
        seen.setdefault(key, []).append(value)
    obj.repeated = {k: v for k, v in seen.items() if len(v) > 1}
    return obj


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


def _depth(items) -> int:
    """Deepest nesting of arrays and objects, counted without recursion."""
    deepest, stack = 0, [(items, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (list, dict)):
            deepest = max(deepest, depth)
            if depth > limits.MAX_JSON_DEPTH:
                break
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def _read_json(data: bytes, deadline: Deadline) -> RawTable | FileProblem:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data":
            return FileProblem("truncated", "the file ends in the middle of a character: it looks cut short; send it again")
        return FileProblem("undecodable", f"{_where(data, err.start)} is not UTF-8; JSON files must be UTF-8")
    try:
        items = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as err:
        if err.msg.startswith("Unterminated string") or err.pos >= len(text.rstrip()):
            return FileProblem("truncated", f"the JSON ends early ({err.msg}): the file looks cut short; send it again")
        return FileProblem("not_a_table", f"the file is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}")
    if _depth(items) > limits.MAX_JSON_DEPTH:
        raise RecursionError
    deadline.check()
    if not isinstance(items, list):
        return FileProblem("not_a_table", f"the JSON is a {'object' if isinstance(items, dict) else type(items).__name__}, "
                           'expected an array of objects: [{"task": 3, "quarter": 2, …}, …]')
    if items and not any(isinstance(i, dict) for i in items):
        return FileProblem("not_a_table", "the JSON array holds no objects; expected one object per report")
    if sum(len(i) if isinstance(i, dict) else 1 for i in items) > limits.MAX_CELLS:
        return FileProblem("too_large_range", f"the file has more than {limits.MAX_CELLS:,} cells; split it")
    header: list[str] = list(dict.fromkeys(k for item in items if isinstance(item, dict) for k in item))
    rows = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            cells = {str(k): _json_text(v) for k, v in item.items()}
            problems = tuple(Problem("duplicate_key", f"item {number} gives {key!r} {len(values)} times "
                                     f"({', '.join(one_line(json.dumps(v, ensure_ascii=False), 40) for v in values)}); "
                                     "JSON keeps only the last: send each key once")
                             for key, values in getattr(item, "repeated", {}).items())
            if not blank(list(cells.values())) or problems:
                rows.append(RawRow(number, cells, problems))
        elif item is not None:
            rows.append(RawRow(number, {"(value)": _json_text(item)},
                               (Problem("not_an_object", f"item {number} is a {type(item).__name__}, not an object "
                                        "with the update columns"),)))
    return RawTable("json", header, rows)
