"""The output root's state, checked and repaired before every run: latest, LATEST, releases.json, index.html.

Nothing there is trusted without a check. latest (the symlink) and LATEST (the same id as text) must name one
release folder whose files all hash as its manifest.json says; releases.json and index.html must be what the
release folders give. reconcile() fixes each to agree with the releases on disk, whether or not the run then
publishes, so a run killed in the last window (after latest switched, before the index was written) is healed by
the next one. A release found damaged is moved aside to releases/.damaged-<id>-<random>/ (kept for inspection,
never listed, never pointed at) and the run must publish from its inputs again (StateCheck.rebuild). Call
reconcile while holding the release lock.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flows.release import derived_memo
from flows.release.datapackage import DATAPACKAGE_FILE
from flows.release.dirs import (LATEST_FILE, LATEST_LINK, RELEASES, Pointer, latest_release_dir, read_pointers,
                                remove_stale_staging, switch_latest)
from flows.release.hash_memo import HashMemo
from flows.release.history import HISTORY_FILE, release_folders, release_history, untextual_folders, write_history
from flows.release.index import INDEX_FILE, release_entries, render_release_index, write_release_index
from flows.release.manifest import MANIFEST, check_files, read_json, read_manifest
from flows.status import STATUS_FILE

DAMAGED_PREFIX = ".damaged-"
_LEFTOVERS = re.compile(r"^\.(latest|LATEST)-[0-9a-f]+(-undo)?$|^\.releases-.*\.json$|^\.index\.html-[0-9a-f]+$|^\.status-.*\.json$")
"""Temporary files a killed run may leave in the output root (dirs.py, history.py, index.py, status.py)."""


@dataclass
class StateCheck:
    """What reconcile found: the release latest points at now, problems found, files repaired, rebuild needed."""

    latest: Path | None
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    rebuild: bool = False

    def summary(self) -> str | None:
        """One line for status.json and the log, or None when all was in order."""
        if not self.problems and not self.repaired:
            return None
        parts = self.problems + ([f"repaired {', '.join(self.repaired)}"] if self.repaired else [])
        return "; ".join(parts)


def verify_release(release_dir: Path, memo: HashMemo | None = None) -> list[str]:
    """Problems of one release folder against its manifest.json: [] when every file hashes as listed (with memo,
    a file unchanged since it was last hashed keeps its digest: flows/release/hash_memo.py)."""
    name = f"{RELEASES}/{release_dir.name}"
    if release_dir.is_symlink():
        return [f"{name} is a link, not a release folder"]
    if not release_dir.is_dir():
        return [f"{name} is missing"]
    manifest = read_manifest(release_dir)
    if manifest is None:
        return [f"{name}/{MANIFEST} is missing or not JSON"]
    try:
        check_files(release_dir, manifest, memo)
    except (ValueError, KeyError, TypeError, OSError) as err:
        return [f"{name} does not match its {MANIFEST}: {err}"]
    return []


def _pointer_names(out_root: Path, check: StateCheck) -> tuple[Pointer, Pointer]:
    """(latest, LATEST) as read_pointers reads them. What is wrong with one that is there is a problem now; one that
    is missing only once a release verifies (_repair_pointers): before the first release neither is, rightly."""
    pointers = read_pointers(out_root)
    check.problems += [p.problem for p in pointers if p.problem and not p.missing]
    return pointers
def _move_aside_odd_entries(out_root: Path, check: StateCheck) -> None:
    """A state file that is a folder, a FIFO or a link, or a latest that is no link, cannot be rewritten in place:
    move it to .damaged-<name>-<random> for inspection, so the run can write it again."""
    odd = [name for name in (HISTORY_FILE, INDEX_FILE, LATEST_FILE, STATUS_FILE)
           if (out_root / name).is_symlink() or ((out_root / name).exists() and not (out_root / name).is_file())]
    if (out_root / LATEST_LINK).exists() and not (out_root / LATEST_LINK).is_symlink():
        odd.append(LATEST_LINK)
    for name in odd:
        target = out_root / f"{DAMAGED_PREFIX}{name}-{secrets.token_hex(4)}"
        os.rename(out_root / name, target)
        check.problems.append(f"{name} was not a {'link' if name == LATEST_LINK else 'file'}; moved it to {target.name}")


def _quarantine(out_root: Path, release_id: str) -> str:
    folder = out_root / RELEASES / release_id
    target = out_root / RELEASES / f"{DAMAGED_PREFIX}{release_id}-{secrets.token_hex(4)}"
    os.rename(folder, target)
    return f"{RELEASES}/{target.name}"


def reconcile(out_root: Path) -> StateCheck:
    """Check latest, LATEST, releases.json and index.html against the releases on disk and repair them.

    latest is kept when its release verifies; else LATEST's; else the newest release that verifies (a release
    latest or LATEST named but missing or damaged sets rebuild). Raises OSError only when the output root itself
    cannot be written.
    """
    out_root = Path(out_root)
    if not out_root.is_dir():
        return StateCheck(None)
    check = StateCheck(None)
    remove_stale_staging(out_root)
    for leftover in (p for p in out_root.iterdir() if _LEFTOVERS.match(p.name) and not p.is_dir()):
        leftover.unlink(missing_ok=True)
    _move_aside_odd_entries(out_root, check)
    check.problems += [f"{RELEASES}/{name}: a folder name that is not UTF-8 text is no release; it is neither listed nor "
                       "used (rename or remove it)" for name in untextual_folders(out_root)]
    link, marker = _pointer_names(out_root, check)
    by_link, by_file = link.name, marker.name
    checked: set[str] = set()
    memo = HashMemo.load(out_root, "release")
    for name, pointed in _candidates(out_root, by_link, by_file):
        if name is None or name in checked:
            continue
        checked.add(name)
        problems = verify_release(out_root / RELEASES / name, memo)
        if not problems:
            check.latest = out_root / RELEASES / name
            break
        check.problems += [f"{pointed} names {RELEASES}/{name}: {p}" if pointed else p for p in problems]
        check.rebuild = check.rebuild or pointed is not None
        if (out_root / RELEASES / name).is_dir():
            check.problems.append(f"moved the damaged release to {_quarantine(out_root, name)}")
    memo.save()
    _repair_pointers(out_root, check, link, marker)
    _repair_derived(out_root, check)
    return check


def _candidates(out_root: Path, by_link: str | None, by_file: str | None):
    """(release name, pointer naming it) in the order reconcile tries them: latest, LATEST, then every release newest
    first. Lazily: the history reads every release's manifest, which a night whose latest verifies never needs."""
    yield by_link, "latest"
    yield by_file, LATEST_FILE
    for r in reversed(release_history(out_root)["releases"]):
        yield (out_root / RELEASES / r["release_id"]).name, None


def _repair_pointers(out_root: Path, check: StateCheck, link: Pointer, marker: Pointer) -> None:
    by_link, by_file = link.name, marker.name
    if check.latest is None:
        if by_link or by_file or (out_root / LATEST_LINK).is_symlink():
            (out_root / LATEST_LINK).unlink(missing_ok=True)
            (out_root / LATEST_FILE).unlink(missing_ok=True)
            check.repaired.append("latest and LATEST removed: no release on disk verifies")
        return
    name = check.latest.name
    relative = (out_root / LATEST_LINK).is_symlink() and os.readlink(out_root / LATEST_LINK) == f"{RELEASES}/{name}"
    if by_link != name or by_file != name or not relative:
        if link.missing and marker.missing:
            check.problems.append(f"{out_root / LATEST_LINK} and {out_root / LATEST_FILE} were both missing while "
                                  f"releases exist; {_fallback(out_root, name)}")
        else:
            check.problems += [p.problem for p in (link, marker) if p.missing]
            if name not in (by_link, by_file):
                check.problems.append(f"neither {out_root / LATEST_LINK} nor {out_root / LATEST_FILE} named a "
                                      f"release of this folder that verifies; {_fallback(out_root, name)}")
        switch_latest(out_root, name)
        check.repaired.append(f"latest and LATEST → {name}")
    check.latest = latest_release_dir(out_root)


def _fallback(out_root: Path, name: str) -> str:
    """What was done when neither pointer named a release that verifies, and what the operator does if it was not the one to serve."""
    return (f"the newest release that verifies, {name}, is latest again (latest → {RELEASES}/{name}, LATEST holds "
            f"{name}). If another release should be latest, write its id into {out_root / LATEST_FILE}, make "
            f"{out_root / LATEST_LINK} the relative link {RELEASES}/<that id> and run `whitepaper refresh`")


def _repair_derived(out_root: Path, check: StateCheck) -> None:
    """releases.json and index.html rewritten when they differ from what the release folders give; not read at
    all while nothing they are made from changed since they were last found in order (flows/release/derived_memo.py)."""
    started = derived_memo.now_ns()
    if derived_memo.in_order(out_root, derived_memo.signature(out_root)[0]):
        # told every night until mended or pruned: the damage releases.json recorded when it was last rebuilt
        check.problems += _damaged_releases(read_json(out_root / HISTORY_FILE))
        return
    _compare_derived(out_root, check)
    if not any(p.startswith((HISTORY_FILE, INDEX_FILE)) for p in check.problems):
        derived_memo.remember(out_root, started)


def _damaged_releases(history) -> list[str]:
    """The problems a history (releases.json's shape) records for releases other than latest, which is verified by
    hash on its own; nothing for a history that is not one."""
    if not isinstance(history, dict):
        return []
    return [r["problem"] for r in history.get("releases") or [] if isinstance(r, dict) and r.get("problem")
            and r.get("release_id") != history.get("latest")]


def _compare_derived(out_root: Path, check: StateCheck) -> None:
    history, releases = out_root / HISTORY_FILE, release_history(out_root)
    check.problems += _damaged_releases(releases)
    if (history.exists() or release_folders(out_root)) and read_json(history) != releases:
        write_history(out_root)
        check.repaired.append(HISTORY_FILE)
    index = out_root / INDEX_FILE
    try:
        current = index.read_text(encoding="utf-8") if index.is_file() else None
    except (OSError, UnicodeDecodeError):
        current = None
    try:
        if release_folders(out_root) and current != render_release_index(release_entries(out_root)):
            write_release_index(out_root)
            check.repaired.append(INDEX_FILE)
    except Exception as err:  # noqa: BLE001 - a convenience page: an older release it cannot read must not stop the run
        check.problems.append(f"{INDEX_FILE} could not be rebuilt ({type(err).__name__}: {err})")


def highest_version_package(out_root: Path) -> dict | None:
    """The datapackage.json of highest version among every release folder on disk (damaged ones included):
    the floor of the next version, so losing latest never restarts the numbering at 1.0.0."""
    best, best_key = None, None
    folder = Path(out_root) / RELEASES
    for release in folder.iterdir() if folder.is_dir() else []:
        package = read_json(release / DATAPACKAGE_FILE) if release.is_dir() else None
        match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", str((package or {}).get("version", "")))
        if match and (best_key is None or tuple(map(int, match.groups())) > best_key):
            best, best_key = package, tuple(map(int, match.groups()))
    return best
