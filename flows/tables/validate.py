"""Validate tables against their Pandera models and against each other (keys and references).

Pure: raises TableValidationError with every problem at once; the flow and CLI decide how to report it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.config import ValidationDepth, get_config_context

from flows.tables.frames import table_schema
from schemas import TABLES

SEPARATOR = "\x1f"
"""Between a row's values in the text key of a reference of several columns."""


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
    if pk and set(pk) <= set(df.columns) and not _unique_by_model(name, pk):
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


def _unique_by_model(name: str, columns: list[str]) -> bool:
    """Whether the table's model has already proved these columns unique in a frame that passed it.

    A column with unique=True, or a Config.unique set, among them (pandera counts nulls as equal, as duplicated
    does): the million update ids need no second hash. Not when pandera's data checks are switched off.
    """
    config = get_config_context()
    if not config.validation_enabled or config.validation_depth == ValidationDepth.SCHEMA_ONLY:
        return False
    schema = table_schema(name)
    unique = schema.unique or []
    sets = [unique] if all(isinstance(c, str) for c in unique) else unique
    return (any(schema.columns[c].unique for c in columns if c in schema.columns)
            or any(subset and set(subset) <= set(columns) for subset in sets))


def _missing_references(values: pd.DataFrame, known: pd.DataFrame) -> list[tuple[int, tuple]]:
    """(index, values) of the rows whose values, none of them null, are not a row of known; in row order."""
    complete = values.notna().all(axis=1).to_numpy()
    found = _found(_key_columns(values), _key_columns(known)).to_numpy(zero_copy_only=False)
    missing = values[complete & ~found]
    return list(zip(missing.index, missing.itertuples(index=False, name=None)))


def _key_columns(frame: pd.DataFrame) -> list:
    """Each column as Arrow text, for Arrow's set lookup."""
    return [pyarrow.Array.from_pandas(frame[c]).cast(pyarrow.string()) if pd.api.types.is_string_dtype(frame[c])
            else pyarrow.array(frame[c].astype(object).where(frame[c].notna(), None).tolist()).cast(pyarrow.string())
            for c in frame.columns]


def _found(values: list, known: list):
    """Whether each row of values (text columns) is a row of known, as when each row's text, joined by a unit
    separator, is looked up as one key. For several columns, unless the separator is in known's text, each column's
    position among known's distinct values is combined into one integer instead: the same answer (a key of values
    with more separators than known's can equal none of them) without joining a million keys."""
    if len(values) == 1:
        return _is_in(values[0], known[0])
    distinct = [pc.unique(column) for column in known]
    if any(pc.any(pc.match_substring(d, SEPARATOR)).as_py() for d in distinct) \
            or math.prod(len(d) + 1 for d in distinct) >= 2**62:
        return _is_in(pc.binary_join_element_wise(*values, SEPARATOR), pc.binary_join_element_wise(*known, SEPARATOR))
    value_codes, known_codes = _codes(values, distinct), _codes(known, distinct)
    return pc.and_(pc.is_valid(value_codes), _is_in(value_codes, known_codes))


def _codes(columns: list, distinct: list):
    """Each row's column values as one integer: their positions in distinct, in mixed radix; null when a value is
    null or not among distinct."""
    code = None
    for column, values in zip(columns, distinct):
        position = pc.cast(pc.index_in(column, value_set=values, skip_nulls=True), pyarrow.int64())
        code = position if code is None else pc.add(pc.multiply(code, len(values)), position)
    return code


def _is_in(keys, known):
    """pc.is_in(keys, value_set=known), hashing the smaller side: Arrow hashes the whole value set, and a million
    update ids hashed for each of three small tables referring to them took 0.5 s."""
    if len(known) <= len(keys):
        return pc.is_in(keys, value_set=known)
    present = pc.unique(pc.filter(known, pc.is_in(known, value_set=pc.unique(keys))))
    return pc.is_in(keys, value_set=present)


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
    task_ids = tables["tasks"]["task_id"]
    counts = leads.reindex(task_ids.to_numpy()).fillna(0).astype("int64").to_numpy()
    wrong = counts != 1
    return [f"task_departments: task {task_id} (tasks row {i + 1}) has {n} lead divisions; exactly one is expected"
            for i, task_id, n in zip(task_ids.index[wrong], task_ids.to_numpy()[wrong], counts[wrong])]
