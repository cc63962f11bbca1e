"""The benchmark's floors (flows/bench/floor.py): DuckDB reads every row the corpus wrote, from the CSV copy and
from the files as they are, so the speed targets compare the refresh with the same rows."""

from __future__ import annotations

import duckdb

from flows.bench.corpus import CORPORA, CorpusSpec, write_corpus
from flows.bench.floor import csv_floor, mixed_floor


def _divisions(parquet) -> list[str]:
    """The division cell of every row, whichever language its file's header was in, sorted."""
    sql = f"select coalesce(department, 责任部门) from read_parquet('{parquet}') order by 1"
    return [r[0] for r in duckdb.connect().execute(sql).fetchall()]


def test_the_csv_floor_reads_every_row_of_the_csv_corpus_which_is_utf8_csv_only(tmp_path):
    spec = CorpusSpec(papers=3, update_rows=2500, **CORPORA["csv"])
    summary = write_corpus(spec, tmp_path / "raw", tmp_path / "floor-csv")
    files = sorted((tmp_path / "raw" / "updates").rglob("*"))
    files = [f for f in files if f.is_file()]
    assert {f.suffix for f in files} == {".csv"} and summary.files["csv"] == len(files)
    for f in files:
        f.read_bytes().decode("utf-8")                              # UTF-8, no BOM: DuckDB reads them as they are
        assert not f.read_bytes().startswith(b"\xef\xbb\xbf")
    copies = sorted((tmp_path / "floor-csv").rglob("*.csv"))
    assert [c.read_bytes() for c in copies] == [f.read_bytes() for f in files]   # the CSV copy is the same bytes
    assert csv_floor(tmp_path / "floor-csv", tmp_path / "floor.parquet") == summary.rows == spec.update_rows


def test_the_csv_copy_of_the_mixed_corpus_holds_the_same_rows_as_its_files(tmp_path):
    spec = CorpusSpec(papers=4, update_rows=3000)
    summary = write_corpus(spec, tmp_path / "raw", tmp_path / "floor-csv")
    assert summary.files["xlsx"] and summary.files["json"]
    assert csv_floor(tmp_path / "floor-csv", tmp_path / "csv.parquet") == spec.update_rows
    assert mixed_floor(tmp_path / "raw", tmp_path / "mixed.parquet") == spec.update_rows
    copied, as_they_are = _divisions(tmp_path / "csv.parquet"), _divisions(tmp_path / "mixed.parquet")
    assert copied == as_they_are and len(set(copied)) > 3
