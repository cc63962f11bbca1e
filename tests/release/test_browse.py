"""The release as a Datasette site (flows/release/browse.py): the SQLite copy and its metadata."""

from __future__ import annotations

import sqlite3

import duckdb
import pytest

from flows.release.browse import FTS, QUERIES, datasette_command, datasette_metadata, prepare
from tests.demo_release import demo_release


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return demo_release(tmp_path_factory)


@pytest.fixture(scope="module")
def site(release, tmp_path_factory):
    return prepare(release, tmp_path_factory.mktemp("browse"))


def test_the_sqlite_copy_has_every_table_and_row_of_the_release(release, site):
    db_path, _ = site
    lite = sqlite3.connect(db_path)
    duck = duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True)
    try:
        for parquet in (release / "data").glob("*.parquet"):
            (n,) = lite.execute(f'SELECT count(*) FROM "{parquet.stem}"').fetchone()
            assert n == duck.execute(f"SELECT count(*) FROM '{parquet}'").fetchone()[0], parquet.stem
        assert lite.execute("SELECT title_en FROM tasks WHERE task_id = 'szsti-2014-05'").fetchone() == (
            "Carry out the Peacock Plan: bring in overseas high-level innovation teams.",)
        assert "PRIMARY KEY" in lite.execute("SELECT sql FROM sqlite_master WHERE name = 'milestones'").fetchone()[0]
    finally:
        lite.close()
        duck.close()


def test_full_text_search_finds_chinese_and_english_inside_a_clause(site):
    lite = sqlite3.connect(site[0])
    try:
        def search(table, words):
            return [r[0] for r in lite.execute(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?", [words])]

        assert len(search("tasks", '"孔雀计划"')) == 1 and len(search("tasks", "Peacock")) == 1
        assert len(search("milestones", '"现场考察"')) == 6
        assert set(FTS) == {"tasks", "milestones"}
    finally:
        lite.close()


def test_every_canned_query_runs_and_the_metadata_is_bilingual(release, site):
    lite = sqlite3.connect(site[0])
    try:
        late = lite.execute(QUERIES["late_completions"][1]).fetchall()
        assert [r[3] for r in late] == sorted((r[3] for r in late), reverse=True)   # most days late first
        assert sorted((r[0], r[3]) for r in late) == sorted([("szsti-2014-05-q2", 46), ("szsti-2014-06-q1", 45),
                                                             ("szsti-2014-03-q1", 20), ("szsti-2014-06-q3", 15),
                                                             ("szsti-2014-09-q4", 15), ("szsti-2014-03-q3", 10)])
        for key, (_, sql) in QUERIES.items():
            assert lite.execute(sql, {"word": "孔雀"} if ":word" in sql else {}).fetchall(), key
        # two characters: what the trigram index cannot find, the canned search does, in tasks and milestones alike
        found = lite.execute(QUERIES["search_text"][1], {"word": "完成"}).fetchall()
        assert {kind for kind, *_ in found} == {"task", "milestone"} and all("完成" in (t or "") + (m or "") for _, _, t, m in found)
        assert lite.execute("SELECT count(*) FROM tasks_fts WHERE tasks_fts MATCH '孔雀'").fetchone() == (0,)
    finally:
        lite.close()
    meta = datasette_metadata(release)
    assert meta["license"] == "CC0-1.0" and meta["source"] == "深圳市科技创新委员会2014年度公共服务白皮书"
    tables = meta["databases"]["whitepaper"]["tables"]
    assert tables["milestones"]["columns"]["text_en"].startswith("进度内容(英文,非官方译文) — What is due that quarter in English: an UNOFFICIAL")
    assert tables["milestone_status"]["facets"][:2] == ["status", "quarter"] and tables["tasks"]["fts_table"] == "tasks_fts"


def test_the_server_is_read_only_and_on_this_machine_only(site):
    command = datasette_command(*site, 8123, "python")
    assert command[command.index("--host") + 1] == "127.0.0.1" and "--immutable" in command
