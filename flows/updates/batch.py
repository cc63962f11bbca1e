"""check_row over many rows at once: the same rules, each worked out once per distinct cell value.

Progress reports repeat the same few task numbers, quarters, division names, dates and statuses; a million
rows hold a few thousand distinct cells. Each rule of flows/updates/rules.py runs once per distinct value (per
paper), and a row whose every cell passes is accepted with exactly the Report check_row gives. A row with any
problem goes through check_row itself, so its reasons are word for word those of the one-row path.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from flows.updates.format import COLUMNS, folded, header_key, parse_date, parse_number, parse_quarter, parse_url
from flows.updates.read import Problem
from flows.updates.rules import Paper, Report, _actual, _department, check_row, parse_task

REPORT_FIELDS = ["document_id", "task_id", "milestone_id", "quarter", "department_id", "role", "department_seq",
                 "reported_on", "status", "percent_complete", "actual_value", "target_id", "evidence_url", "note"]


def _each(*columns: pd.Series, rule) -> tuple[pd.Series, np.ndarray]:
    """(rule(a, b, …) for every row of the columns, whether it passed), computed once per distinct combination.

    A result passes unless it is a Problem or None. Columns are factorized as they are (Arrow-backed text
    dictionary-encoded in place); only one row per distinct combination becomes Python values.
    """
    codes = None
    for column in columns:
        c, _ = pd.factorize(column, use_na_sentinel=False)
        codes = c if codes is None else pd.factorize(codes * (int(c.max(initial=0)) + 1) + c)[0]
    combo, distinct = pd.factorize(codes)
    firsts = np.zeros(len(distinct), dtype=np.int64)
    firsts[combo[::-1]] = np.arange(len(combo))[::-1]
    values = [column.iloc[firsts].to_numpy(dtype=object) for column in columns]
    results = np.empty(len(distinct), dtype=object)
    for k in range(len(distinct)):
        results[k] = rule(*(v[k] for v in values))
    passed = np.array([not (r is None or isinstance(r, Problem)) for r in results], dtype=bool)
    return pd.Series(results[combo], index=columns[0].index, dtype=object), passed[combo]


def ok_id(value) -> bool:
    return isinstance(value, str)


def _day_in(day, first: dt.date, last: dt.date) -> dt.date | None:
    return day if isinstance(day, dt.date) and first <= day <= last else None


def _reportable(paper: Paper, task_id: str, quarter: int) -> str | None:
    """The milestone a report on (task, quarter) is for; None when there is none or the paper leaves it empty."""
    milestone = paper.milestones.get((task_id, quarter))
    return None if milestone in paper.empty_milestones else milestone


def _percent(text: str) -> float | None:
    number = parse_number(text)
    if number is None or number[1] not in ("", "%") or not 0 <= number[0] <= 100:
        return None
    return number[0]


def _part(values: pd.Series, i: int, cast: str | None = None) -> pd.Series:
    """Item i of the tuples in values (a null where there is no tuple)."""
    out = pd.Series([v[i] if isinstance(v, tuple) else None for v in values.tolist()], index=values.index, dtype=object)
    return out.astype(cast) if cast else out


def check_rows(rows: pd.DataFrame, papers: dict[str, Paper], as_of: dt.date,
               statuses: dict[str, str]) -> tuple[pd.DataFrame, dict[int, list[Problem] | Report]]:
    """rows: document_id, one text column per COLUMNS entry ("" when absent) and clean_read (no problem reading).

    Returns (the Report fields of the rows that pass every rule, indexed like rows; for every other row, what
    check_row gives it: its problems, or, should the fast path have been too strict, its Report).
    """
    doc = rows["document_id"]
    ok = rows["clean_read"].to_numpy(dtype=bool).copy()
    given = {c: _each(rows[c], rule=lambda v: True if folded(v) else None)[1] for c in COLUMNS}
    for column, (_, required) in COLUMNS.items():
        if required:
            ok &= given[column]
    task, passed = _each(doc, rows["task"], rule=lambda d, v: parse_task(v, papers[d]))
    ok &= passed
    quarter, passed = _each(rows["quarter"], rule=parse_quarter)
    ok &= passed
    task_id = task.where(ok, None)
    department, passed = _each(doc, rows["department"], task_id,
                               rule=lambda d, text, t: _department(text, t, papers[d]) if ok_id(t) else None)
    ok &= passed
    first_day = {d: dt.date(p.plan_year, 1, 1) for d, p in papers.items()}
    day, passed = _each(doc, rows["reported_on"], rule=lambda d, v: _day_in(parse_date(v), first_day[d], as_of))
    ok &= passed
    status, passed = _each(rows["status"], rule=lambda v: statuses.get(header_key(v)))
    ok &= passed
    percent, passed = _each(rows["percent_complete"], rule=_percent)
    ok &= ~given["percent_complete"] | passed
    percent = percent.where(pd.Series(given["percent_complete"], index=rows.index), None).astype("float64")
    contradicts = ((status == "completed") & percent.notna() & (percent != 100)) | \
                  ((status == "not_started") & percent.notna() & (percent != 0))
    ok &= ~contradicts.to_numpy()
    # an empty quarter fails here too (None): check_row then gives the row its empty_milestone reason
    milestone, passed = _each(doc, task_id.where(ok, None), quarter,
                              rule=lambda d, t, q: _reportable(papers[d], t, q) if ok_id(t) else None)
    ok &= passed
    has_actual = pd.Series(given["actual_value"] & ok, index=rows.index)
    actual, passed = _each(doc, rows["actual_value"], milestone.where(has_actual, None), task_id.where(has_actual, None),
                           rule=lambda d, text, m, t: _actual(text, m, t, papers[d]) if ok_id(m) else None)
    ok &= ~has_actual.to_numpy() | passed
    url, passed = _each(rows["evidence_url"], rule=lambda v: parse_url(v) if folded(v) else None)
    ok &= ~given["evidence_url"] | passed
    clean = rows.index[ok]
    dept, act = department[ok], actual[ok].where(has_actual[ok], None)
    reports = pd.DataFrame({
        "document_id": doc[ok], "task_id": task_id[ok], "milestone_id": milestone[ok],
        "quarter": quarter[ok].astype("int64"), "department_id": _part(dept, 0), "role": _part(dept, 1),
        "department_seq": _part(dept, 2, "int64"), "reported_on": day[ok],
        "status": status[ok], "percent_complete": percent[ok],
        "actual_value": _part(act, 0, "float64"), "target_id": _part(act, 1),
        "evidence_url": url[ok].where(pd.Series(given["evidence_url"][ok], index=clean), None),
        "note": rows.loc[ok, "note"].str.strip().replace("", None),
    }, index=clean, columns=REPORT_FIELDS)
    others = {}
    bad = rows.loc[~ok, ["document_id", *COLUMNS]]
    for i, d, *cells in bad.itertuples(name=None):
        others[i] = check_row(dict(zip(COLUMNS, cells)), papers[d], as_of, statuses)
    return reports, others


def report_fields(report: Report) -> dict:
    return {f: getattr(report, f) for f in REPORT_FIELDS}
