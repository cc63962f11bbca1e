"""check_rows (flows/updates/batch.py) against check_row, row by row: the batch path must give every row exactly
the Report or the problems the one-row path gives it, and the DuckDB rules (sql/rules/update_checks.sql) alone
must accept exactly the rows check_row accepts, with the same fields (never too lenient, never too strict)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.bench.corpus import CorpusSpec, write_corpus
from flows.pipeline import discover_inputs, parse_inputs
from flows.updates.batch import accepted_rows, check_rows
from flows.updates.format import COLUMNS, load_statuses, map_columns
from flows.updates.rules import Report, check_row
from flows.updates.ingest import papers_of
from flows.tables.frames import to_frame
from tests.updates.fixtures import DOC, _target, paper_tables

AS_OF = dt.date(2026, 12, 31)


def _rows(cells: list[dict], doc: str) -> pd.DataFrame:
    return pd.DataFrame([{"document_id": doc, "clean_read": True, **{c: row.get(c, "") for c in COLUMNS}} for row in cells])


def _one_by_one(rows: pd.DataFrame, papers, as_of, statuses) -> list:
    return [check_row({c: r[c] for c in COLUMNS}, papers[r["document_id"]], as_of, statuses) for _, r in rows.iterrows()]


def _batch(rows: pd.DataFrame, papers, as_of, statuses) -> list:
    reports, others = check_rows(rows, papers, as_of, statuses)
    out = []
    for i in rows.index:
        if i in others:
            out.append(others[i])
        else:
            fields = {k: (None if isinstance(v, float) and v != v else v) for k, v in reports.loc[i].to_dict().items()}
            out.append(Report(**fields))
    return out


def _sql_alone(rows: pd.DataFrame, papers, as_of, statuses) -> list:
    """What the DuckDB rules give each row: its Report when they accept it (note from the cell), else None."""
    passed = accepted_rows(rows, papers, as_of, statuses).to_pylist()
    out: list = [None] * len(rows)
    for fields in passed:
        i = fields.pop("row_i")
        note = rows["note"].iloc[i].strip() or None
        out[i] = Report(document_id=rows["document_id"].iloc[i], note=note, **fields)
    return out


def _agree(rows: pd.DataFrame, papers, as_of, statuses) -> list:
    """Assert both: check_rows gives every row what check_row does, and the DuckDB rules accept exactly the rows
    check_row accepts, with the same Report. Returns check_row's results."""
    expected = _one_by_one(rows, papers, as_of, statuses)
    assert _batch(rows, papers, as_of, statuses) == expected
    assert check_rows(rows, papers, as_of, statuses)[0].index.is_monotonic_increasing   # settling keeps the first
    assert _sql_alone(rows, papers, as_of, statuses) == [e if isinstance(e, Report) else None for e in expected]
    return expected


def _corpus_rows(raw) -> tuple[pd.DataFrame, dict, dict]:
    inputs = discover_inputs(raw)
    parsed = parse_inputs(inputs)
    papers = papers_of(parsed.tables, sorted(parsed.tables["documents"]["document_id"]))
    frames = []
    for path, read in parsed.updates.items():
        mapping, _ = map_columns(read.header)
        frames.append(pd.DataFrame({"document_id": path.parent.name, "clean_read": True,
                                    **{c: read.cells[mapping[c]] if c in mapping else "" for c in COLUMNS}}))
    rows = pd.concat(frames, ignore_index=True)
    return rows, papers, load_statuses(inputs.lookups_dir)


@pytest.mark.parametrize("bad_share", [0.2, 0.6])
def test_every_bench_corpus_row_gets_what_check_row_gives_it(tmp_path, bad_share):
    """The bench corpus's own rows, with its share of bad rows of every kind it makes."""
    raw = tmp_path / "raw"
    write_corpus(CorpusSpec(papers=3, update_rows=3000, bad_share=bad_share, rows_per_file=300), raw)
    rows, papers, statuses = _corpus_rows(raw)
    expected = _agree(rows, papers, AS_OF, statuses)
    assert 0 < sum(isinstance(e, list) for e in expected) < len(expected)
    codes = {p.code for e in expected if isinstance(e, list) for p in e}
    assert {"unknown_task", "bad_date", "date_in_future", "unknown_status", "unknown_department",
            "percent_contradicts_status"} <= codes


@pytest.mark.parametrize("cells", [
    {"task": "2", "quarter": "Q4", "department": "乙处", "reported_on": "2014-12-31", "status": "已完成", "percent_complete": "100%",
     "actual_value": "1,012", "evidence_url": " https://example.org/r ", "note": "  "},
    {"task": "３", "quarter": "第一季度", "department": "丙处牵头", "reported_on": "2014/3/31", "status": "推进中", "percent_complete": "0"},
    {"task": "3", "quarter": "1", "department": "甲处", "reported_on": "20140331", "status": "not_started", "actual_value": "5家"},
    {"task": "3", "quarter": "1", "department": "丙处", "reported_on": "2014-03-31", "status": "completed", "percent_complete": "99"},
    {"task": "1", "quarter": "3", "department": "乙处", "reported_on": "2015-02-01", "status": "delayed"},
    {"task": "", "quarter": "5", "department": "丁处", "reported_on": "2014-02-30", "status": "done", "evidence_url": "ftp://x"},
    {"task": "1", "quarter": "2", "department": "甲处", "reported_on": "2014-6-22 25:99", "status": "completed"},
    {"task": "1", "quarter": "2", "department": "甲处", "reported_on": "2014-06-22 10:30", "status": "completed"},
])
def test_one_row_at_a_time_and_in_batch_agree(cells):
    tables = paper_tables()
    papers = papers_of(tables, [DOC])
    rows = _rows([cells, cells], DOC)
    statuses = load_statuses()
    as_of = dt.date(2015, 1, 31)
    _agree(rows, papers, as_of, statuses)


# Cells as divisions write them for the tiny paper (tests/updates/fixtures.py): every spelling a rule reads, and
# near misses of each. Task 2's target is restated by its fourth quarter; task 3 has two targets in 家 and 个;
# task 1 plans nothing for its third quarter and has no quantified target. Here also: task 3 has no second
# quarter, its fourth restates 3家以上, and task 2 states 超过1000家 twice (the first one listed is the one meant).
CELLS = {
    "task": ["1", "2", "3", "３", "三", "(二)", "（一）", "4", "0", "十", "tiny-2014-02", "TINY-2014-03", "tiny-2014-09",
             "任务一", "", " ", "99999999999999999999999"],
    "quarter": ["1", "2", "3", "4", "Q4", "q2", "第三季度", "第四季度", "四", "5", "0", "Q", "一1", ""],
    "department": ["甲处", "乙处", "丙处", "丁处", "丙处牵头", "甲处（配合）", "tiny-division-b", "Division 甲", "division_乙",
                   "甲 处", ""],
    "reported_on": ["2014-03-31", "2014/6/30", "2014年9月30日", "20141231", "2013-12-31", "2014-01-01", "2015-01-31",
                    "2015-02-01", "2014-02-30", "2014-06-30T17:00:00+08:00", "３０ June", "2014-6-22 25:99",
                    "2014-06-22 10:30", "2014-06-22T10:30:00", "2014-06-22 10:61", ""],
    "status": ["completed", "已完成", "in_progress", "推进中", "not_started", "未启动", "delayed", "cancelled", "done",
               "Completed", ""],
    "percent_complete": ["", "0", "0%", "100", "100％", "60", "60.5%", "101", "-1", "六十", "50家", " "],
    "actual_value": ["", "1,012", "1050家", "1.2万家", "5家", "38个", "38", "12项", "abc", "0", " "],
    "evidence_url": ["", "https://example.org/r", " http://x.cn/a?b=1 ", "ftp://x", "https://", "example.org",
                     "https://exa mple.org", "https://[::1]/r", "https://[x/r"],
    "note": ["", "  ", "进展顺利", " 见附件 "],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({c: st.sampled_from(v) for c, v in CELLS.items()}), min_size=1, max_size=40),
       st.sampled_from([dt.date(2014, 6, 30), dt.date(2015, 1, 31)]))
def test_the_duckdb_rules_accept_exactly_the_rows_check_row_accepts(cells, as_of):
    _agree(_rows(cells, DOC), _tiny_papers(), as_of, load_statuses())


def _tiny_papers() -> dict:
    tables = paper_tables()
    tables["milestones"] = tables["milestones"][tables["milestones"]["milestone_id"] != f"{DOC}-03-q2"]
    more = [_target(f"{DOC}-02-t2", 2, None, ">", 1000.0, "家", "超过1000家"),
            _target(f"{DOC}-03-q4-t1", 3, f"{DOC}-03-q4", ">=", 3.0, "家", "3家以上")]
    tables["targets"] = pd.concat([tables["targets"], to_frame(more, "targets")], ignore_index=True)
    return papers_of(tables, [DOC])


def test_the_fixture_vocabulary_reaches_every_rule():
    """The cells above make check_row accept rows and give each of its reasons (else the property proves little)."""
    rows = _rows([dict(zip(CELLS, combo)) for combo in _combos()], DOC)
    results = _agree(rows, _tiny_papers(), dt.date(2015, 1, 31), load_statuses())
    codes = {p.code for r in results if isinstance(r, list) for p in r}
    assert sum(isinstance(r, Report) for r in results) > 50
    assert {r.target_id for r in results if isinstance(r, Report)} >= {"tiny-2014-02-t1", "tiny-2014-02-q4-t1", "tiny-2014-03-t1",
                                                                        "tiny-2014-03-t2", "tiny-2014-03-q4-t1"}
    assert codes >= {"unknown_task", "bad_quarter", "quarter_out_of_range", "unknown_department", "department_not_responsible",
                     "bad_date", "date_before_plan_year", "date_in_future", "unknown_status", "bad_percent",
                     "percent_out_of_range", "percent_contradicts_status", "unknown_milestone", "empty_milestone",
                     "bad_actual_value", "actual_value_without_target", "actual_value_unit", "ambiguous_actual_value",
                     "bad_url", "missing_task"}


@pytest.mark.parametrize("reported_on, accepted", [("2014-3-31 25:99", False), ("2014-03-31 10:61", False),
                                                   ("2014-03-31 10:30", True), ("2014-03-31T10:30:00", True)])
def test_a_time_of_day_that_does_not_exist_rejects_the_row_in_both_paths(reported_on, accepted):
    # 2014-3-31 25:99 used to be accepted as 31 March, the time ignored, by check_row and the SQL rules alike
    cells = {"task": "3", "quarter": "1", "department": "丙处", "reported_on": reported_on, "status": "in_progress"}
    [result] = _agree(_rows([cells], DOC), _tiny_papers(), dt.date(2015, 1, 31), load_statuses())
    if accepted:
        assert isinstance(result, Report) and result.reported_on == dt.date(2014, 3, 31)
    else:
        assert [p.code for p in result] == ["bad_date"] and reported_on in result[0].message


def _combos() -> list[tuple]:
    """Rows walking every column's cells against a valid base row, and a grid of task × quarter × actual value."""
    base = {"task": "3", "quarter": "1", "department": "丙处", "reported_on": "2014-03-31", "status": "in_progress",
            "percent_complete": "", "actual_value": "", "evidence_url": "", "note": ""}
    combos = []
    for column, values in CELLS.items():
        for value in values:
            combos.append(tuple({**base, column: value}[c] for c in CELLS))
    for status in CELLS["status"]:
        for percent in CELLS["percent_complete"]:
            combos.append(tuple({**base, "status": status, "percent_complete": percent}[c] for c in CELLS))
    for task in CELLS["task"][:7]:
        for quarter in ("1", "2", "3", "4"):
            for department in ("甲处", "乙处", "丙处"):
                for actual in CELLS["actual_value"]:
                    combos.append(tuple({**base, "task": task, "quarter": quarter, "department": department,
                                         "actual_value": actual}[c] for c in CELLS))
    return combos
