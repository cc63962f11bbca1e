"""Settling: of the reports that passed their row rules, which are published when several say the same or differ.

Exact duplicates (the same division, milestone, date and content) keep their first copy, in file and row order;
two different reports by one division on one milestone and date are a conflict, and every one of them is
rejected with the others named. Also the one shape of a rejection row, shared by every stage of the intake.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flows.updates.batch import REPORT_FIELDS
from flows.updates.read import Problem
from flows.updates.rules import Report


@dataclass
class _Candidate:
    source_file: str
    source_row: int
    report: Report

    @property
    def rejection_id(self) -> str:
        return f"{self.source_file}#{self.source_row}"


def rejection_row(source_file: str, document_id: str | None, problems: list[Problem], source_row: int | None = None,
               raw_cells: str | None = None, **links) -> dict:
    return {"rejection_id": f"{source_file}#{source_row if source_row is not None else 'file'}", "document_id": document_id,
            "source_file": source_file, "source_row": source_row, "level": "row" if source_row is not None else "file",
            "raw_cells": raw_cells, "reasons": "; ".join(p.message for p in problems),
            "reason_codes": ";".join(p.code for p in problems),
            "duplicate_of": links.get("duplicate_of"), "conflicts_with": links.get("conflicts_with")}


CONTENT_FIELDS = ("status", "percent_complete", "actual_value", "target_id", "evidence_url", "note")
"""Report.content's fields, by name: a conflict says which of them differ."""


def _where(c: _Candidate) -> str:
    return f"{c.source_file} row {c.source_row} ({c.report.status})"


def _shown(value) -> str:
    if value is None:
        return "empty"
    return f"{value:g}" if isinstance(value, float) else repr(value) if isinstance(value, str) and value != value.strip() \
        else str(value)


def differences(a: Report, b: Report) -> str:
    """The content fields two reports differ in, each with both values: "percent_complete 100 here, empty there".

    Two reports that both say completed can still conflict (a figure or a note differs); without this the message
    showed them both as "(completed)" and the division could not see what to correct."""
    pairs = zip(CONTENT_FIELDS, a.content, b.content)
    return "; ".join(f"{name} {_shown(x)} here, {_shown(y)} there" for name, x, y in pairs if x != y)


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
                differ = "; ".join(f"against {_where(o)}: {differences(c.report, o.report)}" for o in others)
                problem = Problem("conflict", f"conflict: {name} sent different reports on {milestone_id} for {day}; this one and "
                                  f"{', '.join(_where(o) for o in others)} are all rejected ({differ}); send one corrected row")
                rejections.append(rejection_row(c.source_file, c.report.document_id, [problem], c.source_row,
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
            rejections.append(rejection_row(c.source_file, c.report.document_id, [problem], c.source_row,
                                         raw_cells[c.source_file, c.source_row], duplicate_of=first.report.update_id))
    return kept, rejections, notes


def settle_frame(candidates: pd.DataFrame, names: dict[str, str],
                 raw_cells: pd.Series) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    """_settle, run only on the reports that share a division, milestone and date with another (the rest are kept)."""
    order, rejections, notes = settled_order(candidates, names, raw_cells)
    return (candidates.take(order) if rejections or notes else candidates), rejections, notes


def settled_order(candidates: pd.DataFrame, names: dict[str, str],
                  raw_cells: pd.Series) -> tuple[np.ndarray, list[dict], list[dict]]:
    """settle_frame's rows as positions in candidates (the rows shared with none, then the kept ones of the shared,
    each in file and row order), its rejections and notes: the caller takes them in the order it needs, in one copy."""
    shared = candidates.duplicated(["milestone_id", "department_id", "reported_on"], keep=False).to_numpy()
    if not shared.any():
        return np.arange(len(candidates)), [], []
    at = np.flatnonzero(shared)
    group = candidates.take(at)
    raw = dict(zip(zip(group["source_file"], group["source_row"]), raw_cells.loc[group.index]))
    # column by column, not itertuples: walking Arrow-backed columns row by row costs ten times as much
    fields = [f for f in REPORT_FIELDS if f in Report.__dataclass_fields__]
    values = (group[c].tolist() for c in ["source_file", "source_row", *fields])
    listed = [_Candidate(source, int(row), Report(**{f: _none(v) for f, v in zip(fields, report)}))
              for source, row, *report in zip(*values)]
    kept, rejections, notes = _settle(listed, names, raw)
    chosen = {(c.source_file, c.source_row) for c in kept}
    keep = np.fromiter(((c.source_file, c.source_row) in chosen for c in listed), dtype=bool, count=len(listed))
    return np.concatenate([np.flatnonzero(~shared), at[keep]]), rejections, notes


def _none(value):
    return None if isinstance(value, float) and value != value else value


def update_ids(kept: pd.DataFrame) -> pd.Series:
    """<milestone_id>-<department_id>-<YYYYMMDD of reported_on>, as Report.update_id."""
    days = pd.unique(kept["reported_on"])
    compact = kept["reported_on"].map(dict(zip(days, (f"{d:%Y%m%d}" for d in days))))
    return kept["milestone_id"].astype(str) + "-" + kept["department_id"].astype(str) + "-" + compact.astype(str)
