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


# --- labels that split groups whatever separates them, roles with 单位/部门, 共同, 等, more unit endings --------------

@pytest.mark.parametrize("line, expected", [
    # was 政策规划处 (lead), 配合:创新服务处 (a division of that name, lead demoted to support), 社会发展处
    ("牵头：政策规划处  配合：创新服务处、社会发展处",
     [("政策规划处", "lead", 1), ("创新服务处", "support", 2), ("社会发展处", "support", 3)]),
    # was one division 政策规划处。配合单位：市财政委
    ("牵头单位：政策规划处。配合单位：市财政委", [("政策规划处", "lead", 1), ("市财政委", "support", 2)]),
    ("配合部门：市财政委 牵头部门：政策规划处", [("市财政委", "support", 1), ("政策规划处", "lead", 2)]),
    # role words after the names, groups separated by a space or 。: was 政策规划处牵头 as a name
    ("政策规划处牵头 创新服务处、社会发展处配合",
     [("政策规划处", "lead", 1), ("创新服务处", "support", 2), ("社会发展处", "support", 3)]),
    ("政策规划处牵头。创新服务处配合", [("政策规划处", "lead", 1), ("创新服务处", "support", 2)]),
    # was 政策规划处（牵头单位） and 市人才办（配合单位）, the role inside the name
    ("政策规划处（牵头单位），市人才办（配合单位）", [("政策规划处", "lead", 1), ("市人才办", "support", 2)]),
    ("政策规划处（牵头部门）、市人才办（协办单位）", [("政策规划处", "lead", 1), ("市人才办", "support", 2)]),
    # was one division each: 深圳海关和出入境检验检疫局, 市科协和市社科联
    ("深圳海关和出入境检验检疫局", [("深圳海关", "lead", 1), ("出入境检验检疫局", "support", 2)]),
    ("市科协和市社科联配合，政策规划处牵头", [("市科协", "support", 1), ("市社科联", "support", 2), ("政策规划处", "lead", 3)]),
    ("市公安局交通警察支队和市城管局", [("市公安局交通警察支队", "lead", 1), ("市城管局", "support", 2)]),
    ("市政府办公厅和市委组织部", [("市政府办公厅", "lead", 1), ("市委组织部", "support", 2)]),
    ("深投控集团及招商银行配合，政策规划处牵头", [("深投控集团", "support", 1), ("招商银行", "support", 2), ("政策规划处", "lead", 3)]),
    # was 市人才办等 and 市人才办等单位
    ("政策规划处牵头，市财政委、市人才办等配合", [("政策规划处", "lead", 1), ("市财政委", "support", 2), ("市人才办", "support", 3)]),
    ("政策规划处牵头，市人才办等单位配合", [("政策规划处", "lead", 1), ("市人才办", "support", 2)]),
])
def test_other_forms_of_the_division_list(line, expected):
    assert _links(line) == expected


def test_labels_separated_by_spaces_give_no_multiple_leads_note():
    doc, _ = tasks_of(one_task("牵头：政策规划处  配合：创新服务处、社会发展处"))
    # was multiple_leads: 政策规划处、配合:创新服务处、社会发展处
    assert [flag for _, _, flag in notes(doc) if flag != "unknown_department"] == []


@pytest.mark.parametrize("line", ["政策规划处和创新服务处共同牵头", "政策规划处（共同牵头）、创新服务处（共同牵头）",
                                  "共同牵头：政策规划处、创新服务处"])
def test_a_joint_lead_keeps_one_lead_and_is_noted(line):
    # was one division 政策规划处和创新服务处共同 (lead); a task has one lead (flows/tables/validate.py), so the rule
    # of multiple_leads holds: the first lead, the others support, and joint_lead says the source made them joint
    doc, t = tasks_of(one_task(line))
    assert _links(line) == [("政策规划处", "lead", 1), ("创新服务处", "support", 2)]
    flags = [(row_id, flag) for _, row_id, flag in notes(doc) if flag != "unknown_department"]
    assert ("sztb-2016-01", "multiple_leads") in flags and ("sztb-2016-01", "joint_lead") in flags
    joint = next(n for n in doc.notes if n["flag"] == "joint_lead")
    assert "政策规划处、创新服务处 jointly (共同牵头)" in joint["detail"]


def test_an_open_ended_list_is_noted_with_its_words():
    doc, t = tasks_of(one_task("政策规划处牵头，市财政委、市人才办等配合"))
    assert [d["name_zh"] for d in t["departments"]] == ["政策规划处", "市财政委", "市人才办"]
    etc = [n for n in doc.notes if n["flag"] == "open_ended_division_list"]
    assert [(n["table_name"], n["row_id"], doc.text[n["source_start"]:n["source_end"]]) for n in etc] == [
        ("task_departments", "sztb-2016-01", "市人才办等")]


def test_names_joined_by_a_conjunction_at_new_unit_endings_are_noted():
    doc, _ = tasks_of(one_task("深圳海关和出入境检验检疫局"))
    split = [doc.text[n["source_start"]:n["source_end"]] for n in doc.notes if n["flag"] == "division_list_split_on_conjunction"]
    assert split == ["深圳海关和出入境检验检疫局"]


@pytest.mark.parametrize("line", ["信息系统运行和维护中心", "市规划和国土资源委员会", "产学研合作与技术转移处"])
def test_a_name_whose_first_part_ends_like_no_unit_stays_whole(line):
    assert _named(line) == [(line, None)]
