"""datapackage.json (Frictionless Data Package v2) generated from the Pandera models via the codebook.

Resources point at the CSV files, so every constraint is written as it reads in the CSV: an allowed text
value that a spreadsheet could run as a formula appears with the same leading apostrophe as in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from flows.tables.codebook import ColumnSpec, TableSpec
from flows.release.manifest import ILLUSTRATIVE_NOTE_EN, ILLUSTRATIVE_NOTE_ZH, ReleaseInfo
from flows.release.files import neutralise_formula

DATAPACKAGE_FILE = "datapackage.json"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
METADATA_FILE = Path(__file__).parent / "templates" / "release_metadata.yaml"
FIRST_VERSION = "1.0.0"
MEANING = "meaningVersion"
"""Field property: the column's meaning version (schemas/_fields.field), written when above 1."""


def load_release_metadata(path: Path = METADATA_FILE) -> dict:
    """Titles, descriptions, publisher, licence and repository URL of the data set, in both languages.

    repository_url comes from pyproject.toml [project.urls] (flows/release/citation.py), None until it has one.
    """
    from flows.release.citation import project_url

    return {**yaml.safe_load(path.read_text(encoding="utf-8")), "repository_url": project_url()}


def table_schema(spec: TableSpec, package_tables: set[str]) -> dict:
    """The Table Schema of one table: fields, primary key, unique keys, and the foreign keys inside the package."""
    schema: dict = {"fields": [field_descriptor(c) for c in spec.columns], "missingValues": [""]}
    if spec.primary_key:
        schema["primaryKey"] = list(spec.primary_key)
    if spec.unique:
        schema["uniqueKeys"] = [list(cols) for cols in spec.unique]
    foreign_keys = [fk for fk in spec.foreign_keys if fk["reference"]["resource"] in package_tables]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def field_descriptor(c: ColumnSpec) -> dict:
    """One Table Schema field: name, type, Chinese title, bilingual description and constraints."""
    constraints: dict = {}
    if not c.nullable:
        constraints["required"] = True
    if c.unique:
        constraints["unique"] = True
    if c.enum is not None:
        constraints["enum"] = [_csv_spelling(v, c.type) for v in c.enum]
    if c.pattern is not None:
        constraints["pattern"] = table_schema_pattern(c.pattern)
    for key, value in (("minimum", c.minimum), ("maximum", c.maximum), ("exclusiveMinimum", c.exclusive_minimum),
                       ("exclusiveMaximum", c.exclusive_maximum), ("minLength", c.min_length),
                       ("maxLength", c.max_length)):
        if value is not None:
            constraints[key] = value
    field = {"name": c.name, "type": c.type, "title": c.zh, "description": c.description}
    if c.meaning != 1:  # absent means 1, so the packages of releases before meaning versions compare as they are
        field[MEANING] = c.meaning
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema_pattern(regex: str) -> str:
    """Pandera's re.match pattern as a Table Schema pattern, which is implicitly anchored at both ends."""
    body = regex[1:] if regex.startswith("^") else regex
    if body.endswith("$") and not body.endswith("\\$"):
        return body[:-1]
    return f"(?:{body}).*"


def _csv_spelling(value, kind: str):
    if kind == "string":
        return neutralise_formula(str(value))
    if kind == "date":
        return value.isoformat()
    return value


CSV_NOTE = ("CSV files: UTF-8 without a byte-order mark, RFC 4180 (comma, double quotes, CRLF), for tools. "
            "Spreadsheet users should open whitepaper.xlsx instead (Excel takes a CSV without a byte-order mark "
            "in the system's code page and garbles the Chinese). 电子表格用户请打开 whitepaper.xlsx。")
FORMULA_GUARD = ("Formula guard (CSV only): a text cell that a spreadsheet would run as a formula, one starting with "
                 "=, +, -, @, a tab or a carriage return, is written with one extra leading apostrophe (=SUM(A1) is "
                 "'=SUM(A1); a cell already starting with ' followed by such a character gets one more). To get the "
                 "value back, remove one leading ' from every text cell matching ^'+[=+\\-@\\t\\r] (Python: "
                 "re.sub(r\"^'(?='*[=+\\-@\\t\\r])\", \"\", cell)). Number, date and boolean cells are never changed; "
                 "Parquet, DuckDB and whitepaper.xlsx keep the original text.")


def _formula_guard(spec: TableSpec) -> dict:
    """The resource's note on the formula guard: which of its columns it can touch and how to undo it."""
    text_fields = [c.name for c in spec.columns if c.type == "string"]
    return {"fields": text_fields, "prefix": "'", "pattern": "^'+[=+\\-@\\t\\r]",
            "undo": "remove one leading ' from a cell of these fields that matches pattern"} if text_fields else {}


def build_datapackage(specs: dict[str, TableSpec], csv_files: dict[str, dict], info: ReleaseInfo, *,
                      version: str, sources: list[dict], metadata: dict) -> dict:
    """The package descriptor; csv_files maps a table to {"path", "bytes", "sha256"} of its CSV in the release."""
    package: dict = {
        "$schema": PROFILE,
        "name": metadata["name"],
        "title": f"{metadata['title_zh']} / {metadata['title_en']}",
        "description": (f"{ILLUSTRATIVE_NOTE_ZH}\n{ILLUSTRATIVE_NOTE_EN}\n\n" if info.is_illustrative else "") +
                       f"{metadata['description_zh']}\n\n{metadata['description_en']}\n\n"
                       f"Release {info.release_id}, data as of {info.as_of.isoformat()}, "
                       f"content hash sha256:{info.content_hash}.\n\n{CSV_NOTE}\n\n{FORMULA_GUARD}",
        "version": version,
        "created": info.created_text,
        "keywords": list(metadata.get("keywords") or []),
        "licenses": list(metadata["licenses"]),
        "contributors": [{"title": metadata["publisher"], "roles": ["publisher"]}],
        "sources": sources,
    }
    if info.is_illustrative:
        package["x-illustrative-inputs"] = list(info.illustrative)
    if metadata.get("repository_url"):
        package["homepage"] = metadata["repository_url"]
    package["resources"] = [
        {
            "name": name,
            "type": "table",
            "path": csv_files[name]["path"],
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv_files[name]["bytes"],
            "hash": f"sha256:{csv_files[name]['sha256']}",
            "title": spec.zh,
            "description": spec.description + (" " + FORMULA_GUARD if _formula_guard(spec) else ""),
            "schema": table_schema(spec, set(specs)),
            **({"x-formula-guard": _formula_guard(spec)} if _formula_guard(spec) else {}),
        }
        for name, spec in specs.items()
    ]
    return package


def next_version(previous: dict | None, package: dict) -> str:
    """Semantic version after the previous release's package.

    Major when a table or column is removed, changes type or changes meaning (see schema_changes), minor when one
    is added or any other rule or key changes, patch when only the data changed. The first release is 1.0.0, or
    N.0.0 when a column has meaning version N (schemas/_fields.field).
    """
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", str((previous or {}).get("version", "")))
    if not match:
        # A first release starts at the major version of its columns' meanings, so no 1.x release anywhere holds a
        # column in a meaning other than the one 1.x readers know.
        first_major = max((m for table in _column_meanings(package).values() for m in table.values()), default=1)
        return f"{first_major}.0.0" if first_major > 1 else FIRST_VERSION
    major, minor, patch = map(int, match.groups())
    changes = schema_changes(previous, package)
    if any(c.is_breaking for c in changes):
        return f"{major + 1}.0.0"
    if changes or _schemas(previous) != _schemas(package):
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


@dataclass(frozen=True)
class SchemaChange:
    """A table or column added, removed, retyped or redefined (same type, new meaning version) between two packages;
    column is None for a whole table. A redefined column's old_type and new_type read "<type>, meaning <n>"."""

    table: str
    column: str | None
    change: str
    old_type: str | None = None
    new_type: str | None = None

    @property
    def is_breaking(self) -> bool:
        """Readers of the previous release lose something: a table or column is gone or holds another type."""
        return self.change in ("removed", "retyped", "redefined")

    def __str__(self) -> str:
        where = self.table if self.column is None else f"{self.table}.{self.column}"
        what = "table" if self.column is None else "column"
        if self.change == "retyped":
            return f"{where} retyped from {self.old_type} to {self.new_type}"
        if self.change == "redefined":
            return f"{where} redefined ({self.old_type} → {self.new_type})"
        return f"{what} {where} {self.change}"


def schema_changes(previous: dict | None, package: dict) -> list[SchemaChange]:
    """Every table and column added, removed, retyped or redefined from the previous package to this one (a rename
    is a removal and an addition), in the order of the tables and columns."""
    if previous is None:
        return []
    old, new = _column_types(previous), _column_types(package)
    meanings = _column_meanings(previous), _column_meanings(package)
    out = []
    for table in [*old, *(t for t in new if t not in old)]:
        if table not in new or table not in old:
            out.append(SchemaChange(table, None, "removed" if table not in new else "added"))
            continue
        for col in [*old[table], *(c for c in new[table] if c not in old[table])]:
            before, after = old[table].get(col), new[table].get(col)
            if before != after:
                change = "added" if before is None else "removed" if after is None else "retyped"
                out.append(SchemaChange(table, col, change, before, after))
            elif before is not None and meanings[0][table].get(col, 1) != meanings[1][table].get(col, 1):
                was, now = (f"{before}, meaning {m[table].get(col, 1)}" for m in meanings)
                out.append(SchemaChange(table, col, "redefined", was, now))
    return out


def schema_package(specs: dict[str, TableSpec]) -> dict:
    """Just the resources' names and Table Schemas: enough to compare with a release's datapackage.json."""
    return {"resources": [{"name": name, "schema": table_schema(spec, set(specs))} for name, spec in specs.items()]}


def _column_types(package: dict) -> dict[str, dict[str, str]]:
    return {r["name"]: {f["name"]: f["type"] for f in r.get("schema", {}).get("fields", [])}
            for r in package.get("resources", [])}


def _column_meanings(package: dict) -> dict[str, dict[str, int]]:
    return {r["name"]: {f["name"]: int(f.get(MEANING, 1)) for f in r.get("schema", {}).get("fields", [])}
            for r in package.get("resources", [])}


def _schemas(package: dict) -> dict[str, dict]:
    return {r["name"]: r.get("schema") for r in package.get("resources", [])}
