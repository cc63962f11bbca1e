"""flows/tables/validate.py: every table against its Pandera model, then keys and references across tables."""

import pandas as pd
import pytest

from flows.tables.frames import to_frame
from flows.tables.validate import TableValidationError, validate_tables


@pytest.fixture
def tables(seed):
    """A fresh copy of the seed's validated tables, safe to break."""
    return {name: df.copy() for name, df in seed.tables.items()}


def problems_of(tables, context="raw/whitepapers/szsti-2014.txt") -> list[str]:
    with pytest.raises(TableValidationError) as err:
        validate_tables(tables, context=context)
    return err.value.problems


def test_the_seed_tables_validate(tables):
    validated = validate_tables(tables, context="x")
    assert list(validated) == list(tables)
    assert {name: len(df) for name, df in validated.items()} == {name: len(df) for name, df in tables.items()}


def test_a_value_outside_its_vocabulary_names_table_row_column_rule_and_value(tables):
    tables["milestones"].loc[0, "quarter"] = 5
    with pytest.raises(TableValidationError) as err:
        validate_tables(tables, context="raw/whitepapers/szsti-2014.txt")
    assert err.value.problems == ["milestones: row 1, column quarter: rule isin([1, 2, 3, 4]) failed (found 5)"]
    assert str(err.value) == ("raw/whitepapers/szsti-2014.txt: 1 validation problem(s):\n"
                              "  milestones: row 1, column quarter: rule isin([1, 2, 3, 4]) failed (found 5)")


@pytest.mark.parametrize("table, row, column, value, rule", [
    ("targets", 0, "comparator", "≥", "isin"),
    ("indicators", 2, "qualifier", "about", "isin"),
    ("task_departments", 0, "role", "牵头", "isin"),
    ("contacts", 1, "channel", "e-mail", "isin"),
    ("responsibilities", 0, "source_start", -1, "greater_than_or_equal_to(0)"),
    ("quality_notes", 0, "flag", "Bad Flag", "str_matches"),
    ("tasks", 0, "task_id", "szsti-2014-1", "str_matches"),
    ("departments", 0, "department_id", "szsti-政策规划处", "str_matches"),
    ("indicators", 0, "value", float("inf"), "finite"),
    ("targets", 0, "target_value", float("-inf"), "finite"),
])
def test_each_rule_of_the_contract(tables, table, row, column, value, rule):
    tables[table].loc[row, column] = value
    problems = problems_of({table: tables[table]})  # one table alone: no reference to check
    assert len(problems) == 1
    assert problems[0].startswith(f"{table}: row {row + 1}, column {column}: rule {rule}")
    assert repr(value) in problems[0]


def test_a_reference_to_a_missing_row(tables):
    tables["task_departments"].loc[0, "department_id"] = "szsti-nope"
    assert problems_of(tables) == ["task_departments: row 1: department_id 'szsti-nope' is not in departments.department_id"]


def test_a_null_reference_is_allowed(tables):
    # A task-level target has no milestone.
    assert tables["targets"]["milestone_id"].isna().sum() == 5
    validate_tables(tables)


def test_a_duplicated_key(tables):
    tables["tasks"] = pd.concat([tables["tasks"], tables["tasks"].iloc[[2]]], ignore_index=True)
    problems = problems_of(tables)
    assert "tasks: row 3, column task_id: rule field_uniqueness failed (found 'szsti-2014-03')" in problems
    assert "tasks: row 11, column task_id: rule field_uniqueness failed (found 'szsti-2014-03')" in problems


@pytest.mark.parametrize("row, role, task, leads", [(6, "support", "szsti-2014-03", 0), (2, "lead", "szsti-2014-02", 2)])
def test_exactly_one_lead_per_task(tables, row, role, task, leads):
    tables["task_departments"].loc[row, "role"] = role
    task_row = int(task[-2:])
    assert problems_of(tables) == [
        f"task_departments: task {task} (tasks row {task_row}) has {leads} lead divisions; exactly one is expected"]


def test_missing_and_extra_columns(tables):
    tables["contacts"] = tables["contacts"].drop(columns=["value"])
    tables["departments"] = tables["departments"].assign(note="x")
    problems = problems_of(tables)
    assert len(problems) == 2
    assert any(p.startswith("contacts: ") and "column_in_dataframe" in p and "'value'" in p for p in problems)
    assert any(p.startswith("departments: ") and "column_in_schema" in p and "'note'" in p for p in problems)


def test_a_table_without_a_model(tables):
    tables["bogus"] = tables["tasks"]
    assert problems_of(tables) == ["bogus: no Pandera model is registered for this table in schemas/"]


def test_every_problem_at_once_and_a_long_list_cut_short(tables):
    tables["milestones"]["quarter"] = 9
    tables["targets"].loc[0, "comparator"] = "≥"
    with pytest.raises(TableValidationError) as err:
        validate_tables(tables, context="x.txt")
    problems = err.value.problems
    assert sum(p.startswith("milestones: ") for p in problems) >= 40
    assert any(p.startswith("targets: row 1, column comparator") for p in problems)
    message = str(err.value)
    assert message.startswith(f"x.txt: {len(problems)} validation problem(s):\n")
    assert message.count("\n  ") == 50 + 1
    assert message.endswith(f"\n  … and {len(problems) - 50} more")


def test_empty_tables_validate():
    empty = {name: to_frame([], name) for name in ["documents", "tasks", "task_departments", "departments"]}
    assert {name: len(df) for name, df in validate_tables(empty).items()} == {
        "documents": 0, "tasks": 0, "task_departments": 0, "departments": 0}


def test_trusted_tables_are_not_checked_again_but_still_referenced(tables):
    """What publishing does with the refresh's validated tables: only the others are validated, against them."""
    validated = validate_tables(tables)
    validated["milestones"].loc[0, "quarter"] = 5   # would fail its rule: proof it is not checked a second time
    trusted = set(validated) - {"task_departments"}
    again = validate_tables(validated, trusted=trusted)
    assert again["milestones"] is validated["milestones"]
    validated["task_departments"].loc[0, "department_id"] = "szsti-nope"
    with pytest.raises(TableValidationError) as err:
        validate_tables(validated, trusted=trusted)
    assert err.value.problems == ["task_departments: row 1: department_id 'szsti-nope' is not in departments.department_id"]
