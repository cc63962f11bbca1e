"""Take in the divisions' progress updates: accepted reports become `updates`, everything else `update_rejections`.

Nothing is lost: every row read is either accepted or rejected with every reason, and a file that cannot
be read is one file-level rejection. Exact duplicates keep their first copy; two different reports by one
division on one milestone and date are a conflict, and both are rejected. Input files are never changed.
Order: files sorted by their path, rows in file order, so the same inputs always give the same tables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow

from flows import paths
from flows.frames import frame_of, to_frame
from flows.update_batch import REPORT_FIELDS, check_rows, report_fields
from flows.update_columns import UpdateColumns, read_update_columns
from flows.update_files import FileProblem, Problem
from flows.update_format import COLUMNS, accepted_headers, load_statuses, map_columns
from flows.update_rules import Paper, Report, papers_of


@dataclass
class UpdateIngest:
    updates: pd.DataFrame
    rejections: pd.DataFrame
    quality_notes: pd.DataFrame                # rows for the quality_notes table, note_id updates-n001…
    file_counts: dict[str, dict]               # source_file → rows_read, rows_accepted, rows_rejected, file_rejected

    @property
    def rows_read(self) -> int:
        return sum(c["rows_read"] for c in self.file_counts.values())


@dataclass
class _Candidate:
    source_file: str
    source_row: int
    report: Report

    @property
    def rejection_id(self) -> str:
        return f"{self.source_file}#{self.source_row}"


def source_name(path: Path, root: Path) -> str:
    """The path as published in source_file: relative to root when under it (raw/updates/szsti-2014/q2.csv)."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def find_update_files(updates_dir: Path = paths.UPDATES) -> list[Path]:
    """Every file in raw/updates/<document_id>/ but README.md and hidden files; anything else is read or rejected."""
    updates_dir = Path(updates_dir)
    if not updates_dir.exists():
        return []
    return sorted(p for p in updates_dir.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and p.name.lower() != "readme.md")


def _rejection(source_file: str, document_id: str | None, problems: list[Problem], source_row: int | None = None,
               raw_cells: str | None = None, **links) -> dict:
    return {"rejection_id": f"{source_file}#{source_row if source_row is not None else 'file'}", "document_id": document_id,
            "source_file": source_file, "source_row": source_row, "level": "row" if source_row is not None else "file",
            "raw_cells": raw_cells, "reasons": "; ".join(p.message for p in problems),
            "reason_codes": ";".join(p.code for p in problems),
            "duplicate_of": links.get("duplicate_of"), "conflicts_with": links.get("conflicts_with")}


def _where(c: _Candidate) -> str:
    return f"{c.source_file} row {c.source_row} ({c.report.status})"


def _settle(candidates: list[_Candidate], paper_names: dict[str, str],
            raw_cells: dict[tuple[str, int], str]) -> tuple[list[_Candidate], list[dict], list[dict]]:
    """Keep one copy of exact duplicates; reject every report of a conflict. Returns (kept, rejections, notes)."""
    groups: dict[tuple, list[_Candidate]] = defaultdict(list)
    for c in candidates:
        groups[(c.report.milestone_id, c.report.department_id, c.report.reported_on)].append(c)
    kept, rejections, notes = [], [], []
    for (milestone_id, department_id, day), group in groups.items():
        name = paper_names.get(department_id, department_id)
        if len({c.report.content for c in group}) > 1:
            for c in group:
                others = [o for o in group if o.report.content != c.report.content]
                problem = Problem("conflict", f"conflict: {name} sent different reports on {milestone_id} for {day}; this one and "
                                  f"{', '.join(_where(o) for o in others)} are all rejected; send one corrected row")
                rejections.append(_rejection(c.source_file, c.report.document_id, [problem], c.source_row,
                                             raw_cells[c.source_file, c.source_row],
                                             conflicts_with="; ".join(o.rejection_id for o in others)))
            notes.append({"document_id": group[0].report.document_id, "table_name": "update_rejections",
                          "row_id": group[0].rejection_id, "flag": "update_conflict",
                          "detail": f"{name} sent {len(group)} reports on {milestone_id} for {day} that disagree "
                                    f"({'; '.join(_where(c) for c in group)}); all were rejected, none is published"})
            continue
        first, *copies = group
        kept.append(first)
        for c in copies:
            problem = Problem("duplicate", f"duplicate of {first.source_file} row {first.source_row}, which was accepted as "
                              f"{first.report.update_id}")
            rejections.append(_rejection(c.source_file, c.report.document_id, [problem], c.source_row,
                                         raw_cells[c.source_file, c.source_row], duplicate_of=first.report.update_id))
    return kept, rejections, notes


def ingest_updates(files: list[Path], tables: dict[str, pd.DataFrame], as_of: dt.date, root: Path = paths.REPO,
                   document_id: str | None = None, lookups: Path = paths.LOOKUPS,
                   read: Callable[[Path], UpdateColumns | FileProblem] = read_update_columns) -> UpdateIngest:
    """Read, check and settle every update file against the white papers' tables, as of a date.

    The document of a file is the name of its folder (raw/updates/<document_id>/), unless document_id is given.
    "In the future" means after as_of. source_file is the path relative to root. read reads one file (the
    pipeline passes one that remembers files it has read before: flows/parse_cache.py).
    """
    statuses = load_statuses(lookups)
    known_documents = set(tables["documents"]["document_id"])
    rejections: list[dict] = []
    notes: list[dict] = []
    counts: dict[str, dict] = {}
    gathered: dict[str, list] = {name: [] for name in ROW_COLUMNS}   # per column, one Arrow array per file
    named = {source_name(p, root): Path(p) for p in files}
    for source in sorted(named):
        path, doc = named[source], document_id or named[source].parent.name
        counts[source] = {"document_id": doc if doc in known_documents else None, "rows_read": 0, "file_rejected": False}
        if doc not in known_documents:
            problem = FileProblem("unknown_document", f"folder {doc!r} is not a white paper of this release "
                                  f"({', '.join(sorted(known_documents))}); put the file in raw/updates/<document_id>/")
            rejections.append(_rejection(source, None, [problem]))
            counts[source]["file_rejected"] = True
            continue
        table = read(path)
        columns = table if isinstance(table, FileProblem) else map_columns(table.header)
        if isinstance(columns, FileProblem):
            rejections.append(_rejection(source, doc, [columns]))
            counts[source]["file_rejected"] = True
            continue
        mapping, unknown = columns
        if unknown:
            notes.append({"document_id": doc, "table_name": "updates", "row_id": None, "flag": "update_unknown_column",
                          "detail": f"{source}: column(s) {', '.join(repr(u) for u in unknown)} are not update columns and "
                                    f"were ignored; the columns are {accepted_headers()}"})
        counts[source]["rows_read"] = len(table)
        n = len(table)
        for name, values in (("document_id", pyarrow.array([doc] * n, pyarrow.string())),
                             ("source_file", pyarrow.array([source] * n, pyarrow.string())),
                             ("source_row", pyarrow.array(table.source_row, pyarrow.int64())), ("raw_cells", table.raw_cells),
                             *((c, table.cells[mapping[c]] if c in mapping else pyarrow.array([""] * n, pyarrow.string()))
                               for c in COLUMNS)):
            gathered[name].append(values)
        gathered["problems"].extend(table.problems)
    rows = _frame(gathered)
    del gathered
    papers = papers_of(tables, sorted(set(rows["document_id"])))
    candidates, rejected = _check(rows, papers, as_of, statuses) if len(rows) else (pd.DataFrame(columns=CANDIDATE_COLUMNS), [])
    rejections += rejected
    names = {k: v for p in papers.values() for k, v in p.department_names.items()}
    kept, settled, conflict_notes = _settle_frame(candidates, names, rows["raw_cells"])
    del rows
    rejections += settled
    notes += conflict_notes
    accepted = kept["source_file"].value_counts().to_dict()
    rejected_rows = pd.Series([r["source_file"] for r in rejections if r["level"] == "row"], dtype=object).value_counts().to_dict()
    for source, c in counts.items():
        c["rows_accepted"] = int(accepted.get(source, 0))
        c["rows_rejected"] = int(rejected_rows.get(source, 0))
    notes = [{"note_id": f"updates-n{i:03d}", **n, "source_start": None, "source_end": None} for i, n in enumerate(notes, 1)]
    kept = kept.assign(update_id=update_ids(kept)).sort_values("update_id", kind="stable", ignore_index=True)
    rejected = to_frame(sorted(rejections, key=lambda r: (r["source_file"], r["source_row"] or 0)), "update_rejections")
    return UpdateIngest(frame_of(kept, "updates", len(kept)), rejected, to_frame(notes, "quality_notes"), counts)


CANDIDATE_COLUMNS = ["source_file", "source_row", *REPORT_FIELDS]
ROW_COLUMNS = ["document_id", "source_file", "source_row", "raw_cells", "problems", *COLUMNS]


def _frame(gathered: dict[str, list]) -> pd.DataFrame:
    """The rows of every file as one frame, each column in one piece: per-file frames concatenated would leave
    every column in thousands of chunks, and reaching one row of a chunked column walks them."""
    columns = {}
    for name in [n for n in gathered if n != "problems"]:
        parts = gathered.pop(name)   # one column's pieces freed as soon as they are joined: memory stays flat
        columns[name] = pyarrow.concat_arrays(parts).to_pandas() if parts else pd.Series([], dtype="str")
        del parts
    return pd.DataFrame({**columns, "problems": pd.Series(gathered.pop("problems"), dtype=object)})[ROW_COLUMNS]


def _check(rows: pd.DataFrame, papers: dict[str, Paper], as_of: dt.date, statuses: dict[str, str]) -> tuple[pd.DataFrame, list[dict]]:
    """The candidates (rows passing every rule, in file and row order) and the rejections of the rows."""
    not_object = rows["problems"].map(lambda ps: any(p.code == "not_an_object" for p in ps)).to_numpy(dtype=bool)
    rejections = [_rejection(r.source_file, r.document_id, list(r.problems), r.source_row, r.raw_cells)
                  for r in rows[not_object].itertuples(index=False)]
    if not_object.any():
        rows = rows[~not_object]
    rows["clean_read"] = rows["problems"].map(len) == 0
    reports, others = check_rows(rows, papers, as_of, statuses)
    extra = []
    at = rows.loc[list(others), ["problems", "source_file", "document_id", "source_row", "raw_cells"]]
    for i, read_problems, source, doc, row, raw_cells in at.itertuples(name=None):
        result = others[i]
        problems = list(read_problems) + ([] if isinstance(result, Report) else result)
        if problems:
            rejections.append(_rejection(source, doc, problems, int(row), raw_cells))
        else:
            extra.append(pd.DataFrame([report_fields(result)], index=[i]))
    reports = pd.concat([reports, *extra]).sort_index() if extra else reports
    candidates = rows.loc[reports.index, ["source_file", "source_row"]].join(reports)
    return candidates, rejections


def _settle_frame(candidates: pd.DataFrame, names: dict[str, str],
                  raw_cells: pd.Series) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    """_settle, run only on the reports that share a division, milestone and date with another (the rest are kept)."""
    shared = candidates.duplicated(["milestone_id", "department_id", "reported_on"], keep=False).to_numpy()
    if not shared.any():
        return candidates, [], []
    group = candidates[shared]
    raw = dict(zip(zip(group["source_file"], group["source_row"]), raw_cells.loc[group.index]))
    listed = [_Candidate(r.source_file, int(r.source_row), Report(**{f: _none(getattr(r, f)) for f in REPORT_FIELDS
                                                                   if f in Report.__dataclass_fields__}))
              for r in group.itertuples(index=False)]
    kept, rejections, notes = _settle(listed, names, raw)
    keep = candidates[shared].set_index(["source_file", "source_row"]).index.isin([(c.source_file, c.source_row) for c in kept])
    return pd.concat([candidates[~shared], group[keep]]), rejections, notes


def _none(value):
    return None if isinstance(value, float) and value != value else value


def update_ids(kept: pd.DataFrame) -> pd.Series:
    """<milestone_id>-<department_id>-<YYYYMMDD of reported_on>, as Report.update_id."""
    days = pd.unique(kept["reported_on"])
    compact = kept["reported_on"].map(dict(zip(days, (f"{d:%Y%m%d}" for d in days))))
    return kept["milestone_id"].astype(str) + "-" + kept["department_id"].astype(str) + "-" + compact.astype(str)


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
