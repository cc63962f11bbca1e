"""What each published table and column is, read from its Pandera model.

The one place the release formats learn a column's type, bilingual description and constraints:
the Parquet field metadata, the CSV Table Schema, the DuckDB DDL and comments, and the README codebook
are all generated from the TableSpec this module returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import TABLES

# Pandera's name for a column's data type -> the Table Schema type every format is mapped from.
_TYPES = {
    "string[pyarrow]": "string", "string[python]": "string", "string": "string", "str": "string", "object": "string",
    "int64": "integer", "int32": "integer", "Int64": "integer", "Int32": "integer",
    "float64": "number", "Float64": "number",
    "bool": "boolean", "boolean": "boolean",
    "date": "date",
}
NULLABLE_INTEGER = {"Int64", "Int32"}


@dataclass(frozen=True)
class ColumnSpec:
    """One column: name, Table Schema type, descriptions in both languages and its rules."""

    name: str
    type: str
    zh: str
    en: str
    nullable: bool
    unique: bool = False
    enum: tuple | None = None
    pattern: str | None = None
    minimum: float | int | None = None
    maximum: float | int | None = None
    exclusive_minimum: float | int | None = None
    exclusive_maximum: float | int | None = None
    min_length: int | None = None
    max_length: int | None = None
    other_checks: tuple[str, ...] = ()
    extension_integer: bool = False
    meaning: int = 1

    @property
    def description(self) -> str:
        """Chinese label, then the English description: the text of every COMMENT ON and Table Schema field."""
        return f"{self.zh} — {self.en}"

    def rules(self) -> list[str]:
        """The column's constraints in words, for the README codebook."""
        out = [] if self.nullable else ["required"]
        if self.unique:
            out.append("unique")
        if self.enum is not None:
            out.append("one of " + ", ".join(f"`{v}`" for v in self.enum))
        if self.pattern is not None:
            out.append(f"matches `{self.pattern}`")
        for word, value in (("≥", self.minimum), ("≤", self.maximum), (">", self.exclusive_minimum),
                            ("<", self.exclusive_maximum)):
            if value is not None:
                out.append(f"{word} {value}")
        if self.min_length is not None or self.max_length is not None:
            out.append(f"length {self.min_length or 0}–{self.max_length if self.max_length is not None else '∞'}")
        return out + list(self.other_checks)


@dataclass(frozen=True)
class TableSpec:
    """One table: its names, keys and columns in the model's order."""

    name: str
    zh: str
    en: str
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict, ...]
    unique: tuple[tuple[str, ...], ...]
    columns: tuple[ColumnSpec, ...]

    @property
    def description(self) -> str:
        return f"{self.zh} — {self.en}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def table_spec(name: str) -> TableSpec:
    """Read the spec of a registered table from its Pandera model in schemas.TABLES."""
    model = TABLES.get(name)
    if model is None:
        raise KeyError(f"{name}: no Pandera model is registered for this table in schemas/")
    schema = model.to_schema()
    meta = model.Config.metadata or {}
    unique = schema.unique or []
    if unique and isinstance(unique[0], str):
        unique = [unique]
    return TableSpec(
        name=name,
        zh=meta.get("zh", ""),
        en=meta.get("en", ""),
        primary_key=tuple(meta.get("primary_key") or ()),
        foreign_keys=tuple(meta.get("foreign_keys") or ()),
        unique=tuple(tuple(u) for u in unique),
        columns=tuple(_column_spec(name, col_name, col) for col_name, col in schema.columns.items()),
    )


def _column_spec(table: str, name: str, col) -> ColumnSpec:
    dtype = str(col.dtype)
    if dtype not in _TYPES:
        raise TypeError(f"{table}.{name}: data type {dtype} has no mapping in flows/tables/codebook.py "
                        f"(known: {', '.join(sorted(_TYPES))})")
    metadata = col.metadata or {}
    rules: dict = {}
    other: list[str] = []
    for check in col.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            rules["enum"] = tuple(stats["allowed_values"])
        elif check.name == "str_matches":
            pattern = stats["pattern"]
            rules["pattern"] = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
        elif check.name == "greater_than_or_equal_to":
            rules["minimum"] = stats["min_value"]
        elif check.name == "less_than_or_equal_to":
            rules["maximum"] = stats["max_value"]
        elif check.name == "greater_than":
            rules["exclusive_minimum"] = stats["min_value"]
        elif check.name == "less_than":
            rules["exclusive_maximum"] = stats["max_value"]
        elif check.name == "in_range":
            rules["minimum" if stats.get("include_min", True) else "exclusive_minimum"] = stats["min_value"]
            rules["maximum" if stats.get("include_max", True) else "exclusive_maximum"] = stats["max_value"]
        elif check.name == "str_length":
            rules["min_length"] = stats.get("min_value") if stats.get("exact_value") is None else stats["exact_value"]
            rules["max_length"] = stats.get("max_value") if stats.get("exact_value") is None else stats["exact_value"]
        else:
            # Checked by Pandera before publishing, but no release format can state it: named in the codebook.
            other.append(f"check {check.name}" + (f" {stats}" if stats else ""))
    return ColumnSpec(
        name=name,
        type=_TYPES[dtype],
        zh=metadata.get("zh", ""),
        en=metadata.get("en", col.description or ""),
        nullable=bool(col.nullable),
        unique=bool(col.unique),
        other_checks=tuple(other),
        extension_integer=dtype in NULLABLE_INTEGER,
        meaning=int(metadata.get("meaning", 1)),
        **rules,
    )
