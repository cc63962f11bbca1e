"""curated/releases.json and the `history` and `diff` commands (flows/release/history.py, flows/cli/releases.py)."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from tests.release.fixtures import DOC, publish_tiny, tiny_tables
from flows.release.changes import compute_changes
from flows.cli import app
from flows.release.history import HISTORY_FILE, history_lines, release_history, resolve_release, write_history
from flows.release.dirs import latest_release_dir

runner = CliRunner()


def publish(out_root, tables):
    return publish_tiny(out_root, tables={**tables, "changes": compute_changes(latest_release_dir(out_root), tables)})


def edited(**cells):
    """The tiny tables with cells replaced: edited(tasks=(0, "title_zh", "新")) ."""
    tables = tiny_tables()
    for table, (row, column, value) in cells.items():
        tables[table].loc[row, column] = value
    return tables


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """Three releases: the tiny tables, then a task retitled, then a contact changed as well."""
    out = tmp_path_factory.mktemp("curated")
    first = publish(out, tiny_tables())
    second = publish(out, edited(tasks=(1, "title_zh", "建设创新载体(修订)")))
    third = publish(out, edited(tasks=(1, "title_zh", "建设创新载体(修订)"), contacts=(0, "value", "https://szsti.gov.cn")))
    return out, [first, second, third]


def test_releases_json_lists_every_release_oldest_first(three):
    out, (first, second, third) = three
    written = json.loads((out / HISTORY_FILE).read_text(encoding="utf-8"))
    assert written == release_history(out)
    assert written["latest"] == third.release_id
    assert [r["release_id"] for r in written["releases"]] == [first.release_id, second.release_id, third.release_id]
    assert [r["previous_release"] for r in written["releases"]] == [None, first.release_id, second.release_id]
    assert [r["version"] for r in written["releases"]] == ["1.0.0", "1.0.1", "1.0.2"]
    assert [r["change_summary"] for r in written["releases"]] == [
        "first release", "tasks: 1 row changed; no schema change", "contacts: 1 row changed; no schema change"]
    entry = written["releases"][1]
    assert set(entry) == {"release_id", "created", "as_of", "version", "content_hash", "previous_release", "row_counts",
                          "change_summary", "illustrative"}
    assert entry["as_of"] == "2014-10-01" and entry["content_hash"] == second.content_hash
    assert entry["row_counts"] == {**{name: len(df) for name, df in tiny_tables().items()}, "changes": 1}
    assert not [p for p in out.iterdir() if p.name.startswith(".releases-")]
    assert (out / HISTORY_FILE).stat().st_mode & 0o777 == 0o644, "a web server running as another user must read it"


def test_releases_json_follows_latest_back_to_an_earlier_release(tmp_path):
    first = publish(tmp_path, tiny_tables())
    second = publish(tmp_path, edited(tasks=(0, "title_zh", "新标题")))
    back = publish(tmp_path, tiny_tables())
    assert back.release_id == first.release_id
    written = json.loads((tmp_path / HISTORY_FILE).read_text(encoding="utf-8"))
    assert written["latest"] == first.release_id
    assert [r["release_id"] for r in written["releases"]] == [first.release_id, second.release_id]


def test_history_is_rebuilt_from_the_release_folders(three, tmp_path):
    out, (first, second, third) = three
    copy = shutil.copytree(out, tmp_path / "curated", symlinks=True)
    shutil.rmtree(copy / "releases" / second.release_id)
    (copy / "releases" / "2014-01-01-stray").mkdir()
    write_history(copy)
    written = json.loads((copy / HISTORY_FILE).read_text(encoding="utf-8"))
    assert [r["release_id"] for r in written["releases"]] == ["2014-01-01-stray", first.release_id, third.release_id]
    assert written["releases"][0]["problem"] == "releases/2014-01-01-stray/manifest.json is missing or not JSON"


def test_a_release_is_named_by_id_unique_prefix_or_latest(three):
    out, (first, _, third) = three
    assert resolve_release(out, "latest") == third.release_dir.resolve()
    assert resolve_release(out, first.release_id) == first.release_dir
    assert resolve_release(out, first.release_id[:14]) == first.release_dir
    with pytest.raises(ValueError, match=r"^2014-10 matches several releases in .*; give `latest` or one of: 2014-10-01-"):
        resolve_release(out, "2014-10")
    with pytest.raises(ValueError, match=r"^2015-01-01 is not a release in "):
        resolve_release(out, "2015-01-01")


def test_history_prints_newest_first_with_latest_marked(three):
    out, (first, second, third) = three
    lines = history_lines(release_history(out))
    created = {r["release_id"]: r["created"] for r in release_history(out)["releases"]}
    assert lines[:4] == [
        f"{third.release_id}  (latest)",
        f"  created {created[third.release_id]} · as of 2014-10-01 · version 1.0.2 · 24 rows in 12 tables",
        f"  previous: {second.release_id}",
        "  changes: contacts: 1 row changed; no schema change",
    ]
    assert lines[-4:] == [first.release_id, lines[-3], "  previous: none", "  changes: first release"]
    assert history_lines({"latest": None, "releases": []}) == ["no release yet"]

    shown = runner.invoke(app, ["history", "--out", str(out)])
    assert shown.exit_code == 0 and shown.output.splitlines() == lines
    as_json = runner.invoke(app, ["history", "--out", str(out), "--json"])
    assert json.loads(as_json.output) == release_history(out)


def test_diff_prints_the_summary_then_one_line_per_change(three):
    out, (first, _, third) = three
    shown = runner.invoke(app, ["diff", first.release_id, "latest", "--out", str(out)])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines() == [
        f"{first.release_id} → {third.release_id}: tasks: 1 row changed; contacts: 1 row changed; no schema change",
        f'~ contacts {DOC}-c1 value: "http://www.szsti.gov.cn" → "https://szsti.gov.cn"',
        f'~ tasks {DOC}-02 title_zh: "建设创新载体" → "建设创新载体(修订)"',
    ]
    same = runner.invoke(app, ["diff", "latest", "latest", "--out", str(out)])
    assert same.output.splitlines() == [f"{third.release_id} → {third.release_id}: no change"]


def test_diff_of_an_unknown_release_exits_2_naming_the_choices(three):
    out, _ = three
    shown = runner.invoke(app, ["diff", "2013-01-01", "latest", "--out", str(out)])
    assert shown.exit_code == 2 and "2013-01-01 is not a release" in shown.output and "one of: 2014-10-01-" in shown.output


def test_releases_written_in_the_same_second_are_listed_in_the_order_they_name_each_other(tmp_path):
    for release_id, previous in (("2014-10-01-cccccccc", None), ("2014-10-01-bbbbbbbb", "2014-10-01-cccccccc"),
                                 ("2014-10-01-aaaaaaaa", "2014-10-01-bbbbbbbb")):
        (tmp_path / "releases" / release_id).mkdir(parents=True)
        (tmp_path / "releases" / release_id / "manifest.json").write_text(json.dumps(
            {"release_id": release_id, "created": "2026-01-01T00:00:00Z", "previous_release": previous, "outputs": []}))
    assert [r["release_id"] for r in release_history(tmp_path)["releases"]] == [
        "2014-10-01-cccccccc", "2014-10-01-bbbbbbbb", "2014-10-01-aaaaaaaa"]
