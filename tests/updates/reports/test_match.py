"""Which promise: the number confirmed by the wording, the threshold and method, and the lead division."""

import itertools

import pytest
from rapidfuzz import fuzz

from flows.updates.read import Problem
from flows.updates.reports.match import THRESHOLD, lead_of, match_task, without_agency, wording
from flows.updates.rules import Paper


@pytest.fixture(scope="module")
def paper(seed):
    return Paper.from_tables(seed.tables, "szsti-2014")


@pytest.fixture(scope="module")
def titles(seed):
    return dict(zip(seed.tables["tasks"]["task_id"], seed.tables["tasks"]["title_zh"]))


def test_the_threshold_separates_the_seeds_tasks(titles):
    # the reason for 60: distinct tasks score at most 50 against each other
    words = [wording(t) for t in titles.values()]
    assert max(fuzz.partial_ratio(a, b) for a, b in itertools.permutations(words, 2)) < THRESHOLD


def test_wording_drops_numbering_brackets_and_punctuation():
    assert wording("（三）增加义务教育学位……。（主办单位：区教育局、区工务局）") == "增加义务教育学位"
    assert wording("三、实施“孔雀计划”，引进团队。") == "实施孔雀计划引进团队"


@pytest.mark.parametrize("number, heading, shape, expected", [
    ("（二）", "提升重点实验室等建设发展质量", "narrative", ("szsti-2014-02", "number+wording")),   # shortened: 71
    ("（五）", "实施“孔雀计划”", "narrative", ("szsti-2014-05", "number+wording")),
    ("二、", "提升重点实验室、工程实验室、工程中心等建设发展质量", "narrative", ("szsti-2014-02", "number+wording")),
    ("1", "突出创新增效", "table", ("szsti-2014-09", "wording")),       # a running number gives way to the wording
    ("9", "突出创新增效", "table", ("szsti-2014-09", "number+wording")),
    ("", "突出创新增效", "narrative", ("szsti-2014-09", "wording")),    # no number at all
])
def test_matched(paper, titles, number, heading, shape, expected):
    task_id, method, score = match_task(number, heading, shape, paper, titles)
    assert (task_id, method) == expected and score >= THRESHOLD


@pytest.mark.parametrize("number, heading, shape, code", [
    ("（四）", "突出创新增效", "narrative", "task_wording_mismatch"),   # numbered 4, worded as 9: the number rules
    ("（十二）", "增加义务教育学位", "narrative", "unknown_task"),
    ("（十二）", "突出创新增效", "narrative", "unknown_task"),          # a number the paper has not: no guessing
    ("4", "增加义务教育学位", "table", "unknown_task"),
])
def test_rejected_with_the_best_candidate(paper, titles, number, heading, shape, code):
    problem = match_task(number, heading, shape, paper, titles)
    assert isinstance(problem, Problem) and problem.code == code
    assert "best candidate by wording: task " in problem.message and f"must reach {THRESHOLD:.0f}" in problem.message


def test_the_lead_division_is_the_first_lead_named(paper):
    assert lead_of("szsti-2014-02", paper) == "创新支撑处" and lead_of("szsti-2014-05", paper) == "政策规划处"


def test_an_item_on_two_tasks_is_refused_naming_both(paper, titles):
    # it was task 8 by its number: the evaluation may be task 4's
    for number in ("（八）", "3", ""):
        problem = match_task(number, "组织实施重大技术攻关项目；加快未来产业发展，培育先导企业群体", "narrative", paper, titles)
        assert isinstance(problem, Problem) and problem.code == "several_tasks"
        assert "task 8 " in problem.message and "task 4 " in problem.message


def test_running_numbers_in_the_narrative_give_way_to_the_wording(paper, titles):
    assert match_task("1.", "突出创新增效", "narrative", paper, titles, running=True)[:2] == ("szsti-2014-09", "wording")
    problem = match_task("1.", "突出创新增效", "narrative", paper, titles)
    assert isinstance(problem, Problem) and problem.code == "task_wording_mismatch"
    problem = match_task("1.", "增加义务教育学位", "narrative", paper, titles, running=True)
    assert problem.code == "unknown_task" and "item 1 of the report, which may be a running number" in problem.message


def test_a_row_under_no_task_is_refused_as_such(paper, titles):
    problem = match_task("", "", "table", paper, titles)
    assert problem.code == "unknown_task" and "names no task: its 工作任务 cell is empty" in problem.message


def test_numbers_restarted_under_group_headings_give_way_to_the_wording(paper, titles):
    assert match_task("（一）", "突出创新增效", "narrative", paper, titles, restarted=True)[:2] == ("szsti-2014-09", "wording")
    problem = match_task("（二）", "增加义务教育学位", "narrative", paper, titles, restarted=True)
    assert problem.code == "unknown_task" and "is item 2 of its group" in problem.message


def test_the_agencys_own_name_before_a_division_is_read_without_it(paper):
    assert paper.agency_names == ("深圳市科技创新委员会", "深圳科技创新委员会")
    for written in ("深圳市科技创新委员会创新支撑处", "市科技创新委员会创新支撑处", "科技创新委员会创新支撑处牵头"):
        assert without_agency(written, paper) in ("创新支撑处", "创新支撑处牵头")
    # the name alone, another agency's prefix, an abbreviation, or no division after the prefix: left as written
    for written in ("创新支撑处", "市发展改革委创新支撑处", "市科技创新委创新支撑处", "市科技创新委员会人事处", "市科技创新委员会"):
        assert without_agency(written, paper) is None
