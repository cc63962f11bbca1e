"""Take in the divisions' progress updates: accepted reports become `updates`, everything else `update_rejections`.

Nothing is lost: every row read is either accepted or rejected with every reason, and a file that cannot
be read is one file-level rejection. Exact duplicates keep their first copy; two different reports by one
division on one milestone and date are a conflict, and both are rejected. Input files are never changed.
Order: files sorted by their path, rows in file order, so the same inputs always give the same tables.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow

from flows import paths
from flows.memory import release_free_memory
from flows.tables.frames import frame_of, to_frame
from flows.updates.batch import REPORT_FIELDS, check_rows, report_fields
from flows.updates.check_cache import CheckCache, Checked
from flows.updates.columns import UpdateColumns, read_update_columns
from flows.updates.format import COLUMNS, accepted_headers, load_statuses, map_columns
from flows.updates.limits import not_a_regular_file, printable
from flows.updates.read import FileProblem, guarded
from flows.updates.reports import fields as report_fields_
from flows.updates.reports.match import resolve_reports
from flows.updates.reports.read import REPORT_COLUMNS
from flows.updates.rules import Paper, Report, papers_of
from flows.updates.settle import rejection_row, settled_order, update_ids


@dataclass
class UpdateIngest:
    updates: pd.DataFrame
    rejections: pd.DataFrame
    quality_notes: pd.DataFrame                # rows for the quality_notes table, note_id updates-n001…
    file_counts: dict[str, dict]               # source_file → rows_read, rows_accepted, rows_rejected, file_rejected
    sources: dict[str, str] = field(default_factory=dict)   # report_id → a progress report's canonical text

    @property
    def rows_read(self) -> int:
        return sum(c["rows_read"] for c in self.file_counts.values())


def source_name(path: Path, root: Path, prefix: str = "") -> str:
    """The path as published in source_file: prefix + the path relative to root (raw/updates/szsti-2014/q2.csv).

    Worked out from the names alone: a link is never resolved, so neither where it points nor the folder's own
    location on this machine ever appears in a release (a path outside root is published by its name only).
    """
    here, top = os.path.abspath(path), os.path.abspath(root)
    if os.path.commonpath([here, top]) != top:
        return printable(prefix + Path(path).name)
    return printable(prefix + Path(os.path.relpath(here, top)).as_posix())


def find_update_files(updates_dir: Path = paths.UPDATES) -> list[Path]:
    """Every entry under raw/updates/ but its README.md files: regular files, hidden ones, links (to files or folders,
    never followed) and special files alike; each is read or becomes a rejection naming it."""
    updates_dir = Path(updates_dir)
    if updates_dir.is_symlink():
        return [updates_dir]          # never followed: one rejection naming it
    if not updates_dir.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(updates_dir, followlinks=False):
        linked = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in dirs if d not in linked]
        for name in [*files, *linked]:
            entry = Path(folder) / name
            if name.lower() == "readme.md" and entry.is_file() and not entry.is_symlink():
                continue
            found.append(entry)
    return sorted(found)


def ingest_updates(files: list[Path], tables: dict[str, pd.DataFrame], as_of: dt.date, root: Path = paths.REPO,
                   document_id: str | None = None, lookups: Path = paths.LOOKUPS,
                   read: Callable[[Path], UpdateColumns | FileProblem] = read_update_columns,
                   raw_dir: Path | None = None, checks: CheckCache | None = None) -> UpdateIngest:
    """Read, check and settle every update file against the white papers' tables, as of a date.

    The document of a file is the name of its folder (raw/updates/<document_id>/), unless document_id is given.
    "In the future" means after as_of. source_file is the path relative to root, or, with raw_dir given, raw/ +
    the path relative to raw_dir whatever that folder is called. read reads one file (the pipeline passes one
    that remembers files it has read before: flows/parse_cache.py). Whatever goes wrong with one file — its
    reading, its header, its rows' checks — is that file's rejection: this never raises for a file's content.
    With checks, the row rules' results of files unchanged since the last run are reused
    (flows/updates/check_cache.py).
    """
    statuses = load_statuses(lookups)
    known_documents = set(tables["documents"]["document_id"])
    rejections: list[dict] = []
    notes: list[dict] = []
    counts: dict[str, dict] = {}
    gathered: dict[str, list] = {name: [] for name in ROW_COLUMNS}   # per column, one Arrow array per file
    sources: dict[str, str] = {}
    named = {(source_name(p, raw_dir, "raw/") if raw_dir is not None else source_name(p, root)): Path(p) for p in files}
    for source in sorted(named):
        path, doc = named[source], document_id or named[source].parent.name
        counts[source] = {"document_id": doc if doc in known_documents else None, "rows_read": 0, "file_rejected": False}
        if path.is_symlink():   # a link is never followed, whatever folder it is in (raw/updates itself included)
            link = not_a_regular_file(path)
            rejections.append(rejection_row(source, counts[source]["document_id"], [FileProblem(link.code, link.message)]))
            counts[source]["file_rejected"] = True
            continue
        if doc not in known_documents:
            problem = FileProblem("unknown_document", f"folder {doc!r} is not a white paper of this release "
                                  f"({', '.join(sorted(known_documents))}); put the file in raw/updates/<document_id>/")
            rejections.append(rejection_row(source, None, [problem]))
            counts[source]["file_rejected"] = True
            continue
        table = guarded(read, path)
        columns = table if isinstance(table, FileProblem) else \
            guarded(map_columns, [h for h in table.header if h not in REPORT_COLUMNS])
        if isinstance(columns, FileProblem):
            rejections.append(rejection_row(source, doc, [columns]))
            counts[source]["file_rejected"] = True
            continue
        mapping, unknown = columns
        if unknown:
            notes.append({"document_id": doc, "table_name": "updates", "row_id": None, "flag": "update_unknown_column",
                          "detail": f"{source}: column(s) {', '.join(repr(u) for u in unknown)} are not update columns and "
                                    f"were ignored; the columns are {accepted_headers()}"})
        counts[source]["rows_read"] = len(table)
        n = len(table)
        blank = pyarrow.array([""] * n, pyarrow.string())
        report = report_fields_.report_id(doc, source) if table.source_text is not None else ""
        if report:
            sources[report], counts[source]["report_id"] = table.source_text, report
        for name, values in (("document_id", pyarrow.array([doc] * n, pyarrow.string())),
                             ("source_file", pyarrow.array([source] * n, pyarrow.string())),
                             ("source_row", pyarrow.array(table.source_row, pyarrow.int64())), ("raw_cells", table.raw_cells),
                             *((c, table.cells[mapping[c]] if c in mapping else blank) for c in COLUMNS),
                             *((c, table.cells.get(c, blank)) for c in REPORT_COLUMNS),
                             ("report_id", pyarrow.array([report] * n, pyarrow.string()))):
            gathered[name].append(values)
        gathered["problems"].extend(table.problems)
    rows = _frame(gathered)
    del gathered
    papers = papers_of(tables, sorted(rows["document_id"].unique().tolist()))   # not a million Python strings
    if checks is None:
        candidates, rejected, failed = _check_guarded(rows, papers, as_of, statuses)
    else:
        checked = checks.check(rows, papers, statuses, as_of,
                               lambda part: Checked(*_check_guarded(part, papers, as_of, statuses)))
        candidates, rejected, failed = checked.candidates, checked.rejections, checked.failed
        del checked
    # Of every row's cells (0.4 GB at a million rows) settling needs only the raw cells, and the rejections only
    # the spans of progress reports' rows: the rest is let go before the rows are settled.
    raw_cells = rows["raw_cells"]
    percent_sign = rows["percent_complete"].str.contains("%", regex=False).to_numpy(dtype=bool)   # 0.80% is a percent
    reported = rows.loc[rows["report_id"] != "", ["source_file", "source_row", "report_id", "source_start", "source_end"]]
    del rows
    release_free_memory()   # the rows' cells, before the cache is written and the rows settled
    if checks is not None:
        checks.save()
    for source, problem in failed.items():
        rejections.append(rejection_row(source, counts[source]["document_id"], [problem]))
        counts[source].update(rows_read=0, file_rejected=True)
        sources.pop(counts[source].pop("report_id", None), None)   # a report rejected as a whole publishes no text
    if failed:
        reported = reported[~reported["source_file"].isin(list(failed))]
    rejections += rejected
    names = {k: v for p in papers.values() for k, v in p.department_names.items()}
    order, settled, conflict_notes = settled_order(candidates, names, raw_cells)
    ids = update_ids(candidates[["milestone_id", "department_id", "reported_on"]].take(order))
    by_id = ids.array.argsort(ascending=True, kind="stable", na_position="last")   # as sort_values orders them
    kept = candidates.take(order[by_id])   # settled and in update_id order, in one copy of the million candidates
    del raw_cells, candidates
    release_free_memory()
    rejections += settled
    report_fields_.rejection_spans(rejections, reported)
    notes += conflict_notes + fraction_notes(kept, percent_sign)
    accepted = kept["source_file"].value_counts().to_dict()
    rejected_rows = pd.Series([r["source_file"] for r in rejections if r["level"] == "row"], dtype=object).value_counts().to_dict()
    for source, c in counts.items():
        c["rows_accepted"] = int(accepted.get(source, 0))
        c["rows_rejected"] = int(rejected_rows.get(source, 0))
    notes = [{"note_id": f"updates-n{i:03d}", **n, "source_start": None, "source_end": None} for i, n in enumerate(notes, 1)]
    kept = kept.assign(update_id=ids.iloc[by_id]).reset_index(drop=True)
    rejected = to_frame(sorted(rejections, key=lambda r: (r["source_file"], r["source_row"] or 0)), "update_rejections")
    return UpdateIngest(frame_of(kept, "updates", len(kept)), rejected, to_frame(notes, "quality_notes"), counts, sources)


def fraction_notes(kept: pd.DataFrame, percent_sign) -> list[dict]:
    """A quality note per file whose accepted rows give a percent_complete above 0 and at most 1 without a % sign
    (percent_sign: by row position, the cell as read holds one, as a percent-formatted cell reads): a share written
    as a fraction (0.8 for 80 %), as a script or a cell in General format gives it, or truly under 1 %. Which one is
    not known, so the figure is published as written and the note asks the division."""
    low = (kept["percent_complete"] > 0) & (kept["percent_complete"] <= 1) & ~percent_sign[kept.index.to_numpy()]
    low = kept.loc[low, ["document_id", "source_file", "source_row"]]
    notes = []
    for (doc, source), part in low.groupby(["document_id", "source_file"], sort=True):
        rows = sorted(part["source_row"].astype(int).tolist())
        listed = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
        notes.append({"document_id": doc, "table_name": "updates", "row_id": None, "flag": "percent_maybe_fraction",
                      "detail": f"{source}: {len(rows)} row(s) give percent_complete between 0 and 1 (row(s) {listed}), "
                                "published as written; percent_complete is 0-100: if a share was written as a fraction "
                                "(0.8 for 80 %), the division should send 80"})
    return notes


CANDIDATE_COLUMNS = ["source_file", "source_row", *REPORT_FIELDS]
ROW_COLUMNS = ["document_id", "source_file", "source_row", "raw_cells", "problems", *COLUMNS, *REPORT_COLUMNS, "report_id"]


def _frame(gathered: dict[str, list]) -> pd.DataFrame:
    """The rows of every file as one frame, each column in one piece: per-file frames concatenated would leave
    every column in thousands of chunks, and reaching one row of a chunked column walks them."""
    columns = {}
    for name in [n for n in gathered if n != "problems"]:
        parts = gathered.pop(name)   # one column's pieces freed as soon as they are joined: memory stays flat
        columns[name] = pyarrow.concat_arrays(parts).to_pandas() if parts else pd.Series([], dtype="str")
        del parts
    return pd.DataFrame({**columns, "problems": pd.Series(gathered.pop("problems"), dtype=object)})[ROW_COLUMNS]


def _check_guarded(rows: pd.DataFrame, papers: dict[str, Paper], as_of: dt.date,
                   statuses: dict[str, str]) -> tuple[pd.DataFrame, list[dict], dict[str, FileProblem]]:
    """_check over every row at once; should it raise, file by file, each file that raises becoming one rejection.

    Returns (candidates, row rejections, source_file → the problem of each file whose rows could not be checked).
    """
    if not len(rows):
        return pd.DataFrame(columns=CANDIDATE_COLUMNS), [], {}
    try:
        return (*_check(rows, papers, as_of, statuses), {})
    except Exception:  # noqa: BLE001 - find the file(s) at fault; the others go through
        pass
    parts, rejected, failed = [], [], {}
    for source, part in rows.groupby("source_file", sort=True):
        result = guarded(_check, part.copy(), papers, as_of, statuses)
        if isinstance(result, FileProblem):
            failed[source] = FileProblem("check_error", result.message.replace("could not be read", "could not be checked"))
        else:
            parts.append(result[0])
            rejected += result[1]
    candidates = pd.concat(parts).sort_index() if parts else pd.DataFrame(columns=CANDIDATE_COLUMNS)
    return candidates, rejected, failed


def _check(rows: pd.DataFrame, papers: dict[str, Paper], as_of: dt.date, statuses: dict[str, str]) -> tuple[pd.DataFrame, list[dict]]:
    """The candidates (rows passing every rule, in file and row order) and the rejections of the rows."""
    rows = resolve_reports(rows, papers)   # a progress report's items: task and division from the paper
    # most rows were read without a problem: only the others' problems are looked at one by one
    read_problems = np.fromiter(map(len, rows["problems"].tolist()), dtype=np.int64, count=len(rows))
    not_object = np.zeros(len(rows), dtype=bool)
    for i, ps in zip(np.flatnonzero(read_problems).tolist(), rows["problems"].iloc[read_problems > 0].tolist()):
        not_object[i] = any(p.code == "not_an_object" for p in ps)
    rejections = [rejection_row(r.source_file, r.document_id, list(r.problems), r.source_row, r.raw_cells)
                  for r in rows[not_object].itertuples(index=False)]
    if not_object.any():
        rows = rows[~not_object]
    rows["clean_read"] = pd.Series(read_problems[~not_object] == 0, index=rows.index)
    reports, others = check_rows(rows, papers, as_of, statuses)
    extra = []
    at = rows.loc[list(others), ["problems", "source_file", "document_id", "source_row", "raw_cells"]]
    for i, read_problems, source, doc, row, raw_cells in at.itertuples(name=None):
        result = others[i]
        problems = report_fields_.merge_problems(read_problems, [] if isinstance(result, Report) else result)
        if problems:
            rejections.append(rejection_row(source, doc, problems, int(row), raw_cells))
        else:
            extra.append(pd.DataFrame([report_fields(result)], index=[i]))
    reports = pd.concat([reports, *extra]).sort_index() if extra else reports
    candidates = rows.loc[reports.index, ["source_file", "source_row"]].join(reports)
    typed_from = [c for c in report_fields_.TYPED_FROM if c in rows.columns]
    candidates = candidates.join(report_fields_.typed(rows.loc[reports.index, typed_from]))
    return candidates, rejections


def rejection_lines(ingest: UpdateIngest) -> list[str]:
    """What `whitepaper check` prints: each rejection as FILE:row N: reasons, warnings, then a count per file."""
    lines = []
    for r in ingest.rejections.itertuples(index=False):
        where = r.source_file if pd.isna(r.source_row) else f"{r.source_file}:row {int(r.source_row)}"
        lines.append(f"{where}: {r.reasons}")
    lines += [f"warning: {n.detail}" for n in ingest.quality_notes.itertuples(index=False) if n.flag == "update_unknown_column"]
    for source, c in ingest.file_counts.items():
        if c["file_rejected"]:
            lines.append(f"{source}: rejected as a whole; no row was read")
        else:
            lines.append(f"{source}: {c['rows_read']} rows read, {c['rows_accepted']} accepted, {c['rows_rejected']} rejected")
    return lines
