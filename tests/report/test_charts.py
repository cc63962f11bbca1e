"""The report's charts (flows/report/charts.py): vector SVG with its text as text, a text alternative, unique ids."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from flows.report import charts


def scorecard():
    return pd.DataFrame({
        "department_id": ["szsti-social-development", "szsti-high-tech-zone-development", "szsti-industrialisation"],
        "name_zh": ["社会发展处", "高新区发展处", "产业化处"],
        "name_en": ["Social Development Division", "High-Tech Zone Development Division", None],
        "role": ["lead", "lead", "support"],
        "milestones_due": [4, 4, 15], "milestones_completed": [4, 0, 12], "milestones_completed_on_time": [4, 0, 11],
        "milestones_overdue": [0, 3, 3], "milestones_unreported_past_due": [0, 1, 0],
        "milestones_outcome_known": [4, 3, 12], "on_time_pct": [100.0, 0.0, 91.7]})


@pytest.mark.parametrize("narrow", [False, True])
def test_scorecard_chart_is_an_image_whose_chinese_labels_are_text(narrow):
    svg = charts.scorecard_chart(scorecard(), narrow=narrow)
    assert svg.startswith("<svg") and 'role="img"' in svg
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert "社会发展处 Social Development Division 100% (4 of 4 with a known outcome on time, 0 overdue, 0 not reported)" in label
    assert "高新区发展处 High-Tech Zone Development Division 0% (0 of 3 with a known outcome on time, 3 overdue, 1 not reported)" in label
    assert "未报告 not reported" in svg, "unreported milestones are their own (grey) category, not overdue"
    assert "产业化处" not in label, "the chart shows the divisions' own (lead) tasks"
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "高新区发展处" in texts and "0%" in texts
    assert ("High-Tech Zone Development Division" in texts) != narrow, "English names only at desktop width"
    assert "<image" not in svg and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")


def test_quarter_chart_stacks_what_became_of_each_quarter():
    quarters = pd.DataFrame({"document_id": ["szsti-2014"] * 2, "quarter": [1, 4], "milestones_planned": [10, 10],
                             "milestones_completed": [9, 5], "milestones_on_time": [7, 4], "milestones_overdue": [1, 5],
                             "milestones_unreported_past_due": [0, 2], "milestones_cancelled": [0, 0]})
    svg = charts.quarter_chart(quarters)
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert "Q1 10 planned, 7 completed on time, 2 late, 1 overdue, 0 not reported, 0 cancelled" in label
    assert "Q4 10 planned, 4 completed on time, 1 late, 5 overdue, 2 not reported, 0 cancelled" in label
    assert "未报告 not reported" in svg and charts.OUTCOMES["unreported"][2] in svg
    assert "第一季度" in svg and "第四季度" in svg and "逾期完成 completed late" in svg


def test_targets_chart_is_none_without_any_figure_to_draw():
    targets = pd.DataFrame({"target_id": ["t-07-q3-t1"], "label": ["（七）产业集群"], "value_text_zh": ["1个"],
                            "due_date": ["2014-09-30"], "target_value": [1.0], "baseline_value": [None],
                            "actual_value": [None], "is_met": [None]})
    assert charts.targets_chart(targets) is None


def test_unique_ids_prefixes_ids_and_their_references():
    svg = ('<svg><defs><clipPath id="clip1"><rect/></clipPath><clipPath id="clip10"><rect/></clipPath></defs>'
           '<g clip-path="url(#clip1)"/><g clip-path="url(#clip10)"/><use href="#clip1"/></svg>')
    assert charts.unique_ids(svg, "quarters") == (
        '<svg><defs><clipPath id="quarters-clip1"><rect/></clipPath><clipPath id="quarters-clip10"><rect/></clipPath>'
        '</defs><g clip-path="url(#quarters-clip1)"/><g clip-path="url(#quarters-clip10)"/><use href="#quarters-clip1"/></svg>')


def test_accessible_svg_replaces_the_roles_vega_wrote_and_escapes_the_text():
    svg = '<svg class="marks" width="10" role="graphics-document" aria-roledescription="visualization"><g/></svg>'
    assert charts.accessible_svg(svg, '按时 "on time" <50%') == (
        '<svg class="marks" width="10" role="img" aria-label="按时 &quot;on time&quot; &lt;50%">'
        '<title>按时 &quot;on time&quot; &lt;50%</title><g/></svg>')
