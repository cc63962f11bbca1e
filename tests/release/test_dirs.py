"""Staging folders and the atomic switch of latest and LATEST."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import flows.release.dirs as release_dirs
from flows.release.dirs import latest_release_dir, new_staging_dir, remove_stale_staging, switch_latest


def make_release(out_root: Path, release_id: str) -> Path:
    path = out_root / "releases" / release_id
    path.mkdir(parents=True)
    return path


def test_switch_latest_points_the_symlink_and_the_file_at_the_release(tmp_path):
    first, second = make_release(tmp_path, "2014-10-01-aaaaaaaa"), make_release(tmp_path, "2014-12-31-bbbbbbbb")
    switch_latest(tmp_path, first.name)
    switch_latest(tmp_path, second.name)
    assert os.readlink(tmp_path / "latest") == "releases/2014-12-31-bbbbbbbb"
    assert (tmp_path / "LATEST").read_text() == "2014-12-31-bbbbbbbb\n"
    assert latest_release_dir(tmp_path) == second.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LATEST", "latest", "releases"]


def test_when_latest_file_cannot_be_replaced_the_symlink_is_put_back(tmp_path, monkeypatch):
    first, second = make_release(tmp_path, "2014-10-01-aaaaaaaa"), make_release(tmp_path, "2014-12-31-bbbbbbbb")
    switch_latest(tmp_path, first.name)
    real_replace = os.replace

    def fail_for_latest_file(src, dst):
        if Path(dst).name == "LATEST":
            raise OSError("injected")
        real_replace(src, dst)

    monkeypatch.setattr(release_dirs.os, "replace", fail_for_latest_file)
    with pytest.raises(OSError, match="injected"):
        switch_latest(tmp_path, second.name)
    assert os.readlink(tmp_path / "latest") == "releases/2014-10-01-aaaaaaaa"
    assert (tmp_path / "LATEST").read_text() == "2014-10-01-aaaaaaaa\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LATEST", "latest", "releases"]


def test_latest_falls_back_to_the_latest_file_without_a_symlink(tmp_path):
    release = make_release(tmp_path, "2014-10-01-aaaaaaaa")
    assert latest_release_dir(tmp_path) is None
    (tmp_path / "LATEST").write_text("2014-10-01-aaaaaaaa\n")
    assert latest_release_dir(tmp_path) == release


def test_stale_staging_folders_are_removed_and_releases_kept(tmp_path):
    release = make_release(tmp_path, "2014-10-01-aaaaaaaa")
    stale = new_staging_dir(tmp_path)
    (stale / "half-written.csv").write_text("a")
    assert stale.name.startswith(".staging-") and stale.parent == tmp_path / "releases"
    assert remove_stale_staging(tmp_path) == [stale]
    assert [p.name for p in (tmp_path / "releases").iterdir()] == [release.name]


def test_only_a_release_id_is_taken_from_latest_or_latest_file_never_a_path(tmp_path, tmp_path_factory):
    """Readers (history, browse, sql) resolve latest as the check does: a link to a copy elsewhere, or LATEST holding
    ../../somewhere, names no release of this folder."""
    release = make_release(tmp_path, "2014-12-31-bbbbbbbb")
    elsewhere = make_release(tmp_path_factory.mktemp("elsewhere"), "2014-12-31-bbbbbbbb")
    os.symlink(elsewhere, tmp_path / "latest")
    (tmp_path / "LATEST").write_text(f"../../{elsewhere.parent.parent.name}\n")
    assert latest_release_dir(tmp_path) is None
    (tmp_path / "LATEST").write_text(release.name + "\n")
    assert latest_release_dir(tmp_path) == release.resolve()
    (tmp_path / "latest").unlink()
    os.symlink(release.resolve(), tmp_path / "latest")   # absolute, but to this folder's own release: its id is taken
    (tmp_path / "LATEST").unlink()
    assert latest_release_dir(tmp_path) == release.resolve()


@pytest.mark.parametrize("target, latest_file, link_says, file_says", [
    ("/", b"x\xff\xfe", "is an absolute link to /, outside {releases}: never followed",
     "is garbled: not UTF-8 text, so no release id"),
    ("../../etc", b"", "points at '../../etc', outside {releases}: never followed", "is empty"),
    ("releases/latest-copy", b"/srv/curated/releases/2014-12-31-bbbbbbbb\n",
     "points at 'releases/latest-copy', which is not releases/<release id>: never followed",
     "holds the path '/srv/curated/releases/2014-12-31-bbbbbbbb', not a release id: never used as a path"),
    (None, b"2014-12-31\n", "is missing", "is garbled: it holds '2014-12-31', not a release id"),
    (None, None, "is missing", "is missing"),
])
def test_each_pointer_says_what_is_wrong_with_it_naming_its_path(tmp_path, target, latest_file, link_says, file_says):
    make_release(tmp_path, "2014-12-31-bbbbbbbb")
    if target:
        os.symlink(target, tmp_path / "latest")
    if latest_file is not None:
        (tmp_path / "LATEST").write_bytes(latest_file)
    link, marker = release_dirs.read_pointers(tmp_path)
    assert (link.name, marker.name) == (None, None)
    assert link.problem == f"{tmp_path / 'latest'} {link_says.format(releases=tmp_path / 'releases')}"
    assert marker.problem == f"{tmp_path / 'LATEST'} {file_says}"
    assert (link.missing, marker.missing) == (target is None, latest_file is None)
