"""The previous release's DuckDB file patched when only tables nothing refers to changed: the same file a full
build gives, and a full build whenever that is in doubt."""

from __future__ import annotations

import duckdb
import pytest

import flows.release.duckdb_export as duckdb_export
from flows.release import duckdb_patch
from tests.release.fixtures import publish_tiny, tiny_tables

CODE = "0.1.0+g1234567"


def _contents(path) -> dict:
    """Every row of every table in stored order (release_info but its creation time), and the catalog."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        rows = {t: con.execute(f'SELECT * EXCLUDE (created_at) FROM "{t}"' if t == "release_info" else
                               f'SELECT * FROM "{t}"').fetchall() for t in tables}
        catalog = {
            "columns": con.execute("SELECT table_name, column_name, data_type, is_nullable, comment FROM duckdb_columns() "
                                   "ORDER BY table_name, column_index").fetchall(),
            "constraints": sorted(map(str, con.execute("SELECT table_name, constraint_type, constraint_column_names "
                                                       "FROM duckdb_constraints()").fetchall())),
            "tables": con.execute("SELECT table_name, comment FROM duckdb_tables() ORDER BY 1").fetchall(),
            "views": con.execute("SELECT view_name, sql, comment FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall(),
        }
        return {"rows": rows, "catalog": catalog}
    finally:
        con.close()


def _notes_changed():
    tables = tiny_tables()
    tables["quality_notes"].loc[0, "detail"] = "改过的说明 (changed)"
    return tables


def _tasks_changed():
    tables = tiny_tables()
    tables["tasks"].loc[1, "title_zh"] = "建设创新载体(修订)"
    return tables


@pytest.fixture
def inserted(monkeypatch):
    """The tables each DuckDB file was filled with, in order."""
    calls = []
    real = duckdb_export.insert_rows

    def spy(con, name, parquet_file, stop=None):
        calls.append(name)
        return real(con, name, parquet_file, stop)

    monkeypatch.setattr(duckdb_export, "insert_rows", spy)
    return calls


def test_only_the_changed_table_is_written_again_and_the_file_is_a_full_builds(tmp_path, inserted):
    publish_tiny(tmp_path / "nightly", code_version=CODE)
    inserted.clear()
    patched = publish_tiny(tmp_path / "nightly", tables=_notes_changed(), code_version=CODE)
    assert inserted == ["quality_notes"]
    inserted.clear()
    full = publish_tiny(tmp_path / "rebuilt", tables=_notes_changed(), code_version=CODE)
    assert len(inserted) == len(tiny_tables())
    assert patched.release_id == full.release_id
    a, b = _contents(patched.release_dir / "whitepaper.duckdb"), _contents(full.release_dir / "whitepaper.duckdb")
    assert a == b and any("改过的说明 (changed)" in row for row in a["rows"]["quality_notes"])


def test_a_table_others_refer_to_changed_means_a_full_build(tmp_path, inserted):
    publish_tiny(tmp_path, code_version=CODE)
    inserted.clear()
    publish_tiny(tmp_path, tables=_tasks_changed(), code_version=CODE)
    assert sorted(inserted) == sorted(tiny_tables())


@pytest.mark.parametrize("code", ["", "0.1.0", "0.1.0+g1234567.dirty"])   # "0.1.0": no git, any code
def test_unknown_or_uncommitted_code_means_a_full_build(tmp_path, inserted, code):
    publish_tiny(tmp_path, code_version=code)
    inserted.clear()
    publish_tiny(tmp_path, tables=_notes_changed(), code_version=code)
    assert sorted(inserted) == sorted(tiny_tables())


def test_other_code_or_libraries_than_the_previous_releases_mean_a_full_build(tmp_path, inserted, monkeypatch):
    first = publish_tiny(tmp_path, code_version=CODE)
    file = first.release_dir / "whitepaper.duckdb"
    assert duckdb_patch.reusable(file, CODE, _versions(first)) is not None
    assert duckdb_patch.reusable(file, CODE + "9", _versions(first)) is None
    assert duckdb_patch.reusable(file, CODE, {**_versions(first), "duckdb": "0.0.1"}) is None
    assert duckdb_patch.reusable(None, CODE, _versions(first)) is None


def _versions(result) -> dict:
    import json

    return json.loads((result.release_dir / "manifest.json").read_text())["versions"]


def test_a_damaged_previous_file_costs_a_full_build_not_the_night(tmp_path, inserted):
    first = publish_tiny(tmp_path, code_version=CODE)
    path = first.release_dir / "whitepaper.duckdb"
    path.chmod(0o644)
    path.write_bytes(b"not a database" * 100)
    inserted.clear()
    again = publish_tiny(tmp_path, tables=_notes_changed(), code_version=CODE)
    assert again.published and sorted(inserted) == sorted(tiny_tables())
    assert _contents(again.release_dir / "whitepaper.duckdb")["rows"]["quality_notes"]


def test_nights_of_patches_do_not_grow_the_file(tmp_path, inserted):
    sizes = []
    for night in range(6):
        tables = tiny_tables()
        tables["quality_notes"].loc[0, "detail"] = f"第{night}晚 " + "长" * 2000
        result = publish_tiny(tmp_path, tables=tables, code_version=CODE)
        sizes.append((result.release_dir / "whitepaper.duckdb").stat().st_size)
    assert inserted[-1] == "quality_notes" and inserted.count("documents") == 1   # one full build, then patches
    assert max(sizes[1:]) <= sizes[0] * 1.5


def test_views_and_macros_are_made_again_on_a_patched_file(tmp_path, monkeypatch, inserted):
    import pandas as pd

    import schemas
    from flows.release.files import canonical_frame, file_sha256, write_parquet
    from flows.tables.codebook import table_spec
    from tests.release.test_duckdb_export import INFO, TASK_COUNTS_SQL, TASKS_OF_ALL, TaskCounts, staged

    monkeypatch.setitem(schemas.TABLES, "task_counts", TaskCounts)
    counts = pd.DataFrame({"document_id": [tiny_tables()["documents"]["document_id"][0]], "task_count": [2]})
    files = staged(tmp_path, extra={"task_counts": counts})
    views, macros = {"task_counts": TASK_COUNTS_SQL}, {"tasks_of_all": TASKS_OF_ALL}
    duckdb_export.write_duckdb(tmp_path / "previous.duckdb", files, INFO, views=views, macros=macros)
    base = duckdb_patch.Base(tmp_path / "previous.duckdb", {n: file_sha256(p) for n, p in files.items()})
    spec = table_spec("quality_notes")
    write_parquet(canonical_frame(_notes_changed()["quality_notes"], spec), spec, files["quality_notes"])
    inserted.clear()
    duckdb_export.write_duckdb(tmp_path / "patched.duckdb", files, INFO, views=views, macros=macros, base=base)
    assert inserted == ["quality_notes"]
    duckdb_export.write_duckdb(tmp_path / "full.duckdb", files, INFO, views=views, macros=macros)
    assert _contents(tmp_path / "patched.duckdb") == _contents(tmp_path / "full.duckdb")
    con = duckdb.connect(str(tmp_path / "patched.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM tasks_of_all()").fetchone() == (2,)
        assert con.execute("SELECT task_count FROM task_counts").fetchall() == [(2,)]
    finally:
        con.close()


def test_a_previous_file_other_than_its_manifest_lists_costs_a_full_build(tmp_path, inserted):
    first = publish_tiny(tmp_path, code_version=CODE)
    contacts = tiny_tables()
    contacts["contacts"].loc[0, "text_zh"] = "网站:http://www.szsti.gov.cn (0755-88888888)"
    second = publish_tiny(tmp_path, tables=contacts, code_version=CODE)
    assert inserted[-1:] == ["contacts"]   # patched
    target = second.release_dir / "whitepaper.duckdb"
    target.chmod(0o644)
    target.write_bytes((first.release_dir / "whitepaper.duckdb").read_bytes())   # the older release's rows
    tables = _notes_changed()
    tables["contacts"] = contacts["contacts"]
    inserted.clear()
    third = publish_tiny(tmp_path, tables=tables, code_version=CODE)
    assert sorted(inserted) == sorted(tiny_tables())
    assert any("网站:http://www.szsti.gov.cn (0755-88888888)" in row for row in _contents(third.release_dir / "whitepaper.duckdb")["rows"]["contacts"])
