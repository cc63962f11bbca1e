"""Nothing new, found cheaply: the same input files, the same code and the same as-of date as the latest release.

A release is a pure function of its inputs (white papers, sidecars, lookups, update files), the code (flows/,
schemas/, sql/ and library versions) and the as-of date. After each run the key of those is recorded in
<out>/.cache/last_refresh.json with the release it gave; a run whose key equals the record, while latest
still points at that release, would publish the same release again, so it stops before reading anything.
Hashing the inputs reads their bytes once (a few hundred MB/s); nothing is parsed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path

from flows import paths, source_code
from flows.release.hash_memo import HashMemo, hash_files, write_cache
from flows.release.manifest import read_manifest
from flows.release.dirs import latest_release_dir
from flows.updates.limits import input_sha256

RECORD = ".cache/last_refresh.json"
LIBRARIES = ("pandas", "pandera", "pyarrow", "duckdb", "openpyxl", "pypinyin", "jinja2", "altair", "lxml", "python-docx")


def code_fingerprint(repo: Path = paths.REPO) -> str:
    """SHA-256 over every source file of the pipeline, its templates and SQL, and the library versions."""
    digest = hashlib.sha256(platform.python_version().encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\n".encode())
    # As imported (flows/source_code.py): a run that waited while new code was installed records the code it ran.
    files = source_code.IMPORTED if Path(repo) == paths.REPO else source_code.snapshot(Path(repo))
    for relative, file_digest in files.items():
        digest.update(f"{relative}\n".encode())
        digest.update(file_digest)
    return digest.hexdigest()


def input_hashes(inputs, memo: HashMemo | None = None) -> dict[str, str]:
    """source name → SHA-256 of every file a release is made from (papers, sidecars, lookups, update files); with
    memo, a file unchanged since it was last hashed is not read again (flows/release/hash_memo.py)."""
    files = [*inputs.whitepapers, *inputs.lookups, *inputs.updates]
    files += [p.with_name(p.stem + ".meta.yaml") for p in inputs.whitepapers if os.path.lexists(p.with_name(p.stem + ".meta.yaml"))]
    # A refused file is a quality note of the release: adding, changing or removing one is something new.
    refused = {inputs.source_name(p): _file_sha256(p) if p.is_file() and not p.is_symlink() else "(not a file)"
               for p in getattr(inputs, "refused", [])}
    hashes = dict(zip([inputs.source_name(p) for p in files], hash_files(files, _file_sha256, memo)))
    return {**hashes, **refused}


def _file_sha256(path: Path) -> str:
    return input_sha256(path)   # streamed; a link or special file is hashed by its kind, never followed or opened


def run_key(inputs, as_of: dt.date, options: dict | None = None, out_dir: Path | None = None) -> str:
    """One hash of everything a release depends on; with out_dir, the input files' digests are memoised there."""
    memo = HashMemo.load(out_dir, "inputs") if out_dir is not None else None
    key = {"as_of": as_of.isoformat(), "code": code_fingerprint(), "inputs": input_hashes(inputs, memo),
           "options": options or {}}
    if memo is not None:
        memo.save()
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def unchanged_release(out_dir: Path, key: str) -> dict | None:
    """The record of the run that had this key, if latest still points at the release it left; else None."""
    record = _read(Path(out_dir) / RECORD)
    if not record or record.get("key") != key:
        return None
    latest = latest_release_dir(Path(out_dir))
    manifest = read_manifest(latest) if latest else None
    if not manifest or latest.name != record.get("release_id") or manifest.get("content_hash") != record.get("content_hash"):
        return None
    return record


def remember(out_dir: Path, key: str, content_hash: str, row_counts: dict[str, int]) -> None:
    """Record the key of a completed run and the release latest now points at."""
    latest = latest_release_dir(Path(out_dir))
    if latest is None:
        return
    # unwritable, it only costs time: the next run hashes and compares again
    write_cache(Path(out_dir) / RECORD, json.dumps({"key": key, "release_id": latest.name, "content_hash": content_hash,
                                                    "row_counts": row_counts}, indent=2) + "\n")


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
