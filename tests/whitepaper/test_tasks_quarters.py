"""flows/whitepaper/tasks.py: the quarter lines of a task, its four milestones."""

import datetime as dt

import pytest

from flows.whitepaper.text import SourceError
from tests.whitepaper.helpers import notes, one_task, tasks_of


# --- quarters ----------------------------------------------------------------------------------

@pytest.mark.parametrize("quarters", [
    "第一季度：甲一。\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。\n",
    "第一季度:甲一。\n第二季度:甲二。\n第三季度:甲三。\n第四季度:甲四。\n",
    "一季度：甲一。\n二季度：甲二。\n三季度：甲三。\n四季度：甲四。\n",
    "第1季度：甲一。\n第２季度：甲二。\nQ3：甲三。\nq4 甲四。\n",
    "第一季度：甲一。\n\n第二季度：甲二。\n\n第三季度：甲三。\n\n第四季度：甲四。\n\n",
])
def test_quarter_labels(quarters):
    doc, t = tasks_of(one_task(quarters=quarters))
    assert [(m["quarter"], m["text_zh"]) for m in t["milestones"]] == [(1, "甲一。"), (2, "甲二。"), (3, "甲三。"), (4, "甲四。")]


def test_due_dates_are_the_last_day_of_each_quarter_of_the_plan_year():
    doc, t = tasks_of(one_task(), year=2017)
    assert [m["due_date"] for m in t["milestones"]] == [
        dt.date(2017, 3, 31), dt.date(2017, 6, 30), dt.date(2017, 9, 30), dt.date(2017, 12, 31)]


def test_missing_quarter_line_gives_a_null_milestone_and_a_note():
    text = one_task(quarters="第一季度：甲一。\n第二季度：甲二。\n第四季度：甲四。\n")
    doc, t = tasks_of(text)
    q3 = t["milestones"][2]
    assert (q3["milestone_id"], q3["quarter"], q3["due_date"], q3["text_zh"]) == ("sztb-2016-01-q3", 3, dt.date(2016, 9, 30), None)
    assert text[q3["source_start"]:q3["source_end"]] == "（一）任务甲。（市政府重点工作） 目标：完成甲。"
    assert ("milestones", "sztb-2016-01-q3", "missing_milestone") in notes(doc)


def test_empty_quarter_line_gives_a_null_milestone_and_a_note():
    text = one_task(quarters="第一季度：甲一。\n第二季度：\n第三季度：甲三。\n第四季度：甲四。\n")
    doc, t = tasks_of(text)
    q2 = t["milestones"][1]
    assert (q2["milestone_id"], q2["text_zh"]) == ("sztb-2016-01-q2", None)
    assert text[q2["source_start"]:q2["source_end"]] == "第二季度："
    assert ("milestones", "sztb-2016-01-q2", "empty_milestone") in notes(doc)
    assert [m["text_zh"] for m in t["milestones"]] == ["甲一。", None, "甲三。", "甲四。"]


def test_wrapped_quarter_line_continues_its_quarter():
    text = one_task(quarters="第一季度：甲一，\n续写。\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。\n")
    doc, t = tasks_of(text)
    assert t["milestones"][0]["text_zh"] == "甲一，\n续写。"


def test_duplicated_quarter_line_is_an_error_naming_the_line():
    text = one_task(quarters="第一季度：甲一。\n第二季度：甲二。\n第二季度：又一。\n第四季度：甲四。\n")
    with pytest.raises(SourceError, match=r"^raw/whitepapers/sztb-2016\.txt, line 5: task \(一\) has a second 第二季度 line; "
                                          r"expected each quarter once"):
        tasks_of(text)


def test_two_items_in_one_quarter_are_noted_not_split():
    text = one_task(quarters="第一季度：甲一。\n第二季度：完成受理。\xa0\xa0完成评审。\n第三季度：\n第四季度：甲四。\n")
    doc, t = tasks_of(text)
    assert t["milestones"][1]["text_zh"] == "完成受理。\xa0\xa0完成评审。"
    assert t["milestones"][2]["text_zh"] is None
    assert notes(doc)[:2] == [("milestones", "sztb-2016-01-q3", "empty_milestone"),
                              ("milestones", "sztb-2016-01-q2", "multiple_items_in_milestone")]
    assert "第三季度 is empty" in doc.notes[1]["detail"]


def test_repeated_quarter_text_is_noted_not_dropped():
    doc, t = tasks_of(one_task(quarters="第一季度：甲一。\n第二季度：甲二。\n第三季度：完成拨款。\n第四季度：完成拨款。\n"))
    assert [m["text_zh"] for m in t["milestones"]] == ["甲一。", "甲二。", "完成拨款。", "完成拨款。"]
    assert ("milestones", "sztb-2016-01-q4", "duplicate_milestone_text") in notes(doc)
    assert ("milestones", "sztb-2016-01-q3", "duplicate_milestone_text") not in notes(doc)
