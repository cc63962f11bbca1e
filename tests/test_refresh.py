"""The `refresh` flow: under Prefect's test harness, without Prefect, and as the `whitepaper refresh` command."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from flows import paths
from flows.pipeline import refresh_without_prefect
from flows.whitepaper.parse import read_whitepaper

AS_OF = dt.date(2014, 12, 31)


def _data(release: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(release / "data" / f"{table}.parquet")


@pytest.mark.prefect
def test_flow_publishes_the_parsers_tables_then_nothing_new(prefect_harness, raw, tmp_path):
    from flows.refresh import refresh

    out = tmp_path / "curated"
    first = refresh(raw_dir=raw, out_dir=out, as_of=AS_OF)
    assert first.published and first.release_id == (out / "LATEST").read_text().strip()
    release = out / "latest"
    parsed = read_whitepaper(raw / "whitepapers" / "szsti-2014.txt")
    for table in ("tasks", "milestones", "task_departments", "targets", "indicators", "quality_notes"):
        expected = parsed.tables[table]
        got = _data(release, table)
        assert len(got) == len(expected), table
        key = expected.columns[0]
        assert sorted(got[key]) == sorted(expected[key]), table
    status = json.loads((out / "status.json").read_text())
    assert status["outcome"] == "completed" and status["release_id"] == first.release_id
    assert status["flow_run_id"]   # the operator's way to the run in the Prefect UI

    second = refresh(raw_dir=raw, out_dir=out, as_of=AS_OF)
    assert not second.published and second.content_hash == first.content_hash
    assert second.message.startswith("nothing new")
    again = json.loads((out / "status.json").read_text())
    assert again["flow_run_id"] and again["flow_run_id"] != status["flow_run_id"] and not again["published"]
    assert [p.name for p in (out / "releases").iterdir() if not p.name.startswith(".")] == [first.release_id]


@pytest.mark.prefect
def test_flow_failure_leaves_latest_and_records_why(prefect_harness, raw, tmp_path):
    from flows.refresh import refresh

    out = tmp_path / "curated"
    good = refresh(raw_dir=raw, out_dir=out, as_of=AS_OF)
    before = {p: p.read_bytes() for p in (out / "latest").rglob("*") if p.is_file()}
    # A paper whose section 一 heading is gone: with --strict a broken white paper fails the run, as it always did (a
    # file that is no white paper at all is only refused, as a quality note: tests/test_refresh_papers.py).
    seed = (raw / "whitepapers" / "szsti-2014.txt").read_text(encoding="utf-8")
    (raw / "whitepapers" / "broken-2015.txt").write_text(seed.replace("一、 工作职责", ""), encoding="utf-8")
    with pytest.raises(Exception, match="broken-2015.txt"):
        refresh(raw_dir=raw, out_dir=out, as_of=AS_OF, strict=True)
    assert (out / "LATEST").read_text().strip() == good.release_id
    assert {p: p.read_bytes() for p in (out / "latest").rglob("*") if p.is_file()} == before
    status = json.loads((out / "status.json").read_text())
    assert status["outcome"] == "failed" and "broken-2015.txt" in status["reason"]
    assert status["latest_release_id"] == good.release_id and status["started"]   # when the failed run began


def test_pipeline_without_prefect_gives_the_same_release(raw, tmp_path):
    a = refresh_without_prefect(raw, tmp_path / "a", AS_OF)
    b = refresh_without_prefect(raw, tmp_path / "b", AS_OF)
    assert a.published and b.published and a.content_hash == b.content_hash
    for csv in sorted((tmp_path / "a" / "latest" / "data").iterdir()):
        assert csv.read_bytes() == (tmp_path / "b" / "latest" / "data" / csv.name).read_bytes(), csv.name


def run_cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    """`whitepaper ARGS` in a subprocess with its own PREFECT_HOME under tmp_path and no PREFECT_* settings of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), DO_NOT_TRACK="1")
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, env=env,
                          cwd=paths.REPO, timeout=300)


@pytest.mark.prefect
def test_command_runs_in_local_mode_quietly_and_fails_readably(raw, tmp_path):
    """What the README's first command does on a fresh machine: no server to start, a short report."""
    out = tmp_path / "curated"
    ok = run_cli(["refresh", "--raw", str(raw), "--out", str(out), "--as-of", "2014-12-31"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "release 2014-12-31-" in ok.stdout and "milestones 40" in ok.stdout
    assert len(ok.stdout.splitlines()) < 15, ok.stdout
    assert "Traceback" not in ok.stderr

    (raw / "whitepapers" / "szsti-2015.txt").write_bytes(b"")
    bad = run_cli(["refresh", "--raw", str(raw), "--out", str(out), "--as-of", "2014-12-31", "--strict"], tmp_path)
    assert bad.returncode == 1
    assert "szsti-2015.txt" in bad.stderr and "empty" in bad.stderr and "Traceback" not in bad.stderr
    assert "Nothing was published" in bad.stderr


def test_a_new_as_of_date_alone_publishes_nothing(raw, tmp_path):
    first = refresh_without_prefect(raw, tmp_path / "out", dt.date(2026, 11, 26))
    second = refresh_without_prefect(raw, tmp_path / "out", dt.date(2026, 11, 27))
    assert first.published and not second.published
    assert second.message == f"nothing new: outputs equal release {first.release_id}"


def test_every_format_takes_the_extremes_validation_allows(raw, tmp_path):
    """A 40,000-character note, NUL and BEL in a JSON cell and 100,000 unknown columns (an over-long quality note)
    pass validation, so the night publishes: CSV, Parquet and DuckDB hold each value whole, the workbook a marked
    stand-in, and a quality note names the source file and row of each."""
    import duckdb
    import openpyxl

    from flows.release.xlsx_cells import STAND_IN_MARK

    folder = raw / "updates" / "szsti-2014"
    folder.mkdir(parents=True)
    long_note = "进展" * 20_000
    head = ["任务", "季度", "责任部门", "报告日期", "状态", "备注"]
    unknown = [f"extra{i}" for i in range(100_000)]
    with open(folder / "wide.csv", "w", encoding="utf-8", newline="") as f:
        f.write(",".join(head + unknown) + "\n")
        f.write(",".join(["1", "1", "政策规划处", "2014-03-31", "已完成", long_note] + [""] * len(unknown)) + "\n")
    (folder / "bell.json").write_text(json.dumps([{"任务": "1", "季度": "2", "责任部门": "政策规划处", "报告日期": "2014-06-30",
                                                  "状态": "进行中", "备注": "铃\u0007声\u0000止"}]), encoding="utf-8")
    result = refresh_without_prefect(raw, tmp_path / "out", AS_OF)
    assert result.published, result.message
    release = tmp_path / "out" / "latest"
    updates = _data(release, "updates").set_index("source_file")["note"]
    assert updates["raw/updates/szsti-2014/wide.csv"] == long_note
    assert updates["raw/updates/szsti-2014/bell.json"] == "铃\u0007声\u0000止"
    csv_text = (release / "data" / "updates.csv").read_text(encoding="utf-8")
    assert long_note in csv_text and "铃\u0007声\u0000止" in csv_text
    notes = _data(release, "quality_notes")
    wide = notes[notes["flag"] == "update_unknown_column"]["detail"]
    assert len(wide) == 1 and wide.iloc[0].count("extra") == 100_000 and len(wide.iloc[0]) > 32_767
    with duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True) as con:
        held = dict(con.execute("SELECT source_file, note FROM updates").fetchall())
        assert held["raw/updates/szsti-2014/bell.json"] == "铃\u0007声\u0000止" and len(held["raw/updates/szsti-2014/wide.csv"]) == 40_000
        assert con.execute("SELECT max(length(detail)) FROM quality_notes").fetchone()[0] == len(wide.iloc[0])
    stand_ins = notes[notes["flag"] == "xlsx_stand_in"]["detail"].tolist()
    assert any("raw/updates/szsti-2014/wide.csv, row 2" in d and "column note" in d for d in stand_ins), stand_ins
    assert any("raw/updates/szsti-2014/bell.json, row 1" in d and "column note" in d for d in stand_ins), stand_ins
    assert any("quality_notes row" in d and "column detail" in d for d in stand_ins), stand_ins
    book = openpyxl.load_workbook(release / "whitepaper.xlsx", read_only=True)
    cells = [c for row in book["updates"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert sum(c.startswith(STAND_IN_MARK) for c in cells) == 2
    cells = [c for row in book["quality_notes"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert sum(c.startswith(STAND_IN_MARK) for c in cells) == 1


@pytest.mark.parametrize("inputs_changed", [False, True], ids=["nothing-new", "inputs-changed"])
def test_a_truncated_latest_parquet_is_reported_and_rebuilt_never_kept_nor_blocking(raw, tmp_path, inputs_changed):
    """Nothing new: the check finds the damage before the nothing-new shortcut. Inputs changed (bytes only, the
    same data): the full run compares with the previous release, which must not read the damaged file."""
    from flows.release.state import DAMAGED_PREFIX, verify_release

    out = tmp_path / "out"
    first = refresh_without_prefect(raw, out, AS_OF)
    parquet = first.release_dir / "data" / "milestones.parquet"
    parquet.write_bytes(parquet.read_bytes()[: parquet.stat().st_size // 2])
    if inputs_changed:
        (raw / "lookups" / "departments.csv").write_text(
            (raw / "lookups" / "departments.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = refresh_without_prefect(raw, out, AS_OF)
    assert again.published and again.content_hash == first.content_hash   # the same inputs' data, whole again
    latest = out / "latest"
    assert verify_release(latest.resolve()) == []
    assert len(_data(latest, "milestones")) == 40
    assert any(p.name.startswith(DAMAGED_PREFIX) for p in (out / "releases").iterdir())
    assert json.loads((out / "releases.json").read_text())["latest"] == again.release_id == (out / "LATEST").read_text().strip()


def test_a_dangling_latest_is_rebuilt_from_the_inputs(raw, tmp_path):
    out = tmp_path / "out"
    first = refresh_without_prefect(raw, out, AS_OF)
    shutil.rmtree(first.release_dir)
    again = refresh_without_prefect(raw, out, AS_OF)
    assert again.published and again.release_id == first.release_id and (out / "latest" / "manifest.json").is_file()


@pytest.mark.prefect
def test_a_prefect_server_that_does_not_start_in_time_says_what_to_do_and_is_recorded(raw, tmp_path):
    out = tmp_path / "curated"
    slow = run_cli(["refresh", "--raw", str(raw), "--out", str(out), "--as-of", "2014-12-31",
                 "--prefect-start-timeout", "1"], tmp_path)
    assert slow.returncode == 1 and "Traceback" not in slow.stderr
    assert "Prefect's temporary server did not answer within 1 s" in slow.stderr
    assert "--prefect-start-timeout 600" in slow.stderr and "PREFECT_API_URL" in slow.stderr
    status = json.loads((out / "status.json").read_text())
    assert status["outcome"] == "failed" and "did not answer within 1 s" in status["reason"]
    assert not (out / "releases").exists()


def test_a_report_dated_after_the_as_of_date_does_not_make_a_release_every_night(raw, tmp_path):
    """Issue 18: the rejection reason embedded the as-of date, so with the default (today) every night published."""
    folder = raw / "updates" / "szsti-2014"
    folder.mkdir(parents=True)
    (folder / "early.csv").write_text("任务,季度,责任部门,报告日期,状态\n1,4,政策规划处,2026-12-30,已完成\n", encoding="utf-8")
    first = refresh_without_prefect(raw, tmp_path / "out", dt.date(2026, 11, 26))
    second = refresh_without_prefect(raw, tmp_path / "out", dt.date(2026, 11, 27))
    assert first.published and first.row_counts["update_rejections"] == 1
    assert not second.published and second.content_hash == first.content_hash
