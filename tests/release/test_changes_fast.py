"""flows/release/changes.py's shortcuts give the changes cell for cell: rows paired by position when both sides
hold the same keys in the same order, whole columns proven equal without a mask, keys of several columns joined
as JSON in one pass. Each is checked against a plain definition that takes no shortcut."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.release.change_cells import cells_differ, columns_identical, key_texts, value_text
from flows.release.changes import _row_changes

DAYS = [dt.date(2024, 1, 1), dt.date(2024, 1, 2), None]
KINDS = {   # dtype: the values a cell may take (with which value_text and == agree on equality)
    "str": ["a", "b", "任务", "", None],
    "float64": [0.0, -0.0, 1.5, 2.0, 1e17, math.nan],
    "Int64": [0, 1, -3, pd.NA],
    "int64": [0, 1, 2],
    "bool": [True, False],
    "boolean": [True, False, pd.NA],
    "object": DAYS,
}


def column(values: list, kind: str) -> pd.Series:
    return pd.Series(values, dtype=kind)


@st.composite
def column_pair(draw):
    """Two columns of one dtype and length; the second often a copy of the first with a few cells changed."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    cells = st.sampled_from(KINDS[kind])
    before = draw(st.lists(cells, max_size=12))
    after = list(before) if draw(st.booleans()) else [draw(cells) for _ in before]
    for i in draw(st.lists(st.integers(0, max(len(before) - 1, 0)), max_size=2)) if before else []:
        after[i] = draw(cells)
    return column(before, kind), column(after, kind)


@settings(max_examples=300, deadline=None)
@given(column_pair())
def test_a_column_is_identical_exactly_when_no_cell_differs(pair):
    before, after = pair
    differs = bool(cells_differ(before, after).any())
    assert columns_identical(before, after) == (not differs)


def test_a_date_column_with_a_nan_where_the_other_has_none_is_left_to_the_cells():
    before, after = pd.Series([dt.date(2024, 1, 1), None], dtype=object), pd.Series([dt.date(2024, 1, 1), math.nan], dtype=object)
    assert not columns_identical(before, after) and not cells_differ(before, after).any()
    assert not columns_identical(pd.Series([pd.NA], dtype=object), pd.Series([pd.NA], dtype=object))   # NA cannot say


class Anything:
    def __eq__(self, other):   # says it equals even None, as mock.ANY does
        return True


def test_an_object_that_equals_a_null_is_still_a_change():
    before, after = pd.Series([Anything()], dtype=object), pd.Series([None], dtype=object)
    assert cells_differ(before, after).all() and not columns_identical(before, after)


@st.composite
def two_tables(draw):
    """(old, new) keyed by k, one column of each kind; the new side keeps the old keys in order or not."""
    keys = sorted(draw(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), unique=True, max_size=6)))
    paired = draw(st.booleans())
    new_keys = keys if paired else sorted(k for k in keys + ["0", "bb", "dd", "g"] if draw(st.booleans()))
    if draw(st.booleans()):   # not sorted: the keys are told apart by hashing
        keys = draw(st.permutations(keys))
        new_keys = keys if paired else draw(st.permutations(new_keys))

    def side(ks):
        return pd.DataFrame({"k": pd.Series(ks, dtype="str"),
                             **{kind: column([draw(st.sampled_from(KINDS[kind])) for _ in ks], kind) for kind in KINDS}})
    old = side(keys)
    new = side(new_keys) if not paired else \
        pd.DataFrame({c: column([draw(st.sampled_from(KINDS[c])) if draw(st.booleans()) else v for v in old[c]], c)
                      if c in KINDS else old[c].copy() for c in old.columns})
    return old, new


def plain_changes(old: pd.DataFrame, new: pd.DataFrame) -> list[tuple]:
    """Changes by the definition: by key, every cell whose text differs; rows only one side has, whole."""
    texts = {side: {r["k"]: {c: value_text(r[c]) for c in df.columns} for r in df.to_dict("records")}
             for side, df in (("old", old), ("new", new))}
    out = [(k, "added") for k in texts["new"] if k not in texts["old"]]
    out += [(k, "removed") for k in texts["old"] if k not in texts["new"]]
    for k, row in texts["new"].items():
        if k in texts["old"]:
            out += [(k, c, texts["old"][k][c], v) for c, v in row.items() if v != texts["old"][k][c]]
    return sorted(out, key=repr)


@settings(max_examples=200, deadline=None)
@given(two_tables())
def test_rows_paired_by_position_or_by_key_give_the_changes_of_the_definition(tables):
    old, new = tables
    rows = _row_changes("t", old, new, ["k"])
    got = [(r["row_key"], r["change_type"]) if r["change_type"] != "changed" else
           (r["row_key"], r["column_name"], r["old_value"], r["new_value"]) for r in rows]
    assert sorted(got, key=repr) == plain_changes(old, new)


TEXTS = st.one_of(st.none(), st.text(alphabet='a"\\\n\x00\x1f/é任\u2028', max_size=3))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXTS, TEXTS, st.sampled_from(DAYS), st.sampled_from([1, 2, pd.NA])), max_size=8))
def test_keys_of_several_columns_are_the_json_arrays_of_their_texts(rows):
    frame = pd.DataFrame({"a": pd.Series([r[0] for r in rows], dtype="str"),
                          "b": pd.Series([r[1] for r in rows], dtype=object),
                          "d": pd.Series([r[2] for r in rows], dtype=object),
                          "n": pd.Series([r[3] for r in rows], dtype="Int64")})
    expected = [json.dumps([value_text(v) for v in row], ensure_ascii=False, separators=(",", ":"))
                for row in frame.itertuples(index=False)]
    assert key_texts(frame, ["a", "b", "d", "n"]) == expected
    assert key_texts(frame, ["b"]) == ["null" if v is None else v for v in map(value_text, frame["b"])]


def test_paired_rows_are_compared_without_hashing_their_keys(monkeypatch):
    """Same keys in the same order: no key is looked up (the shortcut is taken, so the tests above test it)."""
    from flows.release import changes
    monkeypatch.setattr(changes, "_positions", lambda *a: (_ for _ in ()).throw(AssertionError("keys hashed")))
    old = pd.DataFrame({"k": pd.Series(["a", "b"], dtype="str"), "v": pd.Series([1.0, np.nan])})
    new = old.assign(v=[1.0, 2.0])
    assert [(r["row_key"], r["old_value"], r["new_value"]) for r in _row_changes("t", old, new, ["k"])] == [("b", None, "2")]
