"""What an Excel cell cannot hold, and the marked stand-in the workbook carries for it instead.

Validation accepts any text; Excel does not: a cell holds at most 32,767 characters (counted in UTF-16 units, so a
character outside the Basic Multilingual Plane counts twice), and XML 1.0, which an .xlsx file is made of, has no
way to write the control characters U+0000-U+0008, U+000B, U+000C, U+000E-U+001F nor U+FFFE/U+FFFF. Such a
cell is replaced, in the workbook only, by a stand-in starting with STAND_IN_MARK that says why and where the
whole value is; CSV, Parquet and DuckDB keep it whole. stand_in_notes gives the quality notes naming each
such cell's table, row and, where the row has one, its source file and row. Pure: frames in, frames out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from flows.release.xlsx_writer import text_array
from flows.tables.codebook import TableSpec

XLSX_MAX_CELL_CHARS = 32767
"""Characters (UTF-16 units) in one Excel cell."""
XML_ILLEGAL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x{fffe}\\x{ffff}]"
"""Characters XML 1.0 cannot write at all, not even as &#n; references (RE2 syntax, for Arrow's kernels)."""
_ASTRAL = "[\\x{10000}-\\x{10ffff}]"
STAND_IN_MARK = "[not in this workbook:"
"""How every stand-in starts; documented in the release README and the workbook's codebook sheet."""
NOTE_FLAG = "xlsx_stand_in"


def unholdable(values: pyarrow.Array) -> tuple[pyarrow.Array, pyarrow.Array]:
    """(too_long, illegal): two boolean arrays, null-free, over a string array.

    The regular expressions run only where they can find something (each took about 50 ms a column of a
    million cells): astral characters only when a value is over half the limit long, and the illegal characters
    only when the column's bytes hold one of their encodings at all.
    """
    if not len(values):
        empty = pyarrow.array([], pyarrow.bool_())
        return empty, empty
    nothing = pyarrow.array(np.zeros(len(values), dtype=bool))
    # A UTF-16 unit takes at least one byte of UTF-8 (an astral character: two units, four bytes), so a column
    # whose longest value has no more bytes than a cell has units holds no value too long, read from the offsets.
    if (pc.max(pc.binary_length(values)).as_py() or 0) <= XLSX_MAX_CELL_CHARS:
        too_long = nothing
    else:
        units = pc.utf8_length(values)
        if (pc.max(units).as_py() or 0) > XLSX_MAX_CELL_CHARS // 2:   # shorter, it fits even if every character counts two
            units = pc.add(units, pc.count_substring_regex(values, _ASTRAL))
        too_long = pc.fill_null(pc.greater(units, XLSX_MAX_CELL_CHARS), False)
    if _may_hold_illegal(values):
        illegal = pc.fill_null(pc.match_substring_regex(values, XML_ILLEGAL), False)
    else:
        illegal = nothing
    return too_long, illegal


def _may_hold_illegal(values: pyarrow.Array) -> bool:
    """False only when no byte of the array's data is a C0 control other than tab, LF, CR, nor starts U+FFFE/FFFF.

    In UTF-8 a byte under 0x20 is always that character itself, and U+FFFE/U+FFFF are EF BF BE/EF BF BF; the data
    buffer may hold bytes of values sliced away, which can only make the answer True. The smallest and largest
    byte (one pass each, without a temporary) pass over a column of ids or plain text before any closer look.
    """
    data = values.buffers()[2]
    if data is None or not data.size:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    if raw.min() < 0x20:
        controls = raw[raw < 0x20]
        if np.any((controls != 0x09) & (controls != 0x0A) & (controls != 0x0D)):
            return True
    if raw.max() < 0xEF:
        return False
    lead = np.flatnonzero(raw[:-2] == 0xEF)
    return bool(np.any((raw[lead + 1] == 0xBF) & ((raw[lead + 2] == 0xBE) | (raw[lead + 2] == 0xBF))))


def stand_in(table: str, value: str) -> str:
    """The workbook's text for a cell it cannot hold: why, and where the whole value is (the same row of the CSV)."""
    units = len(value.encode("utf-16-le")) // 2
    if units > XLSX_MAX_CELL_CHARS:   # Excel counts UTF-16 units: an emoji or a rare CJK character counts twice
        why = (f"{len(value):,} characters ({units:,} UTF-16 units), more than the {XLSX_MAX_CELL_CHARS:,} units a "
               "cell holds")
    else:
        bad = sorted({f"U+{ord(c):04X}" for c in value if _is_illegal(c)})
        why = f"control character {', '.join(bad)}, which a workbook cannot store"
    return f"{STAND_IN_MARK} {why}; the whole value is in data/{table}.csv and data/{table}.parquet, same row]"


def _is_illegal(char: str) -> bool:
    code = ord(char)
    return code < 0x20 and char not in "\t\n\r" or code in (0xFFFE, 0xFFFF)


def workbook_frame(table: str, frame: pd.DataFrame, spec: TableSpec) -> tuple[pd.DataFrame, int]:
    """The frame as the workbook shows it: every cell Excel cannot hold replaced by its stand-in; how many were.

    The frame itself is not changed; a column without such a cell is shared, not copied.
    """
    replaced, out = 0, frame
    for col in spec.columns:
        if col.type != "string" or not len(frame):
            continue
        values = text_array(frame[col.name])
        too_long, illegal = unholdable(values)
        bad = pc.or_(too_long, illegal)
        count = pc.sum(bad).as_py() or 0
        if not count:
            continue
        if out is frame:
            out = frame.copy(deep=False)
        column = frame[col.name].astype(object).copy()
        for i in pc.indices_nonzero(bad).to_pylist():
            column.iat[i] = stand_in(table, column.iat[i])
        out[col.name] = column
        replaced += count
    return out, replaced


def stand_in_notes(tables: dict[str, pd.DataFrame], specs: dict[str, TableSpec]) -> pd.DataFrame:
    """quality_notes rows (note_id workbook-n001…) for every cell the workbook will carry a stand-in for.

    Each names the table, the row's primary key, the column and why, and the source file and row when the row has
    them (source_file, source_row). A row without a known document_id is noted under the first document.
    """
    documents = sorted(tables["documents"]["document_id"]) if "documents" in tables else []
    notes = []
    for name, frame in tables.items():
        spec = specs.get(name)
        if spec is None or not len(frame):
            continue
        for col in spec.columns:
            if col.type != "string":
                continue
            too_long, illegal = unholdable(text_array(frame[col.name]))
            for i in pc.indices_nonzero(pc.or_(too_long, illegal)).to_pylist():
                notes.append(_note(name, spec, frame.iloc[i], col.name, bool(too_long[i].as_py()), documents))
    for n, note in enumerate(notes, 1):
        note["note_id"] = f"workbook-n{n:03d}"
    columns = ["note_id", "document_id", "table_name", "row_id", "flag", "detail", "source_start", "source_end"]
    frame = pd.DataFrame(notes, columns=columns)
    return frame.astype({"source_start": "Int64", "source_end": "Int64"})


def _note(table: str, spec: TableSpec, row: pd.Series, column: str, too_long: bool, documents: list[str]) -> dict:
    key = "|".join(str(row[k]) for k in spec.primary_key)
    key = key if len(key) <= 200 else key[:200] + "…"
    why = (f"more than the {XLSX_MAX_CELL_CHARS:,} UTF-16 units (characters; an emoji counts two) an Excel cell holds"
           if too_long
           else "a control character that an Excel workbook cannot store")
    where = ""
    if "source_file" in row.index and isinstance(row["source_file"], str):
        where = f" (from {row['source_file']}"
        where += f", row {int(row['source_row'])})" if "source_row" in row.index and pd.notna(row["source_row"]) else ")"
    document = row.get("document_id") if isinstance(row.get("document_id"), str) else None
    if document not in documents:
        document = documents[0] if documents else ""
    return {"document_id": document, "table_name": table, "row_id": key, "flag": NOTE_FLAG,
            "detail": f"{table} row {key}{where}, column {column}: {why}; whitepaper.xlsx shows a stand-in starting "
                      f"'{STAND_IN_MARK}', while the CSV, Parquet and DuckDB files hold the whole value",
            "source_start": None, "source_end": None}
