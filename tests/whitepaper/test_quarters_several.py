"""flows/whitepaper/quarters.py: a milestone line written for several quarters (第一、二季度：X) is the milestone of the
last quarter named, due by its end — as 1-6月：X is 第二季度's — and the quarters before it plan nothing of their own.

Was: X copied to each quarter named, so 第一季度 held a milestone due 03-31 that the paper plans for 06-30 (szjtw-2016
task 1: a truthful 推进中 40% report at 03-31 made the task overdue), and a figure in X was a target of each quarter.
The rows below are written out in full: text, due date and source words per quarter, the notes, the target rows.
"""

import datetime as dt

from tests.whitepaper.helpers import tasks_of


def _rows(text: str):
    doc, t = tasks_of(text)
    milestones = [(m["milestone_id"], m["due_date"], m["text_zh"], doc.text[m["source_start"]:m["source_end"]])
                  for m in t["milestones"]]
    notes = [(n["row_id"], n["flag"], n["detail"], doc.text[n["source_start"]:n["source_end"]])
             for n in doc.notes if n["table_name"] == "milestones"]
    targets = [(r["target_id"], r["milestone_id"], r["value_text_zh"]) for r in t["targets"]]
    return milestones, notes, targets


def test_the_transport_paper_s_first_and_second_quarter_line_is_due_at_the_end_of_the_second():
    line = "第一、二季度：完成7号线、9号线主体结构施工，完成投资60亿元。"
    milestones, notes, targets = _rows(
        "工作任务 目标及进度 责任部门\n（一）推进轨道交通建设。（市政府重点工作） 目标：7号线、9号线开通运营。\n"
        f"{line}\n第三季度：完成轨道铺设。\n第四季度：开通运营，新增运营里程40公里以上。\n建设处\n")
    assert milestones == [
        ("sztb-2016-01-q1", dt.date(2016, 3, 31), None, line),     # was the Q2 text, due 03-31
        ("sztb-2016-01-q2", dt.date(2016, 6, 30), "完成7号线、9号线主体结构施工，完成投资60亿元。",
         "完成7号线、9号线主体结构施工，完成投资60亿元。"),
        ("sztb-2016-01-q3", dt.date(2016, 9, 30), "完成轨道铺设。", "完成轨道铺设。"),
        ("sztb-2016-01-q4", dt.date(2016, 12, 31), "开通运营，新增运营里程40公里以上。", "开通运营，新增运营里程40公里以上。"),
    ]
    detail = (f"task (一) writes '{line}' (line 3): written for 第一季度 and 第二季度: due at the end of 第二季度; "
              "第一季度 has no milestone of its own")
    assert notes == [("sztb-2016-01-q1", "milestone_for_several_quarters", detail, line),
                     ("sztb-2016-01-q2", "milestone_for_several_quarters", detail, line)]
    # was also sztb-2016-01-q1-t1 60亿元: the figure is the second quarter's only
    assert targets == [("sztb-2016-01-q2-t1", "sztb-2016-01-q2", "60亿元"),
                       ("sztb-2016-01-q4-t1", "sztb-2016-01-q4", "40公里以上")]


def test_a_third_to_fourth_quarter_range_leaves_the_third_empty():
    line = "第三季度—第四季度：出台实施方案，试点10个社区。"
    milestones, notes, targets = _rows(
        "工作任务 目标及进度 责任部门\n（一）任务甲。 目标：完成甲。\n第一季度：暂无\n第二季度：形成方案初稿。\n"
        f"{line}\n建设处\n")
    assert [(m[0], m[1], m[2]) for m in milestones] == [
        ("sztb-2016-01-q1", dt.date(2016, 3, 31), None), ("sztb-2016-01-q2", dt.date(2016, 6, 30), "形成方案初稿。"),
        ("sztb-2016-01-q3", dt.date(2016, 9, 30), None),           # was the Q4 text, due 09-30
        ("sztb-2016-01-q4", dt.date(2016, 12, 31), "出台实施方案，试点10个社区。")]
    assert [(m[0], m[3]) for m in milestones[2:]] == [("sztb-2016-01-q3", line),
                                                       ("sztb-2016-01-q4", "出台实施方案，试点10个社区。")]
    detail = (f"task (一) writes '{line}' (line 5): written for 第三季度 and 第四季度: due at the end of 第四季度; "
              "第三季度 has no milestone of its own")
    assert [(n[0], n[1]) for n in notes] == [("sztb-2016-01-q1", "empty_milestone"),
                                             ("sztb-2016-01-q3", "milestone_for_several_quarters"),
                                             ("sztb-2016-01-q4", "milestone_for_several_quarters")]
    assert notes[1][2:] == notes[2][2:] == (detail, line)
    assert targets == [("sztb-2016-01-q4-t1", "sztb-2016-01-q4", "10个")]


def test_three_quarters_named_leave_the_first_two_empty():
    line = "Q1-Q3：累计新增公共停车泊位1万个。"
    milestones, notes, targets = _rows(
        f"工作任务 目标及进度 责任部门\n（一）任务甲。 目标：完成甲。\n{line}\nQ4：累计新增2万个。\n建设处\n")
    assert [(m[0], m[1], m[2], m[3]) for m in milestones] == [
        ("sztb-2016-01-q1", dt.date(2016, 3, 31), None, line),
        ("sztb-2016-01-q2", dt.date(2016, 6, 30), None, line),
        ("sztb-2016-01-q3", dt.date(2016, 9, 30), "累计新增公共停车泊位1万个。", "累计新增公共停车泊位1万个。"),
        ("sztb-2016-01-q4", dt.date(2016, 12, 31), "累计新增2万个。", "累计新增2万个。")]
    detail = (f"task (一) writes '{line}' (line 3): written for 第一季度、第二季度 and 第三季度: due at the end of 第三季度; "
              "第一季度、第二季度 have no milestone of their own")
    assert notes == [(f"sztb-2016-01-q{q}", "milestone_for_several_quarters", detail, line) for q in (1, 2, 3)]
    # was q1-t1, q2-t1 and q3-t1, each 1万个
    assert targets == [("sztb-2016-01-q3-t1", "sztb-2016-01-q3", "1万个"), ("sztb-2016-01-q4-t1", "sztb-2016-01-q4", "2万个")]


def test_a_first_half_line_holding_a_placeholder_leaves_both_quarters_empty():
    milestones, notes, _ = _rows("工作任务 目标及进度 责任部门\n（一）任务甲。 目标：完成甲。\n上半年：无\n"
                                 "第三季度：甲三。\n第四季度：甲四。\n建设处\n")
    assert [(m[0], m[2], m[3]) for m in milestones] == [
        ("sztb-2016-01-q1", None, "上半年：无"), ("sztb-2016-01-q2", None, "上半年：无"),
        ("sztb-2016-01-q3", "甲三。", "甲三。"), ("sztb-2016-01-q4", "甲四。", "甲四。")]
    # the placeholder is noted where the line's milestone would be due, 第二季度
    assert [(n[0], n[1]) for n in notes] == [("sztb-2016-01-q1", "milestone_for_several_quarters"),
                                             ("sztb-2016-01-q2", "empty_milestone"),
                                             ("sztb-2016-01-q2", "milestone_for_several_quarters")]
