"""flows/release/changes.py matches rows by a text key held in Arrow when it can: the same changes, row for row,
as the general path through Python strings (which takes every other key: several columns, nulls, repeats)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.release.changes import _row_changes

KEYS = st.text(alphabet="ab任务-1\x00é", max_size=3)
VALUES = st.one_of(st.none(), st.text(alphabet="xy改,\"", max_size=2))


@st.composite
def two_sides(draw):
    """(old, new): frames keyed by k, sharing some keys, each side's rows in any order; old may repeat a key."""
    keys = draw(st.lists(KEYS, min_size=0, max_size=8, unique=True))
    in_old = [k for k in keys if draw(st.booleans())]
    in_new = [k for k in keys if draw(st.booleans())]
    if in_old and draw(st.booleans()):
        in_old.append(draw(st.sampled_from(in_old)))   # a repeated key: the last row counts

    def side(ks):
        ks = draw(st.permutations(ks))
        return pd.DataFrame({"k": pd.Series(ks, dtype="str"),
                             "v": pd.Series([draw(VALUES) for _ in ks], dtype="str"),
                             "n": pd.Series([draw(st.integers(0, 2)) for _ in ks], dtype="int64")})
    return side(in_old), side(in_new)


@settings(max_examples=150, deadline=None)
@given(two_sides())
def test_a_text_key_in_arrow_gives_exactly_the_changes_of_the_general_path(sides):
    old, new = sides
    fast = _row_changes("t", old, new, ["k"])
    general = _row_changes("t", old.astype({"k": object}), new.astype({"k": object}), ["k"])   # not a text dtype
    assert fast == general


def test_the_general_path_is_the_one_compared_with():
    """The object-dtype key really takes the general path (else the property above compares a path with itself)."""
    from flows.release.changes import _keyed
    frame = pd.DataFrame({"k": pd.Series(["a", "b"], dtype="str")})
    assert isinstance(_keyed(frame.astype({"k": object}), ["k"])[1], list)
    assert not isinstance(_keyed(frame, ["k"])[1], list)
