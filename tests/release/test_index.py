"""curated/index.html (flows/release/index.py): every release, newest first, each linking to its report."""

from __future__ import annotations

import datetime as dt
import re

from tests.release.fixtures import publish_tiny, tiny_tables
from flows.release.index import INDEX_FILE, refresh_release_index, release_entries


def changed():
    tables = tiny_tables()
    tables["tasks"].loc[1, "title_zh"] = "建设创新载体(修订)"
    return tables


def test_every_publish_rewrites_the_index_newest_first_with_links_to_the_reports(tmp_path):
    first = publish_tiny(tmp_path, as_of=dt.date(2014, 10, 1))
    assert re.findall(r'data-release="([^"]+)"', (tmp_path / INDEX_FILE).read_text(encoding="utf-8")) == [first.release_id]
    second = publish_tiny(tmp_path, tables=changed(), as_of=dt.date(2014, 12, 31))
    html = (tmp_path / INDEX_FILE).read_text(encoding="utf-8")
    assert re.findall(r'data-release="([^"]+)"', html) == [second.release_id, first.release_id]
    for result in (first, second):
        href = f"releases/{result.release_id}/report/index.html"
        assert f'href="{href}"' in html and (tmp_path / href).is_file()
    latest_row = re.search(rf'<tr data-release="{second.release_id}">.*?</tr>', html, flags=re.S).group()
    assert "最新" in latest_row and "最新" not in re.search(rf'<tr data-release="{first.release_id}">.*?</tr>', html,
                                                           flags=re.S).group()


def test_pointing_latest_back_moves_the_latest_mark(tmp_path):
    first = publish_tiny(tmp_path)
    publish_tiny(tmp_path, tables=changed(), as_of=dt.date(2014, 12, 31))
    publish_tiny(tmp_path)
    entries = release_entries(tmp_path)
    assert [(e["release_id"], e["is_latest"]) for e in entries][-1] == (first.release_id, True)
    assert sum(e["is_latest"] for e in entries) == 1


def test_staging_folders_are_left_out(tmp_path):
    result = publish_tiny(tmp_path)
    (tmp_path / "releases" / ".staging-abc").mkdir()
    assert [e["release_id"] for e in release_entries(tmp_path)] == [result.release_id]


def test_every_folder_releases_json_lists_is_on_the_page_one_without_a_manifest_marked_damaged_with_its_problem(tmp_path):
    """releases.json lists a release folder whose manifest.json is gone (or is not a JSON object) with its problem;
    the page a reader opens must show the same folders, with the same problem, behind the same damaged badge."""
    from flows.release.history import release_history
    from flows.release.state import reconcile

    first = publish_tiny(tmp_path, as_of=dt.date(2014, 10, 1))
    second = publish_tiny(tmp_path, tables=changed(), as_of=dt.date(2014, 12, 31))
    (tmp_path / "releases" / first.release_id / "manifest.json").unlink()
    (tmp_path / "releases" / "2014-06-30-0badf00d").mkdir()
    (tmp_path / "releases" / "2014-06-30-0badf00d" / "manifest.json").write_text("[]")
    reconcile(tmp_path)
    listed = {r["release_id"]: r.get("problem") for r in release_history(tmp_path)["releases"]}
    html = (tmp_path / INDEX_FILE).read_text(encoding="utf-8")
    assert set(re.findall(r'data-release="([^"]+)"', html)) == set(listed) == {
        first.release_id, second.release_id, "2014-06-30-0badf00d"}
    for release_id, problem in listed.items():
        row = re.search(rf'<tr data-release="{release_id}">(.*?)</tr>', html, flags=re.S).group(1)
        if problem is None:
            assert 'data-field="damaged"' not in row
            continue
        assert problem == f"releases/{release_id}/manifest.json is missing or not JSON"
        assert 'data-field="damaged"' in row and f'<span class="en" lang="en" data-field="problem">{problem}</span>' in row
        assert f'href="releases/{release_id}/"' in row and "no manifest.json" in row
    assert re.findall(r'data-release="([^"]+)"', html)[0] == second.release_id   # the dated releases first


def test_a_failure_to_write_the_index_is_told_not_raised(tmp_path):
    (tmp_path / INDEX_FILE).mkdir()  # a folder where the page should go: os.replace fails
    note = refresh_release_index(tmp_path)
    assert note.startswith(f"; {INDEX_FILE} was not rebuilt (") and "write_release_index" in note
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index")], "no temporary file is left behind"


def test_the_index_tells_spreadsheet_users_which_file_to_open_in_both_languages(tmp_path):
    publish_tiny(tmp_path)
    note = re.search(r'<p data-field="spreadsheet">(.*?)</p>', (tmp_path / INDEX_FILE).read_text(encoding="utf-8"),
                     flags=re.S).group(1)
    assert "请打开发布文件夹中的 <code>whitepaper.xlsx</code>" in note and "Open <code>whitepaper.xlsx</code>" in note
    assert "UTF-8" in note and "BOM" in note


def test_each_headline_is_that_of_the_whole_milestone_status_though_only_its_columns_are_read(tmp_path_factory):
    from flows.release.files import read_parquet
    from flows.report.sections import headline
    from tests.demo_release import demo_release

    release = demo_release(tmp_path_factory)
    entry = next(e for e in release_entries(release.parent.parent) if e["release_id"] == release.name)
    whole = read_parquet(release / "data" / "milestone_status.parquet")
    assert entry["headline"] == headline(whole) and entry["headline"]["known"] > 0


def test_a_release_whose_outcomes_are_unknown_shows_not_reported_never_zero():
    from flows.release.index import render_release_index

    def entry(release_id, known, illustrative=False):
        return {"release_id": release_id, "as_of": "2015-01-31", "created": "2026-12-01T00:00:00Z", "version": "2.0.0",
                "title": "白皮书 / White papers", "href": "x", "has_report": True, "folder": "f/", "is_latest": False, "damaged": [],
                "illustrative": illustrative, "headline": {"planned": 39, "completed": 5 if known else 0, "on_time": 0,
                                                           "overdue": 2 if known else 0, "unreported": 7, "not_reported": 30,
                                                           "known": known}}

    html = render_release_index([entry("2015-01-31-unknown0", 0), entry("2015-01-31-known000", 7, illustrative=True)])
    row = lambda release_id: re.search(rf'<tr data-release="{release_id}">(.*?)</tr>', html, flags=re.S).group(1)
    unknown, known = row("2015-01-31-unknown0"), row("2015-01-31-known000")
    assert "0 / 39" not in unknown and unknown.count("not reported") == 2 and "7 / 39" in unknown
    assert "5 / 39" in known and '<td class="num">2</td>' in known and "7 / 39" in known
    assert 'data-field="illustrative"' in known and 'data-field="illustrative"' not in unknown
