"""curated/releases.json: every release kept under releases/, rebuilt from the releases' own manifest.json files.

Rebuilding rather than appending means the file can never disagree with the folders: a release removed by
`whitepaper prune` or by hand disappears from it the next time it is written (on every publish and prune).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from flows.release.datapackage import DATAPACKAGE_FILE
from flows.release.manifest import read_json, read_manifest
from flows.release.dirs import LATEST_LINK, RELEASES, latest_release_dir
from flows.updates.limits import printable

HISTORY_FILE = "releases.json"


def release_folders(out_root: Path) -> list[Path]:
    """Every releases/<release_id>/ folder (staging folders, links and names that are not text left out), by name."""
    folder = Path(out_root) / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and not p.is_symlink() and not p.name.startswith(".") and _is_text(p.name))


def untextual_folders(out_root: Path) -> list[str]:
    """The names (bytes that are not UTF-8 as \\xNN) of entries of releases/ whose name is not text: no release
    id is, and releases.json and index.html could not name them."""
    folder = Path(out_root) / RELEASES
    return sorted(printable(p.name) for p in folder.iterdir() if not _is_text(p.name)) if folder.is_dir() else []


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:   # os.fsdecode's surrogates for bytes that are not UTF-8
        return False
    return True


def release_history(out_root: Path) -> dict:
    """{"latest": id, "releases": [...]} oldest first: id, created, as-of, version, content hash, previous
    release, rows per table and change summary of each release, from its manifest.json and datapackage.json."""
    latest = latest_release_dir(Path(out_root))
    releases = [release_entry(path) for path in release_folders(out_root)]
    depth = _chain_lengths(releases)
    # created has whole seconds: of two releases written in the same second, the one naming the other comes later.
    releases.sort(key=lambda r: (r["created"] or "", depth[r["release_id"]], r["release_id"]))
    return {"latest": latest.name if latest else None, "releases": releases}


def _chain_lengths(releases: list[dict]) -> dict[str, int]:
    """How many earlier releases each one reaches by previous_release links (among those still kept)."""
    previous = {r["release_id"]: r["previous_release"] for r in releases}
    lengths = {}
    for release_id in previous:
        seen, current = set(), previous[release_id]
        while current in previous and current not in seen:
            seen.add(current)
            current = previous[current]
        lengths[release_id] = len(seen)
    return lengths


def no_manifest(release_dir: Path) -> str:
    """The problem of a release folder without a readable manifest, as releases.json and index.html both tell it."""
    return f"{RELEASES}/{release_dir.name}/manifest.json is missing or not JSON"


def release_entry(release_dir: Path) -> dict:
    """One release as releases.json lists it; a folder without a readable manifest says so in `problem`."""
    manifest = read_manifest(release_dir)
    if manifest is None:
        return {"release_id": release_dir.name, "created": None, "as_of": None, "version": None, "content_hash": None,
                "previous_release": None, "row_counts": {}, "change_summary": None, "problem": no_manifest(release_dir)}
    rows = {Path(e["path"]).stem: e["rows"] for e in listed_outputs(manifest)
            if e["path"].startswith("data/") and e["path"].endswith(".parquet") and "rows" in e}
    package = read_json(release_dir / DATAPACKAGE_FILE)
    entry = {
        "release_id": manifest.get("release_id", release_dir.name),
        "created": manifest.get("created"),
        "as_of": manifest.get("as_of"),
        "version": package.get("version") if isinstance(package, dict) else None,
        "content_hash": manifest.get("content_hash"),
        "previous_release": manifest.get("previous_release"),
        "row_counts": dict(sorted(rows.items())),
        "change_summary": manifest.get("change_summary"),
        "illustrative": bool(manifest.get("illustrative_inputs")),
    }
    problems = damage(release_dir, manifest, package)
    return entry | ({"problem": "; ".join(problems)} if problems else {})


def listed_outputs(manifest: dict) -> list[dict]:
    """The output entries of a manifest that name a path (a damaged manifest may hold anything)."""
    return [e for e in manifest.get("outputs") or [] if isinstance(e, dict) and isinstance(e.get("path"), str)]


def damage(release_dir: Path, manifest: dict, package) -> list[str]:
    """What a look at a release's folder finds wrong, without reading its data: a datapackage.json that is not a
    package, files its manifest lists that are gone or changed size. (verify_release hashes them all: too slow for
    every release on every night; this costs a stat per file.)"""
    name = f"{RELEASES}/{release_dir.name}"
    problems = [] if isinstance(package, dict) and package.get("version") else [f"{name}/{DATAPACKAGE_FILE} is missing or "
                                                                               "not a data package"]
    changed = []
    for e in listed_outputs(manifest):
        try:
            size = (release_dir / e["path"]).stat().st_size
        except OSError:
            size = None
        if size != e.get("bytes"):
            changed.append(e["path"] + (" is missing" if size is None else f" has {size} bytes, not {e.get('bytes')}"))
    if changed:
        problems.append(f"{name}: {len(changed)} file(s) differ from its manifest.json: " + "; ".join(changed[:3])
                        + ("; …" if len(changed) > 3 else ""))
    return problems


def write_history(out_root: Path) -> Path:
    """Rewrite out_root/releases.json from the release folders, atomically (a reader sees the old or the new file)."""
    out_root = Path(out_root)
    text = json.dumps(release_history(out_root), ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(dir=out_root, prefix=".releases-", suffix=".json")
    os.fchmod(fd, 0o644)  # mkstemp makes 0600; a web server running as another user must read it, like the releases
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out_root / HISTORY_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out_root / HISTORY_FILE


def resolve_release(out_root: Path, name: str) -> Path:
    """releases/<name>/ for a release id, a unique prefix of one, or `latest`; ValueError naming the choices."""
    if name == LATEST_LINK:
        latest = latest_release_dir(Path(out_root))
        if latest is None:
            raise ValueError(f"{out_root}: no release yet, so `latest` names none")
        return latest
    ids = [p.name for p in release_folders(out_root)]
    matches = [i for i in ids if i == name] or [i for i in ids if i.startswith(name)]
    if len(matches) == 1:
        return Path(out_root) / RELEASES / matches[0]
    known = ", ".join(ids) or "none"
    what = "matches several releases" if matches else "is not a release"
    raise ValueError(f"{name} {what} in {Path(out_root) / RELEASES}; give `latest` or one of: {known}")


def history_lines(history: dict) -> list[str]:
    """The history for a terminal, newest first: one block per release, latest marked."""
    lines = []
    for r in reversed(history["releases"]):
        mark = "  (latest)" if r["release_id"] == history["latest"] else ""
        lines.append(f"{r['release_id']}{mark}")
        if r.get("problem"):
            lines.append(f"  damaged: {r['problem']}")
            if r["created"] is None:   # no manifest: nothing more is known
                continue
        total = sum(r["row_counts"].values())
        lines.append(f"  created {r['created']} · as of {r['as_of']} · version {r['version']} · "
                     f"{total} rows in {len(r['row_counts'])} tables")
        lines.append(f"  previous: {r['previous_release'] or 'none'}")
        lines.append(f"  changes: {r['change_summary'] or 'not recorded'}")
    return lines or ["no release yet"]


def history_note(out_root: Path) -> str:
    """Rewrite releases.json; a failure is told, not raised: the release is already published and latest points at it."""
    try:
        write_history(out_root)
    except OSError as err:
        return (f"; but {HISTORY_FILE} could not be rewritten ({err}): `whitepaper history` reads the releases "
                "themselves, and the next publish or prune writes it again")
    return ""
