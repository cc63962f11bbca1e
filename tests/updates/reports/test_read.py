"""Progress reports on the seed, in both shapes and every form: each item becomes the expected update or rejection."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from flows.updates.ingest import ingest_updates
from flows.updates.reports import forms
from flows.updates.reports.read import read_report
from flows.updates.read import FileProblem
from tests.updates.reports.fixtures import (NARRATIVE, NARRATIVE_CODES, NARRATIVE_ROWS, PUBLISHED, TABLE, TABLE_CODES,
                                            TABLE_ROWS, write_report)

AS_OF = dt.date(2015, 1, 31)
FORMS = sorted(set(forms.FORMS.values()))
SHAPES = {"narrative": (NARRATIVE, NARRATIVE_ROWS, NARRATIVE_CODES), "table": (TABLE, TABLE_ROWS, TABLE_CODES)}


def _ingest(tmp_path, seed, *paths):
    return ingest_updates(list(paths), seed.tables, AS_OF, root=tmp_path)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("shape", SHAPES)
def test_every_item_becomes_the_expected_update_or_rejection(tmp_path, seed, form, shape):
    report, expected, codes = SHAPES[shape]
    path = write_report(tmp_path / "raw" / "updates" / "szsti-2014", report, form)
    result = _ingest(tmp_path, seed, path)
    source = f"raw/updates/szsti-2014/{path.name}"
    rows = result.updates.sort_values("source_row")
    accepted = {r: e for r, e in enumerate(expected, start=1) if e}
    assert list(rows["source_row"]) == list(accepted)
    # the note is the progress as written: its paragraphs' own indentation included (page text keeps it)
    got = [(r.task_id, r.department_id, r.status, re.sub(r"\n\s+", "\n", r.note)) for r in rows.itertuples()]
    assert got == list(accepted.values())
    assert set(rows["quarter"]) == {2} and set(rows["reported_on"]) == {PUBLISHED}
    assert set(rows["milestone_id"]) == {f"{t}-q2" for t, *_ in accepted.values()}
    text = result.sources[rows["report_id"].iloc[0]]
    for r in rows.itertuples():
        item = text[r.source_start:r.source_end]       # the offsets hold the item: its progress and its verdict
        assert r.note in item and r.status_text_zh in item and r.source_file == source and r.note in text
    assert dict(zip(result.rejections["source_row"], result.rejections["reason_codes"])) == codes
    assert result.rejections["report_id"].notna().all() and result.rejections["source_start"].notna().all()
    assert result.file_counts[source] | {"document_id": None} == {
        "document_id": None, "rows_read": len(expected), "rows_accepted": len(accepted), "rows_rejected": len(codes),
        "file_rejected": False, "report_id": rows["report_id"].iloc[0]}


@pytest.mark.parametrize("form", FORMS)
def test_how_each_row_was_matched_is_recorded(tmp_path, seed, form):
    narrative = _ingest(tmp_path, seed, write_report(tmp_path / "n" / "szsti-2014", NARRATIVE, form)).updates.set_index("source_row")
    table = _ingest(tmp_path, seed, write_report(tmp_path / "t" / "szsti-2014", TABLE, form)).updates.set_index("source_row")
    assert set(narrative["task_match_method"]) == {"number+wording"}
    # 序号 1 is task 3: a running number, so the wording alone; 2 is task 2, confirmed by its wording
    assert table.loc[1, "task_match_method"] == "wording" and table.loc[2, "task_match_method"] == "number+wording"
    assert (narrative["task_match_score"] >= 60).all() and (table["task_match_score"] >= 60).all()
    assert narrative.loc[2, "department_source"] == "task_lead" and narrative.loc[1, "department_source"] == "named"
    assert table.loc[4, "department_source"] == "task_lead"
    assert set(narrative["period_end"]) == {dt.date(2014, 6, 30)}


def test_the_rejections_name_the_reason_and_the_best_candidate(tmp_path, seed):
    result = _ingest(tmp_path, seed, write_report(tmp_path / "szsti-2014", NARRATIVE, "text"))
    reasons = dict(zip(result.rejections["source_row"], result.rejections["reasons"]))
    assert "numbered 12, but szsti-2014 has tasks 1–10" in reasons[5] and "best candidate by wording" in reasons[5]
    assert "unknown status '稳中有进'" in reasons[6] and "raw/lookups/statuses.csv" in reasons[6]
    assert "numbered as task 4" in reasons[7] and "best candidate by wording: task 9 '突出创新增效。' (100)" in reasons[7]


def test_a_report_without_a_date_is_rejected_as_a_whole(tmp_path, seed):
    path = write_report(tmp_path / "szsti-2014", dataclasses.replace(NARRATIVE, published="来源：市科技创新委"), "text")
    result = _ingest(tmp_path, seed, path)
    assert result.updates.empty and list(result.rejections["level"]) == ["file"]
    assert result.rejections["reason_codes"].iloc[0] == "report_without_date"
    assert "no publication date" in result.rejections["reasons"].iloc[0]
    assert result.file_counts[f"szsti-2014/{path.name}"]["rows_read"] == 0 and result.sources == {}


def test_a_title_without_a_period_and_a_file_without_items_are_file_rejections(tmp_path):
    no_period = write_report(tmp_path / "a", dataclasses.replace(NARRATIVE, title="白皮书进展情况", intro="各项任务进展如下："),
                             "text")
    assert read_report(no_period).code == "report_without_quarter"
    stated = write_report(tmp_path / "c", dataclasses.replace(NARRATIVE, title="白皮书进展情况"), "text")
    assert read_report(stated).cells["quarter"].to_pylist()[0] == "2"   # its intro: 截至2014年6月30日
    months = write_report(tmp_path / "b", dataclasses.replace(NARRATIVE, title="2014年度公共服务白皮书1-10月进展情况"), "text")
    problem = read_report(months)
    assert problem.code == "report_period_not_quarter"
    assert "'1-10月'" in problem.message and "第三季度" in problem.message
    prose = tmp_path / "prose.txt"
    prose.write_text("通知\n发布时间：2014-07-10\n请各单位报送进展。\n", encoding="utf-8")
    assert read_report(prose) == FileProblem("not_a_report", read_report(prose).message)
    assert "进度评价" in read_report(prose).message


def test_a_report_of_another_year_is_rejected_row_by_row(tmp_path, seed):
    report = dataclasses.replace(NARRATIVE, title="2015年度公共服务白皮书第二季度进展情况", published="发布时间：2015-01-10")
    result = _ingest(tmp_path, seed, write_report(tmp_path / "szsti-2014", report, "text"))
    assert result.updates.empty
    assert all("report_year_mismatch" in codes for codes in result.rejections["reason_codes"])


@pytest.mark.parametrize("name, content", [("q2.txt", b""), ("q2.html", b""), ("q2.htm", b" \r\n"), ("q2.docx", b"")])
def test_an_empty_report_is_empty_not_undecodable(tmp_path, name, content):
    # it used to be `undecodable`, "expected a white paper in UTF-8…" (the paper reader's words), or for a page
    # and a Word file "not a web page lxml can read" / "not a zip archive"
    path = tmp_path / name
    path.write_bytes(content)
    problem = read_report(path)
    assert problem.code == "empty" and problem.message.startswith("the file is empty (")
    assert "expected a progress report (进展情况)" in problem.message and "white paper" not in problem.message


def test_a_web_page_report_nested_too_deep_for_lxml_is_refused_as_such(tmp_path):
    path = write_report(tmp_path / "szsti-2014", NARRATIVE, "html")
    page = path.read_text(encoding="utf-8")
    path.write_text(page.replace("<body>", "<body>" + "<div>" * 300).replace("</body>", "</div>" * 300 + "</body>"),
                    encoding="utf-8")
    problem = read_report(path)      # it was not_a_report, "no progress items found": the page was cut off at depth 256
    assert problem.code == "html_too_deep" and "nested more than 256 deep" in problem.message
