"""The output root checked and repaired before every run (flows/release/state.py), on releases of the tiny tables.

Each test builds the damage itself: a stale releases.json, index.html or LATEST (a run killed after latest
switched), a dangling latest, a truncated Parquet file, latest and LATEST both lost, leftovers of killed runs.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from flows.release.changes import compute_changes
from flows.release.dirs import latest_release_dir
from flows.release.history import HISTORY_FILE, release_history
from flows.release.index import INDEX_FILE, release_entries, render_release_index
from flows.release.state import DAMAGED_PREFIX, reconcile, verify_release
from tests.release.fixtures import publish_tiny, tiny_tables


def publish(out_root, tables):
    return publish_tiny(out_root, tables={**tables, "changes": compute_changes(latest_release_dir(out_root), tables)})


def retitled(title: str):
    tables = tiny_tables()
    tables["tasks"].loc[1, "title_zh"] = title
    return tables


@pytest.fixture
def two(tmp_path):
    """Two releases, the second latest; returns (out_root, first id, second id)."""
    first = publish(tmp_path, tiny_tables())
    second = publish(tmp_path, retitled("建设创新载体(修订)"))
    return tmp_path, first.release_id, second.release_id


def consistent(out, latest_id):
    """Every state file agrees with the releases on disk and names latest_id."""
    assert os.readlink(out / "latest") == f"releases/{latest_id}"
    assert (out / "LATEST").read_text() == latest_id + "\n"
    assert json.loads((out / HISTORY_FILE).read_text()) == release_history(out)
    assert release_history(out)["latest"] == latest_id
    assert (out / INDEX_FILE).read_text(encoding="utf-8") == render_release_index(release_entries(out))
    assert verify_release(out / "releases" / latest_id) == []


def test_a_consistent_root_is_left_as_it_is(two):
    out, _, second = two
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    check = reconcile(out)
    assert check.problems == [] and check.repaired == [] and not check.rebuild and check.summary() is None
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    consistent(out, second)


def test_the_last_window_heals_stale_history_index_and_latest_file(two, tmp_path_factory):
    """As left by a kill just after latest switched: releases.json, index.html and LATEST still name the first."""
    out, first, second = two
    old = tmp_path_factory.mktemp("old")
    publish(old, tiny_tables())
    for name in (HISTORY_FILE, INDEX_FILE):
        shutil.copyfile(old / name, out / name)
    (out / "LATEST").write_text(first + "\n")
    check = reconcile(out)
    assert not check.rebuild and set(check.repaired) == {f"latest and LATEST → {second}", HISTORY_FILE, INDEX_FILE}
    consistent(out, second)
    assert reconcile(out).repaired == []


def test_a_dangling_latest_is_reported_and_points_at_the_newest_good_release(two):
    out, first, second = two
    shutil.rmtree(out / "releases" / second)
    check = reconcile(out)
    assert check.rebuild and any(f"latest names releases/{second}: releases/{second} is missing" in p for p in check.problems)
    consistent(out, first)


def test_a_truncated_parquet_file_of_latest_is_moved_aside_and_rebuilt(two):
    out, first, second = two
    parquet = out / "releases" / second / "data" / "tasks.parquet"
    parquet.write_bytes(parquet.read_bytes()[:50])
    check = reconcile(out)
    assert check.rebuild and any("data/tasks.parquet: sha256" in p for p in check.problems), check.problems
    damaged = [p.name for p in (out / "releases").iterdir() if p.name.startswith(DAMAGED_PREFIX)]
    assert len(damaged) == 1 and damaged[0].startswith(f"{DAMAGED_PREFIX}{second}-")
    consistent(out, first)
    again = publish(out, retitled("建设创新载体(修订)"))                # the same data, published whole again
    assert again.published and again.release_id == second
    consistent(out, second) if reconcile(out).repaired == [] else pytest.fail("publish left the state inconsistent")


def test_latest_and_latest_file_both_lost_do_not_restart_at_the_first_release(two):
    out, first, second = two
    (out / "latest").unlink()
    (out / "LATEST").unlink()
    check = reconcile(out)
    assert any("both missing" in p for p in check.problems) and not check.rebuild
    consistent(out, second)
    third = publish(out, retitled("第三版"))
    package = json.loads((third.release_dir / "datapackage.json").read_text())
    manifest = json.loads((third.release_dir / "manifest.json").read_text())
    assert package["version"] == "1.0.2" and manifest["previous_release"] == second


def test_the_version_never_falls_below_a_release_on_disk(two):
    """Even without the check (latest and LATEST gone, nothing repaired), the numbering goes on from the disk."""
    out, first, second = two
    (out / "latest").unlink()
    (out / "LATEST").unlink()
    third = publish(out, retitled("第三版"))
    assert json.loads((third.release_dir / "datapackage.json").read_text())["version"] == "1.0.2"


def test_latest_and_latest_file_disagreeing_follow_the_symlink(two):
    """A kill between the two renames of switch_latest: the symlink was switched first, so it is the newer."""
    out, first, second = two
    (out / "LATEST").write_text(first + "\n")
    assert reconcile(out).repaired == [f"latest and LATEST → {second}"]
    consistent(out, second)


def test_no_release_verifies_removes_latest_and_says_so(two):
    out, first, second = two
    for rid in (first, second):
        (out / "releases" / rid / "manifest.json").write_text("{not json")
    check = reconcile(out)
    assert check.rebuild and check.latest is None and not (out / "latest").exists() and not (out / "LATEST").exists()
    assert json.loads((out / HISTORY_FILE).read_text())["releases"] == []


def test_leftovers_of_killed_runs_are_removed(two):
    out, _, second = two
    for name in (".latest-0a1b2c3d4e5f", ".LATEST-0a1b2c3d4e5f", ".releases-x1.json", ".index.html-0a1b2c3d4e5f",
                 ".status-abc.json"):
        (out / name).write_text("x")
    (out / "releases" / ".staging-0a1b2c3d4e5f").mkdir()
    reconcile(out)
    # .cache holds the digests of the release's files (flows/release/hash_memo.py): no leftover, a cache
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".cache", ".lock"]
    assert [p.name for p in (out / "releases").iterdir() if p.name.startswith(".")] == []
    consistent(out, second)


def test_an_empty_or_new_root_needs_nothing(tmp_path):
    assert reconcile(tmp_path / "none").latest is None
    check = reconcile(tmp_path)
    assert check.latest is None and check.problems == [] and check.repaired == []


def test_latest_file_naming_a_path_is_never_used_as_one(two, tmp_path_factory):
    """LATEST holding ../../somewhere: nothing outside the output root is moved, read or listed as a release."""
    out, _, second = two
    victim = tmp_path_factory.mktemp("victim")
    (victim / "keep.txt").write_text("keep")
    (out / "latest").unlink()
    (out / "LATEST").write_text(f"../../{victim.name}\n")
    (out / "releases" / ".damaged-..").mkdir()     # what made the escape possible before: a folder of that name
    check = reconcile(out)
    assert (victim / "keep.txt").read_text() == "keep"
    assert f"{out / 'LATEST'} holds the path '../../{victim.name}', not a release id: never used as a path" in check.problems
    consistent(out, second)
    assert [r["release_id"] for r in release_history(out)["releases"]][-1] == second


@pytest.mark.parametrize("target", ["/", "..", "outside"])
def test_latest_pointing_anywhere_but_a_release_folder_is_switched_back(two, tmp_path_factory, target):
    out, _, second = two
    if target == "outside":   # a verified-looking copy of the release elsewhere, then tampered with
        elsewhere = tmp_path_factory.mktemp("evil") / "releases" / second
        shutil.copytree(out / "releases" / second, elsewhere)
        with open(elsewhere / "data" / "tasks.csv", "a", encoding="utf-8") as f:
            f.write("TAMPERED\r\n")
        target = str(elsewhere)
    (out / "latest").unlink()
    os.symlink(target, out / "latest")
    check = reconcile(out)
    assert any(p.startswith(f"{out / 'latest'} ") and p.endswith("never followed") for p in check.problems), check.problems
    consistent(out, second)
    assert b"TAMPERED" not in (out / "latest" / "data" / "tasks.csv").read_bytes()


def test_a_bad_latest_and_a_bad_latest_file_are_each_told_as_what_they_are_never_both_missing(two):
    """latest an absolute link outside the folder and LATEST garbled (or missing): each problem named with its path,
    then what the run did and what the operator does; 'both missing' is kept for when both are missing."""
    out, first, second = two
    (out / "latest").unlink()
    os.symlink("/tmp", out / "latest")
    (out / "LATEST").write_bytes(b"\xff\xfe\x00")
    problems = reconcile(out).problems
    assert not any("both missing" in p for p in problems)
    assert f"{out / 'latest'} is an absolute link to /tmp, outside {out / 'releases'}: never followed" in problems
    assert f"{out / 'LATEST'} is garbled: not UTF-8 text, so no release id" in problems
    assert any(p.startswith(f"neither {out / 'latest'} nor {out / 'LATEST'} named a release of this folder that "
                            f"verifies; the newest release that verifies, {second}, is latest again")
               and f"write its id into {out / 'LATEST'}" in p for p in problems), problems
    consistent(out, second)

    (out / "latest").unlink()
    (out / "LATEST").unlink()
    os.symlink("../elsewhere/releases/" + first, out / "latest")
    problems = reconcile(out).problems
    assert f"{out / 'LATEST'} is missing" in problems and not any("both missing" in p for p in problems)
    assert any(p.startswith(f"{out / 'latest'} points at '../elsewhere/releases/{first}', outside") for p in problems)
    consistent(out, second)


def test_an_absolute_latest_to_a_release_of_this_folder_keeps_that_release_and_is_made_relative(two):
    out, first, second = two
    (out / "latest").unlink()
    (out / "LATEST").unlink()
    os.symlink((out / "releases" / first).resolve(), out / "latest")
    check = reconcile(out)
    assert check.problems == [f"{out / 'latest'} was an absolute link to {(out / 'releases' / first).resolve()}; only the "
                              f"relative link releases/{first} is kept, which still holds when the folder is moved or "
                              f"copied", f"{out / 'LATEST'} is missing"]
    assert check.repaired[0] == f"latest and LATEST → {first}"
    consistent(out, first)


def test_a_release_folder_that_is_a_link_is_neither_listed_nor_trusted(two, tmp_path_factory):
    out, first, second = two
    elsewhere = tmp_path_factory.mktemp("elsewhere") / second
    os.rename(out / "releases" / second, elsewhere)
    os.symlink(elsewhere, out / "releases" / second)
    check = reconcile(out)
    assert check.rebuild and any("is a link" in p for p in check.problems)
    assert second not in [r["release_id"] for r in release_history(out)["releases"]]
    consistent(out, first)
    assert elsewhere.is_dir()       # moved aside is the link, never what it points at


@pytest.mark.parametrize("name", [HISTORY_FILE, INDEX_FILE, "LATEST", "status.json", "latest"])
def test_a_state_file_that_is_a_folder_is_moved_aside_and_written_again(two, name):
    out, _, second = two
    entry = out / name
    if entry.is_symlink() or entry.is_file():
        entry.unlink()
    entry.mkdir()
    (entry / "something").write_text("kept for inspection")
    check = reconcile(out)
    assert any(p.startswith(f"{name} was not a") for p in check.problems)
    moved = [p for p in out.iterdir() if p.name.startswith(f"{DAMAGED_PREFIX}{name}-")]
    assert len(moved) == 1 and (moved[0] / "something").read_text() == "kept for inspection"
    consistent(out, second)


def test_a_folder_whose_name_is_not_utf8_is_reported_never_listed_and_stops_nothing(two):
    out, _, second = two
    os.mkdir(os.fsencode(out / "releases") + b"/copy-\xff")
    check = reconcile(out)
    assert any(p.startswith("releases/copy-\\xff: a folder name that is not UTF-8") for p in check.problems)
    assert not check.rebuild
    consistent(out, second)
    assert "copy-" not in (out / HISTORY_FILE).read_text() + (out / INDEX_FILE).read_text(encoding="utf-8")
