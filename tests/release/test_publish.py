"""publish_release end to end on the tiny tables: layout, idempotence, reproducibility, failures, lock."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

import flows.release.publish as publish
from tests.release.fixtures import DOC, publish_tiny, tiny_tables
from flows.release.publish import PublishError

AS_OF = dt.date(2014, 10, 1)


def snapshot(out_root: Path) -> dict[str, str]:
    """Every file and symlink under out_root (but the lock file): path -> sha256 or link target."""
    out = {}
    for path in sorted(out_root.rglob("*")):
        rel = path.relative_to(out_root).as_posix()
        if path.is_symlink():
            out[rel] = "-> " + str(path.readlink())
        elif path.is_file() and rel != ".lock":
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def changed_tables() -> dict[str, pd.DataFrame]:
    tables = tiny_tables()
    tables["tasks"].loc[1, "title_zh"] = "建设创新载体(修订)"
    return tables


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out_root = tmp_path_factory.mktemp("curated")
    return out_root, publish_tiny(out_root)


def test_first_publish_writes_the_release_layout(release):
    out_root, result = release
    assert result.published and result.release_id == f"2014-10-01-{result.content_hash[:8]}"
    rel = out_root / "releases" / result.release_id
    assert result.release_dir == rel
    names = {p.relative_to(rel).as_posix() for p in rel.rglob("*") if p.is_file()}
    tables = list(tiny_tables())
    assert names == {*(f"data/{t}.{ext}" for t in tables for ext in ("parquet", "csv")), f"sources/{DOC}.txt",
                     "whitepaper.xlsx", "whitepaper.duckdb", "datapackage.json", "README.md", "report/index.html",
                     "manifest.json"}
    assert (out_root / "latest").readlink() == Path("releases") / result.release_id
    assert (out_root / "LATEST").read_text() == result.release_id + "\n"
    assert result.row_counts["milestones"] == 4 and result.row_counts["quality_notes"] == 2


def test_manifest_lists_every_file_with_its_hash_and_rows(release):
    out_root, result = release
    rel = result.release_dir
    manifest = json.loads((rel / "manifest.json").read_text())
    files = {p.relative_to(rel).as_posix(): p for p in rel.rglob("*") if p.is_file()} 
    files.pop("manifest.json")
    assert [e["path"] for e in manifest["outputs"]] == sorted(files)
    for entry in manifest["outputs"]:
        data = files[entry["path"]].read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    rows = {e["path"]: e["rows"] for e in manifest["outputs"] if "rows" in e}
    assert rows["data/milestones.csv"] == rows["data/milestones.parquet"] == 4
    assert manifest["content_hash"] == result.content_hash and manifest["as_of"] == "2014-10-01"
    assert manifest["inputs"][0] == {"path": f"raw/whitepapers/{DOC}.txt", "sha256": manifest["inputs"][0]["sha256"],
                                     "bytes": 12887, "kind": "whitepaper"}
    assert set(manifest["versions"]) == {"python", "pandas", "pandera", "pyarrow", "duckdb", "openpyxl"}


def test_same_tables_publish_nothing_even_on_a_later_as_of_date(tmp_path):
    first = publish_tiny(tmp_path)
    before = snapshot(tmp_path)
    again = publish_tiny(tmp_path, as_of=dt.date(2014, 12, 31))
    assert not again.published and again.release_id is None and again.content_hash == first.content_hash
    assert again.message == f"nothing new: outputs equal release {first.release_id}"
    assert snapshot(tmp_path) == before


def test_changed_data_makes_a_new_release_and_keeps_the_old_one(tmp_path):
    first = publish_tiny(tmp_path)
    old_files = {k: v for k, v in snapshot(tmp_path).items() if k.startswith(f"releases/{first.release_id}/")}
    second = publish_tiny(tmp_path, tables=changed_tables())
    assert second.published and second.release_id != first.release_id
    assert (tmp_path / "LATEST").read_text().strip() == second.release_id
    assert {k: v for k, v in snapshot(tmp_path).items() if k.startswith(f"releases/{first.release_id}/")} == old_files
    assert json.loads((second.release_dir / "datapackage.json").read_text())["version"] == "1.0.1"


def test_latest_can_point_back_at_an_earlier_release_with_the_same_data(tmp_path):
    first = publish_tiny(tmp_path)
    publish_tiny(tmp_path, tables=changed_tables())
    back = publish_tiny(tmp_path)
    assert back.published and back.release_id == first.release_id and "points again" in back.message
    assert (tmp_path / "latest").resolve() == first.release_dir.resolve()


def test_a_fresh_folder_gets_byte_identical_data_files_whatever_the_row_order(tmp_path):
    shuffled = tiny_tables()
    shuffled = {name: df.iloc[::-1].astype({c: object for c in df.columns if df[c].dtype == "str"})
                for name, df in shuffled.items()}
    a, b = publish_tiny(tmp_path / "a"), publish_tiny(tmp_path / "b", tables=shuffled)
    data = lambda r: {p.relative_to(r.release_dir).as_posix(): p.read_bytes()
                      for p in r.release_dir.rglob("*") if p.parent.name in ("data", "sources")}
    assert a.content_hash == b.content_hash and data(a) == data(b) and len(data(a)) == 23


def _fail(*args, **kwargs):
    raise OSError("disk full (injected)")


def _duckdb_then_fail(path, *args, **kwargs):
    from flows.release.duckdb_export import write_duckdb

    write_duckdb(path, *args, **kwargs)
    assert path.exists()
    raise RuntimeError("injected after the DuckDB file was written")


@pytest.mark.parametrize("target, replacement, step", [
    ("write_xlsx", _fail, "write whitepaper.xlsx"),              # right after data/ and sources/ are written
    ("write_duckdb", _duckdb_then_fail, "write whitepaper.duckdb"),
    ("check_files", _fail, "re-hash every file against manifest.json"),
    ("switch_latest", _fail, "switch latest"),                   # after the rename, just before the switch
])
def test_a_failing_step_leaves_latest_and_earlier_releases_untouched(tmp_path, monkeypatch, target, replacement, step):
    first = publish_tiny(tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.setattr(publish, target, replacement)
    with pytest.raises(PublishError) as err:
        publish_tiny(tmp_path, tables=changed_tables())
    assert f"failed at step '{step}'" in str(err.value) and "\n" not in str(err.value)
    assert "injected" in str(err.value)
    assert snapshot(tmp_path) == before
    assert [p.name for p in (tmp_path / "releases").iterdir()] == [first.release_id]


def test_a_failing_parquet_writer_names_the_file(tmp_path, monkeypatch):
    calls = []

    def fail_on_third(df, spec, path):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("injected")
        return len(df)

    monkeypatch.setattr(publish, "write_parquet", fail_on_third)
    with pytest.raises(PublishError, match=r"step 'write data/review_sections.parquet'"):
        publish_tiny(tmp_path)
    assert not (tmp_path / "latest").exists() and list((tmp_path / "releases").iterdir()) == []


@pytest.mark.parametrize("table, column, value, expected", [
    ("tasks", "task_id", "SZSTI-2014-01", r"tasks: row \d, column task_id: rule str_matches"),
    ("milestones", "task_id", "szsti-2014-09", r"milestones: row \d: task_id 'szsti-2014-09' is not in tasks.task_id"),
    ("milestones", "quarter", 5, r"milestones: row \d, column quarter: rule isin"),
])
def test_a_bad_table_fails_validation_naming_table_row_and_rule(tmp_path, table, column, value, expected):
    first = publish_tiny(tmp_path)
    before = snapshot(tmp_path)
    tables = tiny_tables()
    tables[table].loc[0, column] = value
    with pytest.raises(PublishError, match=expected) as err:
        publish_tiny(tmp_path, tables=tables)
    assert "failed at step 'validate the tables'" in str(err.value)
    assert snapshot(tmp_path) == before and (tmp_path / "latest").resolve() == first.release_dir.resolve()


def test_a_source_text_that_does_not_match_documents_is_refused(tmp_path):
    with pytest.raises(PublishError, match=rf"sources/{DOC}.txt: .* but documents says"):
        publish_tiny(tmp_path, sources={DOC: "另一个文本"})


def test_formula_like_text_is_neutralised_in_csv_only(tmp_path):
    tables = tiny_tables()
    tables["tasks"].loc[0, "title_zh"] = '=HYPERLINK("http://evil.example","点击")'
    tables["quality_notes"].loc[0, "detail"] = "-5% 低于目标"
    rel = publish_tiny(tmp_path, tables=tables).release_dir
    tasks_csv = (rel / "data/tasks.csv").read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://evil.example"",""点击"")"' in tasks_csv
    assert "'-5% 低于目标" in (rel / "data/quality_notes.csv").read_text(encoding="utf-8")
    assert ",'=,2," in (rel / "data/targets.csv").read_text(encoding="utf-8")
    assert pd.read_parquet(rel / "data/tasks.parquet")["title_zh"].iloc[0].startswith("=HYPERLINK")
    con = duckdb.connect(str(rel / "whitepaper.duckdb"), read_only=True)
    assert con.execute("SELECT title_zh FROM tasks ORDER BY task_id").fetchone()[0].startswith("=HYPERLINK")
    assert con.execute("SELECT comparator FROM targets ORDER BY target_id").fetchone()[0] == "="
    con.close()
    cell = openpyxl.load_workbook(rel / "whitepaper.xlsx")["tasks"]["D2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_a_second_caller_fails_fast_while_a_publish_is_running(tmp_path, monkeypatch):
    inside, results, errors = threading.Event(), [], []
    real_write_xlsx = publish.write_xlsx

    def slow_write_xlsx(*args, **kwargs):
        inside.set()
        threading.Event().wait(0.5)
        real_write_xlsx(*args, **kwargs)

    monkeypatch.setattr(publish, "write_xlsx", slow_write_xlsx)
    first = threading.Thread(target=lambda: results.append(publish_tiny(tmp_path)))
    first.start()
    assert inside.wait(10)
    try:
        publish_tiny(tmp_path, lock_timeout=0)
    except PublishError as err:
        errors.append(str(err))
    first.join()
    assert results[0].published and len(list((tmp_path / "releases").iterdir())) == 1
    assert errors and errors[0].startswith(f"another refresh is publishing into {tmp_path} (pid ")
    assert errors[0].endswith("; try again later")


def test_a_waiting_caller_publishes_after_the_holder_finishes(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from flows.release.lock import release_lock\n"
         "with release_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(0.6)", str(tmp_path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(PublishError, match=rf"\(pid {holder.pid} since "):
            publish_tiny(tmp_path, lock_timeout=0)
        assert publish_tiny(tmp_path, lock_timeout=10).published
    finally:
        holder.kill()
        holder.wait()
