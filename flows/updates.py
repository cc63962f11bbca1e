"""Take in the divisions' progress updates: accepted reports become `updates`, everything else `update_rejections`.

Nothing is lost: every row read is either accepted or rejected with every reason, and a file that cannot
be read is one file-level rejection. Exact duplicates keep their first copy; two different reports by one
division on one milestone and date are a conflict, and both are rejected. Input files are never changed.
Order: files sorted by their path, rows in file order, so the same inputs always give the same tables.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flows import paths
from flows.frames import to_frame
from flows.update_files import FileProblem, Problem, RawRow, read_update_file
from flows.update_format import COLUMNS, accepted_headers, load_statuses, map_columns
from flows.update_rules import Paper, Report, check_row


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
    row: RawRow
    report: Report

    @property
    def rejection_id(self) -> str:
        return f"{self.source_file}#{self.row.source_row}"


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


def _rejection(source_file: str, document_id: str | None, problems: list[Problem], row: RawRow | None = None, **links) -> dict:
    return {"rejection_id": f"{source_file}#{row.source_row if row else 'file'}", "document_id": document_id,
            "source_file": source_file, "source_row": row.source_row if row else None, "level": "row" if row else "file",
            "raw_cells": json.dumps(row.cells, ensure_ascii=False) if row else None,
            "reasons": "; ".join(p.message for p in problems), "reason_codes": ";".join(p.code for p in problems),
            "duplicate_of": links.get("duplicate_of"), "conflicts_with": links.get("conflicts_with")}


def _update_row(c: _Candidate) -> dict:
    r = c.report
    return {"update_id": r.update_id, "document_id": r.document_id, "task_id": r.task_id, "milestone_id": r.milestone_id,
            "quarter": r.quarter, "department_id": r.department_id, "role": r.role, "reported_on": r.reported_on,
            "status": r.status, "percent_complete": r.percent_complete, "actual_value": r.actual_value,
            "target_id": r.target_id, "evidence_url": r.evidence_url, "note": r.note, "source_file": c.source_file,
            "source_row": c.row.source_row}


def _where(c: _Candidate) -> str:
    return f"{c.source_file} row {c.row.source_row} ({c.report.status})"


def _settle(candidates: list[_Candidate], paper_names: dict[str, str]) -> tuple[list[_Candidate], list[dict], list[dict]]:
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
                rejections.append(_rejection(c.source_file, c.report.document_id, [problem], c.row,
                                             conflicts_with="; ".join(o.rejection_id for o in others)))
            notes.append({"document_id": group[0].report.document_id, "table_name": "update_rejections",
                          "row_id": group[0].rejection_id, "flag": "update_conflict",
                          "detail": f"{name} sent {len(group)} reports on {milestone_id} for {day} that disagree "
                                    f"({'; '.join(_where(c) for c in group)}); all were rejected, none is published"})
            continue
        first, *copies = group
        kept.append(first)
        for c in copies:
            problem = Problem("duplicate", f"duplicate of {first.source_file} row {first.row.source_row}, which was accepted as "
                              f"{first.report.update_id}")
            rejections.append(_rejection(c.source_file, c.report.document_id, [problem], c.row, duplicate_of=first.report.update_id))
    return kept, rejections, notes


def ingest_updates(files: list[Path], tables: dict[str, pd.DataFrame], as_of: dt.date, root: Path = paths.REPO,
                   document_id: str | None = None, lookups: Path = paths.LOOKUPS) -> UpdateIngest:
    """Read, check and settle every update file against the white papers' tables, as of a date.

    The document of a file is the name of its folder (raw/updates/<document_id>/), unless document_id is given.
    "In the future" means after as_of. source_file is the path relative to root.
    """
    statuses = load_statuses(lookups)
    known_documents = set(tables["documents"]["document_id"])
    papers: dict[str, Paper] = {}
    candidates: list[_Candidate] = []
    rejections: list[dict] = []
    notes: list[dict] = []
    counts: dict[str, dict] = {}
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
        table = read_update_file(path)
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
        paper = papers.setdefault(doc, Paper.from_tables(tables, doc))
        counts[source]["rows_read"] = len(table.rows)
        for row in table.rows:
            if any(p.code == "not_an_object" for p in row.problems):
                rejections.append(_rejection(source, doc, list(row.problems), row))
                continue
            result = check_row({c: row.cells.get(mapping[c], "") for c in COLUMNS if c in mapping}, paper, as_of, statuses)
            problems = list(row.problems) + ([] if isinstance(result, Report) else result)
            if problems:
                rejections.append(_rejection(source, doc, problems, row))
            else:
                candidates.append(_Candidate(source, row, result))
    names = {k: v for p in papers.values() for k, v in p.department_names.items()}
    kept, settled, conflict_notes = _settle(candidates, names)
    rejections += settled
    notes += conflict_notes
    for source, c in counts.items():
        c["rows_accepted"] = sum(1 for k in kept if k.source_file == source)
        c["rows_rejected"] = sum(1 for r in rejections if r["source_file"] == source and r["level"] == "row")
    notes = [{"note_id": f"updates-n{i:03d}", **n, "source_start": None, "source_end": None} for i, n in enumerate(notes, 1)]
    updates = to_frame(sorted((_update_row(k) for k in kept), key=lambda r: r["update_id"]), "updates")
    rejected = to_frame(sorted(rejections, key=lambda r: (r["source_file"], r["source_row"] or 0)), "update_rejections")
    return UpdateIngest(updates, rejected, to_frame(notes, "quality_notes"), counts)


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
