"""The release README: its codebook matches the schemas and its worked examples run as written."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from tests.release.fixtures import publish_tiny, tiny_tables
from flows.tables.codebook import table_spec


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    result = publish_tiny(tmp_path_factory.mktemp("curated"))
    return result, (result.release_dir / "README.md").read_text(encoding="utf-8")


def code_blocks(readme: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", readme, flags=re.S)


def test_readme_states_the_release_and_how_to_cite_it(release):
    result, readme = release
    assert f"Release `{result.release_id}`" in readme and f"sha256:{result.content_hash}" in readme
    assert "## How to cite" in readme and "version 1.0.0" in readme and "<repository URL>" not in readme
    cite = readme.split("## How to cite", 1)[1]
    text, bibtex, csl = code_blocks(cite, "text")[0], code_blocks(cite, "bibtex")[0], code_blocks(cite, "json")[0]
    assert text.startswith("whitepaper project contributors (20") and f"release {result.release_id}, data as of 2014-10-01" in text
    assert bibtex.startswith(f"@misc{{whitepaper-{result.release_id},") and f"sha256:{result.content_hash}" in bibtex
    assert json.loads(csl)[0]["id"] == f"whitepaper-{result.release_id}" and json.loads(csl)[0]["type"] == "dataset"
    assert "'=SUM(A1)" in readme
    assert "**Excel / WPS:** open `whitepaper.xlsx`" in readme and "用 Excel 或 WPS 查看请打开" in readme


def test_codebook_lists_every_table_and_column_with_both_languages(release):
    _, readme = release
    for name in tiny_tables():
        spec = table_spec(name)
        assert f"### {name}\n\n**{spec.zh}** — {spec.en}" in readme
        for c in spec.columns:
            assert re.search(rf"^\| `{c.name}` \| {re.escape(c.zh)} \| {c.type} \|", readme, flags=re.M), (name, c.name)


def test_the_python_examples_run_in_the_release_folder(release, monkeypatch):
    result, readme = release
    monkeypatch.chdir(result.release_dir)
    blocks = code_blocks(readme, "python")
    assert len(blocks) == 2
    for block in blocks:
        scope: dict = {}
        exec(compile(block, "README.md", "exec"), scope)
    assert len(scope["tasks"]) == 2 and scope["per_task"].to_dict() == {"szsti-2014-01": 2, "szsti-2014-02": 2}


def test_the_sql_example_runs_on_the_duckdb_file(release):
    result, readme = release
    (sql,) = code_blocks(readme, "sql")
    con = duckdb.connect(str(result.release_dir / "whitepaper.duckdb"), read_only=True)
    statements = [s for s in sql.split(";") if s.strip() and not all(line.startswith("--") for line in s.strip().splitlines())]
    results = [con.execute(s).fetchall() for s in statements]
    con.close()
    assert len(results) == 2 and all(row[3] for row in results[0])
    assert [row[0] for row in results[1]] == ["szsti-2014-01", "szsti-2014-02"]
