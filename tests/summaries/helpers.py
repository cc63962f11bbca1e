"""Helpers of the summaries' tests: the tiny paper with progress updates taken in, and their summaries."""

import datetime as dt

import pandas as pd

from flows.summaries.views import compute_summaries, status_rules_table
from flows.tables.frames import to_frame
from flows.updates.ingest import ingest_updates
from tests.updates.fixtures import DEPARTMENTS, DOC, ROLES, baselines, paper_tables, report, write_updates

D = dt.date


def tables_with(tmp_path, rows, tables=None) -> dict[str, pd.DataFrame]:
    """The tiny paper with rows taken in as updates (all must be accepted), its baselines and status rules."""
    tables = tables or paper_tables()
    path = write_updates(tmp_path / DOC, "csv", rows) if rows else None
    ingest = ingest_updates([path] if path else [], tables, D(2015, 12, 31), root=tmp_path)
    assert ingest.rejections.empty, ingest.rejections["reasons"].tolist()
    return {**tables, "updates": ingest.updates, "target_baselines": baselines(), "status_rules": status_rules_table()}


def summaries(tmp_path, rows, as_of, tables=None) -> dict[str, pd.DataFrame]:
    return compute_summaries(tables_with(tmp_path, rows, tables), as_of)


def milestone(result, task, quarter) -> dict:
    ms = result["milestone_status"].set_index("milestone_id")
    return ms.loc[f"{DOC}-{task:02d}-q{quarter}"].to_dict()


def task_row(result, task) -> dict:
    return result["task_progress"].set_index("task_id").loc[f"{DOC}-{task:02d}"].to_dict()


def na(value):
    return None if pd.isna(value) else value


# Figures reported on tasks 2 and 3: the first quarter falls short of task 2's target, the fourth reaches it.
ACTUALS = [report(task=2, quarter=1, department="乙处", reported_on="2014-03-31", actual_value=962),
           report(task=2, quarter=4, department="乙处", reported_on="2014-12-31", actual_value=1012),
           report(task=3, quarter=3, department="丙处", reported_on="2014-09-30", actual_value="6家")]


# --- rows of updates made directly, without files (tests/summaries/test_views_unknown.py, _report_dates.py) ---

TABLES = {**paper_tables(), "target_baselines": baselines(), "status_rules": status_rules_table()}


def update(task: int, quarter: int, division: int, reported_on: dt.date, status: str, actual: float | None = None,
           period_end: dt.date | None = None) -> dict:
    """One accepted row of updates on the tiny paper, as intake makes it (division: its index among the task's)."""
    name, role = ROLES[task][division % len(ROLES[task])]
    department = DEPARTMENTS[name]
    milestone = f"{DOC}-{task:02d}-q{quarter}"
    target = (f"{DOC}-02-q4-t1" if quarter == 4 else f"{DOC}-02-t1") if task == 2 and actual is not None else None
    return {"update_id": f"{milestone}-{department}-{reported_on:%Y%m%d}", "document_id": DOC, "task_id": f"{DOC}-{task:02d}",
            "milestone_id": milestone, "quarter": quarter, "department_id": department, "role": role,
            "reported_on": reported_on, "status": status, "percent_complete": None,
            "actual_value": actual if target else None, "target_id": target, "evidence_url": None, "note": None,
            "source_file": f"raw/updates/{DOC}/random.csv", "source_row": 2, "period_end": period_end}


def summaries_of(rows: list[dict], as_of: dt.date) -> dict[str, pd.DataFrame]:
    """The summaries of the tiny paper with rows (made by update) as its updates."""
    return compute_summaries({**TABLES, "updates": to_frame(rows, "updates")}, as_of)
