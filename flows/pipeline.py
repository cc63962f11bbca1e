"""The refresh as plain functions, stage by stage: ingest → parse → updates → summaries → validate → changes → publish.

flows/refresh.py wraps each stage in a Prefect task; everything here also runs without Prefect
(tests, the benchmark, other callers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from flows import paths
from flows.changes import CHANGES, compute_changes
from flows.lookups import load_lookups
from flows.publish import InputFile, PublishResult, publish_release
from flows.release_dirs import latest_release_dir
from flows.summaries import compute_summaries, status_rules_table, summary_sql
from flows.updates import ingest_updates
from flows.validate import validate_tables  # noqa: F401 - re-exported for the flow
from flows.whitepaper import ParsedWhitepaper, read_whitepaper, relative_to_repo

UPDATE_SUFFIXES = {".csv", ".xlsx", ".json"}


@dataclass
class Inputs:
    raw_dir: Path
    whitepapers: list[Path]
    updates: list[Path]
    lookups: list[Path]


@dataclass
class Bundle:
    """Everything a release is made of, before it is written."""
    tables: dict[str, pd.DataFrame]
    sources: dict[str, str]
    inputs: list[InputFile] = field(default_factory=list)


def today_in_shanghai() -> dt.date:
    """The default as-of date: the pipeline's users live in Shenzhen."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def discover_inputs(raw_dir: Path = paths.RAW) -> Inputs:
    """The white papers, update files and lookups under raw_dir, in a stable order."""
    raw_dir = Path(raw_dir)
    whitepapers = sorted((raw_dir / "whitepapers").glob("*.txt"))
    if not whitepapers:
        raise FileNotFoundError(f"{raw_dir / 'whitepapers'}: no white paper (*.txt) found; expected at least one, e.g. szsti-2014.txt")
    updates_dir = raw_dir / "updates"
    # Every file in a document's folder is an update or a rejection: nothing in raw/updates/<id>/ is skipped silently.
    updates = sorted(p for p in updates_dir.glob("*/*") if p.is_file() and not p.name.startswith(".") and p.name != "README.md") \
        if updates_dir.exists() else []
    lookups_dir = raw_dir / "lookups" if (raw_dir / "lookups").exists() else paths.LOOKUPS
    return Inputs(raw_dir, whitepapers, updates, sorted(lookups_dir.glob("*.csv")))


def parse_whitepapers(inputs: Inputs) -> list[ParsedWhitepaper]:
    """Parse every white paper; the first one that does not follow the template stops the run."""
    lookups = load_lookups(inputs.lookups[0].parent) if inputs.lookups else load_lookups()
    return [read_whitepaper(path, lookups=lookups) for path in inputs.whitepapers]


def combine(parsed: list[ParsedWhitepaper]) -> dict[str, pd.DataFrame]:
    """One frame per table across documents; a division named in several papers of an agency is one row."""
    names = parsed[0].tables.keys()
    tables = {name: pd.concat([p.tables[name] for p in parsed], ignore_index=True) for name in names}
    tables["departments"] = tables["departments"].drop_duplicates("department_id", ignore_index=True)
    return tables


def add_updates(tables: dict[str, pd.DataFrame], inputs: Inputs, as_of: dt.date) -> tuple[dict[str, pd.DataFrame], list[InputFile]]:
    """Accepted updates, rejections and their quality notes added to the tables; per-file accounting returned."""
    ingest = ingest_updates(inputs.updates, tables, as_of, root=paths.REPO)
    tables = {**tables, "updates": ingest.updates, "update_rejections": ingest.rejections,
              "quality_notes": pd.concat([tables["quality_notes"], ingest.quality_notes], ignore_index=True)}
    files = []
    for path in inputs.updates:
        counts = ingest.file_counts[relative_to_repo(path)]
        files.append(InputFile(relative_to_repo(path), _sha256(path), path.stat().st_size, "update",
                               counts["rows_read"], counts["rows_accepted"], counts["rows_rejected"]))
    return tables, files


def add_summaries(tables: dict[str, pd.DataFrame], as_of: dt.date) -> dict[str, pd.DataFrame]:
    return {**tables, "status_rules": status_rules_table(), **compute_summaries(tables, as_of)}


def input_files(inputs: Inputs) -> list[InputFile]:
    kinds = [(p, "whitepaper") for p in inputs.whitepapers] + [(p, "lookup") for p in inputs.lookups]
    kinds += [(p.with_name(p.stem + ".meta.yaml"), "sidecar") for p in inputs.whitepapers if p.with_name(p.stem + ".meta.yaml").exists()]
    return [InputFile(relative_to_repo(p), _sha256(p), p.stat().st_size, kind) for p, kind in kinds]


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


def build_bundle(raw_dir: Path, as_of: dt.date, out_dir: Path | None = None) -> Bundle:
    """All stages but publishing, without Prefect; the changes table only when out_dir is given."""
    inputs = discover_inputs(raw_dir)
    parsed = parse_whitepapers(inputs)
    tables, update_files = add_updates(combine(parsed), inputs, as_of)
    tables = validate_tables(add_summaries(tables, as_of))
    if out_dir is not None:
        tables = add_changes(tables, out_dir)
    return Bundle(tables, {p.document_id: p.text for p in parsed}, input_files(inputs) + update_files)


def publish(bundle: Bundle, out_dir: Path, as_of: dt.date, lock_timeout: float = 0,
            allow_breaking: bool = False) -> PublishResult:
    views, macros = summary_sql()
    return publish_release(bundle.tables, sources=bundle.sources, inputs=bundle.inputs, out_root=Path(out_dir),
                           as_of=as_of, views=views, macros=macros, code_version=code_version(), lock_timeout=lock_timeout,
                           allow_breaking=allow_breaking)


def refresh_without_prefect(raw_dir: Path, out_dir: Path, as_of: dt.date, allow_breaking: bool = False) -> PublishResult:
    """The same pipeline as the `refresh` flow, called directly: used to measure what Prefect adds."""
    return publish(build_bundle(raw_dir, as_of, out_dir), out_dir, as_of, allow_breaking=allow_breaking)
