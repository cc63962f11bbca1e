"""The report columns: a report's id, and the reasons of a row said once."""

from flows.updates.read import Problem
from flows.updates.reports.fields import merge_problems, report_id


def test_report_ids_are_slugs_of_the_document_and_file_name():
    assert report_id("szsti-2014", "raw/updates/szsti-2014/ILLUSTRATIVE-2014-q2.html") == \
        "szsti-2014-report-illustrative-2014-q2-html"
    assert report_id("szsti-2014", "x/2014年第二季度.docx") == "szsti-2014-report-2014-docx"
    chinese = report_id("szsti-2014", "x/第二季度进展情况.docx")
    assert chinese.startswith("szsti-2014-report-") and chinese.endswith("-docx") and len(chinese) == len("szsti-2014-report-") + 13
    assert chinese != report_id("szsti-2014", "x/第三季度进展情况.docx")


def test_a_task_that_matched_nothing_is_said_once():
    task = Problem("unknown_task", "no such task")
    checked = [Problem("missing_task", "empty"), Problem("missing_department", "empty"), Problem("unknown_status", "x")]
    assert [p.code for p in merge_problems([task], checked)] == ["unknown_task", "unknown_status"]
    assert [p.code for p in merge_problems([], checked)] == ["missing_task", "missing_department", "unknown_status"]
