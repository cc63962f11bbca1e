"""What a progress report adds to the rows of updates and update_rejections: its id, spans and how it matched.

A contract file's rows leave these null. report_id names the report's canonical text, published as
sources/<report_id>.txt; source_start/source_end index that text, as a paper's rows index sources/<document_id>.txt.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pandas as pd

from flows.updates.read import Problem

UPDATE_COLUMNS = ["report_id", "source_start", "source_end", "period_end", "status_text_zh", "task_match_method",
                  "task_match_score", "department_source"]
"""Columns of updates a report fills (schemas/updates.py describes them)."""
TYPED_FROM = ["report_id", "source_start", "source_end", "period_end", "status", "task_match_method", "task_match_score",
              "department_source"]
"""The columns of the rows read that typed() turns into UPDATE_COLUMNS (the last three only exist for reports)."""
TASK_PROBLEMS = {"unknown_task", "task_wording_mismatch", "several_tasks"}


def report_id(document_id: str, source_file: str) -> str:
    """<document_id>-report-<the file name as a slug>: ILLUSTRATIVE-2014-q2.html → szsti-2014-report-illustrative-2014-q2-html.

    A name with nothing ASCII in it (第二季度进展情况.docx) gets the first 8 hex of its SHA-256 instead.
    """
    name = source_file.rsplit("/", 1)[-1]
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())
    slug = slug.strip("-")
    if not re.search(r"[a-z0-9]", re.sub(r"(?:^|-)(?:txt|html?|docx)$", "", slug)):
        slug = f"{hashlib.sha256(name.encode()).hexdigest()[:8]}-{slug}".strip("-")
    return f"{document_id}-report-{slug}"


def typed(rows: pd.DataFrame) -> pd.DataFrame:
    """The report columns of rows (text as read) as the typed columns of updates; null where there is no report.

    rows needs the TYPED_FROM columns it has; pass only those (a copy of every column of a million rows is big)."""
    report = rows["report_id"].astype(str) != ""
    out = pd.DataFrame(index=rows.index, columns=UPDATE_COLUMNS, dtype=object)
    if not report.any():
        return out
    out["report_id"] = rows["report_id"].where(report, None)
    for column in ("source_start", "source_end"):
        out[column] = pd.to_numeric(rows[column].where(report & (rows[column] != ""), None)).astype("Int64")
    out["period_end"] = rows["period_end"].map(lambda v: pd.Timestamp(v).date() if v else None)
    out["status_text_zh"] = rows["status"].where(report, None)
    for column in ("task_match_method", "task_match_score", "department_source"):
        out[column] = rows[column]
    return out


def merge_problems(read: list[Problem], checked: list[Problem]) -> list[Problem]:
    """A report row's own problems and the row rules': the task left empty because it matched nothing (and the
    division left empty with it) is said once, by the match's reason."""
    if any(p.code in TASK_PROBLEMS for p in read):
        checked = [p for p in checked if p.code not in ("missing_task", "missing_department")]
    if any(p.code == "missing_status" for p in read):      # the item's own reason says what is missing and where
        checked = [p for p in checked if p.code != "missing_status"]
    return list(read) + list(checked)


def rejection_spans(rejections: list[dict], rows: pd.DataFrame) -> None:
    """Each rejected report row gets its report_id and span (in place); other rejections get nulls."""
    report = rows[rows["report_id"].astype(str) != ""]
    spans = {(f, int(r)): (rid, int(s), int(e)) for f, r, rid, s, e in
             zip(report["source_file"], report["source_row"], report["report_id"], report["source_start"], report["source_end"])}
    for rejection in rejections:
        rid, start, end = spans.get((rejection["source_file"], rejection["source_row"]), (None, None, None))
        rejection.update(report_id=rid, source_start=start, source_end=end)
