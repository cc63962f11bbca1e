"""Build a table's DataFrame from plain rows, with the columns and dtypes its Pandera model declares."""

from __future__ import annotations

import pandas as pd

from schemas import TABLES


def _pandas_dtype(dtype) -> str | None:
    name = str(dtype)
    if name in {"str", "string"} or name.startswith("string"):
        return "str"  # pandas' default string dtype; pandera reports Series[str] as string[pyarrow]
    if name in {"int64", "float64", "bool", "Int64", "boolean"}:
        return name
    return None  # dates stay python datetime.date objects (object dtype)


def to_frame(rows: list[dict], table: str) -> pd.DataFrame:
    """Rows (dicts) → DataFrame with exactly the model's columns, in its order, even when there are no rows."""
    columns = TABLES[table].to_schema().columns
    data = {}
    for name, column in columns.items():
        values = [row.get(name) for row in rows]
        dtype = _pandas_dtype(column.dtype)
        data[name] = pd.Series(values, dtype=dtype if dtype else object)
    return pd.DataFrame(data, columns=list(columns))
