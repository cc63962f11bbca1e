"""The release's DuckDB file: keys, bilingual comments, release_info, macros and views."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

import schemas
from tests.release.fixtures import DOC, tiny_tables
from flows.tables.codebook import table_spec
from flows.release.duckdb_export import table_ddl, write_duckdb
from flows.release.manifest import ReleaseInfo
from flows.release.files import canonical_frame, write_parquet
from schemas._fields import field, table_meta

INFO = ReleaseInfo("2014-10-01-0123abcd", dt.date(2014, 10, 1), dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
                   "0123abcd" + "0" * 56)
TASK_COUNTS_SQL = "-- tasks per document\nselect document_id, count(*) as task_count from tasks_of_all() group by all;\n"
TASKS_OF_ALL = "CREATE MACRO tasks_of_all() AS TABLE SELECT * FROM tasks"


class TaskCounts(pa.DataFrameModel):
    document_id: Series[str] = field("文件编号", "White paper.")
    task_count: Series[int] = field("任务数", "Number of tasks it sets.", ge=0)

    class Config:
        name = "task_counts"
        strict = True
        metadata = table_meta("任务数", "Tasks per white paper (a view in DuckDB).", ["document_id"],
                              [{"fields": ["document_id"], "reference": {"resource": "documents", "fields": ["document_id"]}}])


def staged(tmp_path, names=None, extra=None) -> dict:
    tables = {**tiny_tables(), **(extra or {})}
    files = {}
    for name in names or tables:
        path = tmp_path / f"{name}.parquet"
        spec = table_spec(name)
        write_parquet(canonical_frame(tables[name], spec), spec, path)
        files[name] = path
    return files


@pytest.fixture(scope="module")
def tiny_duckdb(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("duckdb")
    write_duckdb(tmp / "w.duckdb", staged(tmp), INFO)
    con = duckdb.connect(str(tmp / "w.duckdb"), read_only=True)
    yield con
    con.close()


def test_every_table_and_column_has_its_bilingual_comment(tiny_duckdb):
    rows = tiny_duckdb.execute("SELECT table_name, column_name, comment FROM duckdb_columns() "
                               "WHERE NOT internal AND table_name != 'release_info'").fetchall()
    expected = {(name, c.name, c.description) for name in tiny_tables() for c in table_spec(name).columns}
    assert set(rows) == expected
    tables = dict(tiny_duckdb.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    assert tables["milestones"] == "季度进度 — One row per task and quarter (quarterly milestones)."
    assert tables["release_info"].startswith("发布信息 — ")


def test_primary_unique_and_foreign_keys_are_declared(tiny_duckdb):
    constraints = set(map(tuple, (
        (t, k, tuple(c)) for t, k, c in tiny_duckdb.execute(
            "SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints()").fetchall())))
    for name in tiny_tables():
        assert (name, "PRIMARY KEY", table_spec(name).primary_key) in constraints
    assert ("milestones", "UNIQUE", ("task_id", "quarter")) in constraints
    assert ("task_departments", "FOREIGN KEY", ("department_id",)) in constraints
    with pytest.raises(duckdb.Error):
        tiny_duckdb.execute("INSERT INTO tasks SELECT * FROM tasks")


def test_the_file_is_readable_by_duckdb_1_2_and_later(tiny_duckdb):
    assert tiny_duckdb.execute("SELECT tags['storage_version'] FROM duckdb_databases() WHERE NOT internal "
                               "AND database_name = 'w'").fetchone() == ("v1.2.0+",)


def test_types_rows_and_release_info(tiny_duckdb):
    types = dict(tiny_duckdb.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'documents'"
                                     ).fetchall())
    assert (types["published_date"], types["plan_year"], types["title_zh"]) == ("DATE", "BIGINT", "VARCHAR")
    assert tiny_duckdb.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = 'quality_notes' "
                               "AND column_name = 'source_start'").fetchone() == ("BIGINT",)
    assert tiny_duckdb.execute("SELECT count(*) FROM milestones WHERE text_zh IS NULL").fetchone() == (1,)
    assert tiny_duckdb.execute("SELECT * FROM release_info").fetchall() == [
        (INFO.release_id, INFO.as_of, dt.datetime(2026, 1, 2, 3, 4, 5), INFO.content_hash, False)]


def test_views_and_macros_are_created_commented_and_checked(tmp_path, monkeypatch):
    monkeypatch.setitem(schemas.TABLES, "task_counts", TaskCounts)
    counts = pd.DataFrame({"document_id": [DOC], "task_count": [2]})
    files = staged(tmp_path, extra={"task_counts": counts})
    write_duckdb(tmp_path / "w.duckdb", files, INFO, views={"task_counts": TASK_COUNTS_SQL},
                 macros={"tasks_of_all": TASKS_OF_ALL})
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall() == [
        ("task_counts", "任务数 — Tasks per white paper (a view in DuckDB).")]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'task_counts'").fetchone() == (0,)
    assert con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'task_counts' "
                       "AND column_name = 'task_count'").fetchone() == ("任务数 — Number of tasks it sets.",)
    assert con.execute("SELECT * FROM task_counts").fetchall() == [(DOC, 2)]
    con.close()


def test_a_view_that_disagrees_with_its_published_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setitem(schemas.TABLES, "task_counts", TaskCounts)
    files = staged(tmp_path, extra={"task_counts": pd.DataFrame({"document_id": [DOC], "task_count": [3]})})
    with pytest.raises(ValueError, match=r"view task_counts: its SQL gives 1 row\(s\) not in data/task_counts.parquet"):
        write_duckdb(tmp_path / "w.duckdb", files, INFO, views={"task_counts": TASK_COUNTS_SQL},
                     macros={"tasks_of_all": TASKS_OF_ALL})


def test_views_on_views_are_created_in_any_order_and_bad_sql_is_named(tmp_path):
    files = staged(tmp_path, names=["documents"])
    views = {"a_latest": "select * from b_docs", "b_docs": "select document_id from documents;"}
    write_duckdb(tmp_path / "ok.duckdb", files, INFO, views=views)
    with pytest.raises(ValueError, match=r"view broken: .*no_such_table"):
        write_duckdb(tmp_path / "bad.duckdb", files, INFO, views={**views, "broken": "select * from no_such_table"})


def test_table_ddl_declares_keys_only_towards_tables_in_the_file():
    spec = table_spec("milestones")
    ddl = table_ddl(spec, {"milestones": spec, "tasks": table_spec("tasks")})
    assert '"milestone_id" VARCHAR NOT NULL' in ddl and '"text_zh" VARCHAR,' in ddl
    assert 'PRIMARY KEY ("milestone_id")' in ddl and 'UNIQUE ("task_id", "quarter")' in ddl
    assert 'FOREIGN KEY ("task_id") REFERENCES "tasks" ("task_id")' in ddl and '"documents"' not in ddl


def test_tables_are_filled_in_batches_with_every_row_in_file_order(tmp_path, monkeypatch):
    import flows.release.duckdb_export

    monkeypatch.setattr(flows.release.duckdb_export, "INSERT_BATCH_ROWS", 2)
    files = staged(tmp_path)
    write_duckdb(tmp_path / "w.duckdb", files, INFO)
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        for name, path in files.items():
            expected = pd.read_parquet(path)
            got = con.execute(f"SELECT * FROM {name}").df()
            assert len(expected) > 2 or name != "milestones"
            assert got.astype(str).values.tolist() == expected.astype(str).values.tolist(), name
    finally:
        con.close()


@pytest.mark.parametrize("view_rows, only_view, only_data", [
    ([(DOC, 1), (DOC, 1), (None, 2)], 1, 0),   # the view repeats a row the file has once: a multiset, not a set
    ([(None, 2)], 0, 1),                       # the view lost a row the file has
    ([(None, 2), (DOC, 1)], 0, 0),             # the same rows, a NULL among them: equal here, as in EXCEPT ALL
    ([(DOC, 1), (None, 3)], 1, 1),             # one value differs: a row on each side
])
def test_a_view_is_compared_with_its_rows_as_a_multiset(tmp_path, monkeypatch, view_rows, only_view, only_data):
    monkeypatch.setitem(schemas.TABLES, "task_counts", TaskCounts)
    literal = lambda doc: "NULL" if doc is None else f"'{doc}'"
    view = ("select * from (values " + ", ".join(f"({literal(doc)}, {n})" for doc, n in view_rows)
            + ") t(document_id, task_count)")
    path = tmp_path / "task_counts.parquet"
    pd.DataFrame({"document_id": [DOC, None], "task_count": [1, 2]}).to_parquet(path, index=False)
    files = {**staged(tmp_path, names=["documents"]), "task_counts": path}
    if only_view or only_data:
        with pytest.raises(ValueError, match=rf"gives {only_view} row\(s\) not in data/task_counts.parquet and misses "
                                             rf"{only_data} row\(s\)"):
            write_duckdb(tmp_path / "w.duckdb", files, INFO, views={"task_counts": view})
    else:
        write_duckdb(tmp_path / "w.duckdb", files, INFO, views={"task_counts": view})
