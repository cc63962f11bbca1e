"""flows/whitepaper/layout.py: the reading order of a table's cells."""

from flows.whitepaper.layout import Cell, place, reading_order


def c(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell([text], rowspan, colspan)


def test_rows_without_spans_read_left_to_right_top_to_bottom():
    assert reading_order([[c("a"), c("b")], [c("c"), c("d")]]) == ["a", "b", "c", "d"]


def test_rows_tied_by_a_row_span_read_column_by_column():
    rows = [[c("task", 3), c("target"), c("divisions", 3)], [c("q1")], [c("q2")], [c("next"), c("t2"), c("d2")]]
    assert reading_order(rows) == ["task", "target", "q1", "q2", "divisions", "next", "t2", "d2"]


def test_cells_are_placed_past_the_ones_spanning_into_their_row():
    rows = [[c("a", 2), c("b", 1, 2)], [c("c"), c("d")]]
    assert {pos: cell.lines[0] for pos, cell in place(rows).items()} == {(0, 0): "a", (0, 1): "b", (1, 1): "c", (1, 2): "d"}


def test_a_row_span_past_the_last_row_ends_there():
    assert reading_order([[c("a", 5), c("b")], [c("c")]]) == ["a", "b", "c"]
