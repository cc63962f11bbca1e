"""Fuzzing the intake: broken update files and papers never stop the night, and every file is accounted for.

Mutations of real-shaped inputs (truncation, bit flips, swapped zip parts, oversize fields, other encodings,
spliced bytes) are fed to the update intake beside a good file, and to the paper stage beside the seed. The
invariants: the call returns; every file is accounted for (rows accepted + rejected = rows read, or one
file-level rejection and 0 rows read); the good file's reports are published unchanged; a paper is parsed or
quarantined. Fast by default (CI); WHITEPAPER_FUZZ_EXAMPLES=N runs N examples per test by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import paths
from flows.parse_stage import Batch, Parsed, check_whitepapers, parse_batch
from flows.updates.ingest import ingest_updates
from tests.updates.fixtures import DOC, paper_tables, report, write_updates

AS_OF = dt.date(2015, 1, 31)
EXAMPLES = int(os.environ.get("WHITEPAPER_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=EXAMPLES or 60, deadline=None, database=None, derandomize=not EXAMPLES,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ROWS = [report(), report(task=3, quarter=2, department="丙处", reported_on="2014-06-30", status="进行中",
                       percent_complete="50%", note="备注，含逗号"), report(task=9)]
TRIED = {"updates": 0, "papers": 0}


def _seeds() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        return {fmt: write_updates(Path(folder), fmt, ROWS, name="seed").read_bytes() for fmt in ("csv", "xlsx", "json")}


SEEDS = _seeds()
ENCODINGS = ["utf-16", "utf-16-le", "big5", "shift_jis", "latin-1", "gbk", "utf-32", "cp1252"]


def _swap_parts(data: bytes, i: int, j: int) -> bytes:
    """Two parts of the zip swapped; the bytes as they are when an earlier mutation left no readable zip."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        names = source.namelist()
        a, b = names[i % len(names)], names[j % len(names)]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                archive.writestr(name, source.read({a: b, b: a}.get(name, name)))
        return out.getvalue()
    except Exception:  # noqa: BLE001 - zipfile raises many kinds on a damaged archive; this is the generator's side
        return data


def _reencode(data: bytes, encoding: str) -> bytes:
    return data.decode("utf-8", errors="replace").encode(encoding, errors="replace")


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    data = seed
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "swap", "oversize", "encode", "splice", "insert"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip" and data:
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
        elif kind == "swap":
            data = _swap_parts(data, draw(st.integers(0, 20)), draw(st.integers(0, 20)))
        elif kind == "oversize":
            data = data[:at] + draw(st.sampled_from([b"9", "处".encode(), b'"', b",", b"[", b"{"])) * draw(
                st.integers(1000, 200_000)) + data[at:]
        elif kind == "encode":
            data = _reencode(data, draw(st.sampled_from(ENCODINGS)))
        elif kind == "splice":
            other = SEEDS[draw(st.sampled_from(sorted(SEEDS)))]
            data = data[:at] + other[draw(st.integers(0, len(other) - 1)):]
        else:
            data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    return data


def _ingest(folder: Path, files: list[Path]):
    return ingest_updates(files, paper_tables(), AS_OF, raw_dir=folder / "raw")


def _records(frame) -> list[dict]:
    """Rows as dicts with None for a null (NaN != NaN would make equal rows differ)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _baseline():
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        good = write_updates(root / "raw" / "updates" / DOC, "csv", ROWS[:2], name="good")
        return _records(_ingest(root, [good]).updates)


BASELINE = _baseline()


@FUZZ
@given(st.sampled_from(sorted(SEEDS)).flatmap(lambda fmt: st.tuples(st.just(fmt), mutated(SEEDS[fmt]))))
def test_broken_update_files_are_accounted_for_and_the_good_file_goes_through(case):
    fmt, data = case
    TRIED["updates"] += 1
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        good = write_updates(root / "raw" / "updates" / DOC, "csv", ROWS[:2], name="good")
        bad = root / "raw" / "updates" / DOC / f"z-bad.{fmt}"   # after good.csv: a copied report keeps good's row
        bad.write_bytes(data)
        result = _ingest(root, [good, bad])
    assert set(result.file_counts) == {f"raw/updates/{DOC}/good.csv", f"raw/updates/{DOC}/z-bad.{fmt}"}
    for source, counts in result.file_counts.items():
        file_rows = result.rejections[result.rejections["source_file"] == source]
        if counts["file_rejected"]:
            assert counts["rows_read"] == 0 and file_rows["level"].tolist() == ["file"], (source, counts)
            assert "\n" not in file_rows["reasons"].iloc[0]
        else:
            assert counts["rows_accepted"] + counts["rows_rejected"] == counts["rows_read"], (source, counts)
    good_rows = _records(result.updates[result.updates["source_file"] == f"raw/updates/{DOC}/good.csv"])
    assert good_rows == BASELINE or _displaced_by_a_conflict(result, good_rows)


def _displaced_by_a_conflict(result, good_rows) -> bool:
    """A mutant may still hold a valid report that conflicts with a good one: then both are rejected, rightly."""
    rejected = result.rejections[result.rejections["source_file"] == f"raw/updates/{DOC}/good.csv"]
    missing = {r["source_row"] for r in BASELINE} - {r["source_row"] for r in good_rows}
    conflicts = set(rejected[rejected["reason_codes"] == "conflict"]["source_row"])
    return all(r in BASELINE for r in good_rows) and missing <= conflicts


SEED_PAPER = (paths.WHITEPAPERS / "szsti-2014.txt").read_bytes()


@settings(FUZZ, max_examples=max(EXAMPLES // 10, 15) if EXAMPLES else 15)
@given(mutated(SEED_PAPER))
def test_broken_papers_are_parsed_or_quarantined_and_the_seed_is_published(data):
    TRIED["papers"] += 1
    with tempfile.TemporaryDirectory() as folder:
        papers = Path(folder) / "raw" / "whitepapers"
        papers.mkdir(parents=True)
        (papers / "szsti-2014.txt").write_bytes(SEED_PAPER)
        (papers / "mutant-2014.txt").write_bytes(data)
        files = sorted(papers.glob("*.txt"))
        names = {p: f"raw/whitepapers/{p.name}" for p in files}
        part = parse_batch(Batch(files, names, [], paths.LOOKUPS, None))
        parsed = check_whitepapers(Parsed(part.whitepapers, rejected=part.rejected))
        refused = papers / "mutant-2014.txt" in part.not_papers     # no white paper at all: a refused_file note
    documents = set(parsed.tables["documents"]["document_id"])
    assert "szsti-2014" in documents
    quarantined = set(parsed.tables["document_rejections"]["document_id"])
    assert [("mutant-2014" in documents), ("mutant-2014" in quarantined), refused].count(True) == 1


def teardown_module():
    print(f"\nfuzz: {TRIED['updates']} update files and {TRIED['papers']} papers tried")
