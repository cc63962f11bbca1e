"""A report as the web page a government site serves: GBK, laid out in a table, scripts and navigation around."""


# the report's web-page and Word forms reuse the white papers' readers; without them they are not offered

from flows.updates.reports.items import report_items  # noqa: E402
from flows.updates.reports.web_page import read_web_page  # noqa: E402
from tests.updates.reports.fixtures import NARRATIVE, html_page  # noqa: E402


def test_a_narrative_page_laid_out_in_a_table_and_encoded_in_gbk():
    inner = html_page(NARRATIVE).split("<body>", 1)[1].split("</body>", 1)[0]
    page = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gbk'></head><body>"
            "<table><tr><td><div style='display:none'>（九）隐藏的项目。</div>菜单</td><td>" + inner +
            "</td></tr></table></body></html>").encode("gbk")
    report = read_web_page(page, "q2.html")
    items = report_items(report)
    assert [(i.number, i.evaluation) for i in items] == [(item.number, item.evaluation) for item in NARRATIVE.items]
    assert items[1].progress == "1.完成受理（测试）。\n2.完成初审（测试）。"
    assert "var x" not in report.text and "隐藏的项目" not in report.text    # script and hidden text are not the page's
