"""The refresh as plain functions, stage by stage: ingest → parse → updates → summaries → validate → changes → publish.

flows/refresh.py wraps each stage in a Prefect task; everything here also runs without Prefect
(tests, the benchmark, other callers).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from flows import parse_stage, paths
from flows.memory import release_free_memory
from flows.release import fingerprint
from flows.release.changes import CHANGES, compute_changes
from flows.release.dirs import latest_release_dir
from flows.release.lock import release_lock
from flows.release.state import StateCheck, reconcile
from flows.release.xlsx_cells import stand_in_notes
from flows.release.publish import InputFile, PublishResult, publish_release
from flows.summaries.views import compute_summaries, stale_baseline_notes, summary_sql
from flows.tables.codebook import table_spec
from flows.tables.validate import validate_tables  # noqa: F401 - re-exported for the flow
from flows.updates.check_cache import CheckCache
from flows.updates.ingest import find_update_files, ingest_updates
from flows.updates.limits import input_sha256, input_size, not_a_regular_file, printable
from flows.whitepaper.forms import ACCEPTED, find_paper_files
from schemas import TABLES

UPDATE_SUFFIXES = {".csv", ".xlsx", ".json"}


@dataclass
class Inputs:
    raw_dir: Path
    whitepapers: list[Path]
    updates: list[Path]
    lookups: list[Path]
    lookups_dir: Path = paths.LOOKUPS
    refused: list[Path] = field(default_factory=list)   # entries of raw/whitepapers/ that are no paper in an accepted form

    @property
    def root(self) -> Path:
        """The folder holding raw_dir (kept for callers that name files relative to it)."""
        return Path(os.path.abspath(self.raw_dir)).parent

    def source_name(self, path: Path) -> str:
        """raw/ + the path relative to raw_dir, whatever that folder is called and wherever it is (links never
        resolved): the same inputs give the same names, hashes and release id from any copy of raw/."""
        here = os.path.abspath(path)
        for top in (self.raw_dir, paths.RAW):   # paths.RAW: the repository's lookups, used when --raw has none
            base = os.path.abspath(top)
            # Both are normalised, so "under base" is a prefix ending at a separator (commonpath and relpath took
            # 0.3 s for the 5,000 inputs of a nothing-new night).
            prefix = base.rstrip(os.sep) + os.sep
            if here == base or here.startswith(prefix):
                return printable("raw/" + (here[len(prefix):] or ".").replace(os.sep, "/"))   # normalised already
        return printable(Path(path).name)


@dataclass
class Bundle:
    """Everything a release is made of, before it is written."""
    tables: dict[str, pd.DataFrame]
    sources: dict[str, str]
    inputs: list[InputFile] = field(default_factory=list)
    originals: dict[str, bytes] = field(default_factory=dict)   # sources/<document_id>.<html|htm|docx> as received
    validated: frozenset[str] = frozenset()   # tables straight from validate_tables: publishing does not check them twice


def today_in_shanghai() -> dt.date:
    """The default as-of date: the pipeline's users live in Shenzhen."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _sha256(path: Path) -> str:
    return input_sha256(path)   # streamed, never through a link nor blocking on a pipe


def discover_inputs(raw_dir: Path = paths.RAW) -> Inputs:
    """The white papers, update files and lookups under raw_dir, in a stable order."""
    raw_dir = Path(raw_dir)
    if (raw_dir / "whitepapers").is_symlink():
        raise FileNotFoundError(f"{raw_dir / 'whitepapers'} is a symbolic link: links under raw/ are never followed; "
                                "put the folder itself there")
    whitepapers, refused = find_paper_files(raw_dir / "whitepapers")
    if not whitepapers:
        raise FileNotFoundError(f"{raw_dir / 'whitepapers'}: no white paper found; expected at least one in {ACCEPTED}, "
                                "e.g. szsti-2014.txt")
    # Every file under raw/updates/ is an update or a rejection (a file outside a document's folder included).
    updates = find_update_files(raw_dir / "updates")
    lookups_dir = raw_dir / "lookups" if os.path.lexists(raw_dir / "lookups") else paths.LOOKUPS
    return Inputs(raw_dir, whitepapers, updates, lookup_files(lookups_dir), lookups_dir, refused)


def lookup_files(folder: Path) -> list[Path]:
    """The lookups (*.csv) of folder. Every paper needs them, so a link (never followed) or a special file (a FIFO
    would hang the run) stops the run with the file named, rather than being read or silently replaced."""
    if folder.is_symlink():
        raise FileNotFoundError(f"{folder} is a symbolic link: links under raw/ are never followed; put the folder "
                                "itself there")
    files = sorted(folder.glob("*.csv"))
    for entry in files:
        problem = not_a_regular_file(entry)
        if problem is not None and problem.code != "hidden_file":
            raise FileNotFoundError(f"{entry}: {problem.message}; the lookups are needed for every paper")
    return files


def parse_inputs(inputs: Inputs, out_dir: Path | None = None, batches: int = 1, strict: bool = False) -> parse_stage.Parsed:
    """Parse the white papers and read the update files (through the cache beside out_dir), then validate the papers.

    A paper that cannot be parsed is quarantined (its previous rows carried forward from the release latest
    points at in out_dir); strict raises instead. The flow runs the batches as tasks of its task runner; this
    runs them one after the other.
    """
    parts = [parse_stage.parse_batch(b) for b in parse_stage.split(inputs, batches, out_dir, strict)]
    parsed = parse_stage.merge(inputs, parts)
    parse_stage.remove_unused_entries(out_dir, parsed)
    return parse_stage.check_whitepapers(parsed, out_dir, strict)


def add_updates(tables: dict[str, pd.DataFrame], inputs: Inputs, as_of: dt.date, reads: dict | None = None,
                out_dir: Path | None = None, read_digests: dict[Path, str] | None = None
                ) -> tuple[dict[str, pd.DataFrame], list[InputFile]]:
    """Accepted updates, rejections and their quality notes added to the tables; per-file accounting returned.

    reads holds the update files already read by the parse stage (path → columns); others are read here. With
    out_dir and read_digests (path → SHA-256 of the bytes the parse stage read), the row rules' results of files
    unchanged since the last run come from <out_dir>/.cache/check/: keyed by the bytes read, so a file replaced
    while the run goes is never filed under its new content.
    """
    # pop: each file's cells are let go once they are gathered with the others, not held twice until the end
    read = {"read": reads.pop} if reads is not None else {}
    read_digests = read_digests or {}
    by_name = {inputs.source_name(path): digest for path, digest in read_digests.items()}
    checks = CheckCache(out_dir, by_name) if out_dir is not None and by_name else None
    ingest = ingest_updates(inputs.updates, tables, as_of, lookups=inputs.lookups_dir, raw_dir=inputs.raw_dir,
                            checks=checks, **read)
    tables = {**tables, "updates": ingest.updates, "update_rejections": ingest.rejections,
              "quality_notes": pd.concat([tables["quality_notes"], ingest.quality_notes], ignore_index=True)}
    tables = add_workbook_notes(tables)
    files = []
    for path in inputs.updates:
        counts = ingest.file_counts[inputs.source_name(path)]
        report = counts.get("report_id")    # a progress report's text is published as sources/<report_id>.txt
        files.append(InputFile(inputs.source_name(path), read_digests.get(path) or _sha256(path), input_size(path), "update",
                               counts["rows_read"], counts["rows_accepted"], counts["rows_rejected"],
                               report, ingest.sources.get(report)))
    return tables, files


def add_workbook_notes(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A quality note for every cell the workbook can only show as a stand-in (flows/release/xlsx_cells.py).

    Called on the tables taken from the sources, before the summaries, which only repeat their text.
    """
    notes = stand_in_notes(tables, {name: table_spec(name) for name in tables if name in TABLES})
    if not len(notes):
        return tables
    return {**tables, "quality_notes": pd.concat([tables["quality_notes"], notes], ignore_index=True)}


def add_summaries(tables: dict[str, pd.DataFrame], as_of: dt.date, lookups_dir: Path = paths.LOOKUPS) -> dict[str, pd.DataFrame]:
    """status_rules, target_baselines and the five summaries, computed by the sql/ views as of the date; a note for
    each reviewed baseline the papers no longer match (flows/summaries/views.py stale_baseline_notes)."""
    stale = stale_baseline_notes(tables, lookups_dir)
    if len(stale):
        tables = {**tables, "quality_notes": pd.concat([tables["quality_notes"], stale], ignore_index=True)}
    return {**tables, **compute_summaries(tables, as_of, lookups=lookups_dir)}


def input_files(inputs: Inputs) -> list[InputFile]:
    kinds = [(p, "whitepaper") for p in inputs.whitepapers] + [(p, "lookup") for p in inputs.lookups]
    kinds += [(p.with_name(p.stem + ".meta.yaml"), "sidecar") for p in inputs.whitepapers
              if os.path.lexists(p.with_name(p.stem + ".meta.yaml"))]
    kinds += [(p, "refused") for p in inputs.refused if p.is_file() and not p.is_symlink()]
    return [InputFile(inputs.source_name(p), _sha256(p), input_size(p), kind) for p, kind in kinds]


def code_version() -> str:
    version = metadata.version("whitepaper")
    try:
        commit = subprocess.run(["git", "-C", str(paths.REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(paths.REPO), "status", "--porcelain", "--", "flows", "schemas", "sql"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return f"{version}+g{commit}{'.dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return version


def add_changes(tables: dict[str, pd.DataFrame], out_dir: Path) -> dict[str, pd.DataFrame]:
    """The changes table against the release latest points at in out_dir (empty before the first release)."""
    return {**tables, CHANGES: compute_changes(latest_release_dir(Path(out_dir)), tables)}


def build_bundle(raw_dir: Path, as_of: dt.date, out_dir: Path | None = None, strict: bool = False) -> Bundle:
    """All stages but publishing, without Prefect; the changes table only when out_dir is given."""
    inputs = discover_inputs(raw_dir)
    parsed = parse_inputs(inputs, out_dir, strict=strict)
    tables, update_files = add_updates(parsed.tables, inputs, as_of, parsed.updates, out_dir, parsed.read_digests)
    parsed.updates.clear()   # the update files' cells, a gigabyte at a million rows, are in the tables now
    release_free_memory()
    tables = validate_tables(add_summaries(tables, as_of, inputs.lookups_dir))
    validated = frozenset(tables)
    if out_dir is not None:
        tables = add_changes(tables, out_dir)
    return bundle_of(tables, parsed, inputs, update_files, validated)


def bundle_of(tables: dict[str, pd.DataFrame], parsed: parse_stage.Parsed, inputs: Inputs,
              update_files: list[InputFile], validated: frozenset[str] = frozenset()) -> Bundle:
    """The release's tables, the papers' canonical texts and original files, and every input file (validated: the
    tables that are validate_tables' output as they are)."""
    return Bundle(tables, parse_stage.source_texts(parsed), input_files(inputs) + update_files, parse_stage.originals(parsed),
                  validated)


def check_state(out_dir: Path) -> StateCheck:
    """The output root checked and repaired before anything is read (flows/release/state.py); hold the lock."""
    return reconcile(Path(out_dir))


def publish(bundle: Bundle, out_dir: Path, as_of: dt.date, lock_timeout: float | None = 0,
            allow_breaking: bool = False) -> PublishResult:
    views, macros = summary_sql()
    release_free_memory()   # what the stages before let go, before DuckDB and the report take theirs
    return publish_release(bundle.tables, sources=bundle.sources, originals=bundle.originals, inputs=bundle.inputs,
                           out_root=Path(out_dir),
                           as_of=as_of, views=views, macros=macros, code_version=code_version(), lock_timeout=lock_timeout,
                           allow_breaking=allow_breaking, validated=bundle.validated)


def refresh_without_prefect(raw_dir: Path, out_dir: Path, as_of: dt.date, allow_breaking: bool = False,
                            lock_timeout: float = 0, strict: bool = False) -> PublishResult:
    """The same pipeline as the `refresh` flow, called directly (status.json aside): used to measure what Prefect adds."""
    with release_lock(Path(out_dir), lock_timeout):
        state = check_state(out_dir)
        key = fingerprint.run_key(discover_inputs(raw_dir), as_of, out_dir=out_dir)
        unchanged = None if state.rebuild else nothing_new(out_dir, key)
        if unchanged is not None:
            return unchanged
        result = publish(build_bundle(raw_dir, as_of, out_dir, strict), out_dir, as_of, None,
                         allow_breaking=allow_breaking)
        fingerprint.remember(out_dir, key, result.content_hash, result.row_counts)
        return result


def nothing_new(out_dir: Path, key: str) -> PublishResult | None:
    """The result of a run with the same inputs, code and as-of date as the release latest points at, or None."""
    record = fingerprint.unchanged_release(Path(out_dir), key)
    if record is None:
        return None
    return PublishResult(None, False, None, record["content_hash"], record["row_counts"],
                         f"nothing new: the inputs, code and as-of date are those of the last run, whose outputs equal "
                         f"release {record['release_id']}")
