"""The report's sections as plain rows: each function takes release tables and returns what one part of the page shows.

No HTML here: the template lays these out. Every figure is counted from the published rows with the same
rules as the summary views, so the page and `whitepaper.duckdb` cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

import pandas as pd

from flows.tables.codebook import table_spec
from flows.report.limits import (LIST_LIMIT, Shown, quarter_selection, scorecard_selection, target_selection,
                                 task_selection)
from schemas import TABLES

QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
CHINESE_NUMERALS = "一二三四五六七八九十"
ILLUSTRATIVE_PREFIX = "ILLUSTRATIVE-"
CHANGE_KIND_COLUMNS = ("change_kind", "change_type", "change", "kind")
"""A changes table is summarised by the first of these columns it has."""
MAX_CHANGE_ROWS = LIST_LIMIT


HEADLINE_COLUMNS = ("has_text", "is_completed", "is_on_time", "is_overdue", "is_unreported_past_due", "status")
"""The columns of milestone_status that headline() reads."""


def headline(milestone_status: pd.DataFrame) -> dict[str, int]:
    """Milestones with text: planned, completed, completed on time, overdue (a report says so), past due with no
    report on their outcome, and with no report at all (as quarter_summary counts them)."""
    planned = milestone_status[milestone_status["has_text"]]
    return {
        "planned": len(planned),
        "completed": int(planned["is_completed"].sum()),
        "on_time": int(planned["is_on_time"].eq(True).sum()),
        "overdue": int(milestone_status["is_overdue"].sum()),
        "unreported": int(milestone_status["is_unreported_past_due"].sum()),
        "not_reported": int((planned["status"] == "not_reported").sum()),
        # outcomes known (completed, or reported overdue): none, and "0 completed" would say unknown is bad
        "known": int((planned["is_completed"] | planned["is_overdue"]).sum()),
    }


def rating_counts(task_progress: pd.DataFrame, status_rules: pd.DataFrame) -> list[dict]:
    """Tasks per rating, most severe first, every rating listed even when no task has it."""
    ratings = status_rules[status_rules["kind"] == "rating"].sort_values("severity", ascending=False)
    counts = Counter(task_progress["rating"])
    return [{"code": r.code, "zh": r.label_zh, "en": r.label_en, "tasks": counts.get(r.code, 0),
             "description_zh": r.description_zh, "description_en": r.description_en}
            for r in ratings.itertuples()]


def task_rows(task_progress: pd.DataFrame, milestone_status: pd.DataFrame, departments: pd.DataFrame,
              limit: int = LIST_LIMIT) -> Shown:
    """One row per task in the paper's order: title, lead division, rating and its four quarters, plan against report.

    Over `limit` tasks, the most overdue are listed (limits.task_selection); only their milestones are read.
    """
    names_en = dict(zip(departments["department_id"], departments["name_en"]))
    chosen = task_selection(task_progress, limit)
    milestones = milestone_status[milestone_status["task_id"].isin(chosen["task_id"])].sort_values(["task_id", "quarter"])
    quarters: dict[str, list[dict]] = {}
    for m in milestones.itertuples():
        quarters.setdefault(m.task_id, []).append(quarter_cell(m))
    rows = []
    for t in chosen.sort_values(["document_id", "task_seq"]).itertuples():
        rows.append({
            "document_id": t.document_id, "task_id": t.task_id, "seq": t.task_seq, "number": task_number(t.task_seq),
            "title_zh": t.title_zh, "lead_zh": t.lead_name_zh, "lead_en": optional_text(names_en.get(t.lead_department_id)),
            "rating": t.rating, "rating_zh": t.rating_zh, "rating_en": t.rating_en,
            "planned": t.milestones_planned, "completed": t.milestones_completed, "overdue": t.milestones_overdue,
            "completion_pct": None if pd.isna(t.completion_pct) else float(t.completion_pct),
            "quarters": quarters.get(t.task_id, []),
        })
    return Shown(rows, len(task_progress))


def quarter_cell(m) -> dict:
    """One milestone as a timeline cell: what was planned, what was reported, and whether that was on time."""
    days = None if pd.isna(m.days_late) else int(m.days_late)
    if not m.has_text:
        outcome = "none"
    elif m.is_completed:
        outcome = "on_time" if m.is_on_time else "late"
    elif m.status == "cancelled":
        outcome = "cancelled"
    elif m.is_overdue:
        outcome = "overdue"
    elif m.is_unreported_past_due:
        outcome = "unreported"
    else:
        outcome = "open"
    return {"quarter": int(m.quarter), "quarter_zh": QUARTER_ZH[int(m.quarter)], "due_date": m.due_date,
            "text_zh": optional_text(m.text_zh), "status": m.status, "status_zh": m.status_zh, "status_en": m.status_en,
            "outcome": outcome, "days_late": days, "reported_on": _date(m.reported_on),
            "days_since_due": None if pd.isna(m.days_since_due) else int(m.days_since_due),
            "reported_by_zh": optional_text(m.reported_by_zh), "percent_complete": _float(m.percent_complete),
            "first_completed_on": _date(m.first_completed_on)}


def scorecard_rows(scorecard: pd.DataFrame, limit: int = LIST_LIMIT) -> Shown:
    """Every division and role, lead before support, best on-time rate first (over `limit`, the rows with most due)."""
    chosen = scorecard_selection(scorecard, limit)
    df = chosen.assign(role_order=(chosen["role"] != "lead").astype(int))
    df = df.sort_values(["role_order", "on_time_pct", "name_zh"], ascending=[True, False, True], na_position="last")
    return Shown([{**_record(r, ["document_id", "department_id", "name_zh", "role", "tasks", "milestones_due",
                                 "milestones_completed", "milestones_completed_on_time", "milestones_overdue",
                                 "milestones_not_reported", "milestones_unreported_past_due",
                                 "milestones_outcome_known"]),
                   "name_en": optional_text(r.name_en), "on_time_pct": _float(r.on_time_pct),
                   "last_reported_on": _date(r.last_reported_on)}
                  for r in df.itertuples()], len(scorecard))


def quarter_rows(quarters: pd.DataFrame, limit: int = LIST_LIMIT) -> Shown:
    """Every paper's quarters in order (over `limit`, the paper-quarters with most overdue milestones)."""
    chosen = quarter_selection(quarters, limit).sort_values(["document_id", "quarter"])
    return Shown(chosen.to_dict("records"), len(quarters))


def target_rows(targets: pd.DataFrame, tasks: pd.DataFrame, limit: int = LIST_LIMIT) -> Shown:
    """Each quantified target: the previous year's figure → the target as printed → the latest actual value.

    Over `limit` targets, those missed by the most and then those with no actual yet are listed.
    """
    chosen = target_selection(targets, limit)
    task_ids = set(chosen["task_id"])
    seqs = {k: v for k, v in zip(tasks["task_id"], tasks["task_seq"]) if k in task_ids}
    rows = []
    for r in chosen.sort_values(["task_id", "target_id"]).itertuples():
        quarter = None if pd.isna(r.milestone_id) else int(str(r.milestone_id).rsplit("-q", 1)[1])
        rows.append({
            "target_id": r.target_id, "task_id": r.task_id, "task_number": task_number(seqs.get(r.task_id)),
            "milestone_id": optional_text(r.milestone_id), "quarter": quarter,
            "scope_zh": QUARTER_ZH[quarter] if quarter else "全年", "scope_en": f"Q{quarter}" if quarter else "whole year",
            "metric_zh": r.metric_zh, "value_text_zh": r.value_text_zh, "comparator": r.comparator,
            "target_value": float(r.target_value), "target_value_max": _float(r.target_value_max), "unit_zh": r.unit_zh,
            "due_date": r.due_date, "baseline_value": _float(r.baseline_value),
            "baseline_year": None if pd.isna(r.baseline_year) else int(r.baseline_year),
            "running_total_value": _float(r.running_total_value), "actual_value": _float(r.actual_value),
            "actual_reported_on": _date(r.actual_reported_on), "is_met": None if pd.isna(r.is_met) else bool(r.is_met),
            "restates_target_id": optional_text(r.restates_target_id),
            "label": f"{task_number(seqs.get(r.task_id))} {r.metric_zh}" + (f" (Q{quarter})" if quarter else ""),
        })
    return Shown(rows, len(targets))


def target_counts(targets: pd.DataFrame) -> dict[str, int]:
    """Distinct promises (targets restating none: restates_target_id null): how many were met, missed (a shortfall
    reported on or after the due date) or are unknown (is_met null), the unknown split into pending (a figure was
    reported, short of the target before its due date) and not reported (no figure); every target row too."""
    promises = targets[targets["restates_target_id"].isna()]
    met = promises["is_met"]
    unknown = met.isna()
    pending = int((unknown & promises["actual_value"].notna()).sum())
    return {"total": len(targets), "promises": len(promises), "met": int(met.eq(True).sum()),
            "missed": int(met.eq(False).sum()), "unknown": int(unknown.sum()), "pending": pending,
            "not_reported": int(unknown.sum()) - pending}


def distinct_targets(rows: list[dict]) -> list[dict]:
    """Targets for the chart: a target restating another (restates_target_id) is drawn once, as the one it restates."""
    return [row for row in rows if row["restates_target_id"] is None]


def changes_section(changes: pd.DataFrame | None) -> dict | None:
    """The changes table, when the release has one: its summary line, changes per table and kind, and its rows.

    An empty changes table means the first release: publishing the same data again makes no release at all.
    """
    if changes is None:
        return None
    from flows.release.change_summary import summarize_changes  # only a release with a changes table gets here

    kind = next((c for c in CHANGE_KIND_COLUMNS if c in changes.columns), None)
    per_table = []
    if kind and "table_name" in changes.columns:
        for table, group in changes.groupby("table_name", sort=True):
            per_table.append({"table": table, "counts": dict(Counter(group[kind].astype(str)))})
    kinds = sorted({k for entry in per_table for k in entry["counts"]})
    shown = changes.head(MAX_CHANGE_ROWS)
    return {"total": len(changes), "summary": summarize_changes(changes, has_previous=not changes.empty),
            "kinds": kinds, "per_table": per_table, "columns": column_labels("changes", changes.columns),
            "rows": [[_clip(_cell(v)) for v in row] for row in shown.itertuples(index=False)], "shown": len(shown)}


def table_overview(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """What is in the release: every table with its bilingual description, rows and columns, in registry order."""
    order = [n for n in TABLES if n in tables] + sorted(n for n in tables if n not in TABLES)
    out = []
    for name in order:
        if name in TABLES:
            spec = table_spec(name)
            columns = [{"name": c.name, "zh": c.zh, "en": c.en, "type": c.type} for c in spec.columns]
            out.append({"name": name, "zh": spec.zh, "en": spec.en, "rows": len(tables[name]),
                        "primary_key": list(spec.primary_key), "columns": columns})
        else:
            out.append({"name": name, "zh": "", "en": "", "rows": len(tables[name]), "primary_key": [],
                        "columns": [{"name": c, "zh": "", "en": "", "type": ""} for c in tables[name].columns]})
    return out


def column_labels(table: str, columns) -> list[dict]:
    """Header cells for a table's columns: the Chinese label and the English description from its Pandera model."""
    known = {c.name: c for c in table_spec(table).columns} if table in TABLES else {}
    return [{"name": c, "zh": known[c].zh if c in known else "", "en": known[c].en if c in known else ""} for c in columns]


def is_illustrative(updates: pd.DataFrame) -> bool:
    """True when any accepted update comes from a file marked as made up (examples/updates/ILLUSTRATIVE-*)."""
    return any(PurePosixPath(f).name.startswith(ILLUSTRATIVE_PREFIX) for f in updates["source_file"].unique())


def task_number(seq) -> str:
    """The task's number as the paper prints it: 3 → （三）."""
    if seq is None or pd.isna(seq):
        return ""
    seq = int(seq)
    if seq <= 10:
        return f"（{CHINESE_NUMERALS[seq - 1]}）"
    tens, ones = divmod(seq, 10)
    word = ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")
    return f"（{word}）"


def _record(row, names: list[str]) -> dict:
    """The named fields of a row, NumPy scalars turned into Python ones."""
    return {n: getattr(row, n).item() if hasattr(getattr(row, n), "item") else getattr(row, n) for n in names}


def optional_text(value) -> str | None:
    """The value as text, None for every kind of null."""
    return None if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else str(value)


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _date(value):
    return None if value is None or pd.isna(value) else value


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _cell(value) -> str:
    return "" if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)) else str(value)
