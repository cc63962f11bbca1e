"""The release report (flows/report/build.py) without a browser: its figures against the DuckDB views, its file list
against manifest.json, nothing loaded from the network, accessible structure (the sections as plain rows:
test_sections.py)."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from html.parser import HTMLParser

import duckdb
import pandas as pd
import pytest

from tests.release.fixtures import publish_tiny
from flows.report.build import build_report, human_bytes


class Page(HTMLParser):
    """Every start tag with its attributes, headings in order, and the text of elements marked data-figure/-field."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[int] = []
        self.marked: dict[str, str] = {}
        self._open: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        for key in ("data-figure", "data-field", "data-rating", "data-reason"):
            if key in attrs:
                self._open.append((tag, f"{key}={attrs[key]}"))
                self.marked[f"{key}={attrs[key]}"] = ""

    def handle_data(self, data):
        for _, key in self._open:
            self.marked[key] += data

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def number(self, key: str) -> int:
        return int(re.match(r"\s*(\d+)", self.marked[key]).group(1))


@pytest.fixture(scope="module")
def page(html):
    return Page(html)


@pytest.fixture(scope="module")
def con(release):
    con = duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True)
    yield con
    con.close()


def test_headline_figures_equal_the_duckdb_views(page, con):
    totals = con.execute("SELECT sum(milestones_planned), sum(milestones_completed), sum(milestones_on_time), "
                         "sum(milestones_overdue), sum(milestones_unreported_past_due), sum(milestones_not_reported) "
                         "FROM quarter_summary").fetchone()
    shown = tuple(page.number(f"data-figure={k}") for k in ("completed", "on_time", "overdue", "unreported", "not_reported"))
    assert shown == tuple(int(v) for v in totals[1:])
    assert f"/ {int(totals[0])}" in page.marked["data-figure=completed"]
    by_milestone = con.execute("SELECT count(*) FILTER (WHERE has_text AND is_completed), count(*) FILTER (WHERE is_on_time), "
                               "count(*) FILTER (WHERE is_overdue), count(*) FILTER (WHERE is_unreported_past_due), "
                               "count(*) FILTER (WHERE has_text AND status = 'not_reported') FROM milestone_status").fetchone()
    assert shown == by_milestone
    # the demo has reporting gaps (7 without its two progress reports, which close three), and the page says how
    # many in one sentence in each language
    assert shown[3] == 4 and re.search(r"有 (\d+) 个已到期", page.marked["data-field=coverage"]).group(1) == "4"
    assert "4 milestones past their due date have no report on their outcome" in page.marked["data-field=coverage"]
    assert page.marked["data-field=as_of"] == con.execute("SELECT as_of_date FROM release_info").fetchone()[0].isoformat()
    assert page.marked["data-field=release_id"] == con.execute("SELECT release_id FROM release_info").fetchone()[0]


def test_every_task_is_a_row_with_its_rating_and_four_quarters(html, page, con):
    ratings = dict(con.execute("SELECT task_id, rating FROM task_progress").fetchall())
    rows = re.findall(r'<tr id="([^"]+)" data-task="\1">(.*?)</tr>', html, flags=re.S)
    assert [task for task, _ in rows] == sorted(ratings)
    for task, row in rows:
        assert f'badge rating-{ratings[task]}"' in row
        assert len(re.findall(r'<td class="q"', row)) == 4
    counts = Counter(ratings.values())
    for code in ("red", "amber", "green", "not_reported"):
        assert page.number(f"data-rating={code}") == counts.get(code, 0)


def test_late_overdue_and_unreported_milestones_show_their_days(html, con):
    rows = con.execute("SELECT milestone_id, days_late, days_since_due, is_completed, is_overdue, is_unreported_past_due "
                       "FROM milestone_status WHERE days_late > 0 OR days_since_due IS NOT NULL").fetchall()
    assert {r[5] for r in rows} == {True, False}, "the demo has overdue and unreported milestones"
    for milestone, days_late, since_due, completed, overdue, unreported in rows:
        task = milestone.rsplit("-q", 1)[0]
        row = re.search(rf'<tr id="{task}".*?</tr>', html, flags=re.S).group()
        quarter = re.findall(r'<td class="q".*?</td>', row, flags=re.S)[int(milestone[-1]) - 1]
        if completed:
            assert f"晚 {days_late} 天" in quarter and "o-late" in quarter, milestone
        elif overdue:
            assert f"已过到期日 {since_due} 天" in quarter and "o-overdue" in quarter, milestone
        else:
            assert unreported and f"到期 {since_due} 天未报告" in quarter and "o-unreported" in quarter, milestone


def test_targets_met_count_distinct_promises_and_unknown_is_its_own_category(page, con):
    promises, met, missed, pending, unreported = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_met), count(*) FILTER (WHERE NOT is_met), "
        "count(*) FILTER (WHERE is_met IS NULL AND actual_value IS NOT NULL), "
        "count(*) FILTER (WHERE is_met IS NULL AND actual_value IS NULL) "
        "FROM target_attainment WHERE restates_target_id IS NULL").fetchone()
    assert (promises, met, missed, pending + unreported) == (8, 5, 0, 3)
    keys = ("promises", "targets_met", "targets_missed", "targets_pending", "targets_not_reported")
    assert tuple(page.number(f"data-field={k}") for k in keys) == (promises, met, missed, pending, unreported)


def test_refused_updates_are_counted_by_reason_as_in_update_rejections(page, con):
    assert page.number("data-field=updates_accepted") == con.execute("SELECT count(*) FROM updates").fetchone()[0]
    assert page.number("data-field=updates_rejected") == con.execute("SELECT count(*) FROM update_rejections").fetchone()[0]
    codes = Counter(code for (codes,) in con.execute("SELECT reason_codes FROM update_rejections").fetchall()
                    for code in codes.split(";"))
    assert {k.split("=", 1)[1]: int(v) for k, v in page.marked.items() if k.startswith("data-reason=")} == dict(codes)


def test_every_quality_note_and_target_is_shown(html, con):
    for (detail,) in con.execute("SELECT detail FROM quality_notes").fetchall():
        assert detail.replace("'", "&#39;").replace('"', "&#34;").replace("<", "&lt;") in html
    targets = [t for (t,) in con.execute("SELECT target_id FROM target_attainment ORDER BY target_id").fetchall()]
    assert re.findall(r'data-target="([^"]+)"', html) == targets


def test_every_file_of_the_manifest_is_listed_with_its_size_and_sha256(html, release):
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["path"] for e in manifest["outputs"]}
    assert "report/index.html" in listed, "the report is built before the manifest, so the manifest hashes it"
    for entry in manifest["outputs"]:
        if entry["path"].startswith("report/"):
            continue  # the page cannot contain its own checksum; manifest.json (linked from the page) has it
        row = re.search(rf'<tr data-path="{re.escape(entry["path"])}">(.*?)</tr>', html, flags=re.S)
        assert row, entry["path"]
        assert entry["sha256"] in row.group(1) and f'data-bytes="{entry["bytes"]}"' in row.group(1)
        assert f'href="../{entry["path"]}"' in row.group(1)
    assert 'href="../manifest.json"' in html


def test_the_page_loads_nothing_from_the_network(html, page):
    assert not [a for tag, a in page.tags if tag == "script"], "the page runs no script"
    for tag, attrs in page.tags:
        for key in ("src", "srcset", "data", "poster", "xlink:href"):
            assert not re.match(r"\s*(https?:)?//", attrs.get(key) or ""), (tag, attrs)
        if tag == "link":
            assert not re.match(r"\s*(https?:)?//", attrs.get("href") or ""), (tag, attrs)
    styles = "".join(re.findall(r"<style>(.*?)</style>", html, flags=re.S))
    assert "@import" not in styles and "@font-face" not in styles and not re.search(r"url\(\s*['\"]?(https?:)?//", styles)
    assert not re.search(r"<image\b", html), "charts are vector text and shapes, nothing rasterised"
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp.startswith("default-src 'none'")


def test_the_page_is_accessible_in_structure(html, page):
    assert ("html", {"lang": "zh-CN"}) in page.tags
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), page.headings
    for table in re.findall(r"<table\b.*?</table>", html, flags=re.S):
        assert "<caption>" in table and '<th scope="col"' in table
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert len(svgs) == 6, "three charts, each at desktop and phone width"
    assert all('role="img"' in s and 'aria-label="' in s for s in svgs)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_it_is_bilingual_with_the_schema_descriptions(html):
    assert "部门记分卡" in html and "Division scorecard" in html
    # A column's Chinese label and English description come from its Pandera field.
    assert 'title="Of the due milestones, those on time (is_on_time): completed as of as_of_date' in html
    assert "示例数据（虚构）" in html and "Illustrative data, made up" in html


def test_first_release_says_so_and_a_changes_table_is_rendered(release, tmp_path):
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    (copy / "manifest.json").unlink()
    (copy / "data" / "changes.parquet").unlink(missing_ok=True)
    assert "First release / no change data." in build_report(copy).read_text(encoding="utf-8")
    pytest.importorskip("flows.release.change_summary")
    changes = pd.DataFrame({"table_name": ["milestone_status", "updates"], "row_key": ["szsti-2014-03-q4", "u-1"],
                            "change_type": ["changed", "added"], "column_name": ["status", "*"],
                            "old_value": ["not_reported", None], "new_value": ["completed", '{"update_id": "u-1"}']})
    changes.to_parquet(copy / "data" / "changes.parquet")
    page = Page(build_report(copy).read_text(encoding="utf-8"))
    assert page.number("data-field=changes") == 2
    assert "milestone newly completed" in page.marked["data-field=change_summary"]


def test_a_release_without_summary_tables_still_gets_a_report(tmp_path):
    result = publish_tiny(tmp_path)
    html = (result.release_dir / "report" / "index.html").read_text(encoding="utf-8")
    assert "This release has no milestone_status, task_progress, status_rules table" in html
    assert '<tr data-path="data/tasks.csv">' in html
    assert (tmp_path / "index.html").is_file()


def test_the_report_is_rebuilt_the_same_from_the_same_release(release, tmp_path):
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    before = (copy / "report" / "index.html").read_bytes()
    assert build_report(copy).read_bytes() == before


@pytest.mark.parametrize("n, text", [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KB"), (5 * 1024 ** 2, "5.0 MB")])
def test_human_bytes(n, text):
    assert human_bytes(n) == text


def test_a_chart_of_more_rows_than_a_figure_can_show_is_left_out(monkeypatch):
    from flows.report import build as report

    drawn = []

    def chart(rows, narrow=False):
        drawn.append(len(rows))
        return "<svg/>"

    monkeypatch.setattr(report, "CHART_MAX_ROWS", 3)
    assert report._both(chart, pd.DataFrame({"a": range(4)})) is None and drawn == []
    assert report._both(chart, pd.DataFrame({"a": range(3)})) == {"wide": "<svg/>", "narrow": "<svg/>"} and drawn == [3, 3]


def test_the_citation_is_ready_to_paste_in_three_forms(page, con):
    release_id, content_hash = con.execute("SELECT release_id, content_hash FROM release_info").fetchone()
    text = page.marked["data-field=citation"]
    assert f"release {release_id}, data as of 2015-01-31" in text and text.endswith(f"sha256:{content_hash}.")
    assert "<" not in text and "URL" not in text
    assert page.marked["data-field=bibtex"].startswith(f"@misc{{whitepaper-{release_id},")
    assert json.loads(page.marked["data-field=csl-json"])[0]["id"] == f"whitepaper-{release_id}"


def test_spreadsheet_users_are_sent_to_the_workbook(page):
    note = page.marked["data-field=spreadsheet"]
    assert "请打开 whitepaper.xlsx" in note and "Open whitepaper.xlsx" in note and "without a byte-order mark" in note
