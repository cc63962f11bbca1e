"""The codebook read from the Pandera models, and conventions every registered table must keep."""

from __future__ import annotations

import pytest

from flows.tables.codebook import table_spec
from schemas import TABLES


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_registered_table_is_described_in_both_languages_with_a_primary_key(name):
    spec = table_spec(name)
    assert spec.zh and spec.en and spec.primary_key, f"{name}: Config.metadata needs zh, en and primary_key"
    assert set(spec.primary_key) <= set(spec.column_names)
    for c in spec.columns:
        assert c.zh and c.en, f"{name}.{c.name}: field() needs a Chinese and an English description"
        assert c.type in {"string", "integer", "number", "boolean", "date"}


def test_column_specs_carry_types_and_rules():
    quality = {c.name: c for c in table_spec("quality_notes").columns}
    assert quality["source_start"].type == "integer" and quality["source_start"].extension_integer
    assert quality["source_start"].nullable and quality["source_start"].minimum == 0
    assert quality["flag"].pattern == r"^[a-z][a-z0-9_]*$"
    targets = {c.name: c for c in table_spec("targets").columns}
    assert targets["target_value"].type == "number" and targets["comparator"].enum == (">", ">=", "=", "<", "<=", "between")
    assert targets["target_id"].rules() == ["required", "unique"]
    assert table_spec("milestones").unique == (("task_id", "quarter"),)
    assert {c.name: c for c in table_spec("documents").columns}["published_date"].type == "date"


def test_an_unregistered_table_is_named():
    with pytest.raises(KeyError, match="no_such_table: no Pandera model"):
        table_spec("no_such_table")
