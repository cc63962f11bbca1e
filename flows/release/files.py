"""Write one table as Parquet and CSV, all tables as one spreadsheet, and the canonical source texts.

Pure file writers: the same frame always gives the same Parquet and CSV bytes, so releases can be compared
by checksum. Only the CSV neutralises formula-like text; Parquet, DuckDB and the spreadsheet keep it as is.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.tables.codebook import ColumnSpec, TableSpec
from flows.release.xlsx_cells import STAND_IN_MARK, workbook_frame
from flows.release.xlsx_writer import SHEET_MAX_ROWS, joined_bytes, text_array, write_workbook
from schemas._fields import ID_SLUG

ARROW_TYPES = {"string": pyarrow.string(), "integer": pyarrow.int64(), "number": pyarrow.float64(),
               "boolean": pyarrow.bool_(), "date": pyarrow.date32()}
FORMULA_LIKE = re.compile(r"'*[=+\-@\t\r]")
"""Text a spreadsheet may run as a formula (CSV injection): it starts with = + - @ tab or CR, after any apostrophes."""
NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
CSV_LINE_END = "\r\n"
CSV_CHUNK_ROWS = 100_000
CSV_NEEDS_QUOTES = '[",\r\n]'   # what csv.QUOTE_MINIMAL quotes with "\r\n" line ends
CSV_QUOTED_BYTES = (b",", b'"', b"\r", b"\n")
FORMULA_FIRST = b"'=+-@\t\r"   # the bytes FORMULA_LIKE text can start with
CODEBOOK_SHEET = "_codebook"
RELEASE_SHEET = "_release"   # provenance: a workbook mailed on its own still names its release


def canonical_frame(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Columns in the model's order, one dtype per type, rows sorted by the primary key, a plain 0..n index."""
    out = pd.DataFrame({c.name: _canonical_column(df[c.name], c) for c in spec.columns}, index=range(len(df)))
    keys = list(spec.primary_key) or spec.column_names
    if len(keys) == 1 and not out[keys[0]].hasnans and out[keys[0]].is_monotonic_increasing:
        # Already in order (the updates come sorted by update_id): sorting would copy a million rows that then
        # share nothing with the caller's table, and gives the same rows in the same order (a stable sort).
        return out
    return out.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)


def _canonical_column(series: pd.Series, col: ColumnSpec) -> pd.Series:
    values = series.reset_index(drop=True)
    if col.type == "string":
        return values.astype("str")
    if col.type == "integer":
        return values.astype("Int64" if col.extension_integer else "int64")
    if col.type == "number":
        return values.astype("float64")
    if col.type == "boolean":  # a nullable flag (is_met: null when unknown) keeps its nulls
        return values.astype("boolean" if col.nullable else "bool")
    try:   # pyarrow takes dates, datetimes (their date) and every null at once; a million values in milliseconds
        return pd.Series(pyarrow.array(values, type=pyarrow.date32(), from_pandas=True).to_pandas(date_as_object=True),
                         dtype=object)
    except (pyarrow.ArrowException, TypeError, ValueError):
        return pd.Series([None if pd.isna(v) else v.date() if isinstance(v, dt.datetime) else v for v in values],
                         dtype=object)


def arrow_schema(spec: TableSpec) -> pyarrow.Schema:
    """Arrow types from the codebook, each field carrying its bilingual description."""
    return pyarrow.schema([
        pyarrow.field(c.name, ARROW_TYPES[c.type], nullable=c.nullable, metadata={"description": c.description})
        for c in spec.columns
    ])


def write_parquet(df: pd.DataFrame, spec: TableSpec, path: Path) -> int:
    """Write a canonical frame as zstd Parquet without its index; return the number of rows."""
    table = pyarrow.Table.from_pandas(df, schema=arrow_schema(spec), preserve_index=False)
    table = table.replace_schema_metadata({**table.schema.metadata, b"description": spec.description.encode()})
    pq.write_table(table, path, compression="zstd")
    return table.num_rows


def read_parquet(path: Path) -> pd.DataFrame:
    """Read a Parquet file back with the pandas dtypes it was written from."""
    return pq.read_table(path).to_pandas()


def parquet_reads_back(path: Path, frame: pd.DataFrame, batch_rows: int = 200_000) -> bool:
    """Whether the Parquet file reads back as exactly the frame (values and dtypes), batch_rows at a time so
    that a million-row table is never held twice."""
    source = pq.ParquetFile(path)
    if source.metadata.num_rows != len(frame):
        return False
    if not len(frame):
        return source.read().to_pandas().equals(frame)
    start = 0
    for batch in source.iter_batches(batch_size=batch_rows):
        part = pyarrow.Table.from_batches([batch]).to_pandas()
        if not part.equals(frame.iloc[start:start + len(part)].reset_index(drop=True)):
            return False
        start += len(part)
    return start == len(frame)


def neutralise_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula: "=1+1" -> "'=1+1".

    Text already starting with apostrophes before such a character gets one more, so the change can be undone.
    """
    return "'" + text if FORMULA_LIKE.match(text) else text


def restore_formula(cell: str) -> str:
    """Undo neutralise_formula on a CSV text cell: "'=1+1" -> "=1+1"."""
    return cell[1:] if NEUTRALISED.match(cell) else cell


def csv_cell(value, kind: str) -> str:
    """One CSV cell: empty for null, ISO dates, true/false, integral floats without ".0", text made formula-safe."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == "string":
        return neutralise_formula(str(value))
    if kind == "integer":
        return str(int(value))
    if kind == "number":
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)
    if kind == "boolean":
        return "true" if value else "false"
    return value.isoformat()


def csv_column(series: pd.Series, kind: str) -> pyarrow.Array:
    """csv_cell over a whole column, vectorised: the same text for every value, as an Arrow string array."""
    if kind == "string":
        values = text_array(series)
        if _may_look_like_formulas(values):
            risky = pc.fill_null(pc.match_substring_regex(values, "^" + FORMULA_LIKE.pattern), False)
            values = pc.if_else(risky, pc.binary_join_element_wise("'", values, ""), values)
        return pc.fill_null(values, "")
    if kind == "integer" and pd.api.types.is_integer_dtype(series.dtype):
        ints = pyarrow.array(series, from_pandas=True)   # int64 or Int64 as it is: never through a float
        return pc.fill_null(ints.cast(pyarrow.string()), "")
    if kind == "number":
        values = series.to_numpy(dtype="float64", na_value=np.nan)
    else:
        values = series.to_numpy(dtype=object)
    # Figures, dates and flags repeat a few thousand distinct values over a million rows (float-to-text in numpy
    # took 0.5 s a column): each distinct one is formatted once, by csv_cell itself.
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    text = pyarrow.array([csv_cell(v, kind) for v in distinct] + [""], pyarrow.string())
    return text.take(pyarrow.array(np.where(codes < 0, len(distinct), codes)))


def _may_look_like_formulas(values: pyarrow.Array) -> bool:
    """Whether some text starts with a byte FORMULA_LIKE can start with ( ' = + - @ tab CR ): read from the
    first byte of each value, so a column of ids or prose is passed over without running the regex on it."""
    data = values.buffers()[2]
    if data is None:
        return False
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32, count=len(values) + 1, offset=values.offset * 4)
    starts = offsets[:-1][offsets[1:] > offsets[:-1]]   # a null's bytes, if any, only make this say yes
    return bool(np.isin(np.frombuffer(data, dtype=np.uint8)[starts], np.frombuffer(FORMULA_FIRST, np.uint8)).any())


def csv_field(cells: pyarrow.Array) -> pyarrow.Array:
    """Quoted as csv.QUOTE_MINIMAL quotes: only a cell holding a comma, a quote or a line break, its quotes doubled.

    cells holds no nulls (csv_column's output). A column none of whose bytes needs quoting is returned as it is.
    """
    text = bytes(joined_bytes(cells))
    if not any(mark in text for mark in CSV_QUOTED_BYTES):
        return cells
    needs = pc.match_substring_regex(cells, CSV_NEEDS_QUOTES)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(cells, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, cells)


def csv_lines(frame: pd.DataFrame, spec: TableSpec) -> memoryview:
    """The frame's rows as CSV lines, built column by column by Arrow kernels."""
    fields = [csv_field(csv_column(frame[c.name], c.type)) for c in spec.columns]
    return joined_bytes(pc.binary_join_element_wise(pc.binary_join_element_wise(*fields, ","), CSV_LINE_END, ""))


def write_csv(df: pd.DataFrame, spec: TableSpec, path: Path) -> int:
    """Write RFC 4180 CSV (UTF-8 without BOM, CRLF, header row); return the number of rows.

    Rows are turned into text CSV_CHUNK_ROWS at a time, so a million-row table never holds all its cells as text.
    The header goes through the csv module; the rows are quoted the same way by Arrow kernels (csv_field).
    """
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator=CSV_LINE_END, quoting=csv.QUOTE_MINIMAL).writerow(spec.column_names)
    with open(path, "ab") as f:
        for start in range(0, len(df), CSV_CHUNK_ROWS):
            f.write(csv_lines(df.iloc[start:start + CSV_CHUNK_ROWS], spec))
    return len(df)


def write_xlsx(frames: dict[str, pd.DataFrame], specs: dict[str, TableSpec], path: Path,
               provenance: tuple[list[list[str]], dict[str, str]] | None = None, open_at_release: bool = False) -> list[str]:
    """A codebook sheet, one sheet per table, then provenance's rows (flows/release/citation.py) as a release sheet
    and its properties as the document's; every text cell is stored as text, never as a formula.
    open_at_release: the workbook opens on the release sheet (an illustrative release's warning).

    A table with more rows than a sheet holds is left out, never cut short: its codebook row says so and names
    data/<table>.csv. A cell Excel cannot hold (too long, or an XML-illegal control character) is shown as a
    marked stand-in (flows/release/xlsx_cells.py) and the table's codebook row counts them. Returns the tables
    left out.
    """
    omitted = [name for name, df in frames.items() if len(df) > SHEET_MAX_ROWS - 1]
    shown = {name: workbook_frame(name, df, specs[name]) for name, df in frames.items() if name not in omitted}
    codebook = []
    for name, spec in specs.items():
        rules = "primary key " + ", ".join(spec.primary_key)
        if name in omitted:
            rules += (f"; not in this workbook: its {len(frames[name]):,} rows are more than a sheet holds "
                      f"({SHEET_MAX_ROWS - 1:,} under the header); read data/{name}.csv or data/{name}.parquet")
        elif shown.get(name, (None, 0))[1]:
            rules += (f"; {shown[name][1]:,} cell(s) shown as a stand-in starting '{STAND_IN_MARK}' (too long for a "
                      f"cell, or a control character); data/{name}.csv and data/{name}.parquet hold the whole values")
        codebook.append([name, "", "", spec.zh, spec.en, rules])
        codebook += [[name, c.name, c.type, c.zh, c.en, "; ".join(c.rules())] for c in spec.columns]
    sheets = [(CODEBOOK_SHEET, ["table", "column", "type", "name_zh", "description_en", "rules"], None, [], codebook)]
    sheets += [(name, specs[name].column_names, shown[name][0], [c.type for c in specs[name].columns], None)
               for name in frames if name not in omitted]
    if provenance:
        sheets.append((RELEASE_SHEET, ["field", "value"], None, [], provenance[0]))
    write_workbook(path, sheets, properties=provenance[1] if provenance else None,
                   active=len(sheets) - 1 if provenance and open_at_release else 0)
    return omitted


def check_source_texts(documents: pd.DataFrame | None, sources: dict[str, str]) -> None:
    """Each document has its canonical text, and the text is the one its text_sha256 and text_chars describe."""
    if documents is None:
        return
    problems = []
    for row in documents.itertuples(index=False):
        text = sources.get(row.document_id)
        if text is None:
            problems.append(f"documents: {row.document_id} has no canonical text in sources")
            continue
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest != row.text_sha256 or len(text) != row.text_chars:
            problems.append(f"sources/{row.document_id}.txt: {len(text)} characters with SHA-256 {digest}, but "
                            f"documents says {row.text_chars} characters with SHA-256 {row.text_sha256}")
    extra = sorted(set(sources) - set(documents["document_id"]))
    problems += [f"sources/{d}.txt: {d} is not a document_id in documents" for d in extra]
    if problems:
        raise ValueError("; ".join(problems))


def write_source_texts(sources: dict[str, str], folder: Path) -> list[Path]:
    """Write each canonical text as <document_id>.txt, UTF-8 with \\n line ends, exactly as the offsets index it."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for document_id, text in sorted(sources.items()):
        if not re.match(ID_SLUG, document_id):
            raise ValueError(f"sources: document id {document_id!r} is not a lowercase slug like szsti-2014")
        if "\r" in text:
            raise ValueError(f"sources/{document_id}.txt: the canonical text contains \\r; "
                             "it must use \\n line ends, as its offsets index it")
        path = folder / f"{document_id}.txt"
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        written.append(path)
    return written


def write_originals(originals: dict[str, bytes], sources: dict[str, str], folder: Path) -> list[Path]:
    """Write each original file (a web page or Word document a canonical text was extracted from) byte for byte.

    Names are <document_id>.<html|htm|docx> of a document among sources; the manifest lists each with its sha256.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, raw in sorted(originals.items()):
        document_id, _, suffix = name.rpartition(".")
        if document_id not in sources or suffix not in ("html", "htm", "docx"):
            raise ValueError(f"sources/{name}: not <document_id>.<html|htm|docx> of a published document")
        (folder / name).write_bytes(raw)
        written.append(folder / name)
    return written


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
