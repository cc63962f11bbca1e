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


@pytest.fixture
def raw(tmp_path) -> Path:
    """A copy of the repository's raw/ without update files (there are none, and none may be invented)."""
    copy = tmp_path / "raw"
    shutil.copytree(paths.RAW, copy, ignore=shutil.ignore_patterns("updates"))
    return copy


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
    assert status["latest_release_id"] == good.release_id


def test_pipeline_without_prefect_gives_the_same_release(raw, tmp_path):
    a = refresh_without_prefect(raw, tmp_path / "a", AS_OF)
    b = refresh_without_prefect(raw, tmp_path / "b", AS_OF)
    assert a.published and b.published and a.content_hash == b.content_hash
    for csv in sorted((tmp_path / "a" / "latest" / "data").iterdir()):
        assert csv.read_bytes() == (tmp_path / "b" / "latest" / "data" / csv.name).read_bytes(), csv.name


def _cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), DO_NOT_TRACK="1")
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, env=env,
                          cwd=paths.REPO, timeout=300)


@pytest.mark.prefect
def test_command_runs_in_local_mode_quietly_and_fails_readably(raw, tmp_path):
    """What the README's first command does on a fresh machine: no server to start, a short report."""
    out = tmp_path / "curated"
    ok = _cli(["refresh", "--raw", str(raw), "--out", str(out), "--as-of", "2014-12-31"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "release 2014-12-31-" in ok.stdout and "milestones 40" in ok.stdout
    assert len(ok.stdout.splitlines()) < 15, ok.stdout
    assert "Traceback" not in ok.stderr

    (raw / "whitepapers" / "szsti-2015.txt").write_bytes(b"")
    bad = _cli(["refresh", "--raw", str(raw), "--out", str(out), "--as-of", "2014-12-31", "--strict"], tmp_path)
    assert bad.returncode == 1
    assert "szsti-2015.txt" in bad.stderr and "empty" in bad.stderr and "Traceback" not in bad.stderr
    assert "Nothing was published" in bad.stderr


def test_a_new_as_of_date_alone_publishes_nothing(raw, tmp_path):
    first = refresh_without_prefect(raw, tmp_path / "out", dt.date(2026, 11, 26))
    second = refresh_without_prefect(raw, tmp_path / "out", dt.date(2026, 11, 27))
    assert first.published and not second.published
    assert second.message == f"nothing new: outputs equal release {first.release_id}"
