"""The one place a column's meaning is written: a Pandera field with its Chinese and English description."""

import datetime

import pandas as pd
import pandera.pandas as pa
from pandera import dtypes
from pandera.engines import pandas_engine


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


@pandas_engine.Engine.register_dtype
@dtypes.immutable
class Date(pandas_engine.Date):
    """pandera's Date (every value exactly a datetime.date, or null), checked in one pass over the values' types.

    pandera calls a Python function per value: 4.7 million calls, 4.5 s, in one refresh of a million updates. The
    set of the values' types is taken at C speed; a column of dates and None, NaT or NA passes at once, and any
    other (a datetime or text among the dates, a float) goes through pandera's own check, which names the values
    at fault.
    """

    def check(self, pandera_dtype, data_container=None):
        if data_container is not None and pandas_engine.DataType.check(self, pandera_dtype) is True \
                and set(map(type, data_container.to_numpy(dtype=object))) <= _DATE_OR_NULL:
            return True
        return super().check(pandera_dtype, data_container)


_DATE_OR_NULL = {datetime.date, type(None), type(pd.NaT), type(pd.NA)}
