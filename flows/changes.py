"""The changes table: what differs between the previous release and the tables about to be published.

Pure: reads a release's data/<table>.parquet and datapackage.json, never writes. Rows are matched by their
table's primary key and compared column by column as text, written as in the CSV files (ISO dates, true/false,
numbers in their shortest form), so a value's text is what a reader of either release sees.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from flows.codebook import table_spec
from flows.datapackage import DATAPACKAGE_FILE, SchemaChange, schema_changes, schema_package
from flows.frames import to_frame
from flows.manifest import read_json
from flows.release_files import canonical_frame, read_parquet
from schemas.changes import WHOLE

CHANGES = "changes"


class BreakingChangeError(ValueError):
    """The tables would remove or retype a column (or a table) of the previous release."""


def compute_changes(previous_release_dir: Path | None, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every change from the previous release to these tables (a changes table among them is left out).

    Empty for the first release (previous_release_dir None). Keys and types of the new side come from the
    tables' Pandera models, those of the previous side from its datapackage.json.
    """
    if previous_release_dir is None:
        return to_frame([], CHANGES)
    specs = {name: table_spec(name) for name in tables if name != CHANGES}
    new = {name: canonical_frame(tables[name], spec) for name, spec in specs.items()}
    keys = {name: list(spec.primary_key) for name, spec in specs.items()}
    return diff_tables(read_release_tables(previous_release_dir), new, keys,
                       read_json(Path(previous_release_dir) / DATAPACKAGE_FILE), schema_package(specs))


def diff_releases(old_release_dir: Path, new_release_dir: Path) -> pd.DataFrame:
    """The changes from one published release to another, both read from disk (keys from the newer package)."""
    old_package = read_json(Path(old_release_dir) / DATAPACKAGE_FILE)
    new_package = read_json(Path(new_release_dir) / DATAPACKAGE_FILE)
    keys = {}
    for package in (old_package, new_package):  # the newer package's key wins where both name one
        for resource in (package or {}).get("resources", []):
            keys[resource["name"]] = list(resource.get("schema", {}).get("primaryKey") or [])
    return diff_tables(read_release_tables(old_release_dir), read_release_tables(new_release_dir), keys,
                       old_package, new_package)


def read_release_tables(release_dir: Path) -> dict[str, pd.DataFrame]:
    """Every data/<table>.parquet of a release but the changes table, by table name."""
    files = sorted((Path(release_dir) / "data").glob("*.parquet"))
    return {path.stem: read_parquet(path) for path in files if path.stem != CHANGES}


def diff_tables(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame], keys: dict[str, list[str]],
                old_package: dict | None, new_package: dict | None) -> pd.DataFrame:
    """Changes rows from old to new tables: whole tables, then columns (by the packages' types), then rows."""
    if old_package is None or new_package is None:  # a release without datapackage.json: columns by name only
        old_package, new_package = _names_only_package(old), _names_only_package(new)
    columns = schema_changes(old_package, new_package)
    rows: list[dict] = []
    for table in [*new, *(t for t in old if t not in new)]:
        if table not in old or table not in new:
            added = table not in old
            n = len(new[table] if added else old[table])
            count = f"{n} row{'' if n == 1 else 's'}"
            rows.append(_row(table, WHOLE, "added" if added else "removed", WHOLE,
                             None if added else count, count if added else None))
            continue
        rows += [_column_row(c) for c in columns if c.table == table and c.column is not None]
        rows += _row_changes(table, old[table], new[table], keys.get(table) or [])
    frame = to_frame(rows, CHANGES)
    return frame.sort_values(["table_name", "row_key", "column_name"], kind="stable").reset_index(drop=True)


def refuse_breaking(previous_release_dir: Path | None, specs: dict, allow_breaking: bool) -> None:
    """Raise BreakingChangeError naming every column removed or retyped, unless allow_breaking."""
    if previous_release_dir is None or allow_breaking:
        return
    package = read_json(Path(previous_release_dir) / DATAPACKAGE_FILE)
    breaking = [c for c in schema_changes(package, schema_package(specs)) if c.is_breaking]
    if breaking:
        raise BreakingChangeError(
            f"{'; '.join(map(str, breaking))}: readers of release {Path(previous_release_dir).name} (version "
            f"{(package or {}).get('version')}) would lose {'this' if len(breaking) == 1 else 'these'}, so this "
            "release needs a new major version. If the change is intended, publish it with "
            "`whitepaper refresh --allow-breaking` (allow_breaking=True); otherwise keep the published columns and types.")


def _row_changes(table: str, old: pd.DataFrame, new: pd.DataFrame, key: list[str]) -> list[dict]:
    common = [c for c in new.columns if c in old.columns]
    key = key if key and set(key) <= set(common) else common  # no shared key: a row is identified by all its values
    old_rows, new_rows = _text_rows(old, key), _text_rows(new, key)
    rows = [_row(table, k, "added", WHOLE, None, _json(new_rows[k])) for k in new_rows if k not in old_rows]
    rows += [_row(table, k, "removed", WHOLE, _json(old_rows[k]), None) for k in old_rows if k not in new_rows]
    for k in new_rows.keys() & old_rows.keys():
        before, after = old_rows[k], new_rows[k]
        rows += [_row(table, k, "changed", c, before[c], after[c])
                 for c in common if c not in key and before[c] != after[c]]
    return rows


def _text_rows(df: pd.DataFrame, key: list[str]) -> dict[str, dict[str, str | None]]:
    """Each row as {column: text}, by its key text."""
    texts = {c: [value_text(v) for v in df[c].tolist()] for c in df.columns}
    records = [dict(zip(texts, values)) for values in zip(*texts.values())]
    return {_key_text([r[c] for c in key]): r for r in records}


def _key_text(values: list[str | None]) -> str:
    if len(values) == 1:
        return "null" if values[0] is None else values[0]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def value_text(value) -> str | None:
    """A cell as text, the way the CSV files write it (but formula-like text is left as is); None for null."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() and value.tzinfo is None else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and abs(number) < 2**53:
            return str(int(number))
        return repr(number)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def _json(row: dict[str, str | None]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def _row(table: str, row_key: str, change_type: str, column: str, old: str | None, new: str | None) -> dict:
    return {"table_name": table, "row_key": row_key, "change_type": change_type, "column_name": column,
            "old_value": old, "new_value": new}


def _column_row(change: SchemaChange) -> dict:
    kind = "changed" if change.change == "retyped" else change.change
    return _row(change.table, WHOLE, kind, change.column, change.old_type, change.new_type)


def _names_only_package(tables: dict[str, pd.DataFrame]) -> dict:
    return {"resources": [{"name": name, "schema": {"fields": [{"name": c, "type": "any"} for c in df.columns]}}
                          for name, df in tables.items()]}
