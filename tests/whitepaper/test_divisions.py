"""flows/whitepaper/divisions.py: the division line of a task, as other agencies write it (the template's own
forms: test_tasks.py)."""

import pytest

from flows.whitepaper.divisions import split_divisions
from flows.whitepaper.text import fold
from tests.whitepaper.helpers import notes, one_task, tasks_of


def _named(line: str) -> list[tuple[str, str | None]]:
    folded = fold(line)
    return [(line[n.start:n.end], n.role) for n in split_divisions(folded)]


def _links(line: str) -> list[tuple[str, str, int]]:
    """(name as printed, role, seq) of each task_departments row parsed from a one-task section 三."""
    doc, t = tasks_of(one_task(line))
    names = {d["department_id"]: d["name_zh"] for d in t["departments"]}
    for row in t["task_departments"]:
        assert doc.text[row["source_start"]:row["source_end"]] == names[row["department_id"]]
    return [(names[r["department_id"]], r["role"], r["department_seq"]) for r in t["task_departments"]]


# --- labelled lists and roles in brackets (jyj-2015 tasks 2 and 3) ------------------------------------------

@pytest.mark.parametrize("line, expected", [
    # 牵头：基础教育处；配合：德育处、体卫艺处 — was 牵头:基础教育处 (lead), 配合:德育处 (support), 体卫艺处
    ("牵头：基础教育处；配合：德育处、体卫艺处", [("基础教育处", "lead", 1), ("德育处", "support", 2), ("体卫艺处", "support", 3)]),
    ("配合：德育处、体卫艺处；牵头：基础教育处", [("德育处", "support", 1), ("体卫艺处", "support", 2), ("基础教育处", "lead", 3)]),
    ("牵头单位：基础教育处；配合单位：德育处", [("基础教育处", "lead", 1), ("德育处", "support", 2)]),
    ("主办：基础教育处，协办：德育处", [("基础教育处", "lead", 1), ("德育处", "support", 2)]),
    ("负责:基础教育处;参与:德育处", [("基础教育处", "lead", 1), ("德育处", "support", 2)]),
    # 职业教育处（牵头）、高等教育处（配合） — was 职业教育处(牵头) and 高等教育处(配合), names with their roles in them
    ("职业教育处（牵头）、高等教育处（配合）", [("职业教育处", "lead", 1), ("高等教育处", "support", 2)]),
    ("高等教育处（配合）、职业教育处（牵头）", [("高等教育处", "support", 1), ("职业教育处", "lead", 2)]),
    ("职业教育处 （牵头）、高等教育处 （协办）", [("职业教育处", "lead", 1), ("高等教育处", "support", 2)]),
    ("职业教育处(主办)", [("职业教育处", "lead", 1)]),
])
def test_labelled_and_bracketed_roles(line, expected):
    assert _links(line) == expected


def test_a_bracket_that_is_no_role_stays_in_the_name():
    assert _named("人事处（离退休干部处）牵头") == [("人事处（离退休干部处）", "lead")]


# --- 和 / 及 / 与 between two divisions (jyj-2015 tasks 1 and 6) ---------------------------------------

@pytest.mark.parametrize("line, expected", [
    # 基建处牵头，计划财务处和学前教育处配合 — was one division, 计划财务处和学前教育处
    ("基建处牵头，计划财务处和学前教育处配合", [("基建处", "lead", 1), ("计划财务处", "support", 2), ("学前教育处", "support", 3)]),
    # 人事处和教师工作处 — was one division; a list with no role word leads with its first
    ("人事处和教师工作处", [("人事处", "lead", 1), ("教师工作处", "support", 2)]),
    ("基建处牵头，计划财务处及督导室配合", [("基建处", "lead", 1), ("计划财务处", "support", 2), ("督导室", "support", 3)]),
    ("基建处与信息中心牵头", [("基建处", "lead", 1), ("信息中心", "lead", 2)]),
    ("基建处、计划财务处和学前教育处与督导室配合",   # the whole group supports, as '基建处、督导室配合' does
     [("基建处", "support", 1), ("计划财务处", "support", 2), ("学前教育处", "support", 3), ("督导室", "support", 4)]),
])
def test_a_conjunction_between_two_divisions_splits_them(line, expected):
    result = _links(line)
    # with two leads the first stays lead and the others are recorded as support (multiple_leads)
    assert result == [(n, "support" if i and r == "lead" else r, s) for i, (n, r, s) in enumerate(expected)]


def test_a_split_on_a_conjunction_is_noted_for_a_reviewer():
    doc, t = tasks_of(one_task("基建处牵头，计划财务处和学前教育处配合"))
    split = [n for n in doc.notes if n["flag"] == "division_list_split_on_conjunction"]
    assert [(n["table_name"], n["row_id"]) for n in split] == [("task_departments", "sztb-2016-01")]
    assert doc.text[split[0]["source_start"]:split[0]["source_end"]] == "计划财务处和学前教育处"
    assert "split on '和'" in split[0]["detail"]


@pytest.mark.parametrize("line", ["市人力资源和社会保障局", "市发展和改革委员会", "市科技和信息局", "市住房和建设局",
                                  "市规划和国土资源委员会"])
def test_a_conjunction_inside_a_name_leaves_it_whole(line):
    # 人力资源 ends like no division: 和 joins the words of one bureau's name
    doc, t = tasks_of(one_task(f"基建处牵头，{line}配合"))
    assert [d["name_zh"] for d in t["departments"]] == ["基建处", line]
    assert "division_list_split_on_conjunction" not in [flag for _, _, flag in notes(doc)]


def test_the_template_forms_give_no_new_note():
    doc, _ = tasks_of(one_task("规划处牵头，建设处、运输处配合"))
    assert notes(doc) == [("departments", "sztb-jian-she-chu-2ca8980d", "unknown_department"),
                          ("departments", "sztb-yun-shu-chu-1138218f", "unknown_department")]
