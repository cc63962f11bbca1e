"""The release's DuckDB file made from the previous release's, when only tables nothing refers to changed.

A night with one new update file changes `update_rejections`, `quality_notes`, `changes` and perhaps `updates`;
the white-paper tables stay byte for byte the same. Building the file from nothing costs 12 s at a million update
rows (the updates table's keys checked row by row), so instead the previous release's file is copied, each table
whose staged Parquet file differs from the previous release's is dropped and made again from it exactly as a full
build makes it (its DDL, its rows in file order, its comments), and release_info, the macros and the views are made
again. The result holds the same rows in the same order, the same comments and keys, as a full build. (Emptying a
table instead left its deleted rows' blocks in use: the file grew by 14 MB a night at a million update rows.)

Only when that is certain (`reusable`): the previous release was written by the same committed code (its
manifest's code_version names a commit, and not `.dirty`) with the same library versions, and lists the sha256 of
its DuckDB file (checked while it is copied) and of every Parquet file; and (`changed_tables`) no changed table
is referred to by a foreign key, no table was added or removed. Any doubt, and any error while patching (a damaged
file, a constraint), is a full build instead: never a failed night.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flows.release.files import file_sha256
from flows.release.manifest import read_manifest
from flows.tables.codebook import TableSpec

MAX_FREE_SHARE = 0.25
"""A patched file with more than this share of its blocks free is built again from nothing: it would only grow."""


class NotPatchable(RuntimeError):
    """The previous release's file cannot be the base of this one: build it from nothing."""


@dataclass(frozen=True)
class Base:
    """The previous release's DuckDB file, its sha256 and that of each of its data/<table>.parquet files, as its
    manifest lists them."""
    path: Path
    parquet_sha256: dict[str, str]
    sha256: str | None = None


def reusable(previous_file: Path | None, code_version: str, versions: dict[str, str]) -> Base | None:
    """The previous release's DuckDB file (<release>/whitepaper.duckdb) as a base, or None when that release was not
    written by this code with these libraries.

    The code is known only as a commit (`<version>+g<commit>`, flows/pipeline.py code_version): a bare version is
    what code_version gives without git (a copied tree, no git installed), under which any code may run.
    """
    if previous_file is None or "+g" not in code_version or code_version.endswith(".dirty"):
        return None
    manifest = read_manifest(previous_file.parent) or {}
    if manifest.get("code_version") != code_version or manifest.get("versions") != versions:
        return None
    outputs = {str(entry.get("path")): entry.get("sha256") for entry in manifest.get("outputs", [])
               if isinstance(entry, dict)}
    hashes = {path[len("data/"):-len(".parquet")]: digest for path, digest in outputs.items()
              if path.startswith("data/") and path.endswith(".parquet")}
    if not hashes or not outputs.get(previous_file.name) or not previous_file.is_file():
        return None
    return Base(previous_file, hashes, outputs[previous_file.name])


def changed_tables(base: Base, parquet_files: dict[str, Path], specs: dict[str, TableSpec]) -> list[str]:
    """The base tables (specs) whose staged Parquet file differs from the previous release's; NotPatchable when a
    table is new or a changed one is referred to by another's foreign key (its rows could not be deleted)."""
    if missing := sorted(set(specs) - set(base.parquet_sha256)):
        raise NotPatchable(f"{', '.join(missing)}: not in the previous release")
    changed = [name for name in specs if file_sha256(parquet_files[name]) != base.parquet_sha256[name]]
    referenced = {fk["reference"]["resource"] for spec in specs.values() for fk in spec.foreign_keys
                  if fk["reference"]["resource"] != spec.name}
    if blocked := sorted(set(changed) & referenced):
        raise NotPatchable(f"{', '.join(blocked)} changed and other tables refer to it")
    return changed


def copy_base(base: Base, path: Path) -> None:
    """Copy the base file to path, hashing it on the way: NotPatchable unless it is the file its manifest lists (one
    replaced or changed since would put another release's rows in this one)."""
    digest = hashlib.sha256()
    with open(base.path, "rb") as source, open(path, "wb") as target:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            target.write(chunk)
    if base.sha256 is not None and digest.hexdigest() != base.sha256:
        raise NotPatchable(f"{base.path} is not the file its release's manifest lists")


def free_share(con) -> float:
    """The share of the attached release file's blocks that are free (PRAGMA database_size)."""
    row = con.execute("SELECT total_blocks, free_blocks FROM pragma_database_size() WHERE database_name = 'release'"
                      ).fetchone()
    return row[1] / row[0] if row and row[0] else 0.0

