"""The illustrative update set: marked as made up, and the demo release answers what the README says it does."""

import datetime as dt
import json
import re

import duckdb
import pytest

from flows import paths
from flows.summaries.views import compute_summaries, summary_connection
from flows.updates.ingest import find_update_files, ingest_updates
from tests.demo_release import demo_release

EXAMPLES = paths.EXAMPLES / "updates"
README = (paths.EXAMPLES / "README.md").read_text(encoding="utf-8")
MAIN_README = (paths.REPO / "README.md").read_text(encoding="utf-8")
AS_OF = dt.date(2015, 1, 31)


@pytest.fixture(scope="module")
def demo(seed):
    ingest = ingest_updates(find_update_files(EXAMPLES), seed.tables, AS_OF, root=paths.REPO)
    tables = {**seed.tables, "updates": ingest.updates}
    return ingest, {**tables, **compute_summaries(tables, AS_OF)}


def test_every_example_file_is_marked_illustrative():
    files = find_update_files(EXAMPLES)
    assert {p.suffix for p in files} == {".csv", ".xlsx", ".json", ".txt"}
    assert all(p.name.startswith("ILLUSTRATIVE-") for p in files)
    reports = [p for p in files if p.suffix == ".txt"]
    assert len(reports) == 2 and all("示例数据（虚构）" in p.read_text(encoding="utf-8") for p in reports)
    assert "made up" in README and "Never copy them into `raw/updates/`" in README


def test_the_counts_the_readme_gives(demo):
    ingest, _ = demo
    read = sum(c["rows_read"] for c in ingest.file_counts.values())
    assert (read, len(ingest.updates), len(ingest.rejections)) == (66, 48, 18)
    assert "66 rows read, 48 accepted, 18 rejected" in README
    from_reports = {s: c for s, c in ingest.file_counts.items() if s.endswith(".txt")}
    assert sorted((c["rows_read"], c["rows_accepted"], c["rows_rejected"]) for c in from_reports.values()) == [(5, 4, 1), (6, 4, 2)]
    assert "The two\nreports give 11 of those rows: 8 accepted, 3 rejected" in README


def test_the_set_covers_every_status_division_and_kind_of_problem(demo):
    ingest, tables = demo
    assert set(ingest.updates["status"]) == {"not_started", "in_progress", "completed", "delayed", "cancelled"}
    assert ingest.updates["department_id"].nunique() >= 6 and ingest.updates["actual_value"].notna().sum() >= 6
    codes = set(";".join(ingest.rejections["reason_codes"]).split(";"))
    assert {"duplicate", "conflict", "unknown_task", "department_not_responsible", "date_in_future", "bad_url"} <= codes
    assert ingest.quality_notes["flag"].tolist() == ["update_conflict"]
    # task 4's last report (in_progress, 2014-12-20) predates its due date: a reporting gap, not amber; task 8 is
    # amber because the progress report of 2014-07-10 says 基本完成 (in progress) after its second quarter's due date
    ratings = tables["task_progress"].set_index("task_id")["rating"]
    assert set(ratings) == {"green", "not_reported", "red", "amber"}
    assert (ratings["szsti-2014-04"], ratings["szsti-2014-08"]) == ("not_reported", "amber")


def test_late_completions_are_the_ones_the_readme_lists(demo):
    _, tables = demo
    ms = tables["milestone_status"]
    late = ms[ms["is_completed"] & (ms["days_late"] > 0)].sort_values("days_late", ascending=False)
    listed = re.search(r"-- (szsti-2014-\d\d-q\d \d+(?:, szsti-2014-\d\d-q\d \d+)*)", README).group(1)
    assert [f"{m} {d}" for m, d in zip(late["milestone_id"], late["days_late"])] == listed.split(", ")


def test_the_1000_carrier_target_was_met_against_a_baseline_of_955(demo):
    _, tables = demo
    row = tables["target_attainment"].set_index("target_id").loc["szsti-2014-02-t1"]
    assert (row["baseline_value"], row["baseline_year"], row["actual_value"], row["actual_reported_on"], row["is_met"]) == (
        955.0, 2013, 1012.0, dt.date(2014, 12, 31), True)


def _answer(question: str) -> list[list[str]]:
    """The rows of the answer block after a question of the main README's demo section, cells as text."""
    block = MAIN_README.split(question, 1)[1].split("```\n│", 1)[1].split("```", 1)[0]
    return [[c.strip() for c in line.strip("│ \n").split("│")] for line in ("│" + block).splitlines()
            if line.strip() and "…" not in line]


def test_the_main_readmes_demo_answers_are_the_tables(demo):
    _, tables = demo
    late = tables["milestone_status"].query("days_late > 0 and first_completed_on.notna()", engine="python")
    late = late.sort_values("days_late", ascending=False)
    assert [[r[0], r[3]] for r in _answer("Which milestones were completed late")] == [
        [m, str(d)] for m, d in zip(late["milestone_id"], late["days_late"])]
    card = tables["department_scorecard"].set_index(["name_zh", "role"])
    shown = _answer("Each division's on-time rate")
    assert len(shown) == 8
    for name, role, due, known, unreported, on_time, pct in shown:
        row = card.loc[(name, role)]
        assert [due, known, unreported, on_time, pct] == [
            str(row["milestones_due"]), str(row["milestones_outcome_known"]), str(row["milestones_unreported_past_due"]),
            str(row["milestones_completed_on_time"]), f"{row['on_time_pct']:.1f}"], name
    targets = tables["target_attainment"]
    carriers = {r[0]: r for r in _answer("Was the 1000-carrier target met?")}
    assert carriers["szsti-2014-02-t1"][4:7] == ["1012.0", "2014-12-31", "true"]
    assert carriers["szsti-2014-02-q4-t1"][7] == "szsti-2014-02-t1"
    promises = targets[targets["restates_target_id"].isna()]
    counts = (len(targets), len(promises), int(promises["is_met"].eq(True).sum()), int(promises["is_met"].isna().sum()))
    assert counts == (12, 8, 5, 3)
    assert "the 12 quantified targets are 8 distinct promises\n(`restates_target_id IS NULL`): 5 met and 3 unknown" in MAIN_README


def test_every_query_in_the_readme_runs_in_duckdb(demo):
    ingest, tables = demo
    con = summary_connection(tables, AS_OF)
    con.register("update_rejections", ingest.rejections)
    queries = re.findall(r"```sql\n(.*?)```", README, flags=re.S)
    assert len(queries) == 6
    for block in queries:
        for statement in filter(str.strip, re.sub(r"--[^\n]*", "", block).split(";")):
            assert con.execute(statement).fetchall(), statement
    on_time = con.execute("select count(*) from department_scorecard where on_time_pct is not null").fetchall()
    assert on_time == [(12,)]


def test_reason_codes_in_the_updates_readme_are_the_ones_the_code_gives():
    readme = (paths.UPDATES / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)`", readme, flags=re.M))
    documented |= set(re.findall(r"`(missing_[a-z_]+)`", readme))
    documented -= {"task", "quarter", "department", "reported_on", "status", "percent_complete", "actual_value",
                   "evidence_url", "note"}
    source = "".join(f.read_text(encoding="utf-8") for f in sorted((paths.REPO / "flows" / "updates").rglob("*.py")))
    produced = set(re.findall(r'(?:Problem|OverBudget)\("([a-z_]+)"', source))
    produced |= {f"missing_{c}" for c in ("task", "quarter", "department", "reported_on", "status")}
    # a progress report read as a web page or text takes the rule of the page reader's SourceError as its code
    # (flows/updates/reports/read.py); empty is also a rule of its own there
    pages = "".join((paths.REPO / "flows" / "whitepaper" / m).read_text(encoding="utf-8") for m in ("html_page.py", "text.py"))
    produced |= set(re.findall(r'rule="([a-z_]+)"', pages))
    assert documented == produced


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return demo_release(tmp_path_factory)


def test_the_demo_release_publishes_the_progress_reports_with_their_texts(release):
    with duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True) as con:
        rows = con.execute("select report_id, source_start, source_end, note, status_text_zh from updates "
                           "where report_id is not null").fetchall()
        rejected = con.execute("select count(*) from update_rejections where report_id is not null").fetchone()[0]
    assert (len(rows), rejected) == (8, 3)
    for report_id, start, end, note, phrase in rows:
        text = (release / "sources" / f"{report_id}.txt").read_text(encoding="utf-8")
        assert note in text[start:end] and phrase in text[start:end]
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    reports = {e["path"].rsplit("/", 1)[-1]: e for e in manifest["inputs"] if e["path"].endswith(".txt") and e["kind"] == "update"}
    assert {n: (e["rows_read"], e["rows_accepted"], e["rows_rejected"]) for n, e in reports.items()} == {
        "ILLUSTRATIVE-2014-q2-narrative.txt": (6, 4, 2), "ILLUSTRATIVE-2014-q3-table.txt": (5, 4, 1)}
    assert all(f"sources/{e['report_id']}.txt" in {o["path"] for o in manifest["outputs"]} for e in reports.values())


def test_the_demo_summaries_count_what_the_reports_said(release):
    with duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True) as con:
        quarters = con.execute("select quarter, milestones_planned, milestones_completed, milestones_on_time, "
                               "milestones_overdue, milestones_unreported_past_due from quarter_summary order by quarter").fetchall()
        status = dict(con.execute("select milestone_id, status from milestone_status").fetchall())
        late = con.execute("select days_late from milestone_status where milestone_id = 'szsti-2014-06-q3'").fetchone()[0]
    # without the reports, Q2 has no milestone overdue and 2 unreported past due, Q3 6 completed and 1 unreported:
    # the reports turn those gaps into known outcomes (2 overdue in Q2, 1 more completed in Q3)
    assert quarters == [(1, 10, 9, 7, 1, 0), (2, 10, 8, 7, 2, 0), (3, 9, 7, 6, 1, 0), (4, 10, 5, 4, 1, 4)]
    # 05-q3 is a quarter the paper leaves empty: the report's item on it is rejected (empty_milestone), never rated
    assert [status[m] for m in ("szsti-2014-07-q2", "szsti-2014-08-q2", "szsti-2014-05-q3", "szsti-2014-06-q3")] == [
        "delayed", "in_progress", "not_reported", "completed"]
    assert late == 0   # 前三季度, published 15 October: it speaks for 30 September, the milestone's due date


def test_the_main_readme_shows_what_the_query_over_the_reports_gives(demo):
    ingest, _ = demo
    readme = (paths.REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("FROM updates WHERE report_id IS NOT NULL", 1)[1].split("```\n```\n", 1)[1].split("```", 1)[0]
    shown = [tuple(c.strip() for c in line.strip("│ \n").split("│")) for line in block.splitlines() if "szsti" in line]
    rows = ingest.updates[ingest.updates["report_id"].notna()].sort_values(["reported_on", "milestone_id", "department_id"])
    got = [(r.milestone_id, r.department_source, r.status_text_zh, r.status, r.task_match_method, str(r.source_start),
            str(r.source_end)) for r in rows.itertuples()]
    assert len(shown) == 5 and shown[:3] == got[:3] and shown[3:] == [g for g in got if g[0] in ("szsti-2014-06-q3", "szsti-2014-07-q3")]
