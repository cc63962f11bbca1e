"""The floors of the benchmark: DuckDB reading the update rows into one Parquet file, nothing checked.

csv_floor is the floor of the speed targets: the same rows as UTF-8 CSV files (flows/bench/corpus.py writes
them beside each corpus), read by DuckDB's own CSV reader. mixed_floor reads the corpus's files as they are,
re-encoding GB18030 and BOM files and reading .xlsx with openpyxl first, so it is slower than DuckDB alone.
Run as `python -m flows.bench.floor csv|mixed FOLDER TARGET.parquet`, in its own process, by suite.py.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def csv_floor(csv_dir: Path, target: Path) -> int:
    """Every CSV file under csv_dir (UTF-8, header row) into target as one Parquet file; returns the rows."""
    import duckdb

    files = sorted(str(p) for p in Path(csv_dir).rglob("*.csv"))
    con = duckdb.connect()
    con.execute("copy (select * from read_csv(?, header=true, all_varchar=true, union_by_name=true)) "
                f"to '{target}' (format parquet, compression zstd)", [files])
    return con.execute(f"select count(*) from read_parquet('{target}')").fetchone()[0]


def mixed_floor(raw_dir: Path, target: Path) -> int:
    """Every update file into one Parquet file with DuckDB, nothing checked: the least any refresh must do.

    DuckDB reads the CSV and JSON files itself (GB18030 and BOM files are re-encoded to UTF-8 first, as its
    CSV reader takes UTF-8 only); its Excel extension cannot be installed offline, so .xlsx files are read
    with openpyxl in read-only mode and handed over as Arrow tables.
    """
    import duckdb
    import openpyxl
    import pyarrow

    files = sorted(p for p in (raw_dir / "updates").rglob("*") if p.is_file())
    tmp = target.parent / "floor-utf8"
    tmp.mkdir(parents=True, exist_ok=True)
    csvs, parts = [], []
    for i, path in enumerate(f for f in files if f.suffix == ".csv"):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            plain = not data.startswith(b"\xef\xbb\xbf")
        except UnicodeDecodeError:
            plain = False
        if not plain:
            copy = tmp / f"{i}.csv"
            copy.write_bytes(data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "gb18030").encode("utf-8"))
            path = copy
        csvs.append(str(path))
    con = duckdb.connect()
    if csvs:
        parts.append("select * from read_csv(?, header=true, all_varchar=true, union_by_name=true)")
    jsons = [str(f) for f in files if f.suffix == ".json"]
    if jsons:
        parts.append("select columns(*)::varchar from read_json(?, format='array', union_by_name=true, sample_size=-1)")
    sheets = []
    for path in (f for f in files if f.suffix == ".xlsx"):
        book = openpyxl.load_workbook(path, read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        sheets.append(pyarrow.table({h: pyarrow.array([None if r[i] is None else str(r[i]) for r in rows[1:]], pyarrow.string())
                                     for i, h in enumerate(header)}))
    if sheets:
        con.register("xlsx_rows", pyarrow.concat_tables(sheets, promote_options="permissive"))
        parts.append("select * from xlsx_rows")
    params = [p for p in (csvs, jsons) if p]
    union = " union all by name ".join(f"({p})" for p in parts)
    con.execute(f"copy ({union}) to '{target}' (format parquet, compression zstd)", params)
    rows = con.execute(f"select count(*) from read_parquet('{target}')").fetchone()[0]
    shutil.rmtree(tmp, ignore_errors=True)
    return rows


if __name__ == "__main__":
    kind, folder, target = sys.argv[1:4]
    print((csv_floor if kind == "csv" else mixed_floor)(Path(folder), Path(target)))
