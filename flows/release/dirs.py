"""The folders of an output root: releases/<release_id>/, releases/.staging-*/, the latest symlink and LATEST.

Every change a reader can see is one rename: a staged folder becomes a release, then latest and LATEST
are replaced by a symlink and a file prepared beside them. Call these while holding the release lock.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from typing import NamedTuple

RELEASES = "releases"
STAGING_PREFIX = ".staging-"
LATEST_LINK = "latest"
LATEST_FILE = "LATEST"
RELEASE_ID = re.compile(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{8}")
"""What flows/release/manifest.py make_release_id gives; anything else in latest or LATEST is never used as a path."""


class Pointer(NamedTuple):
    """What latest or LATEST names: a release id, or None with what is wrong (missing: there is nothing at all)."""

    name: str | None
    problem: str | None = None
    missing: bool = False


def new_staging_dir(out_root: Path) -> Path:
    """Create an empty releases/.staging-<random>/ folder."""
    releases = out_root / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    path = releases / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
    path.mkdir()
    return path


def remove_stale_staging(out_root: Path) -> list[Path]:
    """Remove staging folders a killed run left behind (under the lock, no other run can own one)."""
    stale = sorted((out_root / RELEASES).glob(f"{STAGING_PREFIX}*")) if (out_root / RELEASES).is_dir() else []
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def latest_release_dir(out_root: Path) -> Path | None:
    """The release latest points at (the symlink, else the LATEST file), or None before the first release.

    Only a release id is taken from either (read_pointers), never a path: a link to a copy elsewhere or a LATEST
    holding ../../somewhere names no release here."""
    out_root = Path(out_root)
    for pointer in read_pointers(out_root):
        if pointer.name and (out_root / RELEASES / pointer.name).is_dir():
            return (out_root / RELEASES / pointer.name).resolve()
    return None


def read_pointers(out_root: Path) -> tuple[Pointer, Pointer]:
    """(the latest symlink, the LATEST file), each the release id it names, or what is wrong with it, in words that
    name the path: an operator reads these in the run's state line and status.json."""
    return _read_link(Path(out_root)), _read_marker(Path(out_root))


def _read_link(out_root: Path) -> Pointer:
    link, releases = out_root / LATEST_LINK, out_root / RELEASES
    if not link.is_symlink():
        return Pointer(None, f"{link} is missing" if not link.exists() else f"{link} is not a link", not link.exists())
    try:
        target = os.readlink(link)
    except OSError as err:
        return Pointer(None, f"{link} cannot be read ({err})")
    name = os.path.basename(target)
    if target == f"{RELEASES}/{name}" and RELEASE_ID.fullmatch(name):
        return Pointer(name)
    if os.path.isabs(target):
        # an absolute link to this folder's own release (made by hand, or by a copy that rewrote links) names it
        # well enough: only its id is taken, and it is written back relative so the folder can move
        if RELEASE_ID.fullmatch(name) and os.path.realpath(os.path.dirname(target)) == os.path.realpath(releases):
            return Pointer(name, f"{link} was an absolute link to {target}; only the relative link {RELEASES}/{name} "
                                 "is kept, which still holds when the folder is moved or copied")
        return Pointer(None, f"{link} is an absolute link to {target}, outside {releases}: never followed")
    if os.path.normpath(os.path.join(RELEASES, name)) != os.path.normpath(target):
        return Pointer(None, f"{link} points at {target!r}, outside {releases}: never followed")
    return Pointer(None, f"{link} points at {target!r}, which is not {RELEASES}/<release id>: never followed")


def _read_marker(out_root: Path) -> Pointer:
    marker = out_root / LATEST_FILE
    if marker.is_symlink() or (marker.exists() and not marker.is_file()):
        return Pointer(None, f"{marker} is not a file")
    if not marker.exists():
        return Pointer(None, f"{marker} is missing", missing=True)
    try:
        text = marker.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        return Pointer(None, f"{marker} is garbled: not UTF-8 text, so no release id")
    except OSError as err:
        return Pointer(None, f"{marker} cannot be read ({err})")
    if RELEASE_ID.fullmatch(text):
        return Pointer(text)
    if not text:
        return Pointer(None, f"{marker} is empty")
    if os.path.isabs(text) or "/" in text or "\\" in text:
        return Pointer(None, f"{marker} holds the path {text[:80]!r}, not a release id: never used as a path")
    return Pointer(None, f"{marker} is garbled: it holds {text[:60]!r}, not a release id")


def switch_latest(out_root: Path, release_id: str) -> None:
    """Point latest and LATEST at releases/<release_id>, each by one atomic rename; undo the first if the second fails."""
    link, marker = out_root / LATEST_LINK, out_root / LATEST_FILE
    token = secrets.token_hex(6)
    tmp_link, tmp_marker = out_root / f".latest-{token}", out_root / f".LATEST-{token}"
    old_target = os.readlink(link) if link.is_symlink() else None
    try:
        os.symlink(f"{RELEASES}/{release_id}", tmp_link)
        with open(tmp_marker, "w", encoding="utf-8", newline="\n") as f:
            f.write(release_id + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_link, link)
        try:
            os.replace(tmp_marker, marker)
        except BaseException:
            _restore_link(link, old_target, out_root / f".latest-{token}-undo")
            raise
        _fsync_dir(out_root)
    finally:
        for tmp in (tmp_link, tmp_marker):
            if tmp.is_symlink() or tmp.exists():
                tmp.unlink()


def _restore_link(link: Path, old_target: str | None, tmp: Path) -> None:
    if old_target is None:
        link.unlink(missing_ok=True)
        return
    os.symlink(old_target, tmp)
    os.replace(tmp, link)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
