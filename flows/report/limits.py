"""How the report stays one readable page on a release of a thousand papers.

A release of 1,000 papers has 15,000 tasks, 12,000 division rows and 57,000 refused update rows: listed in
full they make a 70 MB page that takes most of a minute to build and that no one can read. Each long list is
therefore cut to the LIST_LIMIT rows a reader most needs (the most overdue tasks, the largest divisions, the
targets missed by the most…), with a line on the page saying how many there are, which ones are shown and which
file of the release holds them all. Charts draw at most CHART_LIMIT rows and sum over the papers, so a figure
stays readable and vl-convert renders each in a fraction of a second. A release within the limits (one white
paper has a few dozen tasks) is shown in full.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LIST_LIMIT = 200
"""Rows of a table on the page; the release's CSV and Parquet files have every row."""
CHART_LIMIT = 20
"""Bars or targets in one chart: more cannot be read in a figure, and each costs render time."""
DOCUMENT_LIMIT = 20
"""White papers named in the page's header."""


@dataclass(frozen=True)
class Shown:
    """The rows a list shows, and how many the release has: iterates, counts and tests as its shown rows."""

    rows: list
    total: int

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def capped(self) -> bool:
        return self.shown < self.total

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def first(df: pd.DataFrame, limit: int, by: list[str], ascending: list[bool] | bool = True) -> pd.DataFrame:
    """The first `limit` rows in this order (stable, so ties keep the table's own order); all of them when fewer."""
    if len(df) <= limit:
        return df
    return df.sort_values(by, ascending=ascending, kind="stable", na_position="last").head(limit)


def task_selection(task_progress: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Tasks to list: when there are too many, those with the most overdue milestones, then the least completed."""
    return first(task_progress, limit, ["milestones_overdue", "completion_pct", "document_id", "task_seq"],
                 [False, True, True, True])


def scorecard_selection(scorecard: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Division rows to list: when there are too many, the rows with the most milestones due."""
    return first(scorecard, limit, ["milestones_due", "document_id", "department_id", "role"], [False, True, True, True])


def quarter_selection(quarters: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Paper × quarter rows to list: when there are too many, those with the most overdue milestones."""
    return first(quarters, limit, ["milestones_overdue", "milestones_planned", "document_id", "quarter"],
                 [False, False, True, True])


def target_selection(targets: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Targets to list: when there are too many, those missed by the most first, then those with no actual yet."""
    if len(targets) <= limit:
        return targets
    return first(targets.assign(_attention=target_attention(targets)), limit,
                 ["_attention", "ratio_to_target", "task_id", "target_id"]).drop(columns="_attention")


def target_attention(targets: pd.DataFrame) -> np.ndarray:
    """0 for a target known missed, 1 for one not known yet (is_met null), 2 for one met."""
    is_met = targets["is_met"]
    return np.where(is_met.eq(True).fillna(False), 2, np.where(is_met.eq(False).fillna(False), 0, 1))


def scorecard_chart_rows(scorecard: pd.DataFrame, limit: int = CHART_LIMIT) -> tuple[pd.DataFrame, int]:
    """Lead rows summed per division over every paper, the `limit` divisions with most milestones due; and how many divisions.

    One paper has one lead row per division, so there this is its own rows. Many papers would each draw the
    same division again under one label, so their counts are added up and the on-time rate recomputed the
    way the scorecard view computes it (completed on time / outcome known, null when none is known).
    """
    lead = scorecard[scorecard["role"] == "lead"]
    lead = lead.assign(agency=lead["document_id"].str.rsplit("-", n=1).str[0])  # a document id is <agency>-<year>
    counts = ["milestones_due", "milestones_completed", "milestones_completed_on_time", "milestones_overdue",
              "milestones_unreported_past_due", "milestones_outcome_known"]
    divisions = lead.groupby("department_id", sort=True).agg(
        name_zh=("name_zh", "first"), name_en=("name_en", "first"), agency=("agency", "first"),
        **{c: (c, "sum") for c in counts}).reset_index()
    known = divisions["milestones_outcome_known"].where(divisions["milestones_outcome_known"] != 0)
    divisions = divisions.assign(role="lead", on_time_pct=100.0 * divisions["milestones_completed_on_time"] / known)
    chosen = first(divisions, limit, ["milestones_due", "department_id"], [False, True])
    if chosen["agency"].nunique() > 1:
        # Every agency has its own 财务处 or 办公室: its id tells them apart, short enough for the phone-width chart.
        chosen = chosen.assign(name_zh=chosen["name_zh"] + " " + chosen["agency"])
    return chosen, len(divisions)


def quarter_chart_rows(quarters: pd.DataFrame) -> pd.DataFrame:
    """One row per quarter: a paper's own rows, or every paper's quarter summed (Q1 of all papers, …)."""
    if quarters["document_id"].nunique() <= 1:
        return quarters
    counts = ["milestones_planned", "milestones_completed", "milestones_on_time", "milestones_overdue",
              "milestones_cancelled", "milestones_not_reported", "milestones_unreported_past_due"]
    summed = quarters.groupby("quarter", sort=True)[counts].sum().reset_index()
    return summed.assign(document_id="all")


def distinct_target_count(targets: pd.DataFrame) -> int:
    """Targets the chart could draw: as sections.distinct_targets counts them, the distinct promises (a target
    restating another is drawn once)."""
    return int(targets["restates_target_id"].isna().sum())


def target_chart_rows(rows: list[dict], limit: int = CHART_LIMIT) -> list[dict]:
    """At most `limit` targets for the chart, chosen as the list is (missed by the most, then no actual yet),
    except that a target with neither actual nor baseline comes last: it would draw no point at all."""
    if len(rows) <= limit:
        return rows

    def attention(r: dict) -> tuple:
        missing = r["actual_value"] is None
        ratio = np.inf if missing or not r["target_value"] else r["actual_value"] / r["target_value"]
        nothing_to_draw = missing and r.get("baseline_value") is None
        return (nothing_to_draw, 2 if r["is_met"] is True else 0 if r["is_met"] is False else 1, ratio, r["task_id"],
                r["target_id"])

    chosen = sorted(rows, key=attention)[:limit]
    return sorted(chosen, key=lambda r: (r["task_id"], r["target_id"]))
