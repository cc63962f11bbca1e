"""check_row over many rows at once: the same rules, set-wise in DuckDB (sql/rules/update_checks.sql).

Progress reports repeat the same few task numbers, quarters, division names, dates and statuses; a million
rows hold a few thousand distinct cells. Each distinct text of a column is parsed once, by the very functions
check_row uses (flows/updates/format.py, flows/updates/rules.py); DuckDB then joins every row to its parsed
cells and to the white papers' indexes, and keeps the rows that pass every rule, with exactly the Report
check_row gives them. A row that fails any rule goes through check_row itself, so its reasons are word for word
those of the one-row path (tests/updates/test_batch.py proves both halves on the bench corpus and the fixtures).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute

from flows import paths
from flows.memory import duckdb_connection
from flows.updates.format import COLUMNS
from flows.updates.read import Problem
from flows.updates.rule_tables import PaperNumbers, paper_relations, row_relation
from flows.updates.rules import Paper, Report, check_row

REPORT_FIELDS = ["document_id", "task_id", "milestone_id", "quarter", "department_id", "role", "department_seq",
                 "reported_on", "status", "percent_complete", "actual_value", "target_id", "evidence_url", "note"]
CHECKS_SQL = paths.SQL / "rules" / "update_checks.sql"


def accepted_rows(rows: pd.DataFrame, papers: dict[str, Paper], as_of: dt.date, statuses: dict[str, str]) -> pyarrow.Table:
    """The rows of rows that pass every row rule (row_i: their positions, in order) with their Report fields but
    document_id and note.

    rows: document_id, clean_read and one text column per COLUMNS entry. Runs sql/rules/update_checks.sql in an
    in-memory DuckDB; raises whatever a parse function raises on a text (the caller finds the file at fault).
    """
    documents = sorted(pd.unique(rows["document_id"]).tolist())
    ids = PaperNumbers()
    relations = paper_relations(papers, documents, ids)   # first: the rows' cells are looked up in its numbering
    relations["update_rows"] = row_relation(rows, documents, statuses, ids)
    con = duckdb_connection()
    try:
        for name, table in relations.items():
            con.register(name, table)
        passed = con.sql(CHECKS_SQL.read_text(encoding="utf-8"), params={"as_of": as_of}).to_arrow_table()
    finally:
        con.close()
    passed = passed.take(pyarrow.compute.sort_indices(passed.column("row_i")))   # rows in order: settling keeps the first
    names = {"task_no": ("task_id", ids.task_ids), "milestone_no": ("milestone_id", ids.milestone_ids),
             "department_no": ("department_id", ids.department_ids)}
    for number, (name, values) in names.items():
        at = passed.schema.get_field_index(number)
        passed = passed.set_column(at, name, pyarrow.array(values, pyarrow.string()).take(passed.column(number)))
    return passed


def check_rows(rows: pd.DataFrame, papers: dict[str, Paper], as_of: dt.date,
               statuses: dict[str, str]) -> tuple[pd.DataFrame, dict[int, list[Problem] | Report]]:
    """rows: document_id, one text column per COLUMNS entry ("" when absent) and clean_read (no problem reading).

    Returns (the Report fields of the rows that pass every rule, indexed like rows; for every other row, what
    check_row gives it: its problems, or, should the set-wise rules have been too strict, its Report).
    """
    passed = accepted_rows(rows, papers, as_of, statuses)
    at = passed.column("row_i").to_numpy()
    ok = np.zeros(len(rows), dtype=bool)
    ok[at] = True
    clean = rows.index[at]
    fields = passed.drop_columns(["row_i"]).to_pandas()
    fields.index = clean
    reports = fields.assign(document_id=rows["document_id"].iloc[at].set_axis(clean), quarter=fields["quarter"].astype("int64"),
                            department_seq=fields["department_seq"].astype("int64"),
                            note=rows["note"].iloc[at].str.strip().replace("", None).set_axis(clean))[REPORT_FIELDS]
    others = {}
    bad = rows.loc[~ok, ["document_id", *COLUMNS]]
    # tolist, not itertuples: walking Arrow-backed columns row by row costs ten times as much
    for i, d, *cells in zip(bad.index.tolist(), *(bad[c].tolist() for c in bad.columns)):
        others[i] = check_row(dict(zip(COLUMNS, cells)), papers[d], as_of, statuses)
    return reports, others


def report_fields(report: Report) -> dict:
    return {f: getattr(report, f) for f in REPORT_FIELDS}
