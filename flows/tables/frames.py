"""Build a table's DataFrame from plain rows, with the columns and dtypes its Pandera model declares."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pandera.pandas as pa

from schemas import TABLES


def _pandas_dtype(dtype) -> str | None:
    name = str(dtype)
    if name in {"str", "string"} or name.startswith("string"):
        return "str"  # pandas' default string dtype; pandera reports Series[str] as string[pyarrow]
    if name in {"int64", "float64", "bool", "Int64", "boolean"}:
        return name
    return None  # dates stay python datetime.date objects (object dtype)


@functools.cache
def table_schema(table: str):
    """The DataFrameSchema of a table's model, built once: pandera builds a new one on every to_schema() (~20 ms).

    Every float column also gets the rule `finite`: an infinite value (a 400-digit figure read as a float) is in
    no column's meaning, and Excel, JSON and many CSV readers cannot hold it, so validation refuses it by name.
    """
    schema = TABLES[table].to_schema()
    floats = {name: [*column.checks, FINITE] for name, column in schema.columns.items() if str(column.dtype) == "float64"}
    return schema.update_columns({name: {"checks": checks} for name, checks in floats.items()}) if floats else schema


FINITE = pa.Check(lambda s: ~np.isinf(s), name="finite")


def to_frame(rows: list[dict], table: str) -> pd.DataFrame:
    """Rows (dicts) → DataFrame with exactly the model's columns, in its order, even when there are no rows."""
    columns = table_schema(table).columns
    data = {}
    for name, column in columns.items():
        values = [row.get(name) for row in rows]
        dtype = _pandas_dtype(column.dtype)
        data[name] = pd.Series(values, dtype=dtype if dtype else object)
    return pd.DataFrame(data, columns=list(columns))


def frame_of(columns: dict, table: str, rows: int) -> pd.DataFrame:
    """to_frame from columns instead of rows: a name missing from columns is all null, a scalar is repeated.

    columns: a dict or DataFrame of Series, lists or scalars, `rows` long. A Series already of the model's dtype
    is kept as it is (a million strings through Python objects and back took 0.3 s a column), re-indexed 0…n-1.
    """
    data = {}
    for name, column in table_schema(table).columns.items():
        values = columns.get(name)
        dtype = _pandas_dtype(column.dtype) or object
        if values is None or isinstance(values, (str, int, float)):
            values = [values] * rows
        elif isinstance(values, pd.Series):
            if values.dtype == pd.api.types.pandas_dtype(dtype):
                data[name] = values.reset_index(drop=True)
                continue
            values = values.to_numpy(dtype=object)
        values = values if isinstance(values, np.ndarray) and values.dtype == object else list(values)
        data[name] = pd.Series(values, dtype=dtype, copy=True)
    return pd.DataFrame(data, columns=list(data))
