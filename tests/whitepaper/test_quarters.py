"""flows/whitepaper/quarters.py: quarter lines as other agencies write them — placeholders, one line for several
quarters, all quarters on one line (the template's own forms: test_tasks_quarters.py)."""

import pytest

from flows.whitepaper.quarters import QUARTER_ZH
from flows.whitepaper.text import SourceError
from tests.whitepaper.helpers import notes, one_task, tasks_of


def _milestones(quarters: str):
    doc, t = tasks_of(one_task(quarters=quarters))
    for row in t["milestones"]:
        if row["text_zh"] is not None:
            assert doc.text[row["source_start"]:row["source_end"]] == row["text_zh"]
    return doc, [(m["milestone_id"], m["text_zh"]) for m in t["milestones"]], t


# --- placeholders: a quarter that plans nothing (jyj-2015 task 1 二季度：—, task 4 第一季度：无) ------------------

@pytest.mark.parametrize("placeholder", ["—", "－", "-", "/", "／", "——", "无", "暂无", "（无）", "(无)", "无。"])
def test_a_placeholder_is_an_empty_quarter_noted_and_kept_in_the_source(placeholder):
    doc, rows, t = _milestones(f"一季度：甲一。\n二季度：{placeholder}\n三季度：甲三。\n四季度：甲四。\n")
    # was ("sztb-2016-01-q2", "—"): a milestone with text, counted as planned and shown unreported past due
    assert rows == [("sztb-2016-01-q1", "甲一。"), ("sztb-2016-01-q2", None), ("sztb-2016-01-q3", "甲三。"),
                    ("sztb-2016-01-q4", "甲四。")]
    q2 = t["milestones"][1]
    assert doc.text[q2["source_start"]:q2["source_end"]] == f"二季度：{placeholder}"
    empty = [n for n in doc.notes if n["flag"] == "empty_milestone"]
    assert [(n["row_id"], doc.text[n["source_start"]:n["source_end"]]) for n in empty] == [
        ("sztb-2016-01-q2", f"二季度：{placeholder}")]
    assert f"placeholder {placeholder!r}" in empty[0]["detail"]


@pytest.mark.parametrize("text", ["无锡项目落地。", "-5%以内。", "暂无变化则持续推进。", "持续推进"])
def test_text_that_only_starts_like_a_placeholder_is_kept(text):
    _, rows, _ = _milestones(f"第一季度：{text}\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。\n")
    assert rows[0] == ("sztb-2016-01-q1", text)


# --- one line for several quarters (jyj-2015 task 5: 第一、二季度：制定督导评估方案，完成自评。) -----------------------
# The milestone of the last quarter named, due by its end, as a label 1-6月： is 第二季度's; the quarters before it plan
# nothing of their own (null, as an empty quarter). Was: the same text for each quarter named, so 第一季度 held a
# milestone due 03-31 that the paper plans for 06-30, and a truthful 推进中 report at 03-31 made it overdue.

@pytest.mark.parametrize("label, quarters", [
    ("第一、二季度：", (1, 2)), ("一、二季度：", (1, 2)), ("第一至二季度：", (1, 2)), ("第一至第二季度：", (1, 2)),
    ("第1-2季度：", (1, 2)), ("第一、二、三季度：", (1, 2, 3)), ("Q1-Q2：", (1, 2)), ("Q1、Q2：", (1, 2)), ("上半年：", (1, 2)),
])
def test_one_line_for_several_quarters_is_the_milestone_of_the_last_named(label, quarters):
    rest = "".join(f"第{'一二三四'[q - 1]}季度：甲{q}。\n" for q in range(1, 5) if q not in quarters)
    doc, rows, t = _milestones(f"{label}制定方案，完成自评。\n{rest}")
    last = quarters[-1]
    assert [text for _, text in rows] == [
        "制定方案，完成自评。" if q == last else None if q in quarters else f"甲{q}。" for q in range(1, 5)]
    assert [str(m["due_date"]) for m in t["milestones"]] == ["2016-03-31", "2016-06-30", "2016-09-30", "2016-12-31"]
    several = [n for n in doc.notes if n["flag"] == "milestone_for_several_quarters"]
    assert [n["row_id"] for n in several] == [f"sztb-2016-01-q{q}" for q in quarters]
    assert all(doc.text[n["source_start"]:n["source_end"]] == f"{label}制定方案，完成自评。" for n in several)
    assert all(f"due at the end of {QUARTER_ZH[last]};" in n["detail"] for n in several)
    # the earlier quarters are empty by this reading, not missing, and get no note but this one
    assert [flag for table, _, flag in notes(doc) if table == "milestones"] == ["milestone_for_several_quarters"] * len(quarters)
    # the row of the last quarter spans its text; the earlier ones the whole line, as an empty quarter's row does
    for m in t["milestones"]:
        if m["quarter"] in quarters[:-1]:
            assert doc.text[m["source_start"]:m["source_end"]] == f"{label}制定方案，完成自评。"


def test_jyj_task_5_target_label_and_combined_quarters():
    text = ("工作任务 目标及进度 责任部门\n"
            "（五）加强教育督导评估。（市政府重点工作） 工作目标：完成10个区（新区）教育现代化督导评估。\n\n"
            "第一、二季度：制定督导评估方案，完成自评。\n\n第三季度：开展实地督导评估。\n\n第四季度：发布督导评估报告。\n\n督导室\n")
    doc, t = tasks_of(text)
    task = t["tasks"][0]
    # was title '加强教育督导评估。（市政府重点工作） 工作', no category, and the 第一、二季度 line inside the target
    assert (task["title_zh"], task["category_zh"], task["target_zh"]) == (
        "加强教育督导评估。", "市政府重点工作", "完成10个区（新区）教育现代化督导评估。")
    # was 第一季度 holding the same text as 第二季度 (the line's milestone is due by the end of 第二季度)
    assert [(m["milestone_id"], m["text_zh"]) for m in t["milestones"]] == [
        ("sztb-2016-01-q1", None), ("sztb-2016-01-q2", "制定督导评估方案，完成自评。"),
        ("sztb-2016-01-q3", "开展实地督导评估。"), ("sztb-2016-01-q4", "发布督导评估报告。")]
    assert [(row_id, flag) for _, row_id, flag in notes(doc) if flag == "milestone_for_several_quarters"] == [
        ("sztb-2016-01-q1", "milestone_for_several_quarters"), ("sztb-2016-01-q2", "milestone_for_several_quarters")]


def test_a_quarter_named_again_after_a_combined_line_is_an_error():
    with pytest.raises(SourceError, match=r"line 5: task \(一\) has a second 第二季度 line"):
        tasks_of(one_task(quarters="第一、二季度：甲。\n第三季度：甲三。\n第二季度：又一。\n第四季度：甲四。\n"))


# --- all quarters on one line (jyj-2015 task 1 as another site printed it) ---------------------------------

@pytest.mark.parametrize("line", [
    "第一季度：制定计划；第二季度：开工建设；第三季度：建成20公里；第四季度：通车",
    "一季度：制定计划。二季度：开工建设。三季度：建成20公里。四季度：通车",
    "第一季度：制定计划，第二季度：开工建设，第三季度：建成20公里，第四季度：通车",
    "第一季度：制定计划  第二季度：开工建设  第三季度：建成20公里  第四季度：通车",
])
def test_all_four_quarters_on_one_line_give_four_milestones(line):
    doc, rows, t = _milestones(line + "\n")
    # was Q1 holding the whole line and Q2-Q4 null, with notes saying 'has no 第二季度 line'
    assert [text.rstrip("。") for _, text in rows] == ["制定计划", "开工建设", "建成20公里", "通车"]
    assert [(n[1], n[2]) for n in notes(doc) if n[0] == "milestones"] == [
        ("sztb-2016-01-q2", "quarters_on_one_line"), ("sztb-2016-01-q3", "quarters_on_one_line"),
        ("sztb-2016-01-q4", "quarters_on_one_line")]
    assert [(r["target_id"], r["value_text_zh"]) for r in t["targets"]] == [("sztb-2016-01-q3-t1", "20公里")]


def test_a_quarter_mentioned_inside_a_sentence_is_no_label():
    _, rows, _ = _milestones("第一季度：完成第二季度招标准备，上半年完成评审。\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。\n")
    assert rows[0] == ("sztb-2016-01-q1", "完成第二季度招标准备，上半年完成评审。")


def test_two_quarters_on_one_line_and_the_rest_below():
    _, rows, _ = _milestones("第一季度：甲一。第二季度：—\n第三季度：甲三。\n第四季度：甲四。\n")
    assert rows == [("sztb-2016-01-q1", "甲一。"), ("sztb-2016-01-q2", None), ("sztb-2016-01-q3", "甲三。"),
                    ("sztb-2016-01-q4", "甲四。")]


# --- a dash between two quarter labels, month labels, a line for the whole year, more placeholders ------------

@pytest.mark.parametrize("label, quarters", [
    # was 第一季度 holding '—第二季度：制定方案，完成自评。' and 第二季度 missing
    ("第一季度—第二季度：", (1, 2)), ("第一季度－第二季度：", (1, 2)), ("第一季度至第二季度：", (1, 2)), ("第二季度——第三季度：", (2, 3)),
    ("一至二季度：", (1, 2)), ("1-2季度：", (1, 2)), ("Q1—Q2：", (1, 2)),
])
def test_a_range_of_quarters_is_the_milestone_of_the_last_named(label, quarters):
    test_one_line_for_several_quarters_is_the_milestone_of_the_last_named(label, quarters)


def test_month_labels_name_the_quarter_they_end_in():
    # was no milestone at all (four missing_milestone notes) and the whole schedule read into the target
    doc, rows, t = _milestones("1-6月：制定方案。\n7-9月：组织分配。\n10－12月：完成筹集1000套。\n")
    assert rows == [("sztb-2016-01-q1", None), ("sztb-2016-01-q2", "制定方案。"), ("sztb-2016-01-q3", "组织分配。"),
                    ("sztb-2016-01-q4", "完成筹集1000套。")]
    assert t["tasks"][0]["target_zh"] == "完成甲。"
    # 1-6月 is due by the end of June: 第二季度's, noted; 7-9月 and 10-12月 are quarters in other words: no note
    assert [(n[1], n[2]) for n in notes(doc) if n[0] == "milestones"] == [
        ("sztb-2016-01-q1", "missing_milestone"), ("sztb-2016-01-q2", "month_range_label")]
    months = next(n for n in doc.notes if n["flag"] == "month_range_label")
    assert doc.text[months["source_start"]:months["source_end"]] == "1-6月：制定方案。"
    assert "read as the milestone of 第二季度, the quarter the range ends in" in months["detail"]


@pytest.mark.parametrize("label, quarter, noted", [
    ("1-3月：", 1, False), ("4-6月：", 2, False), ("1—3月：", 1, False), ("一至三月：", 1, False), ("1月-3月：", 1, False),
    ("2-3月：", 1, True), ("1-5月：", 2, True), ("1-9月：", 3, True),
])
def test_a_month_range_is_the_quarter_it_ends_in(label, quarter, noted):
    rest = "".join(f"第{'一二三四'[q - 1]}季度：甲{q}。\n" for q in range(1, 5) if q != quarter)
    doc, rows, _ = _milestones(f"{label}乙。\n{rest}")
    assert [text for _, text in rows] == ["乙。" if q == quarter else f"甲{q}。" for q in range(1, 5)]
    assert ("month_range_label" in [flag for _, _, flag in notes(doc)]) is noted


def test_a_whole_year_line_is_no_milestone_of_the_fourth_quarter():
    doc, rows, t = _milestones(QUARTERS_TEXT + "\n全年：持续开展政策宣传。\n")
    # was 第四季度 '甲四。⏎⏎全年：持续开展政策宣传。'
    assert rows[3] == ("sztb-2016-01-q4", "甲四。")
    assert t["tasks"][0]["target_zh"] == "完成甲。"
    year = [n for n in doc.notes if n["flag"] == "whole_year_line"]
    assert [(n["table_name"], n["row_id"], doc.text[n["source_start"]:n["source_end"]]) for n in year] == [
        ("tasks", "sztb-2016-01", "全年：持续开展政策宣传。")]
    assert "multiple_items_in_milestone" not in [flag for _, _, flag in notes(doc)]


def test_a_whole_year_line_is_the_target_of_a_task_without_one():
    text = one_task(head="（一）任务甲。（市政府重点工作）", quarters="全年：建成50公里。\n" + QUARTERS_TEXT + "\n")
    doc, t = tasks_of(text)
    assert t["tasks"][0]["target_zh"] == "建成50公里。"
    assert [r["text_zh"] for r in t["milestones"]] == ["甲一。", "甲二。", "甲三。", "甲四。"]
    assert [(r["target_id"], r["value_text_zh"]) for r in t["targets"]] == [("sztb-2016-01-t1", "50公里")]
    assert [flag for _, _, flag in notes(doc) if flag != "unknown_department"] == ["target_from_whole_year_line"]


def test_a_whole_year_line_inside_a_quarter_line_is_cut_off():
    _, rows, _ = _milestones("第一季度：甲一。\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。全年：持续宣传。\n")
    assert rows[3] == ("sztb-2016-01-q4", "甲四。")


@pytest.mark.parametrize("placeholder", ["本季度无计划", "暂不安排", "暂不安排。", "…", "……", "...", "本季度无", "无安排", "暂无计划"])
def test_more_placeholders_are_empty_quarters(placeholder):
    # was published as the milestone's text
    test_a_placeholder_is_an_empty_quarter_noted_and_kept_in_the_source(placeholder)


@pytest.mark.parametrize("text", ["无计划地推进的项目清理完毕。", "不断推进", "全年完成率100%。"])
def test_text_that_only_starts_like_the_new_placeholders_is_kept(text):
    test_text_that_only_starts_like_a_placeholder_is_kept(text)


QUARTERS_TEXT = "第一季度：甲一。\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。"
