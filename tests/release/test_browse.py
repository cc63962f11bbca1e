"""The release as a Datasette site (flows/release/browse.py): the SQLite copy and its metadata."""

from __future__ import annotations

import sqlite3

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.release.browse import FTS, QUERIES, build_sqlite, datasette_command, datasette_metadata, fold, prepare
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
                                                             ("szsti-2014-03-q1", 20),
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


@pytest.fixture(scope="module")
def widths(tmp_path_factory):
    """A copy of a release whose text mixes full-width and half-width forms, as agencies type them."""
    release = tmp_path_factory.mktemp("widths") / "2014-12-31-0123abcd"
    (release / "data").mkdir(parents=True)
    pd.DataFrame({"task_id": ["t1", "t2", "t3"], "title_zh": ["建设创新载体,提升能力", "出台政策（2个）：孔雀计划", "引进ＡＢＣ团队　２０个"],
                  "target_zh": [None, "完成;报批", "超过1000家"], "title_en": ["Build", None, "Bring in"],
                  "target_en": [None, None, "More than 1,000 (PEACOCK)"]}).to_parquet(release / "data" / "tasks.parquet")
    pd.DataFrame({"milestone_id": ["t1-q1", "t2-q1"], "text_zh": ["完成受理：初审", "启动(试点)"],
                  "text_en": [None, "Start the pilot"]}).to_parquet(release / "data" / "milestones.parquet")
    return sqlite3.connect(build_sqlite(release, tmp_path_factory.mktemp("widths-db") / "whitepaper.db"))


@pytest.mark.parametrize("word, ids", [
    ("，", ["t1", "t3"]), (",", ["t1", "t3"]),          # stored half-width (1,000 in English too), typed either way
    ("(2个)", ["t2"]), ("（2个）", ["t2"]), ("):孔", ["t2"]),  # stored full-width
    ("受理:", ["t1-q1"]), ("受理：", ["t1-q1"]), ("（试点）", ["t2-q1"]), ("；报批", ["t2"]),
    ("abc", ["t3"]), ("ＡＢＣ", ["t3"]), ("20个", ["t3"]), ("团队 ２0", ["t3"]),   # letters, digits, the ideographic space
    ("１０００家", ["t3"]), ("peacock", ["t3"]), ("ＰＩＬＯＴ", ["t2-q1"]),
    ("孔雀", ["t2"]), ("完成", ["t1-q1", "t2"]),
])
def test_search_text_matches_full_width_and_half_width_forms_alike(widths, word, ids):
    found = widths.execute(QUERIES["search_text"][1], {"word": word}).fetchall()
    assert [r[1] for r in found] == ids


def test_search_text_shows_and_keeps_the_text_as_written(widths):
    assert widths.execute(QUERIES["search_text"][1], {"word": "(2个)"}).fetchall() == [
        ("task", "t2", "出台政策（2个）：孔雀计划", "完成;报批")]
    assert widths.execute("SELECT title_zh FROM tasks WHERE task_id = 't3'").fetchone() == ("引进ＡＢＣ团队　２０个",)


@settings(max_examples=200, deadline=None)
# SQLite's text ends at a NUL, and is UTF-8: a lone surrogate cannot be sent, nor typed into a search box
@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12))
def test_the_word_is_folded_in_sql_exactly_as_the_stored_text_in_python(widths, word):
    """One map, two places: the query folds the word a character at a time through _fold_map; the copy's text was
    folded by fold(). Were they to differ, a word could miss the very text it was copied from."""
    cte = QUERIES["search_text"][1].split(" SELECT 'task'")[0]
    assert widths.execute(f"{cte} SELECT folded FROM word", {"word": word}).fetchone() == (fold(word),)


def test_a_copy_built_before_the_fold_tables_is_built_again(release, tmp_path):
    db_path, _ = prepare(release, tmp_path)
    with sqlite3.connect(db_path) as lite:
        lite.execute("DROP TABLE _search_folded")
        lite.execute("PRAGMA user_version = 0")
    lite.close()
    db_path, _ = prepare(release, tmp_path)
    lite = sqlite3.connect(db_path)
    try:
        assert lite.execute(QUERIES["search_text"][1], {"word": "孔雀"}).fetchall()
    finally:
        lite.close()
    meta = datasette_metadata(release)["databases"]["whitepaper"]["tables"]
    assert meta["_fold_map"] == {"hidden": True} and meta["_search_folded"] == {"hidden": True}
