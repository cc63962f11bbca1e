"""check_rows (flows/updates/batch.py) against check_row, row by row: the batch path must give every row exactly
the Report or the problems the one-row path gives it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from flows.bench.corpus import CorpusSpec, write_corpus
from flows.pipeline import discover_inputs, parse_inputs
from flows.updates.batch import check_rows
from flows.updates.format import COLUMNS, load_statuses, map_columns
from flows.updates.rules import Report, check_row
from flows.updates.ingest import papers_of
from tests.updates.fixtures import DOC, paper_tables

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


def test_every_synthetic_row_gets_what_check_row_gives_it(tmp_path):
    raw = tmp_path / "raw"
    write_corpus(CorpusSpec(papers=3, update_rows=1500, bad_share=0.2, rows_per_file=300), raw)
    inputs = discover_inputs(raw)
    parsed = parse_inputs(inputs)
    papers = papers_of(parsed.tables, sorted(parsed.tables["documents"]["document_id"]))
    frames = []
    for path, read in parsed.updates.items():
        mapping, _ = map_columns(read.header)
        frames.append(pd.DataFrame({"document_id": path.parent.name, "clean_read": True,
                                    **{c: read.cells[mapping[c]] if c in mapping else "" for c in COLUMNS}}))
    rows = pd.concat(frames, ignore_index=True)
    statuses = load_statuses(inputs.lookups_dir)
    expected = _one_by_one(rows, papers, AS_OF, statuses)
    assert _batch(rows, papers, AS_OF, statuses) == expected
    assert 0 < sum(isinstance(e, list) for e in expected) < len(expected)


@pytest.mark.parametrize("cells", [
    {"task": "2", "quarter": "Q4", "department": "乙处", "reported_on": "2014-12-31", "status": "已完成", "percent_complete": "100%",
     "actual_value": "1,012", "evidence_url": " https://example.org/r ", "note": "  "},
    {"task": "３", "quarter": "第一季度", "department": "丙处牵头", "reported_on": "2014/3/31", "status": "推进中", "percent_complete": "0"},
    {"task": "3", "quarter": "1", "department": "甲处", "reported_on": "20140331", "status": "not_started", "actual_value": "5家"},
    {"task": "3", "quarter": "1", "department": "丙处", "reported_on": "2014-03-31", "status": "completed", "percent_complete": "99"},
    {"task": "1", "quarter": "3", "department": "乙处", "reported_on": "2015-02-01", "status": "delayed"},
    {"task": "", "quarter": "5", "department": "丁处", "reported_on": "2014-02-30", "status": "done", "evidence_url": "ftp://x"},
])
def test_one_row_at_a_time_and_in_batch_agree(cells):
    tables = paper_tables()
    papers = papers_of(tables, [DOC])
    rows = _rows([cells, cells], DOC)
    statuses = load_statuses()
    as_of = dt.date(2015, 1, 31)
    assert _batch(rows, papers, as_of, statuses) == _one_by_one(rows, papers, as_of, statuses)
