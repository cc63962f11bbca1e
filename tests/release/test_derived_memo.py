"""flows/release/derived_memo.py: a night whose pages are in order reads no release; any change to what the pages
are made from (or to the pages themselves) is still found and repaired."""

from __future__ import annotations

import json
import os
import shutil

import pandas as pd
import pytest

from flows.release import derived_memo, state
from flows.release.history import HISTORY_FILE, release_history
from flows.release.index import INDEX_FILE, release_entries, render_release_index
from flows.release.state import reconcile
from tests.release.fixtures import publish_tiny, tiny_tables


@pytest.fixture
def settled(monkeypatch):
    """Every file counts as written long before the check (a test cannot age a file's ctime)."""
    monkeypatch.setattr(derived_memo, "RACY_NS", -10 ** 15)


@pytest.fixture
def out(tmp_path, settled):
    """An output root with two releases whose pages were found in order once (the memo recorded)."""
    publish_tiny(tmp_path)
    tables = tiny_tables()
    tables["tasks"].loc[1, "title_zh"] = "建设创新载体(修订)"
    publish_tiny(tmp_path, tables=tables)
    assert reconcile(tmp_path).summary() is None and (tmp_path / derived_memo.MEMO_FILE).is_file()
    return tmp_path


@pytest.fixture
def counted(monkeypatch):
    """How many times the pages were rebuilt to be compared."""
    calls = []
    real = state.release_entries
    monkeypatch.setattr(state, "release_entries", lambda root: calls.append(root) or real(root))
    return calls


def pages_in_order(out):
    assert json.loads((out / HISTORY_FILE).read_text()) == release_history(out)
    assert (out / INDEX_FILE).read_text(encoding="utf-8") == render_release_index(release_entries(out))


def test_an_unchanged_root_is_not_read_again(out, counted):
    check = reconcile(out)
    assert check.summary() is None and counted == []
    pages_in_order(out)


def test_an_index_rewritten_with_its_size_and_mtime_put_back_is_repaired(out, counted):
    page = out / INDEX_FILE
    before, text = os.stat(page), page.read_text(encoding="utf-8")
    page.write_text(text.replace("<", "[", 1), encoding="utf-8")   # same length
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert reconcile(out).repaired == [INDEX_FILE] and counted
    pages_in_order(out)


@pytest.mark.parametrize("change", ["history removed", "datapackage edited", "report removed", "status added",
                                    "release added", "latest moved"])
def test_a_change_to_anything_the_pages_are_made_from_is_found(out, counted, change, tmp_path_factory):
    releases = sorted((out / "releases").iterdir())
    first, second = releases
    if change == "history removed":
        (out / HISTORY_FILE).unlink()
    elif change == "datapackage edited":
        package = json.loads((second / "datapackage.json").read_text())
        (second / "datapackage.json").write_text(json.dumps({**package, "version": "9.9.9"}))
    elif change == "report removed":
        (second / "report" / "index.html").unlink()
    elif change == "status added":   # the tiny releases have no milestone_status: the index shows no headline
        pd.DataFrame({"has_text": [True], "is_completed": [True], "is_on_time": [True], "is_overdue": [False],
                      "is_unreported_past_due": [False], "status": ["completed"]}).to_parquet(
            second / "data" / "milestone_status.parquet")
    elif change == "release added":
        other = tmp_path_factory.mktemp("other")
        moved = publish_tiny(other, as_of=__import__("datetime").date(2015, 3, 31))
        shutil.copytree(moved.release_dir, out / "releases" / moved.release_id)
    elif change == "latest moved":
        os.remove(out / "latest")
        os.symlink(f"releases/{first.name}", out / "latest")
        (out / "LATEST").write_text(first.name + "\n")
    reconcile(out)
    assert counted, f"{change}: the pages were not checked"
    pages_in_order(out)


@pytest.mark.parametrize("changed", ["releases.html.j2", "report.css"])
def test_a_new_template_or_what_it_includes_checks_the_pages_again(out, counted, monkeypatch, tmp_path_factory,
                                                                     changed):
    templates = tmp_path_factory.mktemp("templates")
    for name in ("releases.html.j2", "report.css"):
        (templates / name).write_text("v1")
    monkeypatch.setattr(derived_memo, "TEMPLATES", templates)
    reconcile(out)
    counted.clear()
    assert reconcile(out).summary() is None and counted == []
    (templates / changed).write_text("v2, longer")   # another size: the test disables the racy-clean rule
    reconcile(out)
    assert counted


def test_the_modules_are_signed_as_this_process_imported_them(out, counted, monkeypatch):
    """A process that imported other code than the last one to record the memo compares the pages again."""
    assert any(e[0].endswith("history.py") for e in derived_memo.LOADED_CODE)
    monkeypatch.setattr(derived_memo, "LOADED_CODE", [*derived_memo.LOADED_CODE[:-1], ["flows/release/x.py", "00"]])
    reconcile(out)
    assert counted


def test_fresh_files_are_not_remembered(tmp_path, counted):
    publish_tiny(tmp_path)   # written just now: within RACY_NS of the check
    reconcile(tmp_path)
    assert not (tmp_path / derived_memo.MEMO_FILE).exists()
    reconcile(tmp_path)
    assert len(counted) == 2


@pytest.mark.parametrize("damage", ["garbage", "folder", "huge"])
def test_a_damaged_memo_means_a_full_check(out, counted, damage):
    memo = out / derived_memo.MEMO_FILE
    memo.unlink()
    if damage == "garbage":
        memo.write_bytes(b"\xff{not json")
    elif damage == "folder":
        memo.mkdir()
    else:
        memo.write_text(json.dumps({"signature": derived_memo.signature(out)[0], "pad": "x" * 10_000}))
    (out / INDEX_FILE).unlink()
    assert INDEX_FILE in reconcile(out).repaired and counted
    pages_in_order(out)
