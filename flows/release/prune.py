"""Remove old releases: `whitepaper prune --keep N`.

Kept: the N most recently created releases, the release latest points at, and the release latest names as its
previous_release (the one its changes table and README summary compare against, so `whitepaper diff` of the two
always works). Only that one link is followed: in a straight history the whole chain of previous_release links
from latest is every release, and following it would leave nothing to prune. Folders without a readable
manifest.json are never touched.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from flows.release.history import release_history, write_history
from flows.release.dirs import RELEASES, STAGING_PREFIX
from flows.release.lock import release_lock


@dataclass(frozen=True)
class PrunePlan:
    """Release ids, oldest first: those kept, those removed, and folders left alone for want of a manifest."""

    kept: list[str]
    removed: list[str]
    skipped: list[str]


def plan_prune(history: dict, keep: int) -> PrunePlan:
    """Which releases of a release_history() to keep and remove; pure."""
    if keep < 1:
        raise ValueError(f"--keep {keep}: keep at least 1 release (latest and its previous release are always kept)")
    releases = [r for r in history["releases"] if not r.get("problem")]
    skipped = [r["release_id"] for r in history["releases"] if r.get("problem")]
    protected = {history["latest"]}
    protected |= {r["previous_release"] for r in releases if r["release_id"] == history["latest"]}
    newest = {r["release_id"] for r in releases[-keep:]}
    kept = [r["release_id"] for r in releases if r["release_id"] in newest | protected]
    removed = [r["release_id"] for r in releases if r["release_id"] not in newest | protected]
    return PrunePlan(kept, removed, skipped)


def prune_releases(out_root: Path, keep: int, *, dry_run: bool = False, lock_timeout: float = 0) -> PrunePlan:
    """Remove what plan_prune says, holding the release lock so no refresh publishes meanwhile; rewrite releases.json."""
    out_root = Path(out_root)
    with release_lock(out_root, lock_timeout):
        plan = plan_prune(release_history(out_root), keep)
        if dry_run:
            return plan
        for release_id in plan.removed:
            folder = out_root / RELEASES / release_id
            # One rename takes the release out of sight; a removal stopped half-way leaves a staging folder,
            # which the next publish clears.
            hidden = folder.with_name(f"{STAGING_PREFIX}pruned-{release_id}")
            folder.rename(hidden)
            shutil.rmtree(hidden)
        write_history(out_root)
    return plan
