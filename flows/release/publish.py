"""Publish validated tables as a release under curated/releases/<release_id>/ and point latest at it.

Pure (no Prefect): the flow calls publish_release. Everything is written into releases/.staging-<random>/, checked
(the re-read Parquet equal to the validated frames, every file re-hashed against manifest.json), renamed into place,
and only then are latest and LATEST switched. A failure at any step removes the staging folder and leaves latest,
LATEST and every earlier release as they were. Step functions are looked up here at call time (a test can fail any).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from flows.memory import release_free_memory
from flows.release.changes import CHANGES, COMPARED_WITH, checked_changes_summary, refuse_breaking
from flows.tables.codebook import TableSpec, table_spec
from flows.release.background import Background
from flows.release.datapackage import DATAPACKAGE_FILE, build_datapackage, load_release_metadata, next_version
from flows.release.duckdb_export import RELEASE_INFO, write_duckdb
from flows.release.duckdb_patch import reusable
from flows.release.hash_memo import HashMemo
from flows.release.history import history_note
from flows.release.manifest import (MANIFEST, ReleaseInfo, build_manifest, check_files, content_hash, describe_files,
                                    illustrative_inputs, is_hashed, library_versions, make_release_id, read_json,
                                    read_manifest, write_json)
from flows.release.dirs import RELEASES, latest_release_dir, new_staging_dir, remove_stale_staging, switch_latest
from flows.release.files import (canonical_frame, check_source_texts, file_sha256, parquet_reads_back, write_csv,
                                 write_originals, write_parquet, write_source_texts, write_xlsx)
from flows.release.index import refresh_release_index
from flows.release.lock import ReleaseLockBusy, release_lock
from flows.release.citation import provenance, release_citation
from flows.release.readme import render_readme
from flows.release.steps import PublishError, step as _step
from flows.release.state import highest_version_package, verify_release
from flows.report.build import REPORT_DIR, REPORT_FILE, staged_report
from flows.tables.validate import validate_tables
from schemas import TABLES

DUCKDB_FILE = "whitepaper.duckdb"
XLSX_FILE = "whitepaper.xlsx"
README_FILE = "README.md"


@dataclass(frozen=True)
class InputFile:
    """One raw input file that went into the release."""
    path: str
    sha256: str
    bytes: int
    kind: str
    rows_read: int | None = None
    rows_accepted: int | None = None
    rows_rejected: int | None = None
    report_id: str | None = None                                  # a progress report: sources/<report_id>.txt
    source_text: str | None = None                                # …its canonical text (not in the manifest)


@dataclass(frozen=True)
class PublishResult:
    release_id: str | None
    published: bool
    release_dir: Path | None
    content_hash: str
    row_counts: dict[str, int]
    message: str
    change_summary: str | None = None


def publish_release(tables: dict[str, pd.DataFrame], *, sources: dict[str, str], inputs: list[InputFile],
                    out_root: Path, as_of: dt.date, views: dict[str, str] | None = None,
                    macros: dict[str, str] | None = None, code_version: str = "",
                    lock_timeout: float | None = 0, allow_breaking: bool = False,
                    originals: dict[str, bytes] | None = None, validated: Collection[str] = ()) -> PublishResult:
    """Validate tables, write them as a release into out_root and point latest at it, unless nothing changed.

    The release is new only when its data files or source texts differ from the release latest points at:
    the as-of date alone never makes one. With lock_timeout=0 a second concurrent caller fails at once.
    lock_timeout=None: the caller holds the lock (flows/release/lock.py) already. originals
    (sources/<document_id>.<html|htm|docx> → bytes) are the files whose canonical text was extracted from them, kept
    byte for byte. A table or column of the previous release removed or retyped is refused unless allow_breaking.
    A changes table among the tables (flows/release/changes.py) must be the one against the release latest points
    at; it is published with the others but left out of the content hash. validated: the tables that come straight
    from validate_tables (the refresh validated them a stage before); the others are validated here, against them.
    """
    out_root, views, macros = Path(out_root), dict(views or {}), dict(macros or {})
    with _step("check the arguments", out_root):
        _check_names(tables, views, macros)
    against = getattr(tables.get(CHANGES), "attrs", {}).get(COMPARED_WITH)   # read before validation copies it
    with _step("validate the tables", out_root):
        validated = validate_tables(tables, context="tables to publish", trusted=validated)
    with _step("sort the rows by primary key", out_root):
        specs = {name: table_spec(name) for name in sorted(validated, key=_registry_order)}
        frames = {name: canonical_frame(validated[name], spec) for name, spec in specs.items()}
        del validated   # the sorted copies are what is written: a million rows are not held twice
    with _step("check the source texts", out_root):
        check_source_texts(frames.get("documents"), sources)
        sources = {**sources, **{i.report_id: i.source_text for i in inputs if i.source_text is not None}}
    try:
        with release_lock(out_root, lock_timeout) if lock_timeout is not None else nullcontext():
            return _publish_locked(frames, specs, sources=sources, originals=originals or {}, inputs=inputs,
                                   out_root=out_root, as_of=as_of,
                                   views=views, macros=macros, code_version=code_version, allow_breaking=allow_breaking,
                                   changes_against=against)
    except ReleaseLockBusy as err:
        raise PublishError(str(err)) from None


def _publish_locked(frames: dict[str, pd.DataFrame], specs: dict[str, TableSpec], *, sources: dict[str, str],
                    originals: dict[str, bytes], inputs: list[InputFile], out_root: Path, as_of: dt.date, views: dict[str, str],
                    macros: dict[str, str], code_version: str, allow_breaking: bool,
                    changes_against: str | None = None) -> PublishResult:
    with _step("create the staging folder", out_root):
        remove_stale_staging(out_root)
        previous = latest_release_dir(out_root)
        staging = new_staging_dir(out_root)
    moved_to: Path | None = None
    database: Background | None = None
    try:
        with _step("compare with the previous release", out_root):
            refuse_breaking(previous, specs, allow_breaking)
            summary = checked_changes_summary(frames, previous, changes_against)
        parquet_files = {name: staging / "data" / f"{name}.parquet" for name in frames}
        rows = _write_data_files(frames, specs, staging, out_root, "parquet")
        # DuckDB builds its file from the Parquet files on a thread of its own, while Python writes the CSV files,
        # hashes, the workbook, the README and draws the report: the longest step beside all the others. It waits
        # for the release's identity only to write release_info (flows/release/background.py). When only tables
        # nothing refers to changed, the previous release's file is patched instead (flows/release/duckdb_patch.py).
        database = Background(partial(write_duckdb, staging / DUCKDB_FILE, parquet_files, views=views, macros=macros,
                                      base=reusable(previous and previous / DUCKDB_FILE, code_version,
                                                    library_versions())), name="write-duckdb")
        rows |= _write_data_files(frames, specs, staging, out_root, "csv")
        release_free_memory()   # each step's buffers handed back before the next takes its own (80 MB at a million rows)
        with _step("write sources/", out_root):
            write_source_texts(sources, staging / "sources")
            write_originals(originals, sources, staging / "sources")
        memo = HashMemo.load(out_root, "release")   # the files are hashed three times below; unchanged ones once
        with _step("hash the data files", out_root):
            marked = illustrative_inputs(i.path for i in inputs)
            digest = content_hash({e["path"]: e["sha256"] for e in describe_files(staging, memo=memo, only=is_hashed)},
                                  marked)
            previous_manifest = read_manifest(previous) if previous else None
        row_counts = {name: len(df) for name, df in frames.items()}
        if previous_manifest and previous_manifest.get("content_hash") == digest:
            database.stop()
            shutil.rmtree(staging)
            return PublishResult(None, False, None, digest, row_counts,
                                 f"nothing new: outputs equal release {previous_manifest.get('release_id')}", summary)
        info = ReleaseInfo(make_release_id(as_of, digest), as_of, dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
                           digest, marked)
        final = out_root / RELEASES / info.release_id
        if final.exists():
            database.stop()
            return _reuse_release(final, info, staging, out_root, row_counts, summary)
        database.give(info)

        with _step("re-read and validate the staged Parquet files", out_root):
            check_staged_parquet(frames, parquet_files)
            release_free_memory()
        with _step(f"write {DATAPACKAGE_FILE}", out_root):
            version = _write_datapackage(staging, specs, frames.get("documents"), info, inputs, previous)
        with _step(f"write {XLSX_FILE}", out_root):
            omitted = write_xlsx(frames, specs, staging / XLSX_FILE,
                                 provenance(info, release_citation(info, version, load_release_metadata())),
                                 open_at_release=info.is_illustrative)
        frames.clear()   # the sorted copies are written and checked: the report reads what it needs back
        release_free_memory()
        with _step(f"write {README_FILE}", out_root):
            readme = render_readme(info, specs, version=version, row_counts=row_counts, views=list(views),
                                   macros=list(macros), metadata=load_release_metadata(),
                                   previous_release=previous.name if previous else None, change_summary=summary,
                                   xlsx_omitted=omitted)
            (staging / README_FILE).write_text(readme, encoding="utf-8", newline="\n")
        with _step(f"draw the tables and charts of {REPORT_DIR}/{REPORT_FILE}", out_root):
            write_report = staged_report(staging, info)
        with _step(f"write {DUCKDB_FILE}", out_root):
            database.result()   # the report lists the files once DuckDB's is written
        with _step(f"write {REPORT_DIR}/{REPORT_FILE}", out_root):
            write_report()
        with _step(f"write {MANIFEST}", out_root):
            manifest = build_manifest(info, [_input_entry(i) for i in inputs], describe_files(staging, rows, memo),
                                      code_version, previous_release=previous.name if previous else None,
                                      change_summary=summary)
            write_json(staging / MANIFEST, manifest)
        with _step(f"re-hash every file against {MANIFEST}", out_root):
            check_files(staging, manifest, memo)
            memo.save()   # the next night verifies this release without reading it again
        with _step(f"move the staged release to {RELEASES}/{info.release_id}", out_root):
            os.rename(staging, final)
            moved_to = final
        with _step("switch latest", out_root):
            switch_latest(out_root, info.release_id)
    except BaseException:
        if database is not None:
            database.stop()   # before its folder goes: DuckDB must not write into a removed staging folder
        shutil.rmtree(moved_to or staging, ignore_errors=True)
        raise
    return PublishResult(info.release_id, True, final, digest, row_counts,
                         f"published release {info.release_id}: {len(row_counts)} tables, "
                         f"{sum(row_counts.values())} rows; latest points at it{history_note(out_root)}"
                         f"{refresh_release_index(out_root)}", summary)


def _write_data_files(frames: dict[str, pd.DataFrame], specs: dict[str, TableSpec], staging: Path,
                      out_root: Path, suffix: str) -> dict[str, int]:
    """Write data/<table>.<suffix> (parquet or csv) of every table; return rows per relative path. Two tables at a
    time: Arrow builds the Parquet pages and the CSV text outside the GIL, so the second core is used."""
    (staging / "data").mkdir(exist_ok=True)

    def write(name: str) -> int:
        rel = f"data/{name}.{suffix}"
        with _step(f"write {rel}", out_root):
            return (write_parquet if suffix == "parquet" else write_csv)(frames[name], specs[name], staging / rel)

    with ThreadPoolExecutor(2, thread_name_prefix="write-data") as pool:
        written = {f"data/{n}.{suffix}": pool.submit(write, n) for n in frames}
        return {rel: future.result() for rel, future in written.items()}


def check_staged_parquet(frames: dict[str, pd.DataFrame], parquet_files: dict[str, Path]) -> None:
    """Read every staged Parquet file back and compare it with the validated rows written: a file equal to its
    frame (values and dtypes) passes the same Pandera models and references as the frame did, so it is not
    validated a second time; one batch of one file at a time keeps memory flat.
    """
    for name, path in parquet_files.items():
        if not parquet_reads_back(path, frames[name]):
            raise ValueError(f"data/{name}.parquet does not read back as the {len(frames[name])} rows written")


def _write_datapackage(staging: Path, specs: dict[str, TableSpec], documents: pd.DataFrame | None,
                       info: ReleaseInfo, inputs: list[InputFile], previous: Path | None) -> str:
    csv_files = {}
    for name in specs:
        path = staging / "data" / f"{name}.csv"
        csv_files[name] = {"path": f"data/{name}.csv", "bytes": path.stat().st_size, "sha256": file_sha256(path)}
    titles = {}
    if documents is not None:
        titles = dict(zip(documents["source_file"], documents["title_zh"]))
    sources = [{"title": titles.get(i.path, Path(i.path).name), "path": i.path, "sha256": i.sha256}
               for i in inputs if i.kind in ("whitepaper", "update")]
    package = build_datapackage(specs, csv_files, info, version="0.0.0", sources=sources,
                                metadata=load_release_metadata())
    previous_package = read_json(previous / DATAPACKAGE_FILE) if previous else None
    floor = highest_version_package(staging.parent.parent)   # never below a release on disk, latest lost or not
    package["version"] = max(next_version(previous_package, package), next_version(floor, package) if floor else "0.0.0",
                             key=lambda v: tuple(map(int, v.split("."))))
    write_json(staging / DATAPACKAGE_FILE, package)
    return package["version"]


def _reuse_release(final: Path, info: ReleaseInfo, staging: Path, out_root: Path,
                   row_counts: dict[str, int], summary: str | None) -> PublishResult:
    """The same data was published earlier on the same as-of date, but latest moved on: point latest back at it."""
    shutil.rmtree(staging)
    existing = read_manifest(final) or {}
    if existing.get("content_hash") != info.content_hash or verify_release(final):
        raise PublishError(f"publishing into {out_root} failed at step 'choose the release folder': "
                           f"{RELEASES}/{info.release_id} exists with content hash {existing.get('content_hash')}, "
                           f"not {info.content_hash}; move it aside and publish again.")
    with _step("switch latest", out_root):
        switch_latest(out_root, info.release_id)
    return PublishResult(info.release_id, True, final, info.content_hash, row_counts,
                         f"latest points again at release {info.release_id}, whose outputs equal these"
                         f"{history_note(out_root)}{refresh_release_index(out_root)}", summary)


def _check_names(tables: dict[str, pd.DataFrame], views: dict[str, str], macros: dict[str, str]) -> None:
    if not tables:
        raise ValueError("no tables were given")
    if RELEASE_INFO in {*tables, *views, *macros}:
        raise ValueError(f"{RELEASE_INFO} is written by the publisher itself; it cannot be a table, view or macro")
    if clash := sorted(set(macros) & (set(tables) | set(views))):
        raise ValueError(f"{', '.join(clash)}: a macro cannot share its name with a table or view")


def _registry_order(name: str) -> tuple[int, str]:
    order = list(TABLES)
    return (order.index(name) if name in order else len(order), name)


def _input_entry(item: InputFile) -> dict:
    return {k: v for k, v in asdict(item).items() if v is not None and k != "source_text"}
