"""Cells as the changes table sees them: when two aligned columns' cells differ, and each cell, row and key as
text, written as in the CSV files (ISO dates, true/false, numbers in their shortest form), so a value's text is
what a reader of either release sees.

Pure: every function takes values or columns and returns masks, flags or text; flows/release/changes.py is their
one user.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""What json.dumps(..., ensure_ascii=False, separators=(",", ":")) builds on every call (a tenth of its time), once."""


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


def text_column(series: pd.Series) -> np.ndarray:
    """value_text of every cell (an object array, None for null), worked out once per distinct value."""
    codes, distinct = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    return np.array([value_text(v) for v in distinct] + [None], dtype=object)[codes]


def row_texts(df: pd.DataFrame, positions: np.ndarray) -> list[dict[str, str | None]]:
    """The rows at positions as {column: text}, in the frame's column order."""
    part = df.iloc[positions]
    names = list(df.columns)   # a str Index iterated once per row took most of the time of 50,000 rows
    columns = [text_column(part[c]) for c in names]
    return [dict(zip(names, values)) for values in zip(*columns)]


def key_texts(df: pd.DataFrame, key: list[str]) -> list[str]:
    """Each row's key as text, in row order: its one key cell's text ("null" for null), or the texts of several
    as a compact JSON array, joined as json.dumps would: each distinct cell encoded once, then "[a,b]" per row
    (json.dumps of a list is its items' encodings between brackets, comma-separated); one call per row took
    0.3 s for 33,000 rows of two columns."""
    if len(key) == 1:
        return ["null" if v is None else v for v in text_column(df[key[0]]).tolist()]
    joined = _json_column(df[key[0]])
    for c in key[1:]:
        joined = joined + "," + _json_column(df[c])
    return ["[" + k + "]" for k in joined.tolist()]


def _json_column(series: pd.Series) -> np.ndarray:
    """Every cell's value_text as a JSON value (a quoted string, or null), an object array."""
    codes, distinct = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    return np.array([_JSON.encode(value_text(v)) for v in distinct] + ["null"], dtype=object)[codes]


def row_json(row: dict[str, str | None]) -> str:
    """A whole row added or removed, as compact JSON {column: text}, non-ASCII kept as is."""
    return _JSON.encode(row)


def columns_identical(before: pd.Series, after: pd.Series) -> bool:
    """True only when no cell of two aligned columns differs (nulls equal nulls); False means compare each cell.

    Proven without a per-cell mask for the dtypes whose equality is exact: Arrow text (bytes and null positions),
    masked integers and flags, numpy numbers (NaN where the other is NaN) and object cells (objects_identical).
    Any mixture of dtypes is left to cells_differ, whose == and text rules this must never contradict."""
    if before.dtype != after.dtype or len(before) != len(after):
        return False
    dtype = before.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow" or \
            isinstance(dtype, (pd.Int64Dtype, pd.BooleanDtype)):
        return bool(before.array.equals(after.array))
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return bool(np.array_equal(before.to_numpy(), after.to_numpy()))
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return bool(np.array_equal(before.to_numpy(), after.to_numpy(), equal_nan=True))
    if dtype == object:
        return objects_identical(before.to_numpy(), after.to_numpy())
    return False


def objects_identical(before: np.ndarray, after: np.ndarray) -> bool:
    """Object cells (dates) pairwise ==, and null where the other is null: then cells_differ, which takes == of two
    non-null cells (pandas' == is Python's, true for the same object) and sameness of two nulls, finds nothing.
    numpy's == is 10 times pandas' on a million dates; a cell that cannot say whether it is equal (pd.NA) leaves
    it to cells_differ."""
    try:
        equal = before == after
    except (TypeError, ValueError):
        return False
    if not (isinstance(equal, np.ndarray) and equal.dtype == bool and equal.all()):
        return False
    return bool(np.array_equal(pd.isna(before), pd.isna(after)))


def cells_differ(before: pd.Series, after: pd.Series) -> np.ndarray:
    """Where two aligned columns' cells would be written differently (value_text); nulls are equal to nulls."""
    if before.dtype != after.dtype:
        return np.array([x != y for x, y in zip(text_column(before), text_column(after))], dtype=bool)
    both_null = (before.isna() & after.isna()).to_numpy(dtype=bool)
    same = (before == after).fillna(False).to_numpy(dtype=bool)
    return ~(same | both_null)
