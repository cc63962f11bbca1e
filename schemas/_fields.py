"""The one place a column's meaning is written: a Pandera field with its Chinese and English description."""

import pandera.pandas as pa


def field(zh: str, en: str, **checks) -> pa.Field:
    """A Pandera field whose bilingual description feeds the codebook, datapackage.json and COMMENT ON."""
    return pa.Field(description=en, metadata={"zh": zh, "en": en}, **checks)


def table_meta(zh: str, en: str, primary_key: list[str], foreign_keys: list[dict] | None = None) -> dict:
    """Table-level metadata kept in each model's Config: names in both languages and its keys.

    foreign_keys entries are {"fields": [...], "reference": {"resource": table, "fields": [...]}},
    the shape of a Frictionless Table Schema, so datapackage.json takes them as they are.
    """
    return {"zh": zh, "en": en, "primary_key": primary_key, "foreign_keys": foreign_keys or []}


ID_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
