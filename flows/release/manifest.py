"""What a release holds and where it came from: its identity, content hash and manifest.json.

The content hash covers only the data files (Parquet and CSV) and the source texts, never dates, timestamps,
the DuckDB file or the manifest, so publishing the same data twice gives the same hash. data/changes.* is left
out too: it describes the release against the one before it, so the same data published after another release
would otherwise hash differently, and a rerun with nothing new would never find its outputs equal to latest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from flows.release.files import file_sha256
from flows.release.hash_memo import HashMemo, hash_files

MANIFEST = "manifest.json"
HASHED_FOLDERS = ("data/", "sources/")
HASHED_SUFFIXES = (".parquet", ".csv", ".txt", ".html", ".htm", ".docx")   # sources/: canonical texts and originals
# Left out of the content hash: the changes table (it compares with whatever release came before) and the
# summaries, which are the other tables seen from the as-of date — a new date alone must never make a release.
AS_OF_TABLES = ("milestone_status", "task_progress", "department_scorecard", "quarter_summary", "target_attainment")
UNHASHED_PREFIXES = ("data/changes.", *(f"data/{name}." for name in AS_OF_TABLES))
VERSIONED_PACKAGES = ("pandas", "pandera", "pyarrow", "duckdb", "openpyxl")


@dataclass(frozen=True)
class ReleaseInfo:
    """A release's identity: the four facts release_info, the manifest and the README all state; and the inputs
    marked as made up (illustrative_inputs), which make every output of the release say it must not be cited."""

    release_id: str
    as_of: dt.date
    created: dt.datetime
    content_hash: str
    illustrative: tuple[str, ...] = ()

    @property
    def created_text(self) -> str:
        return self.created.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def is_illustrative(self) -> bool:
        return bool(self.illustrative)


ILLUSTRATIVE_MARK = "ILLUSTRATIVE"
ILLUSTRATIVE_NOTE_ZH = "示例数据（虚构）：本版本含有为演示而编造的输入，请勿引用。"
ILLUSTRATIVE_NOTE_EN = ("ILLUSTRATIVE DATA, MADE UP: inputs of this release are marked ILLUSTRATIVE (examples/), invented "
                        "to show how the pipeline behaves. Do not cite it.")


def illustrative_inputs(names) -> tuple[str, ...]:
    """The input names (raw/updates/szsti-2014/ILLUSTRATIVE-2014-q3.xlsx) whose file name carries ILLUSTRATIVE_MARK,
    in any case: examples/ names every made-up file so (README: never invent official data). Sorted, each once."""
    return tuple(sorted({n for n in names if ILLUSTRATIVE_MARK in n.rsplit("/", 1)[-1].upper()}))


def content_hash(file_hashes: dict[str, str], illustrative: tuple[str, ...] | list[str] = ()) -> str:
    """SHA-256 over the sorted "<relative path>\\t<sha256>\\n" lines of the data files and source texts, then an
    "illustrative-input\\t<name>\\n" line for each input marked ILLUSTRATIVE (none for real inputs, whose hashes are
    unchanged): the same data built with and without a made-up input are two releases, one of them not to be cited."""
    lines = "".join(f"{path}\t{sha}\n" for path, sha in sorted(file_hashes.items()) if is_hashed(path))
    lines += "".join(f"illustrative-input\t{name}\n" for name in sorted(illustrative))
    return hashlib.sha256(lines.encode()).hexdigest()


def is_hashed(relative_path: str) -> bool:
    """Whether a release file counts towards the content hash (data files but changes and summaries, and source texts)."""
    return (relative_path.startswith(HASHED_FOLDERS) and relative_path.endswith(HASHED_SUFFIXES)
            and not relative_path.startswith(UNHASHED_PREFIXES))


def make_release_id(as_of: dt.date, digest: str) -> str:
    return f"{as_of:%Y-%m-%d}-{digest[:8]}"


def describe_files(release_dir: Path, rows: dict[str, int] | None = None, memo: HashMemo | None = None,
                   only: Callable[[str], bool] | None = None) -> list[dict]:
    """Every file under release_dir except manifest.json: relative path, sha256, bytes, and rows where known.

    With memo, a file whose stat is unchanged since it was hashed is not read again (flows/release/hash_memo.py).
    only: a test of the relative path, e.g. is_hashed (the publisher hashes the content while DuckDB still writes
    its file in the same folder).
    """
    rows = rows or {}
    files = [p for p in sorted(release_dir.rglob("*")) if p.is_file() and p.relative_to(release_dir).as_posix() != MANIFEST
             and (only is None or only(p.relative_to(release_dir).as_posix()))]
    digests = hash_files(files, file_sha256, memo)   # two at a time: a million-row release in half the time
    out = []
    for path, digest in zip(files, digests):
        rel = path.relative_to(release_dir).as_posix()
        entry = {"path": rel, "sha256": digest, "bytes": path.stat().st_size}
        if rel in rows:
            entry["rows"] = rows[rel]
        out.append(entry)
    return out


def library_versions() -> dict[str, str]:
    """Python's version and those of VERSIONED_PACKAGES, as a manifest records them."""
    return {"python": platform.python_version(), **{name: metadata.version(name) for name in VERSIONED_PACKAGES}}


def build_manifest(info: ReleaseInfo, inputs: list[dict], outputs: list[dict], code_version: str, *,
                   previous_release: str | None = None, change_summary: str | None = None) -> dict:
    """previous_release is the release latest pointed at when this one was written (its changes are against it)."""
    return {
        "release_id": info.release_id,
        "as_of": info.as_of.isoformat(),
        "created": info.created_text,
        "content_hash": info.content_hash,
        "previous_release": previous_release,
        "change_summary": change_summary,
        "illustrative_inputs": list(info.illustrative),
        "code_version": code_version,
        "versions": library_versions(),
        "inputs": inputs,
        "outputs": outputs,
    }


def check_files(release_dir: Path, manifest: dict, memo: HashMemo | None = None) -> None:
    """Re-hash every file of release_dir (with memo, those changed since last hashed); raise ValueError naming each
    file missing, unlisted or changed."""
    listed = {entry["path"]: entry for entry in manifest["outputs"]}
    found = {entry["path"]: entry for entry in describe_files(release_dir, memo=memo)}
    problems = [f"{p} is listed in {MANIFEST} but missing" for p in sorted(listed.keys() - found.keys())]
    problems += [f"{p} is in the release but not listed in {MANIFEST}" for p in sorted(found.keys() - listed.keys())]
    for path in sorted(listed.keys() & found.keys()):
        for key in ("sha256", "bytes"):
            if listed[path][key] != found[path][key]:
                problems.append(f"{path}: {key} is {found[path][key]}, {MANIFEST} says {listed[path][key]}")
    hashes = {p: e["sha256"] for p, e in found.items()}
    marked = manifest.get("illustrative_inputs") or ()
    if content_hash(hashes, marked) != manifest["content_hash"]:
        problems.append(f"the data files and sources hash to {content_hash(hashes, marked)}, "
                        f"{MANIFEST} says {manifest['content_hash']}")
    if problems:
        raise ValueError("; ".join(problems))


def read_manifest(release_dir: Path) -> dict | None:
    """The manifest of a release, or None when it has none, it cannot be read or it is not a JSON object (a list or a
    number there would fail every reader that looks a field up)."""
    manifest = read_json(release_dir / MANIFEST)
    return manifest if isinstance(manifest, dict) else None


def read_json(path: Path) -> dict | None:
    """A JSON file's content, or None when it is missing or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, obj: dict) -> None:
    """UTF-8 JSON, Chinese unescaped, two-space indent, LF, final newline."""
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
