"""The summaries of targets against completion, from the SQL under sql/: views for the release, frames for CSV/Parquet.

sql/macros/<name>_at.sql holds the logic of each summary as a table macro taking a date; sql/<name>.sql is
the view, the same macro at the release's as-of date. The only SQL built here wraps those files in
CREATE MACRO / CREATE VIEW.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow

from flows import paths
from flows.memory import duckdb_connection
from flows.tables.frames import table_schema, to_frame
from schemas.summaries import SUMMARY_TABLES

SUMMARY_INPUTS = ("documents", "tasks", "milestones", "departments", "task_departments", "targets", "indicators",
                  "updates", "status_rules", "target_baselines")
"""The tables the macros read; the release has them under the same names."""
_ARROW = {"str": pyarrow.string(), "string": pyarrow.string(), "int64": pyarrow.int64(), "Int64": pyarrow.int64(),
          "float64": pyarrow.float64(), "bool": pyarrow.bool_(), "boolean": pyarrow.bool_(), "date": pyarrow.date32()}


def _sql_text(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip().rstrip(";").rstrip()


def summary_sql(sql_dir: Path = paths.SQL) -> tuple[dict[str, str], dict[str, str]]:
    """(views, macros) as the release writer takes them: view name → SELECT; macro name → CREATE MACRO statement.

    Macros are listed in the order they must be created (task_progress_at calls milestone_status_at) and need
    the SUMMARY_INPUTS tables to exist first, since DuckDB binds a macro's tables when it is created.
    """
    views = {name: _sql_text(sql_dir / f"{name}.sql") for name in SUMMARY_TABLES}
    macros = {f"{name}_at": f"create or replace macro {name}_at(as_of) as table\n{_sql_text(sql_dir / 'macros' / f'{name}_at.sql')}"
              for name in SUMMARY_TABLES}
    return views, macros


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k: (v.strip() if v else v) for k, v in row.items()} for row in csv.DictReader(fh)]


def status_rules_table(lookups: Path = paths.LOOKUPS) -> pd.DataFrame:
    """The status vocabulary (statuses.csv) and the task ratings (ratings.csv) as the status_rules table."""
    rows = []
    for r in _csv_rows(lookups / "statuses.csv"):
        rows.append({"rule_id": f"status-{r['code']}", "kind": "status", "code": r["code"], "label_zh": r["label_zh"],
                     "label_en": r["label_en"], "accepted_values": r["accepted_values"] or None,
                     "is_reportable": r["is_reportable"] == "true", "is_completed": r["is_completed"] == "true",
                     "is_closed": r["is_closed"] == "true", "overdue_rating": r["overdue_rating"] or None, "severity": None,
                     "description_zh": r["description_zh"], "description_en": r["description_en"]})
    for r in _csv_rows(lookups / "ratings.csv"):
        rows.append({"rule_id": f"rating-{r['code']}", "kind": "rating", "code": r["code"], "label_zh": r["label_zh"],
                     "label_en": r["label_en"], "accepted_values": None, "is_reportable": False, "is_completed": False,
                     "is_closed": False, "overdue_rating": None, "severity": int(r["severity"]),
                     "description_zh": r["description_zh"], "description_en": r["description_en"]})
    return to_frame(rows, "status_rules")


def target_baselines_table(tables: dict[str, pd.DataFrame], lookups: Path = paths.LOOKUPS) -> pd.DataFrame:
    """The reviewed crosswalk target → previous-year indicator, for the documents in the release: the rows whose
    target and indicator the parse still gives with the texts the reviewer saw (stale_baseline_notes the others)."""
    kept, _ = _baseline_rows(tables, lookups)
    return to_frame(kept, "target_baselines")


def stale_baseline_notes(tables: dict[str, pd.DataFrame], lookups: Path = paths.LOOKUPS) -> pd.DataFrame:
    """A quality note (flag stale_baseline) for each reviewed crosswalk row left out: its target or indicator id is
    no longer parsed, or now names another figure than target_text_zh / indicator_text_zh (a paper's figures are
    numbered by position, so an edited paper can shift them). The baseline is never attached to another figure, and
    one stale row never stops the night."""
    _, stale = _baseline_rows(tables, lookups)
    return to_frame(stale, "quality_notes")


def _baseline_rows(tables: dict[str, pd.DataFrame], lookups: Path) -> tuple[list[dict], list[dict]]:
    documents = set(tables["documents"]["document_id"])
    columns = list(table_schema("target_baselines").columns)
    targets = dict(zip(tables["targets"]["target_id"], tables["targets"]["value_text_zh"]))
    indicators = dict(zip(tables["indicators"]["indicator_id"], tables["indicators"]["value_text_zh"]))
    kept, stale = [], []
    for r in _csv_rows(lookups / "target_baselines.csv"):
        if r["document_id"] not in documents:
            continue
        found = (targets.get(r["target_id"]), indicators.get(r["indicator_id"]))
        if found == (r["target_text_zh"], r["indicator_text_zh"]):
            kept.append({c: r[c] for c in columns})
            continue
        stale.append({"note_id": f"baselines-n{len(stale) + 1:03d}", "document_id": r["document_id"],
                      "table_name": "targets", "row_id": r["target_id"], "flag": "stale_baseline",
                      "detail": f"raw/lookups/target_baselines.csv pairs target {r['target_id']} ({r['target_text_zh']}) "
                                f"with indicator {r['indicator_id']} ({r['indicator_text_zh']}), but the paper now gives "
                                f"{found[0] or 'no such target'} and {found[1] or 'no such indicator'}: the baseline is "
                                "left out; review the row", "source_start": None, "source_end": None})
    return kept, stale


def _arrow_table(df: pd.DataFrame, name: str) -> pyarrow.Table:
    """The frame as Arrow with the model's types: None, NA, NaT and NaN become null, a datetime its date.

    pyarrow converts a column at a time (a million-row frame in a second; a Python loop over the values took
    fifteen). A value the type cannot hold (text in a date column) raises, as it would in the release.
    """
    columns = table_schema(name).columns
    arrays = [pyarrow.array(df[column], type=_ARROW["str" if str(spec.dtype).startswith("string") else str(spec.dtype)],
                            from_pandas=True) for column, spec in columns.items()]
    return pyarrow.Table.from_arrays(arrays, names=list(columns))


def summary_connection(tables: dict[str, pd.DataFrame], as_of: dt.date) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the input tables, a release_info row for as_of, the macros and the views."""
    con = duckdb_connection()
    for name in SUMMARY_INPUTS:
        con.register(name, _arrow_table(tables[name], name))
    con.execute("create table release_info as select 'in-memory' as release_id, cast(? as date) as as_of_date, "
                "cast(null as timestamp) as created_at, cast(null as varchar) as content_hash", [as_of])
    views, macros = summary_sql()
    for statement in macros.values():
        con.execute(statement)
    for name, select in views.items():
        con.execute(f"create view {name} as\n{select}")
    return con


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, table: str, params: list | None = None) -> pd.DataFrame:
    """Rows of a query as the DataFrame of a registered table, with that model's columns and dtypes."""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    expected = list(table_schema(table).columns)
    if sorted(names) != sorted(expected):
        raise ValueError(f"{table}: the SQL returns columns {names}, the Pandera model declares {expected}")
    return to_frame([dict(zip(names, row)) for row in cursor.fetchall()], table)


def compute_summaries(tables: dict[str, pd.DataFrame], as_of: dt.date, lookups: Path = paths.LOOKUPS) -> dict[str, pd.DataFrame]:
    """status_rules, target_baselines and each summary view's rows as of as_of, as frames of their models.

    tables needs documents, tasks, milestones, departments, task_departments, targets, indicators and updates;
    status_rules and target_baselines are read from raw/lookups when not given.
    """
    inputs = dict(tables)
    if "status_rules" not in inputs:
        inputs["status_rules"] = status_rules_table(lookups)
    if "target_baselines" not in inputs:
        inputs["target_baselines"] = target_baselines_table(tables, lookups)
    con = summary_connection(inputs, as_of)
    try:
        summaries = {name: query_frame(con, f"select * from {name}", name) for name in SUMMARY_TABLES}
    finally:
        con.close()
    return {"status_rules": inputs["status_rules"], "target_baselines": inputs["target_baselines"], **summaries}
