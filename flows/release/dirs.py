"""The folders of an output root: releases/<release_id>/, releases/.staging-*/, the latest symlink and LATEST.

Every change a reader can see is one rename: a staged folder becomes a release, then latest and LATEST
are replaced by a symlink and a file prepared beside them. Call these while holding the release lock.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

RELEASES = "releases"
STAGING_PREFIX = ".staging-"
LATEST_LINK = "latest"
LATEST_FILE = "LATEST"


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
    """The release latest points at (the symlink, else the LATEST file), or None before the first release."""
    link = out_root / LATEST_LINK
    if link.is_symlink() and link.resolve().is_dir():
        return link.resolve()
    marker = out_root / LATEST_FILE
    if marker.is_file():
        release = out_root / RELEASES / marker.read_text(encoding="utf-8").strip()
        if release.is_dir():
            return release
    return None


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
