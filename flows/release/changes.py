"""The changes table: what differs between the previous release and the tables about to be published.

Pure: reads a release's data/<table>.parquet and datapackage.json, never writes. Rows are matched by their
table's primary key and compared column by column as text, written as in the CSV files (ISO dates, true/false,
numbers in their shortest form), so a value's text is what a reader of either release sees.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from flows.tables.codebook import table_spec
from flows.release.change_summary import summarize_changes
from flows.release.datapackage import DATAPACKAGE_FILE, SchemaChange, schema_changes, schema_package
from flows.tables.frames import to_frame
from flows.release.manifest import read_json
from flows.release.files import canonical_frame, read_parquet
from schemas.release import WHOLE

CHANGES = "changes"


class BreakingChangeError(ValueError):
    """The tables would remove, retype or redefine a column (or remove a table) of the previous release."""


def compute_changes(previous_release_dir: Path | None, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every change from the previous release to these tables (a changes table among them is left out).

    Empty for the first release (previous_release_dir None). Keys and types of the new side come from the
    tables' Pandera models, those of the previous side from its datapackage.json.
    """
    if previous_release_dir is None:
        return compared_with(to_frame([], CHANGES), None)
    specs = {name: table_spec(name) for name in tables if name != CHANGES}
    new = LazyTables(list(specs), lambda name: canonical_frame(tables[name], specs[name]))
    keys = {name: list(spec.primary_key) for name, spec in specs.items()}
    changes = diff_tables(read_release_tables(previous_release_dir), new, keys,
                          read_json(Path(previous_release_dir) / DATAPACKAGE_FILE), schema_package(specs))
    return compared_with(changes, Path(previous_release_dir).name)


COMPARED_WITH = "compared_with"
"""Key of a changes frame's attrs: the release folder it was computed against (None: no release yet). The
publisher, holding the lock, trusts the frame when latest still points there instead of diffing a million rows
again; a frame without it (made by other code) is checked by computing the changes once more."""


def compared_with(changes: pd.DataFrame, release: str | None) -> pd.DataFrame:
    changes.attrs[COMPARED_WITH] = release
    return changes


def checked_changes_summary(frames: dict[str, pd.DataFrame], previous: Path | None,
                            against: str | None = None) -> str | None:
    """The summary of the changes table among the canonical frames, once it is known to be the one against the
    release latest points at (previous): against, the release compute_changes recorded comparing with, is that
    release, or the changes computed again equal the table. None without a changes table.

    Raises ValueError when they differ: latest moved while the refresh ran.
    """
    if CHANGES not in frames:
        return None
    if previous is None or against != previous.name:
        expected = canonical_frame(compute_changes(previous, frames), table_spec(CHANGES))
        if not expected.equals(frames[CHANGES]):
            was = f"release {previous.name}" if previous else "no release (this is the first)"
            raise ValueError(f"the {CHANGES} table given is not the list of changes against {was}, which latest "
                             "points at now; latest probably moved while this refresh ran, so run the refresh again")
    return summarize_changes(frames[CHANGES], has_previous=previous is not None)


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


class LazyTables(Mapping):
    """Tables by name, each made when it is looked up and not kept: the diff holds one table of each side at a
    time, not two releases' worth (a gigabyte at a million updates)."""

    def __init__(self, names: list[str], load: Callable[[str], pd.DataFrame]):
        self._names, self._load = list(names), load

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        return self._load(name)

    def __contains__(self, name: object) -> bool:   # Mapping's own would load the table to answer
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def read_release_tables(release_dir: Path) -> Mapping[str, pd.DataFrame]:
    """Every data/<table>.parquet of a release but the changes table, by table name, read when looked up."""
    files = {path.stem: path for path in sorted((Path(release_dir) / "data").glob("*.parquet")) if path.stem != CHANGES}
    return LazyTables(list(files), lambda name: read_parquet(files[name]))


def diff_tables(old: Mapping[str, pd.DataFrame], new: Mapping[str, pd.DataFrame], keys: dict[str, list[str]],
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
    """Raise BreakingChangeError naming every column removed, retyped or redefined, unless allow_breaking."""
    if previous_release_dir is None or allow_breaking:
        return
    package = read_json(Path(previous_release_dir) / DATAPACKAGE_FILE)
    breaking = [c for c in schema_changes(package, schema_package(specs)) if c.is_breaking]
    if breaking:
        raise BreakingChangeError(
            f"{'; '.join(map(str, breaking))}: readers of release {Path(previous_release_dir).name} (version "
            f"{(package or {}).get('version')}) would lose or misread {'this' if len(breaking) == 1 else 'these'}, so this "
            "release needs a new major version. If the change is intended, publish it with "
            "`whitepaper refresh --allow-breaking` (allow_breaking=True); otherwise keep the published columns, types "
            "and meanings.")


def _row_changes(table: str, old: pd.DataFrame, new: pd.DataFrame, key: list[str]) -> list[dict]:
    """Rows added, removed, and each changed cell of the rows both have. Cells are compared as typed columns
    and only the rows and cells that differ are turned into text: a dict of texts per row took 1.5 GB per side
    and most of a minute for a million updates."""
    common = [c for c in new.columns if c in old.columns]
    key = key if key and set(key) <= set(common) else common  # no shared key: a row is identified by all its values
    old, old_keys = _keyed(old, key)
    new, new_keys = _keyed(new, key)
    if isinstance(old_keys, pyarrow.Array) != isinstance(new_keys, pyarrow.Array):
        old_keys, new_keys = _as_list(old_keys), _as_list(new_keys)
    in_old, in_new = _positions(new_keys, old_keys), _positions(old_keys, new_keys)   # -1: not in the other table
    added, removed = np.flatnonzero(in_old < 0), np.flatnonzero(in_new < 0)
    rows = [_row(table, k, "added", WHOLE, None, _json(r)) for k, r in zip(_keys_at(new_keys, added), _row_texts(new, added))]
    rows += [_row(table, k, "removed", WHOLE, _json(r), None)
             for k, r in zip(_keys_at(old_keys, removed), _row_texts(old, removed))]
    new_pos = np.flatnonzero(in_old >= 0)
    old_pos = in_old[new_pos]
    for c in common:
        if c in key:
            continue
        before, after = old[c].iloc[old_pos].reset_index(drop=True), new[c].iloc[new_pos].reset_index(drop=True)
        differ = np.flatnonzero(_differ(before, after))
        for i, k in zip(differ, _keys_at(new_keys, new_pos[differ])):
            rows.append(_row(table, k, "changed", c, value_text(before.iloc[i]), value_text(after.iloc[i])))
    return rows


def _positions(keys, other) -> np.ndarray:
    """For each key of keys, its position in other (-1 when absent); other's keys are unique."""
    if isinstance(keys, pyarrow.Array):
        return pc.index_in(keys, value_set=other).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return pd.Index(other).get_indexer(keys)


def _keys_at(keys, positions: np.ndarray) -> list[str]:
    if isinstance(keys, pyarrow.Array):
        return keys.take(pyarrow.array(positions, pyarrow.int64())).to_pylist()
    return [keys[i] for i in positions]


def _as_list(keys) -> list[str]:
    return keys.to_pylist() if isinstance(keys, pyarrow.Array) else keys


def _keyed(df: pd.DataFrame, key: list[str]) -> tuple[pd.DataFrame, list[str] | pyarrow.Array]:
    """The rows with their key texts; of rows with the same key the last one counts, as a dict by key keeps it.

    A key of one text column without nulls or repeats (every published table's but a few small ones) is its own
    text: it stays one Arrow array, matched by Arrow's hashing (a million keys as Python strings took 0.3 GB and
    seconds per side)."""
    if len(key) == 1 and isinstance(df[key[0]].dtype, pd.StringDtype):
        texts = pyarrow.array(df[key[0]], from_pandas=True)
        texts = (texts.combine_chunks() if isinstance(texts, pyarrow.ChunkedArray) else texts).cast(pyarrow.large_string())
        if texts.null_count == 0 and pc.count_distinct(texts).as_py() == len(texts):
            return df.reset_index(drop=True), texts
    texts = [_text_column(df[c]) for c in key]
    keys = [_key_text(list(values)) for values in zip(*texts)] if len(key) > 1 else \
        ["null" if v is None else v for v in texts[0].tolist()]
    last = ~pd.Index(keys).duplicated(keep="last")
    if last.all():
        return df.reset_index(drop=True), keys
    return df[last].reset_index(drop=True), [k for k, keep in zip(keys, last) if keep]


def _differ(before: pd.Series, after: pd.Series) -> np.ndarray:
    """Where two aligned columns' cells would be written differently (value_text); nulls are equal to nulls."""
    if before.dtype != after.dtype:
        return np.array([x != y for x, y in zip(_text_column(before), _text_column(after))], dtype=bool)
    both_null = (before.isna() & after.isna()).to_numpy(dtype=bool)
    same = (before == after).fillna(False).to_numpy(dtype=bool)
    return ~(same | both_null)


def _text_column(series: pd.Series) -> np.ndarray:
    """value_text of every cell, worked out once per distinct value."""
    codes, distinct = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    return np.array([value_text(v) for v in distinct] + [None], dtype=object)[codes]


def _row_texts(df: pd.DataFrame, positions: np.ndarray) -> list[dict[str, str | None]]:
    """The rows at positions as {column: text}, in the frame's column order."""
    part = df.iloc[positions]
    columns = [_text_column(part[c]) for c in df.columns]
    return [dict(zip(df.columns, values)) for values in zip(*columns)]


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
    kind = "changed" if change.change in ("retyped", "redefined") else change.change
    return _row(change.table, WHOLE, kind, change.column, change.old_type, change.new_type)


def _names_only_package(tables: Mapping[str, pd.DataFrame]) -> dict:
    return {"resources": [{"name": name, "schema": {"fields": [{"name": c, "type": "any"} for c in df.columns]}}
                          for name, df in tables.items()]}
