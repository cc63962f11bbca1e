"""flows/whitepaper/tasks.py: tasks numbered otherwise than the template's （一） — 1. / 1、 / (1) / 一、 — read when
unambiguous, else refused naming the numbering."""

import pytest

from flows.whitepaper.text import SourceError
from tests.whitepaper.helpers import QUARTERS, notes, tasks_of


# --- tasks numbered otherwise than (一) (jyj-2015 as two other sites printed it) -----------------------------

def _numbered(numbers: list[str], quarters: str = QUARTERS) -> str:
    return "工作任务 目标及进度 责任部门\n" + "".join(
        f"{n}任务{i}。（市政府重点工作） 目标：完成{i}。\n{quarters}建设处\n" for i, n in enumerate(numbers, start=1))


@pytest.mark.parametrize("numbers, style", [
    (["1.", "2.", "3."], "1."), (["1．", "2．", "3．"], "1."), (["1、", "2、", "3、"], "1、"), (["（1）", "（2）", "（3）"], "(1)"),
    (["一、", "二、", "三、"], "一、"),
])
def test_tasks_numbered_in_another_style_are_read_and_noted(numbers, style):
    # 1.新建、改扩建中小学… — was refused: section 三 has no numbered task
    doc, t = tasks_of(_numbered(numbers))
    assert [(r["task_id"], r["task_seq"], r["title_zh"], r["category_zh"], r["target_zh"]) for r in t["tasks"]] == [
        (f"sztb-2016-0{i}", i, f"任务{i}。", "市政府重点工作", f"完成{i}。") for i in (1, 2, 3)]
    assert len(t["milestones"]) == 12 and all(m["text_zh"] for m in t["milestones"])
    assert notes(doc)[0] == ("tasks", None, "task_numbering_style")
    assert f"'{style}'" in doc.notes[0]["detail"]


def test_a_numbered_list_inside_a_task_numbered_1_is_refused_not_misread():
    text = ("工作任务 目标及进度 责任部门\n1.任务甲。 目标：\n1.完成甲；\n2.完成乙。\n" + QUARTERS + "建设处\n"
            "2.任务乙。 目标：完成乙。\n" + QUARTERS + "建设处\n")
    with pytest.raises(SourceError, match=r"line 3: section 三 numbers its tasks '1\.' rather than the template's '\(一\)', "
                                          r"and this line is numbered 1 where task 2 .* number them '\(一\)'"):
        tasks_of(text)


def test_a_task_without_quarter_lines_in_another_numbering_is_refused():
    # 2.完成乙。 inside task 1 would otherwise start a task: refused because task 1 then has no quarter line
    text = "工作任务 目标及进度 责任部门\n1.任务甲。 目标：\n2.完成乙。\n" + QUARTERS + "建设处\n"
    with pytest.raises(SourceError, match=r"line 2: section 三 numbers its tasks '1\.'.*and the task on this line has no "
                                          r"quarter line \(第一季度:…\) before line 3"):
        tasks_of(text)


def test_a_gap_in_another_numbering_is_refused_naming_the_line():
    with pytest.raises(SourceError, match=r"line 14: section 三 numbers its tasks '1、'.* numbered 4 where task 3"):
        tasks_of(_numbered(["1、", "2、", "4、"]))


def test_a_section_with_no_task_numbered_1_names_what_it_found():
    with pytest.raises(SourceError, match=r"section 三 has no numbered task; expected lines like '\(一\).*the first numbered "
                                          r"line, line 2, starts '3\.任务"):
        tasks_of(_numbered(["3."]))


def test_a_combined_quarter_label_is_no_task_numbered_like_a_heading():
    doc, t = tasks_of(_numbered(["一、", "二、"], quarters="一、二季度：甲。\n三季度：甲三。\n四季度：甲四。\n"))
    assert [r["title_zh"] for r in t["tasks"]] == ["任务1。", "任务2。"]
    assert [m["text_zh"] for m in t["milestones"][:4]] == [None, "甲。", "甲三。", "甲四。"]  # was 甲。 in Q1 too
