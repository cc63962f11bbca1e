"""One update file's rows as columns: what the row checks need, and the form the parse cache keeps as Parquet.

read_update_file (flows/updates/read.py) stays the reader; this turns its RawTable into one text column per
header, the row numbers, the cells as rejections publish them (raw_cells) and the problems seen while reading.
Pure: a path in, UpdateColumns or the FileProblem out; to_arrow/from_arrow are exact inverses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow

from flows.updates.read import FileProblem, Problem, RawTable, guarded, read_update_file


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


def read_update_columns(path: Path) -> UpdateColumns | FileProblem:
    """read_update_file, as columns; never raises (the same guard covers turning the rows into columns). A
    progress report (.txt, .html, .docx: flows/updates/reports/) is read as one, under the same guard."""
    from flows.updates.reports.read import is_report, read_report   # it builds UpdateColumns: imported when used

    if is_report(path):
        return guarded(read_report, path)
    table = read_update_file(path)
    return table if isinstance(table, FileProblem) else guarded(from_raw_table, table)


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
