"""`whitepaper prune --keep N` (flows/release/prune.py): the oldest releases go, latest and the release before it stay."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.release.fixtures import publish_tiny, tiny_tables
from flows.release.changes import compute_changes
from flows.cli import app
from flows.release.history import HISTORY_FILE, release_history
from flows.release.prune import PrunePlan, plan_prune, prune_releases
from flows.release.dirs import latest_release_dir, switch_latest

runner = CliRunner()


def history(latest: str, *links: tuple[str, str | None], broken: tuple[str, ...] = ()) -> dict:
    """A release_history() of releases r1, r2 ... oldest first, each with its previous release."""
    releases = [{"release_id": rid, "previous_release": prev} for rid, prev in links]
    releases = [{"release_id": rid, "problem": "manifest.json is missing"} for rid in broken] + releases
    return {"latest": latest, "releases": releases}


LINEAR = [("r1", None), ("r2", "r1"), ("r3", "r2"), ("r4", "r3"), ("r5", "r4")]


@pytest.mark.parametrize("hist, keep, kept, removed", [
    (history("r5", *LINEAR), 2, ["r4", "r5"], ["r1", "r2", "r3"]),
    (history("r5", *LINEAR), 1, ["r4", "r5"], ["r1", "r2", "r3"]),           # latest's previous release stays
    (history("r5", *LINEAR), 9, ["r1", "r2", "r3", "r4", "r5"], []),
    (history("r2", *LINEAR), 2, ["r1", "r2", "r4", "r5"], ["r3"]),           # latest pointed back at r2
    (history("r5", ("r1", None), ("r2", "r1"), ("r3", "r1"), ("r5", "r2")), 1, ["r2", "r5"], ["r1", "r3"]),
])
def test_plan_keeps_the_newest_latest_and_its_previous_release(hist, keep, kept, removed):
    assert plan_prune(hist, keep) == PrunePlan(kept, removed, [])


def test_folders_without_a_manifest_are_left_alone():
    assert plan_prune(history("r5", *LINEAR, broken=("odd",)), 1) == PrunePlan(["r4", "r5"], ["r1", "r2", "r3"], ["odd"])


def test_keep_must_be_at_least_one():
    with pytest.raises(ValueError, match=r"--keep 0: keep at least 1 release"):
        plan_prune(history("r5", *LINEAR), 0)


@pytest.fixture
def four(tmp_path):
    """Four releases of the tiny tables, each with a different first task title."""
    results = []
    for title in ("一", "二", "三", "四"):
        tables = tiny_tables()
        tables["tasks"].loc[0, "title_zh"] = title
        tables["changes"] = compute_changes(latest_release_dir(tmp_path), tables)
        results.append(publish_tiny(tmp_path, tables=tables))
    return tmp_path, [r.release_id for r in results]


def test_prune_removes_the_oldest_and_rewrites_releases_json(four):
    out, ids = four
    plan = prune_releases(out, 1)
    assert plan == PrunePlan(ids[2:], ids[:2], [])
    assert sorted(p.name for p in (out / "releases").iterdir()) == sorted(ids[2:])
    assert (out / "LATEST").read_text().strip() == ids[3] and (out / "latest").resolve().name == ids[3]
    written = json.loads((out / HISTORY_FILE).read_text())
    assert [r["release_id"] for r in written["releases"]] == ids[2:] and written["latest"] == ids[3]


def test_prune_never_removes_latest_even_when_it_is_the_oldest(four):
    out, ids = four
    switch_latest(out, ids[0])
    prune_releases(out, 1)
    assert [r["release_id"] for r in release_history(out)["releases"]] == [ids[0], ids[3]]


def test_prune_command_dry_run_removes_nothing(four):
    out, ids = four
    dry = runner.invoke(app, ["prune", "--keep", "3", "--out", str(out), "--dry-run"])
    assert dry.exit_code == 0 and dry.output.splitlines() == [f"would remove {ids[0]}", "would remove 1, would keep 3"]
    assert len(list((out / "releases").iterdir())) == 4
    done = runner.invoke(app, ["prune", "--keep", "3", "--out", str(out)])
    assert done.output.splitlines() == [f"removed {ids[0]}", "removed 1, kept 3"]
    assert sorted(p.name for p in (out / "releases").iterdir()) == sorted(ids[1:])
    assert runner.invoke(app, ["prune", "--keep", "0", "--out", str(out)]).exit_code == 2
