"""flows/whitepaper/tasks.py: section 三, the task table (tasks, divisions, targets, numbering; quarters:
test_tasks_quarters.py; tasks numbered otherwise than （一）: test_tasks_numbering.py)."""

import datetime as dt
import re

import pytest

from flows.whitepaper.lookups import Lookups
from flows.whitepaper.text import SourceError
from tests.whitepaper.helpers import QUARTERS, notes, one_task, tasks_of


# --- one task, every table ----------------------------------------------------------------------

def test_one_task_row_by_row():
    text = ("工作任务 目标及进度 责任部门\n"
            "（一）推进公交专用道建设。（市政府重点工作） 目标：新建公交专用道不少于50公里。\n\n"
            "第一季度：制定年度建设计划。\n\n"
            "第二季度：开工建设20公里。\n\n"
            "第三季度：累计建成35公里。\n\n"
            "第四季度：全年新建不少于50公里。\n\n"
            "规划处牵头，建设处、运输处配合\n")
    doc, t = tasks_of(text)
    head = text.index("（一）")
    assert t["tasks"] == [{
        "task_id": "sztb-2016-01", "document_id": "sztb-2016", "task_seq": 1, "title_zh": "推进公交专用道建设。",
        "category_zh": "市政府重点工作", "category_en": "key task of the municipal government",
        "target_zh": "新建公交专用道不少于50公里。", "source_start": head, "source_end": text.index("\n", head)}]
    assert [(m["milestone_id"], m["task_id"], m["quarter"], m["due_date"], m["text_zh"]) for m in t["milestones"]] == [
        ("sztb-2016-01-q1", "sztb-2016-01", 1, dt.date(2016, 3, 31), "制定年度建设计划。"),
        ("sztb-2016-01-q2", "sztb-2016-01", 2, dt.date(2016, 6, 30), "开工建设20公里。"),
        ("sztb-2016-01-q3", "sztb-2016-01", 3, dt.date(2016, 9, 30), "累计建成35公里。"),
        ("sztb-2016-01-q4", "sztb-2016-01", 4, dt.date(2016, 12, 31), "全年新建不少于50公里。"),
    ]
    assert [(r["target_id"], r["milestone_id"], r["comparator"], r["target_value"], r["target_value_max"], r["unit_zh"],
             r["value_text_zh"]) for r in t["targets"]] == [
        ("sztb-2016-01-t1", None, ">=", 50.0, None, "公里", "不少于50公里"),
        ("sztb-2016-01-q2-t1", "sztb-2016-01-q2", "=", 20.0, None, "公里", "20公里"),
        ("sztb-2016-01-q3-t1", "sztb-2016-01-q3", "=", 35.0, None, "公里", "35公里"),
        ("sztb-2016-01-q4-t1", "sztb-2016-01-q4", ">=", 50.0, None, "公里", "不少于50公里"),
    ]
    assert t["departments"] == [
        {"department_id": "sztb-planning", "agency_id": "sztb", "name_zh": "规划处", "name_en": "Planning Division"},
        {"department_id": "sztb-jian-she-chu-2ca8980d", "agency_id": "sztb", "name_zh": "建设处", "name_en": None},
        {"department_id": "sztb-yun-shu-chu-1138218f", "agency_id": "sztb", "name_zh": "运输处", "name_en": None},
    ]
    assert [(r["task_id"], r["department_id"], r["role"], r["department_seq"], text[r["source_start"]:r["source_end"]])
            for r in t["task_departments"]] == [
        ("sztb-2016-01", "sztb-planning", "lead", 1, "规划处"),
        ("sztb-2016-01", "sztb-jian-she-chu-2ca8980d", "support", 2, "建设处"),
        ("sztb-2016-01", "sztb-yun-shu-chu-1138218f", "support", 3, "运输处"),
    ]
    for row in t["milestones"]:
        assert text[row["source_start"]:row["source_end"]] == row["text_zh"]
    for row in t["targets"]:
        assert text[row["source_start"]:row["source_end"]] == row["value_text_zh"]
    assert notes(doc) == [("departments", "sztb-jian-she-chu-2ca8980d", "unknown_department"),
                          ("departments", "sztb-yun-shu-chu-1138218f", "unknown_department")]


# --- divisions -------------------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("规划处牵头，建设处、运输处配合", [("planning", "lead"), ("jian-she-chu-2ca8980d", "support"), ("yun-shu-chu-1138218f", "support")]),
    ("规划处牵头,建设处、运输处配合", [("planning", "lead"), ("jian-she-chu-2ca8980d", "support"), ("yun-shu-chu-1138218f", "support")]),
    ("规划处牵头;建设处配合", [("planning", "lead"), ("jian-she-chu-2ca8980d", "support")]),
    ("规划处牵头；建设处配合", [("planning", "lead"), ("jian-she-chu-2ca8980d", "support")]),
    ("建设处牵头，规划处配合", [("jian-she-chu-2ca8980d", "lead"), ("planning", "support")]),
    ("规划处负责，建设处协助", [("planning", "lead"), ("jian-she-chu-2ca8980d", "support")]),
    ("建设处", [("jian-she-chu-2ca8980d", "lead")]),
    ("规划处、建设处", [("planning", "lead"), ("jian-she-chu-2ca8980d", "support")]),
    ("责任部门：建设处", [("jian-she-chu-2ca8980d", "lead")]),
    ("规划处牵头，\xa0建设处配合", [("planning", "lead"), ("jian-she-chu-2ca8980d", "support")]),
])
def test_division_line(line, expected):
    doc, t = tasks_of(one_task(line))
    assert [(r["department_id"], r["role"], r["department_seq"]) for r in t["task_departments"]] == [
        (f"sztb-{slug}", role, seq) for seq, (slug, role) in enumerate(expected, start=1)]
    for row in t["task_departments"]:
        name = next(d["name_zh"] for d in t["departments"] if d["department_id"] == row["department_id"])
        assert doc.text[row["source_start"]:row["source_end"]] == name


def test_two_leads_keep_the_first_and_note_it():
    doc, t = tasks_of(one_task("规划处牵头，建设处牵头，运输处配合"))
    assert [(r["department_id"], r["role"]) for r in t["task_departments"]] == [
        ("sztb-planning", "lead"), ("sztb-jian-she-chu-2ca8980d", "support"), ("sztb-yun-shu-chu-1138218f", "support")]
    assert ("task_departments", "sztb-2016-01", "multiple_leads") in notes(doc)


def test_a_division_named_twice_is_kept_once_and_noted():
    doc, t = tasks_of(one_task("规划处牵头，规划处、建设处配合"))
    assert [(r["department_id"], r["role"], r["department_seq"]) for r in t["task_departments"]] == [
        ("sztb-planning", "lead", 1), ("sztb-jian-she-chu-2ca8980d", "support", 2)]
    assert ("task_departments", "sztb-2016-01", "repeated_division") in notes(doc)


def test_unknown_division_is_noted_once_across_tasks():
    text = one_task("建设处") + "（二）任务乙。 目标：完成乙。\n" + QUARTERS + "建设处牵头，规划处配合\n"
    doc, t = tasks_of(text)
    assert t["departments"] == [
        {"department_id": "sztb-jian-she-chu-2ca8980d", "agency_id": "sztb", "name_zh": "建设处", "name_en": None},
        {"department_id": "sztb-planning", "agency_id": "sztb", "name_zh": "规划处", "name_en": "Planning Division"},
    ]
    assert notes(doc) == [("departments", "sztb-jian-she-chu-2ca8980d", "unknown_department")]


def test_a_division_of_another_agency_is_not_looked_up():
    lookups = Lookups(departments={("szsti", "规划处"): ("policy-planning", "Policy and Planning Division")})
    doc, t = tasks_of(one_task("规划处"), lookups=lookups)
    assert t["departments"] == [{"department_id": "sztb-gui-hua-chu-c4e827cf", "agency_id": "sztb", "name_zh": "规划处", "name_en": None}]


def test_homophone_divisions_stay_apart():
    doc, t = tasks_of(one_task("法制处牵头，法治处配合"))
    assert sorted(d["name_zh"] for d in t["departments"]) == ["法制处", "法治处"]
    assert len(t["task_departments"]) == 2
    assert len({r["department_id"] for r in t["task_departments"]}) == 2
    assert all(re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", d["department_id"]) for d in t["departments"]), t["departments"]
    # the same ids in the other order: an id depends on its name alone, never on which name came first
    _, swapped = tasks_of(one_task("法治处牵头，法制处配合"))
    assert {d["name_zh"]: d["department_id"] for d in swapped["departments"]} == \
        {d["name_zh"]: d["department_id"] for d in t["departments"]}


def test_task_without_divisions_names_the_line():
    text = one_task(divisions="").rstrip("\n") + "\n（二）任务乙。 目标：完成乙。\n" + QUARTERS + "建设处\n"
    with pytest.raises(SourceError, match=r"^raw/whitepapers/sztb-2016\.txt, line 6: task \(一\) ends without its "
                                          r"responsible divisions; expected a last line such as"):
        tasks_of(text)


def test_last_task_without_divisions_is_an_error():
    with pytest.raises(SourceError, match=r"line 6: task \(一\) ends without its responsible divisions"):
        tasks_of(one_task(divisions="").rstrip("\n") + "\n")


def test_task_with_no_line_after_its_title_is_an_error():
    with pytest.raises(SourceError, match=r"line 2: task \(一\) ends without its responsible divisions"):
        tasks_of("工作任务 目标及进度 责任部门\n（一）任务甲。 目标：完成甲。\n")


def test_section_without_a_numbered_task_is_an_error():
    with pytest.raises(SourceError, match=r"sztb-2016\.txt: section 三 has no numbered task; expected lines like"):
        tasks_of("工作任务 目标及进度 责任部门\n一项任务。\n第一季度：甲。\n")


# --- title, category, target -------------------------------------------------------------------

@pytest.mark.parametrize("head, title, category_zh, category_en", [
    ("（一）任务甲。（市政府重点工作） 目标：完成甲。", "任务甲。", "市政府重点工作", "key task of the municipal government"),
    ("(一)任务甲。(民生实事) 目标:完成甲。", "任务甲。", "民生实事", "people's livelihood project"),
    ("（一）任务甲。 目标：完成甲。", "任务甲。", None, None),
    ("（一）任务甲。（区政府重点工作）目标：完成甲。", "任务甲。", "区政府重点工作", None),
])
def test_title_and_category(head, title, category_zh, category_en):
    doc, t = tasks_of(one_task(head=head))
    task = t["tasks"][0]
    assert (task["title_zh"], task["category_zh"], task["category_en"], task["target_zh"]) == (
        title, category_zh, category_en, "完成甲。")
    unknown = [n for n in notes(doc) if n[2] == "unknown_category"]
    assert unknown == ([("tasks", "sztb-2016-01", "unknown_category")] if category_zh and not category_en else [])


def test_target_on_its_own_line():
    doc, t = tasks_of(one_task(head="（一）任务甲。（民生实事）\n目标：新建3个站点。"))
    assert (t["tasks"][0]["title_zh"], t["tasks"][0]["target_zh"]) == ("任务甲。", "新建3个站点。")
    assert [(r["target_id"], r["value_text_zh"]) for r in t["targets"]] == [("sztb-2016-01-t1", "3个")]
    assert len(t["milestones"]) == 4 and all(m["text_zh"] for m in t["milestones"])


def test_task_without_target_is_noted():
    doc, t = tasks_of(one_task(head="（一）任务甲。（民生实事）"))
    assert t["tasks"][0]["target_zh"] is None
    assert notes(doc) == [("tasks", "sztb-2016-01", "missing_target"), ("departments", "sztb-jian-she-chu-2ca8980d", "unknown_department")]


def test_wrapped_target_is_kept_or_noted():
    doc, t = tasks_of(one_task(head="（一）任务甲。 目标：完成甲，\n并完成乙。"))
    target = t["tasks"][0]["target_zh"] or ""
    flagged = any("并完成乙" in doc.text[n["source_start"]:n["source_end"]] for n in doc.notes if n["source_start"] is not None)
    assert "并完成乙。" in target or flagged


# --- targets ---------------------------------------------------------------------------------

def test_several_is_noted_not_counted():
    doc, t = tasks_of(one_task(head="（一）任务甲。 目标：实施若干示范工程。",
                               quarters="第一季度：召开若干场座谈会。\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。\n"))
    assert t["targets"] == []
    assert [n for n in notes(doc) if n[2] == "unquantified_target"] == [
        ("targets", "sztb-2016-01", "unquantified_target"), ("targets", "sztb-2016-01-q1", "unquantified_target")]
    assert [doc.text[n["source_start"]:n["source_end"]] for n in doc.notes if n["flag"] == "unquantified_target"] == ["若干", "若干"]


def test_range_and_over_in_one_target():
    doc, t = tasks_of(one_task(head="（一）任务甲。 目标：新建改造候车亭超过500个，新建2-3个公交枢纽。"))
    assert [(r["target_id"], r["comparator"], r["target_value"], r["target_value_max"], r["unit_zh"]) for r in t["targets"]] == [
        ("sztb-2016-01-t1", ">", 500.0, None, "个"), ("sztb-2016-01-t2", "between", 2.0, 3.0, "个")]


# --- numbering -------------------------------------------------------------------------------

def test_twelve_and_more_tasks_keep_two_digit_ids():
    numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]
    text = "".join(f"（{n}）任务{n}。 目标：完成。\n{QUARTERS}建设处\n" for n in numerals)
    doc, t = tasks_of(text)
    assert [(r["task_id"], r["task_seq"], r["title_zh"]) for r in t["tasks"]][9:] == [
        ("sztb-2016-10", 10, "任务十。"), ("sztb-2016-11", 11, "任务十一。"),
        ("sztb-2016-12", 12, "任务十二。"), ("sztb-2016-13", 13, "任务十三。")]
    assert t["milestones"][-1]["milestone_id"] == "sztb-2016-13-q4"
    assert [n for n in notes(doc) if n[2] == "numbering_out_of_order"] == []


def test_numbering_out_of_order_is_noted_and_ids_follow_position():
    text = one_task() + "（三）任务乙。 目标：完成乙。\n" + QUARTERS + "建设处\n"
    doc, t = tasks_of(text)
    assert [r["task_id"] for r in t["tasks"]] == ["sztb-2016-01", "sztb-2016-02"]
    assert ("tasks", "sztb-2016-02", "numbering_out_of_order") in notes(doc)


def test_a_line_before_the_first_task_is_noted():
    doc, t = tasks_of("说明：以下为本年度任务。\n" + one_task())
    assert ("tasks", None, "unparsed_line") in notes(doc)
    assert len(t["tasks"]) == 1


# --- the table's header as a web or Word table pastes it ------------------------------------------

@pytest.mark.parametrize("header", ["工作任务\n目标及进度\n责任部门\n", "序号\n工作任务\n目标\n进度\n责任单位\n", "工作任务 目标及进度 责任部门\n"])
def test_the_header_row_one_cell_per_line_is_no_unparsed_line(header):
    doc, tables = tasks_of(header + "（一）任务甲。 目标：完成甲。\n" + QUARTERS + "建设处\n")
    assert len(tables["tasks"]) == 1
    assert [(table, flag) for table, _, flag in notes(doc)] == [("departments", "unknown_department")]


def test_a_line_before_the_first_task_that_is_not_the_header_is_still_noted():
    doc, _ = tasks_of("工作任务\n说明：本表按季度列出\n（一）任务甲。 目标：完成甲。\n" + QUARTERS + "建设处\n")
    assert ("tasks", None, "unparsed_line") in notes(doc)


# --- the target's label (jyj-2015 task 5: 工作目标：) -------------------------------------------------------

@pytest.mark.parametrize("label", ["目标：", "工作目标：", "年度目标：", "任务目标：", "工作目标:"])
def test_a_labelled_target_leaves_the_title_and_category_whole(label):
    # （五）加强教育督导评估。（市政府重点工作） 工作目标：… — was title '任务甲。（市政府重点工作） 工作', no category
    doc, t = tasks_of(one_task(head=f"（一）任务甲。（市政府重点工作） {label}完成甲。"))
    task = t["tasks"][0]
    assert (task["title_zh"], task["category_zh"], task["target_zh"]) == ("任务甲。", "市政府重点工作", "完成甲。")


def test_a_labelled_target_on_its_own_line():
    doc, t = tasks_of(one_task(head="（一）任务甲。（民生实事）\n年度目标：新建3个站点。"))
    assert (t["tasks"][0]["title_zh"], t["tasks"][0]["target_zh"]) == ("任务甲。", "新建3个站点。")


def test_a_year_target_line_and_the_header_cells_of_quarter_columns_as_task_table_writes_them():
    text = ("工作任务\n年度目标\n进度安排\n第一季度\n第二季度\n第三季度\n第四季度\n责任部门\n"
            "（一）任务甲。（民生实事）\n年度目标：完成甲。\n" + QUARTERS + "建设处\n")
    doc, t = tasks_of(text)
    assert [(r["title_zh"], r["target_zh"]) for r in t["tasks"]] == [("任务甲。", "完成甲。")]
    assert [m["text_zh"] for m in t["milestones"]] == ["甲一。", "甲二。", "甲三。", "甲四。"]
    assert notes(doc) == [("departments", "sztb-jian-she-chu-2ca8980d", "unknown_department")]   # no unparsed_line
