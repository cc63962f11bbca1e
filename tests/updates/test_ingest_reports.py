"""A progress report beside contract files on the same milestones: the same settling and precedence rules."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.summaries.views import compute_summaries
from flows.updates.ingest import ingest_updates
from flows.updates.reports import forms
from tests.updates.fixtures import write_updates
from tests.updates.reports.fixtures import Item, Report, write_report

AS_OF = dt.date(2015, 1, 31)
REPORT = Report("2014年度公共服务白皮书第二季度进展情况", "发布时间：2014-07-10", [
    Item("（三）", "强化重大科技基础设施和创新载体开放运行、资源共享。", ["创新支撑处"], ["数据入库（测试）。"], "按进度完成"),
    Item("（五）", "实施“孔雀计划”，引进海外高层次创新团队。", [], ["完成初审（测试）。"], "顺利推进"),
    Item("（二）", "提升重点实验室、工程实验室、工程中心等建设发展质量。", ["产业化处"], ["配合评审（测试）。"], "滞后"),
    Item("（六）", "利用信息化手段，构建开放式创新平台。", [], ["发布指南（测试）。"], "已完成"),
])
CSV = [
    {"task": 3, "quarter": 2, "department": "创新支撑处", "reported_on": "2014-06-30", "status": "推进中"},
    {"task": 5, "quarter": 2, "department": "政策规划处", "reported_on": "2014-07-10", "status": "已完成"},
    {"task": 2, "quarter": 2, "department": "创新支撑处", "reported_on": "2014-07-10", "status": "已完成"},
    {"task": 6, "quarter": 2, "department": "创新服务处", "reported_on": "2014-07-10", "status": "已完成",
     "note": "发布指南（测试）。"},
]


@pytest.mark.parametrize("form", sorted(set(forms.FORMS.values())))
def test_a_report_and_a_csv_on_the_same_milestones_settle_by_the_same_rules(tmp_path, seed, form):
    folder = tmp_path / "raw" / "updates" / "szsti-2014"
    csv_path = write_updates(folder, "csv", CSV, name="a-division")
    report_path = write_report(folder, REPORT, form, name="b-report")
    result = ingest_updates([report_path, csv_path], seed.tables, AS_OF, root=tmp_path)
    report_file = f"raw/updates/szsti-2014/{report_path.name}"
    rejected = {(r.source_file.rsplit("/", 1)[-1], int(r.source_row)): r for r in result.rejections.itertuples()}
    # same division, milestone and date, different status: both rejected, each naming the other
    assert rejected[(report_path.name, 2)].reason_codes == "conflict" == rejected[("a-division.csv", 3)].reason_codes
    assert rejected[(report_path.name, 2)].conflicts_with == "raw/updates/szsti-2014/a-division.csv#3"
    # the same report twice (status and text): the first in path order is kept, the report's copy is a duplicate
    assert rejected[(report_path.name, 4)].duplicate_of == "szsti-2014-06-q2-szsti-innovation-services-20140710"
    assert len(result.rejections) == 3
    assert result.file_counts[report_file] | {"report_id": None} == {
        "document_id": "szsti-2014", "rows_read": 4, "rows_accepted": 2, "rows_rejected": 2, "file_rejected": False,
        "report_id": None}
    status = compute_summaries({**seed.tables, "updates": result.updates}, AS_OF)["milestone_status"].set_index("milestone_id")
    # the report (published 2014-07-10) speaks for 截至2014年6月30日, the day of the CSV's in_progress, and was made
    # later: its 按进度完成 is the milestone's status, completed by the due date, on time
    assert (status.loc["szsti-2014-03-q2", "status"], status.loc["szsti-2014-03-q2", "first_completed_on"],
            status.loc["szsti-2014-03-q2", "days_late"], status.loc["szsti-2014-03-q2", "reported_on"]) == (
        "completed", dt.date(2014, 6, 30), 0, dt.date(2014, 7, 10))
    # on one date the lead division's report wins over a supporting division's, whichever file it came from
    assert status.loc["szsti-2014-02-q2", "status"] == "completed"
    assert status.loc["szsti-2014-05-q2", "status"] == "not_reported"     # its only reports conflicted
    assert status.loc["szsti-2014-06-q2", "status"] == "completed"
