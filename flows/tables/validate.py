"""Validate tables against their Pandera models and against each other (keys and references).

Pure: raises TableValidationError with every problem at once; the flow and CLI decide how to report it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from flows.tables.frames import table_schema
from schemas import TABLES


class TableValidationError(ValueError):
    """Every failed rule, one line each: table, row, column, rule and the value found."""

    def __init__(self, problems: list[str], context: str = ""):
        self.problems = problems
        head = f"{context}: " if context else ""
        shown = problems[:50]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(f"{head}{len(problems)} validation problem(s):\n  " + "\n  ".join(shown) + more)


def _describe_failures(table: str, err: pa.errors.SchemaErrors) -> list[str]:
    lines = []
    for case in err.failure_cases.itertuples(index=False):
        row = "" if pd.isna(case.index) else f"row {int(case.index) + 1}, "
        if case.check in ("column_in_schema", "column_in_dataframe"):
            problem = "is not in the model" if case.check == "column_in_schema" else "is missing"
            lines.append(f"{table}: column {case.failure_case!r} {problem} (rule {case.check})")
            continue
        column = case.column if isinstance(case.column, str) else "(table)"
        lines.append(f"{table}: {row}column {column}: rule {case.check} failed (found {case.failure_case!r})")
    return lines


def _key_problems(name: str, df: pd.DataFrame, meta: dict, tables: Mapping[str, pd.DataFrame]) -> list[str]:
    problems = []
    pk = meta.get("primary_key") or []
    if pk and set(pk) <= set(df.columns):
        dup = df[df.duplicated(pk, keep=False)]
        for i, row in dup.iterrows():
            problems.append(f"{name}: row {i + 1}: primary key {pk} is not unique (value {tuple(row[pk])!r})")
    for fk in meta.get("foreign_keys", []):
        ref_table = fk["reference"]["resource"]
        if ref_table not in tables:
            continue
        cols, ref_cols = fk["fields"], fk["reference"]["fields"]
        for i, values in _missing_references(df[cols], tables[ref_table][ref_cols]):
            problems.append(f"{name}: row {i + 1}: {', '.join(cols)} {values if len(values) > 1 else values[0]!r} "
                            f"is not in {ref_table}.{', '.join(ref_cols)}")
    return problems


def _missing_references(values: pd.DataFrame, known: pd.DataFrame) -> list[tuple[int, tuple]]:
    """(index, values) of the rows whose values, none of them null, are not a row of known; in row order."""
    complete = values.notna().all(axis=1).to_numpy()
    found = pc.is_in(_row_keys(values), value_set=_row_keys(known)).to_numpy(zero_copy_only=False)
    missing = values[complete & ~found]
    return list(zip(missing.index, missing.itertuples(index=False, name=None)))


def _row_keys(frame: pd.DataFrame) -> pyarrow.Array:
    """Each row as one text key (the values' text joined by a unit separator), for Arrow's set lookup."""
    columns = [pyarrow.array(frame[c].astype(object).where(frame[c].notna(), None).tolist()).cast(pyarrow.string())
               if not pd.api.types.is_string_dtype(frame[c]) else pyarrow.Array.from_pandas(frame[c]).cast(pyarrow.string())
               for c in frame.columns]
    return columns[0] if len(columns) == 1 else pc.binary_join_element_wise(*columns, "\x1f")


def validate_tables(tables: Mapping[str, pd.DataFrame], context: str = "",
                    trusted: Collection[str] = ()) -> dict[str, pd.DataFrame]:
    """Validate every table lazily, then keys and references across tables; return the validated frames.

    trusted: tables that are this function's own output already (the refresh's validate stage, moments before
    publishing): they are returned as they are and serve as the references of the others, not checked again.
    """
    problems: list[str] = []
    validated: dict[str, pd.DataFrame] = {}
    for name, df in tables.items():
        if name in trusted:
            validated[name] = df
            continue
        model = TABLES.get(name)
        if model is None:
            problems.append(f"{name}: no Pandera model is registered for this table in schemas/")
            continue
        try:
            validated[name] = table_schema(name).validate(df.reset_index(drop=True), lazy=True)
        except pa.errors.SchemaErrors as err:
            problems.extend(_describe_failures(name, err))
    for name, df in validated.items():
        if name not in trusted:
            problems.extend(_key_problems(name, df, TABLES[name].Config.metadata, validated))
    if not {"tasks", "task_departments"} <= set(trusted):
        problems.extend(_one_lead_per_task(validated))
    if problems:
        raise TableValidationError(problems, context)
    return validated


def _one_lead_per_task(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    if "tasks" not in tables or "task_departments" not in tables:
        return []
    td = tables["task_departments"]
    leads = td[td["role"] == "lead"].groupby("task_id").size()
    problems = []
    for i, task_id in tables["tasks"]["task_id"].items():
        n = int(leads.get(task_id, 0))
        if n != 1:
            problems.append(f"task_departments: task {task_id} (tasks row {i + 1}) has {n} lead divisions; exactly one is expected")
    return problems
