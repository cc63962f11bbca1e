"""A table of a web page or Word document found again in the canonical text, merged cells covering their rows."""


# the report's web-page and Word forms reuse the white papers' readers; without them they are not offered

from flows.updates.reports.forms import Table  # noqa: E402
from flows.updates.reports.grid import report_text  # noqa: E402
from flows.whitepaper.layout import Cell, reading_order  # noqa: E402


def test_cells_are_located_and_a_merged_cell_covers_the_rows_it_spans():
    rows = [[Cell(["序号"]), Cell(["工作任务"]), Cell(["进展情况"])],
            [Cell(["1"], rowspan=2), Cell(["任务甲"], rowspan=2), Cell(["进展一", "  进展二 "])],
            [Cell(["进展三"])]]
    lines = ["标题", *reading_order(rows), "落款"]
    report = report_text(lines, [rows])
    text = report.text
    assert [text[s:e] for s, e in report.paragraphs()] == ["标题", "落款"]
    (table,) = report.tables()
    assert isinstance(table, Table)
    cells = [[text[c[0]:c[1]] if c else None for c in row] for row in table.rows]
    assert cells == [["序号", "工作任务", "进展情况"], ["1", "任务甲", "进展一\n  进展二"], ["1", "任务甲", "进展三"]]


def test_a_table_whose_lines_are_not_in_the_text_stays_paragraphs():
    rows = [[Cell(["甲"]), Cell(["乙"])]]
    report = report_text(["标题", "丙"], [rows])
    assert report.tables() == [] and len(report.paragraphs()) == 2
