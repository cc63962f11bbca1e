"""The benchmark's synthetic corpus (flows/bench/corpus.py): papers that parse and validate, updates in every format,
about the share of bad rows asked for, and the same bytes for the same seed."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from flows.bench.corpus import CorpusSpec, cn, write_corpus
from flows.pipeline import discover_inputs, parse_inputs
from flows.updates.ingest import ingest_updates
from flows.tables.validate import validate_tables

AS_OF = dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    raw = tmp_path_factory.mktemp("corpus") / "raw"
    spec = CorpusSpec(papers=8, update_rows=4000, bad_share=0.1, rows_per_file=200)
    return raw, spec, write_corpus(spec, raw)


@pytest.mark.parametrize("n, numeral", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (25, "二十五")])
def test_items_are_numbered_as_papers_number_them(n, numeral):
    assert cn(n) == numeral


def test_papers_follow_the_template_in_every_encoding_and_validate(corpus):
    raw, spec, summary = corpus
    papers = sorted((raw / "whitepapers").glob("*.txt"))
    assert summary.papers == len(papers) == spec.papers
    starts = {p.read_bytes()[:3] == b"\xef\xbb\xbf" for p in papers}
    assert starts == {True, False} and any(b"\r\n" in p.read_bytes() for p in papers)
    assert any(_is_gb18030_only(p.read_bytes()) for p in papers)
    parsed = parse_inputs(discover_inputs(raw))
    tasks = parsed.tables["tasks"]
    assert len(tasks) > 5 * spec.papers and tasks["category_zh"].isna().any() and tasks["category_zh"].notna().any()
    flags = set(parsed.tables["quality_notes"]["flag"])
    assert {"unknown_category", "unknown_department"} <= flags


def _is_gb18030_only(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def test_updates_come_in_every_format_and_about_the_bad_share_is_rejected(corpus):
    raw, spec, summary = corpus
    inputs = discover_inputs(raw)
    assert {p.suffix for p in inputs.updates} == {".csv", ".xlsx", ".json"}
    assert summary.rows == spec.update_rows and sum(summary.files.values()) == len(inputs.updates)
    tables = parse_inputs(inputs).tables
    ingest = ingest_updates(inputs.updates, tables, AS_OF, root=inputs.root)
    assert ingest.rows_read == spec.update_rows
    assert len(ingest.rejections) == summary.bad_rows           # every bad row written is rejected, nothing else
    assert 0.07 < len(ingest.rejections) / ingest.rows_read < 0.14
    codes = set(";".join(ingest.rejections["reason_codes"]).split(";"))
    assert {"unknown_task", "bad_date", "date_in_future", "unknown_status", "unknown_department",
            "percent_contradicts_status", "duplicate", "conflict"} <= codes
    validate_tables({**tables, "updates": ingest.updates, "update_rejections": ingest.rejections})
    assert ingest.updates["actual_value"].notna().any() and ingest.updates["evidence_url"].notna().any()


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    spec = CorpusSpec(papers=2, update_rows=300, rows_per_file=100)
    digests = []
    for name in ("a", "b"):
        write_corpus(spec, tmp_path / name)
        digests.append({p.relative_to(tmp_path / name).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in sorted((tmp_path / name).rglob("*")) if p.is_file()})
    assert digests[0] == digests[1] and len(digests[0]) > 3
