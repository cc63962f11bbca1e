"""The items of a report in either shape: numbering levels, units, evaluation, spans, rows spanning a task."""

from flows.updates.reports.forms import ReportText, text_blocks
from flows.updates.reports.items import contrary_clause, phrase, report_items, table_trouble, units_of


def _items(text: str):
    return report_items(ReportText(text, text_blocks(text)))


def test_the_items_are_the_level_whose_sections_end_in_an_evaluation():
    text = ("一、民生实事\n"
            "（一）增加义务教育学位。（主办单位：区教育局、区工务局）\n"
            "1.新建学校。\n2.改扩建学校。\n"
            "进度评价：按进度完成。\n"
            "（二）建设公园。\n"
            "责任单位：区城管局\n"
            "完成选址。\n"
            "进展评价：顺利推进\n"
            "二、其他工作\n"
            "（三）修路。（牵头单位：区交通局）\n"
            "目标完成情况：滞后。\n")
    items = _items(text)
    assert [(i.number, i.units, i.evaluation) for i in items] == [
        ("（一）", ["区教育局", "区工务局"], "按进度完成"), ("（二）", ["区城管局"], "顺利推进"), ("（三）", ["区交通局"], "滞后")]
    assert items[0].progress == "1.新建学校。\n2.改扩建学校。"
    assert text[items[0].span[0]:items[0].span[1]].startswith("（一）增加") and text[:items[0].span[1]].endswith("按进度完成。")
    assert items[2].progress == ""


def test_chinese_numbered_items_with_arabic_paragraphs():
    text = "一、增加学位\n1.新建学校。\n2.扩建。\n进度评价：已完成\n二、建设公园\n1.选址。\n进度评价：正常推进\n"
    assert [(i.number, i.evaluation) for i in _items(text)] == [("一、", "已完成"), ("二、", "正常推进")]


def test_an_item_without_an_evaluation_has_none():
    text = "（一）增加学位\n新建学校。\n进度评价：已完成\n（二）建设公园\n选址中。\n"
    assert [i.evaluation for i in _items(text)] == ["已完成", None]


def test_a_table_row_without_task_cells_continues_the_task_above():
    text = ("序号\t工作任务\t责任单位\t一季度目标\t进展情况、存在问题及下一步打算\t目标完成情况\n"
            "1\t增加学位\t区教育局\t目标\t新建。\t顺利推进\n"
            "\t\t区工务局\t\t施工。\t滞后\n"
            "2\t建设公园\t\t目标\t选址。\t\n")
    items = _items(text)
    assert [(i.number, i.heading, i.units, i.evaluation, i.progress) for i in items] == [
        ("1", "增加学位", ["区教育局"], "顺利推进", "新建。"), ("1", "增加学位", ["区工务局"], "滞后", "施工。"),
        ("2", "建设公园", [], None, "选址。")]
    assert all(i.shape == "table" for i in items)


def test_a_table_in_bars():
    text = "| 序号 | 工作任务 | 责任单位 | 进展情况 | 进度评价 |\n|---|---|---|---|---|\n| 1 | 增加学位 | 区教育局 | 新建。 | 已完成 |\n"
    assert [(i.number, i.units, i.evaluation) for i in _items(text)] == [("1", ["区教育局"], "已完成")]


def test_units_as_written():
    assert units_of("区教育局、区工务局") == ["区教育局", "区工务局"]
    assert units_of("创新支撑处牵头，产业化处配合") == ["创新支撑处牵头", "产业化处配合"]


def test_other_labels_for_units_and_evaluations_and_the_first_clause_of_a_verdict():
    text = ("（一）增加学位。（牵头单位：区教育局；配合单位：区工务局）\n新建学校。\n【进度评价】按进度完成，达到预期。\n"
            "（二）建设公园\n【责任单位】区城管局\n选址。\n完成进度：滞后\n")
    assert [(i.units, i.evaluation) for i in _items(text)] == [(["区教育局", "区工务局"], "按进度完成"), (["区城管局"], "滞后")]


def test_a_table_with_two_unit_columns_and_its_header_repeated():
    text = ("序号\t项目名称\t牵头单位\t配合单位\t工作进展\t完成情况\n"
            "1\t增加学位\t区教育局\t区工务局\t新建。\t顺利推进\n"
            "序号\t项目名称\t牵头单位\t配合单位\t工作进展\t完成情况\n"
            "2\t建设公园\t区城管局\t\t选址。\t已完成\n")
    assert [(i.number, i.units, i.evaluation) for i in _items(text)] == [
        ("1", ["区教育局", "区工务局"], "顺利推进"), ("2", ["区城管局"], "已完成")]


def test_a_verdict_closing_the_last_paragraph():
    text = "（一）增加学位\n1.新建学校。\n2.扩建学校。（进度评价：顺利推进）\n（二）建设公园\n选址。\n"
    first = _items(text)[0]
    assert (first.evaluation, first.progress) == ("顺利推进", "1.新建学校。\n2.扩建学校。")


def test_units_in_the_task_cell_of_a_table():
    text = "序号\t工作任务\t进展情况\t进度评价\n1\t增加学位（主办单位：区教育局、区工务局）\t新建。\t已完成\n"
    assert [i.units for i in _items(text)] == [["区教育局", "区工务局"]]


def test_items_numbered_in_brackets_over_paragraphs_numbered_in_brackets():
    # （一） and （1） were one level: every paragraph (1) (2) an item of its own, the items' headings without evaluation
    text = ("（二）提升质量（责任单位：创新支撑处）\n（1）完成评审。\n（2）完成八成。\n进度评价：按进度完成。\n"
            "（五）实施计划\n（1）完成初审。\n进度评价：滞后。\n")
    items = _items(text)
    assert [(i.number, i.units, i.evaluation, i.progress) for i in items] == [
        ("（二）", ["创新支撑处"], "按进度完成", "（1）完成评审。\n（2）完成八成。"), ("（五）", [], "滞后", "（1）完成初审。")]


def test_a_table_cut_by_group_lines_and_its_remarks():
    text = ("序号\t工作任务\t责任单位\t进展情况\t完成情况\t备注\n"
            "一、重点工作\n"
            "1\t增加学位\t区教育局\t新建。\t顺利推进\t无\n"
            "\t\t区工务局\t施工。\t滞后\t\n"
            "二、民生实事\n"
            "\t\t区城管局\t选址。\t已完成\t\n"      # no task above it in its group: not the task before the group
            "2\t建设公园\t区城管局\t选址。\t已完成\t推迟一月\n")
    items = _items(text)
    assert [(i.number, i.heading, i.units, i.evaluation, i.remark) for i in items] == [
        ("1", "增加学位", ["区教育局"], "顺利推进", "无"), ("1", "增加学位", ["区工务局"], "滞后", ""),
        (None, "", ["区城管局"], "已完成", ""), ("2", "建设公园", ["区城管局"], "已完成", "推迟一月")]


def test_an_evaluation_saying_two_things_and_one_on_two_lines():
    assert contrary_clause("按计划推进，部分滞后") == "部分滞后"
    assert contrary_clause("按进度完成，达到预期目标。") is None and contrary_clause("已完成，无滞后") is None
    assert contrary_clause("滞后，已督促加快") is None             # the first clause is the verdict, and is not hopeful
    assert phrase("正在推进\n详见附件") == "正在推进"


def test_a_completion_column_is_the_progress_beside_an_evaluation_column_and_the_evaluation_beside_progress():
    year_end = ("序号\t工作任务\t责任单位\t年度目标\t完成情况\t目标完成情况\n"
                "1\t增加学位\t区教育局\t3万个\t新增学位3.1万个。\t已完成\n")
    assert [(i.heading, i.progress, i.evaluation) for i in _items(year_end)] == [("增加学位", "新增学位3.1万个。", "已完成")]
    quarter = ("序号\t工作任务\t责任单位\t进展情况\t完成情况\n"
               "1\t增加学位\t区教育局\t新建。\t顺利推进\n")
    assert [(i.progress, i.evaluation) for i in _items(quarter)] == [("新建。", "顺利推进")]
    verdicts = ("序号\t工作任务\t责任单位\t完成情况\t目标完成情况\n"
                "1\t增加学位\t区教育局\t已完成\t按进度完成\n")
    assert _items(verdicts) == []
    report = ReportText(verdicts, text_blocks(verdicts))
    assert "完成情况 holds only evaluation words" in table_trouble(report)
