"""The changes table: what differs between the previous release and the tables about to be published.

Pure: reads a release's data/<table>.parquet and datapackage.json, never writes. Rows are matched by their
table's primary key and compared column by column as text, written as in the CSV files (ISO dates, true/false,
numbers in their shortest form), so a value's text is what a reader of either release sees. How cells compare
and read is flows/release/change_cells.py; this module pairs the rows and walks the tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from flows.tables.codebook import table_spec
from flows.release.change_cells import cells_differ, columns_identical, key_texts, row_json, row_texts, value_text
from flows.release.change_summary import summarize_changes
from flows.release.datapackage import DATAPACKAGE_FILE, SchemaChange, schema_changes, schema_package
from flows.tables.frames import to_frame
from flows.release.manifest import read_json
from flows.release.files import canonical_frame, read_parquet
from schemas.release import WHOLE

CHANGES = "changes"
ARROW_KEYS = (pyarrow.Array, pyarrow.ChunkedArray)   # keys held by Arrow, else a list of Python strings


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
    if isinstance(old_keys, ARROW_KEYS) != isinstance(new_keys, ARROW_KEYS):
        old_keys, new_keys = _as_list(old_keys), _as_list(new_keys)
    rows: list[dict] = []
    if _same_keys(old_keys, new_keys):
        # Most nights most tables hold the previous rows in the same order (both sides sorted by key): row i
        # pairs with row i, so no key is hashed and no column is copied into matched order (1.5 s at a million).
        old_pos = new_pos = None
    else:
        in_old = _positions(new_keys, old_keys)   # -1: not in the old table
        hit = np.zeros(len(old), dtype=bool)
        hit[in_old[in_old >= 0]] = True   # keys are unique on both sides: an old row no new key found is removed
        added, removed = np.flatnonzero(in_old < 0), np.flatnonzero(~hit)
        rows += [_row(table, k, "added", WHOLE, None, row_json(r))
                 for k, r in zip(_keys_at(new_keys, added), row_texts(new, added))]
        rows += [_row(table, k, "removed", WHOLE, row_json(r), None)
                 for k, r in zip(_keys_at(old_keys, removed), row_texts(old, removed))]
        new_pos = np.flatnonzero(in_old >= 0)
        old_pos = in_old[new_pos]
    for c in common:
        if c in key:
            continue
        before, after = _in_pairs(old[c], old_pos), _in_pairs(new[c], new_pos)
        if columns_identical(before, after):
            continue
        differ = np.flatnonzero(cells_differ(before, after))
        # Each changed cell read as one object (its scalar's value, by one take): Series.iloc per cell was 15 µs,
        # most of the time of a night with 300,000 changed cells.
        cells = zip(before.iloc[differ].to_numpy(dtype=object), after.iloc[differ].to_numpy(dtype=object))
        for k, (was, now) in zip(_keys_at(new_keys, differ if new_pos is None else new_pos[differ]), cells):
            rows.append(_row(table, k, "changed", c, value_text(was), value_text(now)))
    return rows


def _in_pairs(column: pd.Series, positions: np.ndarray | None) -> pd.Series:
    """The column's cells at positions (None: all, in order), re-indexed 0..n-1. A night that only adds rows
    keeps every old row in order, and that side is not copied (a million cells a column)."""
    if positions is None or np.array_equal(positions, np.arange(len(column))):
        return column
    return column.iloc[positions].reset_index(drop=True)


def _same_keys(old_keys, new_keys) -> bool:
    """Whether both sides have the same keys in the same order (each side's keys are unique)."""
    if isinstance(old_keys, ARROW_KEYS):
        return old_keys.equals(new_keys)
    return old_keys == new_keys


def _positions(keys, other) -> np.ndarray:
    """For each key of keys, its position in other (-1 when absent); other's keys are unique."""
    if isinstance(keys, ARROW_KEYS):
        found = pc.index_in(keys, value_set=_one_array(other)).fill_null(-1)
        return found.to_numpy(zero_copy_only=False).astype(np.int64)
    return pd.Index(other).get_indexer(keys)


def _keys_at(keys, positions: np.ndarray) -> list[str]:
    if isinstance(keys, ARROW_KEYS):
        return keys.take(pyarrow.array(positions, pyarrow.int64())).to_pylist()
    return [keys[i] for i in positions]


def _as_list(keys) -> list[str]:
    return keys.to_pylist() if isinstance(keys, ARROW_KEYS) else keys


def _one_array(keys: pyarrow.Array | pyarrow.ChunkedArray) -> pyarrow.Array:
    return keys.combine_chunks() if isinstance(keys, pyarrow.ChunkedArray) else keys


def _keyed(df: pd.DataFrame, key: list[str]) -> tuple[pd.DataFrame, list[str] | pyarrow.ChunkedArray]:
    """The rows with their key texts; of rows with the same key the last one counts, as a dict by key keeps it.

    A key of one text column without nulls or repeats (every published table's but a few small ones) is its own
    text: it stays one Arrow array, matched by Arrow's hashing (a million keys as Python strings took 0.3 GB and
    seconds per side). Its chunks are kept as they are: joining them copied every key (0.15 s at a million)."""
    if len(key) == 1 and isinstance(df[key[0]].dtype, pd.StringDtype):
        texts = pyarrow.array(df[key[0]], from_pandas=True)
        texts = (texts if isinstance(texts, pyarrow.ChunkedArray) else pyarrow.chunked_array([texts]))
        texts = texts.cast(pyarrow.large_string())
        if texts.null_count == 0 and _all_distinct(texts):
            return df.reset_index(drop=True), texts
    keys = key_texts(df, key)
    last = ~pd.Index(keys).duplicated(keep="last")
    if last.all():
        return df.reset_index(drop=True), keys
    return df[last].reset_index(drop=True), [k for k, keep in zip(keys, last) if keep]


def _all_distinct(texts: pyarrow.ChunkedArray) -> bool:
    """Whether no text repeats. Keys come sorted (canonical_frame): strictly increasing bytes prove it in one
    pass of comparisons, 15 ms at a million where counting distinct values by hashing took 0.25 s."""
    if len(texts) < 2 or pc.all(pc.less(texts[:-1], texts[1:])).as_py():
        return True
    return pc.count_distinct(texts).as_py() == len(texts)


def _row(table: str, row_key: str, change_type: str, column: str, old: str | None, new: str | None) -> dict:
    return {"table_name": table, "row_key": row_key, "change_type": change_type, "column_name": column,
            "old_value": old, "new_value": new}


def _column_row(change: SchemaChange) -> dict:
    kind = "changed" if change.change in ("retyped", "redefined") else change.change
    return _row(change.table, WHOLE, kind, change.column, change.old_type, change.new_type)


def _names_only_package(tables: Mapping[str, pd.DataFrame]) -> dict:
    return {"resources": [{"name": name, "schema": {"fields": [{"name": c, "type": "any"} for c in df.columns]}}
                          for name, df in tables.items()]}
