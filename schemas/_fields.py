"""The one place a column's meaning is written: a Pandera field with its Chinese and English description."""

import pandera.pandas as pa


def field(zh: str, en: str, *, meaning: int = 1, **checks) -> pa.Field:
    """A Pandera field whose bilingual description feeds the codebook, datapackage.json and COMMENT ON.

    meaning is the column's meaning version: raise it when the same name and type come to mean something else
    (e.g. is_overdue no longer counting unreported milestones). Readers of the old meaning would be misled without
    an error, so the release treats it like a retyped column: a new major version, refused without --allow-breaking.
    """
    metadata = {"zh": zh, "en": en} | ({"meaning": meaning} if meaning != 1 else {})
    return pa.Field(description=en, metadata=metadata, **checks)


def table_meta(zh: str, en: str, primary_key: list[str], foreign_keys: list[dict] | None = None) -> dict:
    """Table-level metadata kept in each model's Config: names in both languages and its keys.

    foreign_keys entries are {"fields": [...], "reference": {"resource": table, "fields": [...]}},
    the shape of a Frictionless Table Schema, so datapackage.json takes them as they are.
    """
    return {"zh": zh, "en": en, "primary_key": primary_key, "foreign_keys": foreign_keys or []}


ID_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
