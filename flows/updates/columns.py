"""One update file's rows as columns: what the row checks need, and the form the parse cache keeps as Parquet.

read_update_file (flows/updates/read.py) stays the reader; this turns its RawTable (a CSV file's records,
directly) into one text column per header, the row numbers, the cells as rejections publish them (raw_cells)
and the problems seen while reading.
Pure: a path in, UpdateColumns or the FileProblem out; to_arrow/from_arrow are exact inverses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow
import pyarrow.compute as pc

from flows.updates.raw import blank
from flows.updates.read import FileProblem, Problem, RawTable, csv_rows, guarded, read_update_file


@dataclass(frozen=True, eq=False)
class UpdateColumns:
    """Text held as Arrow arrays: a million rows of cells as Python strings would take a gigabyte."""

    file_format: str
    header: list[str]                              # as written, a repeated name included
    source_row: list[int]
    raw_cells: pyarrow.Array                       # json.dumps(row.cells, ensure_ascii=False), as rejections show it
    problems: list[tuple[Problem, ...]]            # seen while reading (extra cells, not an object)
    cells: dict[str, pyarrow.Array]                # header as written → cell text per row ("" when the row has none)
    source_text: str | None = None                 # a progress report's canonical text, which its rows' offsets index

    def __len__(self) -> int:
        return len(self.source_row)

    def __eq__(self, other) -> bool:
        return isinstance(other, UpdateColumns) and to_arrow(self).equals(to_arrow(other), check_metadata=True)


# json.dumps(cells, ensure_ascii=False) without building an encoder per row (a million rows: about 1 s less).
_cells_json = json.JSONEncoder(ensure_ascii=False).encode


def from_raw_table(table: RawTable) -> UpdateColumns:
    rows = table.rows
    return UpdateColumns(table.file_format, list(table.header), [r.source_row for r in rows],
                         pyarrow.array([_cells_json(r.cells) for r in rows], pyarrow.string()),
                         [r.problems for r in rows],
                         {h: pyarrow.array([r.cells.get(h, "") for r in rows], pyarrow.string())
                          for h in dict.fromkeys(table.header)})


def csv_columns(header: list[str], body: list[list[str]]) -> UpdateColumns:
    """from_raw_table(csv_rows(header, body)), built column by column: a file of 1,000 rows in 6 ms, not 10.

    Rows with extra cells that are not blank carry a problem each, so such a file takes the row path.
    """
    width = len(header)
    kept = [(number, record) for number, record in enumerate(body, start=2) if not blank(record)]
    if any(len(record) > width and not blank(record[width:]) for _, record in kept):
        return from_raw_table(csv_rows(header, body))
    fixed = [record if len(record) == width else (record + [""] * width)[:width] for _, record in kept]
    by_position = list(zip(*fixed)) if fixed else [()] * width
    # a name given twice: the row path's dict keeps the place of its first cell and the value of its last
    last = {name: i for i, name in enumerate(header)}
    # pyarrow converts a list six times faster than a tuple
    cells = {name: pyarrow.array(list(by_position[i]), pyarrow.string()) for name, i in last.items()}
    return UpdateColumns("csv", list(header), [number for number, _ in kept], _json_objects(cells, len(kept)),
                         [()] * len(kept), cells)


def _json_objects(cells: dict[str, pyarrow.Array], rows: int) -> pyarrow.Array:
    """_cells_json(row's cells) for every row, each column's distinct values encoded once."""
    if not cells:
        return pyarrow.array(["{}"] * rows, pyarrow.string())
    parts: list = []
    for k, (name, values) in enumerate(cells.items()):
        parts.append(("{" if k == 0 else ", ") + _cells_json(name) + ": ")
        coded = values.dictionary_encode()
        parts.append(pyarrow.array([_cells_json(v) for v in coded.dictionary.to_pylist()], pyarrow.string())
                     .take(coded.indices))
    return pc.binary_join_element_wise(*parts, "}", "")


def read_update_columns(path: Path) -> UpdateColumns | FileProblem:
    """read_update_file, as columns; never raises (the same guard covers turning the rows into columns). A
    progress report (.txt, .html, .docx: flows/updates/reports/) is read as one, under the same guard."""
    from flows.updates.reports.read import is_report, read_report   # it builds UpdateColumns: imported when used

    if is_report(path):
        return guarded(read_report, path)
    table = read_update_file(path, csv_table=csv_columns)
    return guarded(from_raw_table, table) if isinstance(table, RawTable) else table


def to_arrow(read: UpdateColumns | FileProblem) -> pyarrow.Table:
    """The read file as an Arrow table (headers by position: col0, col1, …); a FileProblem as an empty one."""
    if isinstance(read, FileProblem):
        meta = {"file_problem": json.dumps([read.code, read.message], ensure_ascii=False)}
        return pyarrow.table({"source_row": pyarrow.array([], pyarrow.int64())}).replace_schema_metadata(meta)
    problems = [json.dumps([[p.code, p.message] for p in ps], ensure_ascii=False) if ps else None for ps in read.problems]
    data = {"source_row": pyarrow.array(read.source_row, pyarrow.int64()),
            "raw_cells": read.raw_cells,
            "problems": pyarrow.array(problems, pyarrow.string()),
            **{f"col{i}": values for i, values in enumerate(read.cells.values())}}
    meta = {"file_format": read.file_format, "header": json.dumps(read.header, ensure_ascii=False)}
    if read.source_text is not None:
        meta["source_text"] = read.source_text
    return pyarrow.table(data).replace_schema_metadata(meta)


def from_arrow(table: pyarrow.Table) -> UpdateColumns | FileProblem:
    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    if "file_problem" in meta:
        return FileProblem(*json.loads(meta["file_problem"]))
    header = json.loads(meta["header"])
    problems = [tuple(Problem(*p) for p in json.loads(ps)) if ps else () for ps in table.column("problems").to_pylist()]
    return UpdateColumns(meta["file_format"], header, table.column("source_row").to_pylist(),
                         table.column("raw_cells").combine_chunks(), problems,
                         {h: table.column(f"col{i}").combine_chunks() for i, h in enumerate(dict.fromkeys(header))},
                         meta.get("source_text"))
