"""flows/tables/validate.py: primary keys and references, checked with Arrow rather than row by row."""

import datetime as dt
import random

import pandas as pd
import pyarrow
import pyarrow.compute as pc
import pytest
from pandera.config import ValidationDepth, config_context

from flows.tables.frames import to_frame
from flows.tables.validate import SEPARATOR, TableValidationError, _found, _key_columns, validate_tables

QUARTER = {"document_id": "szsti-2014", "quarter": 1, "due_date": dt.date(2014, 3, 31),
           "as_of_date": dt.date(2014, 6, 30), "milestones_planned": 3, "milestones_completed": 1,
           "milestones_on_time": 1, "milestones_overdue": 0,
           "milestones_not_reported": 2, "milestones_unreported_past_due": 0, "milestones_cancelled": 0}


def problems_of(tables) -> list[str]:
    with pytest.raises(TableValidationError) as err:
        validate_tables(tables)
    return err.value.problems


def test_a_primary_key_no_column_rule_covers_is_still_checked():
    """quarter_summary's key (document_id, quarter) has no unique rule in its model: only the key check sees this."""
    rows = [QUARTER, {**QUARTER, "quarter": 2}, QUARTER]
    assert problems_of({"quarter_summary": to_frame(rows, "quarter_summary")}) == [
        "quarter_summary: row 1: primary key ['document_id', 'quarter'] is not unique (value ('szsti-2014', 1))",
        "quarter_summary: row 3: primary key ['document_id', 'quarter'] is not unique (value ('szsti-2014', 1))"]


@pytest.fixture
def tables(seed):
    return {name: df.copy() for name, df in seed.tables.items()}


def test_a_duplicated_task_id_is_reported_by_the_key_check_when_pandera_checks_no_data(tables):
    """The key check leaves a unique column to pandera only while pandera's data checks run."""
    tables["tasks"] = pd.concat([tables["tasks"], tables["tasks"].iloc[[2]]], ignore_index=True)
    with config_context(validation_depth=ValidationDepth.SCHEMA_ONLY):
        problems = problems_of(tables)
    assert problems == [
        "tasks: row 3: primary key ['task_id'] is not unique (value ('szsti-2014-03',))",
        "tasks: row 11: primary key ['task_id'] is not unique (value ('szsti-2014-03',))"]


def test_a_pair_whose_values_exist_apart_but_not_together(tables):
    """A task and a division both known, but the division is not named for that task: a two-column reference."""
    td = tables["task_departments"]
    other = td.loc[td["task_id"] != td.loc[0, "task_id"], "department_id"]
    other = other[~other.isin(td.loc[td["task_id"] == td.loc[0, "task_id"], "department_id"])].iloc[0]
    values = pd.DataFrame({"task_id": [td.loc[0, "task_id"], td.loc[1, "task_id"]],
                           "department_id": [other, td.loc[1, "department_id"]]}, dtype="str")
    found = _found(_key_columns(values), _key_columns(td[["task_id", "department_id"]]))
    assert found.to_pylist() == [False, True]


def _joined_lookup(values: pd.DataFrame, known: pd.DataFrame) -> list[bool]:
    """The definition: each row's text joined by the separator, looked up in known's."""
    def keys(frame):
        columns = _key_columns(frame)
        return columns[0] if len(columns) == 1 else pc.binary_join_element_wise(*columns, SEPARATOR)
    return pc.is_in(keys(values), value_set=keys(known)).to_pylist()


@pytest.mark.parametrize("seed_", range(40))
def test_a_reference_lookup_gives_what_joined_text_keys_give(seed_):
    """Random small tables, either side the longer, with nulls, repeats and the separator inside values (where
    joined keys can collide: ("a\x1fb", "a") and ("a", "b\x1fa") are one key, and stay one)."""
    rng = random.Random(seed_)
    alphabet = ["a", "b", "a\x1fb", "b\x1fa", "", None]
    width = rng.choice([1, 2, 3])

    def frame(n):
        return pd.DataFrame({f"c{i}": pd.Series([rng.choice(alphabet) for _ in range(n)], dtype="str")
                             for i in range(width)})

    values, known = frame(rng.randint(0, 30)), frame(rng.randint(0, 30))
    if seed_ % 3 == 0:   # no separator in known: the positional path
        known = known.apply(lambda c: c.str.replace(SEPARATOR, "", regex=False))
    complete = values.notna().all(axis=1).tolist()   # rows with a null are no reference: never looked up
    found = _found(_key_columns(values), _key_columns(known)).to_pylist()
    expected = _joined_lookup(values, known)
    assert [f for f, c in zip(found, complete) if c] == [f for f, c in zip(expected, complete) if c]


def test_a_reference_into_a_longer_table_finds_every_missing_row():
    """Known ten times longer than values: the lookup hashes the values, not the million update ids."""
    known = pd.DataFrame({"update_id": pd.Series([f"u{i}" for i in range(100)], dtype="str")})
    values = pd.DataFrame({"update_id": pd.Series(["u5", "gone", None, "u99", "gone", "u100"], dtype="str")})
    assert _found(_key_columns(values), _key_columns(known)).to_pylist() == [True, False, False, True, False, False]


def test_a_dangling_update_reference_names_each_row():
    known = pyarrow.array([f"u{i}" for i in range(50)])
    values = pyarrow.array(["u1", "nope", "u49", "nope"])
    assert _found([values], [known]).to_pylist() == [True, False, True, False]
