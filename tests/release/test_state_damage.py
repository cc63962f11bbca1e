"""A damaged release other than latest (flows/release/state.py, history.py): told in the run's state line once what
the pages are made from changed, marked in releases.json and `whitepaper history`, and never made latest."""

from __future__ import annotations

import json

from flows.release.changes import compute_changes
from flows.release.dirs import latest_release_dir
from flows.release.history import HISTORY_FILE, history_lines, release_history
from flows.release.state import reconcile
from tests.release.fixtures import publish_tiny, tiny_tables


def _three(out):
    ids = []
    for title in ("建设创新载体", "建设创新载体(一)", "建设创新载体(二)"):
        tables = tiny_tables()
        tables["tasks"].loc[1, "title_zh"] = title
        ids.append(publish_tiny(out, tables={**tables, "changes": compute_changes(latest_release_dir(out), tables)}).release_id)
    return ids


def test_damage_to_older_releases_is_told_and_marked_latest_untouched(tmp_path):
    first, second, latest = _three(tmp_path)
    (tmp_path / "releases" / first / "datapackage.json").write_text("[]")
    (tmp_path / "releases" / second / "data" / "tasks.parquet").unlink()
    check = reconcile(tmp_path)
    first_problem, second_problem = check.problems
    assert first_problem.startswith(f"releases/{first}/datapackage.json is missing or not a data package; ")
    assert "datapackage.json has 2 bytes, not " in first_problem
    assert second_problem == f"releases/{second}: 1 file(s) differ from its manifest.json: data/tasks.parquet is missing"
    assert check.repaired == [HISTORY_FILE, "index.html"] and check.latest.name == latest
    listed = {r["release_id"]: r for r in json.loads((tmp_path / HISTORY_FILE).read_text())["releases"]}
    assert "problem" not in listed[latest] and listed[second]["problem"].endswith("data/tasks.parquet is missing")
    lines = history_lines(release_history(tmp_path))
    at = lines.index(second)
    assert lines[at + 1].startswith("  damaged: ") and lines[at + 2].startswith("  created ")


def test_a_file_of_another_size_is_damage_an_intact_root_has_none(tmp_path):
    first, _, _ = _three(tmp_path)
    assert reconcile(tmp_path).problems == []
    with open(tmp_path / "releases" / first / "data" / "tasks.csv", "ab") as f:
        f.write(b"x")
    (tmp_path / "releases" / first / "manifest.json").touch()   # what the pages are made from changed
    problems = reconcile(tmp_path).problems
    assert len(problems) == 1 and "data/tasks.csv has" in problems[0] and f"releases/{first}:" in problems[0]


def test_damage_is_told_every_night_and_a_removed_file_is_found_once_the_pages_are_settled(tmp_path, monkeypatch):
    from flows.release import derived_memo

    monkeypatch.setattr(derived_memo, "RACY_NS", -10 ** 15)   # every file counts as settled: the memo records at once
    first, second, _ = _three(tmp_path)
    assert reconcile(tmp_path).problems == [] and reconcile(tmp_path).repaired == []   # the pages' memo is recorded
    (tmp_path / "releases" / second / "data" / "tasks.csv").unlink()                   # data/ changes; the four files do not
    told = reconcile(tmp_path)
    assert told.problems == [f"releases/{second}: 1 file(s) differ from its manifest.json: data/tasks.csv is missing"]
    later = reconcile(tmp_path)
    assert later.problems == told.problems and later.repaired == []                    # settled, and still told
    assert 'data-field="damaged"' in (tmp_path / "index.html").read_text(encoding="utf-8")
