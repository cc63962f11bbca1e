"""The changes table in plain words: one summary line for the README, the manifest and the run report, and one
line per change for `whitepaper diff`.

Pure: takes a changes frame (schemas/release.py), returns text.
"""

from __future__ import annotations

import json

import pandas as pd

from schemas import TABLES
from schemas.release import WHOLE
from schemas.summaries import SUMMARY_TABLES

FIRST_RELEASE = "first release"
NO_CHANGE = "no change"
NO_SCHEMA_CHANGE = "no schema change"
STATUS_CHANGES = {("milestone_status", "status"): ("milestone", "newly"), ("task_progress", "rating"): ("task", "now rated")}
"""A value that changed in one of these columns is counted by its new value: "2 milestones newly completed"."""
ROWS_ADDED = {"updates": ("update", "accepted"), "update_rejections": ("update", "rejected")}
"""A row added to one of these tables is counted in these words: "1 update rejected"."""


def summarize_changes(changes: pd.DataFrame, *, has_previous: bool) -> str:
    """One line: status changes and accepted or rejected updates, rows per table, then the schema."""
    if not has_previous:
        return FIRST_RELEASE
    if changes.empty:
        return NO_CHANGE
    rows = changes[changes["row_key"] != WHOLE]
    status = _status_phrases(rows)
    phrases = status + _added_phrases(rows)
    covered = rows["column_name"].isin([c for _, c in STATUS_CHANGES]) & rows["table_name"].isin([t for t, _ in STATUS_CHANGES])
    covered |= (rows["change_type"] == "added") & rows["table_name"].isin(ROWS_ADDED)
    rest = rows[~covered]
    derived = rest["table_name"].isin(SUMMARY_TABLES)
    phrases += [_table_phrase(table, df) for table, df in _by_table(rest[~derived])]
    if derived.any():
        # "other" only after the status phrases, which are summary values too; alone, or after rows of the source
        # tables, there is nothing for it to refer to
        noun = "other summary value" if status else "summary value"
        phrases.append(f"{_count(int(derived.sum()), noun)} changed")
    phrases.append(_schema_phrase(changes[changes["row_key"] == WHOLE]))
    return "; ".join(phrases)


def change_lines(changes: pd.DataFrame) -> list[str]:
    """One line per change: + added, - removed, ~ changed, then table, key and what changed."""
    lines = []
    for row in changes.itertuples(index=False):
        mark = {"added": "+", "removed": "-", "changed": "~"}[row.change_type]
        if row.row_key == WHOLE and row.column_name == WHOLE:
            lines.append(f"{mark} table {row.table_name} ({row.new_value or row.old_value})")
        elif row.row_key == WHOLE:
            types = f"{row.old_value} → {row.new_value}" if row.change_type == "changed" else row.new_value or row.old_value
            lines.append(f"{mark} column {row.table_name}.{row.column_name} ({types})")
        elif row.column_name == WHOLE:
            lines.append(f"{mark} {row.table_name} {row.row_key}")
        else:
            lines.append(f"{mark} {row.table_name} {row.row_key} {row.column_name}: "
                         f"{_quoted(row.old_value)} → {_quoted(row.new_value)}")
    return lines


def _status_phrases(rows: pd.DataFrame) -> list[str]:
    phrases = []
    for (table, column), (noun, verb) in STATUS_CHANGES.items():
        changed = rows[(rows["table_name"] == table) & (rows["column_name"] == column) & (rows["change_type"] == "changed")]
        for value, n in changed["new_value"].value_counts(sort=False).sort_index().items():
            phrases.append(f"{_count(int(n), noun)} {verb} {str(value).replace('_', ' ')}")
    return phrases


def _added_phrases(rows: pd.DataFrame) -> list[str]:
    added = rows[rows["change_type"] == "added"]
    phrases = []
    for table, (noun, verb) in ROWS_ADDED.items():
        n = int((added["table_name"] == table).sum())
        if n:
            phrases.append(f"{_count(n, noun)} {verb}")
    return phrases


def _table_phrase(table: str, df: pd.DataFrame) -> str:
    """"tasks: 1 row added, 2 changed": rows added and removed, and rows with at least one value changed."""
    counts = [(int((df["change_type"] == kind).sum()), kind) for kind in ("added", "removed")]
    counts.append((df.loc[df["change_type"] == "changed", "row_key"].nunique(), "changed"))
    parts = [(n, kind) for n, kind in counts if n]
    return f"{table}: " + ", ".join(f"{_count(n, 'row') if i == 0 else n} {kind}" for i, (n, kind) in enumerate(parts))


def _schema_phrase(schema: pd.DataFrame) -> str:
    if schema.empty:
        return NO_SCHEMA_CHANGE
    parts = []
    breaking_first = schema.sort_values("change_type", key=lambda s: s == "added", kind="stable")
    for row in breaking_first.itertuples(index=False):
        breaking = " (breaking)" if row.change_type in ("removed", "changed") else ""
        if row.column_name == WHOLE:
            parts.append(f"table {row.table_name} {row.change_type}{breaking}")
        elif row.change_type == "changed" and ", meaning " in str(row.new_value):
            parts.append(f"column {row.table_name}.{row.column_name} redefined ({row.old_value} → {row.new_value}){breaking}")
        elif row.change_type == "changed":
            parts.append(f"column {row.table_name}.{row.column_name} retyped from {row.old_value} to {row.new_value}{breaking}")
        else:
            parts.append(f"column {row.table_name}.{row.column_name} {row.change_type}{breaking}")
    return "schema: " + ", ".join(parts)


def _by_table(rows: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    order = {name: i for i, name in enumerate(TABLES)}
    groups = dict(tuple(rows.groupby("table_name", sort=False)))
    return [(t, groups[t]) for t in sorted(groups, key=lambda t: (order.get(t, len(order)), t))]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun if n == 1 else noun + 's'}"


def _quoted(value) -> str:
    return "null" if value is None or (isinstance(value, float) and pd.isna(value)) else json.dumps(value, ensure_ascii=False)
