"""The refresh and the output folder's lock: a run refused at the lock reads nothing and leaves the holder's
record; a waiting run publishes on top of the other's release; a folder that cannot be locked fails readably."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows import paths
from flows.pipeline import refresh_without_prefect
from tests.test_refresh import AS_OF, run_cli


def _holding_the_lock(out: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from flows.release.lock import release_lock\n"
         "from flows.status import write_status\n"
         "with release_lock(Path(sys.argv[1])):\n"
         "    write_status(sys.argv[1], 'running', flow_run_id='winner'); print('locked', flush=True); time.sleep(60)",
         str(out)], stdout=subprocess.PIPE, text=True, cwd=paths.REPO, env={**os.environ, "PYTHONPATH": str(paths.REPO)})
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_run_that_will_be_refused_is_refused_before_reading_anything(raw, tmp_path):
    out = tmp_path / "curated"
    holder = _holding_the_lock(out)
    try:
        refused = run_cli(["refresh", "--raw", str(raw), "--out", str(out), "--as-of", "2014-12-31"], tmp_path)
        status = json.loads((out / "status.json").read_text())
    finally:
        holder.kill()
        holder.wait()
    assert refused.returncode == 1 and "refresh refused: another refresh is publishing" in refused.stderr
    assert f"(pid {holder.pid} since" in refused.stderr and "Traceback" not in refused.stderr
    assert not (out / ".cache").exists() and not (tmp_path / "prefect-home").exists()   # nothing parsed, no Prefect
    assert status["outcome"] == "running" and status["flow_run_id"] == "winner"           # the holder's record stands
    assert len(status["refused_runs"]) == 1 and "another refresh" in status["refused_runs"][0]["reason"]


def test_a_waiting_run_publishes_on_top_of_what_the_other_run_published(raw, tmp_path, monkeypatch):
    """--wait: the second run waits for the lock, then compares with and versions after the first one's release."""
    import threading

    import flows.release.publish as publish_module

    out = tmp_path / "curated"
    newer = tmp_path / "raw-newer"
    shutil.copytree(raw, newer)
    (newer / "updates" / "szsti-2014").mkdir(parents=True)
    (newer / "updates" / "szsti-2014" / "r.csv").write_text("任务,季度,责任部门,报告日期,状态\n1,1,政策规划处,2014-03-31,已完成\n",
                                                            encoding="utf-8")
    inside, results = threading.Event(), {}
    real = publish_module.write_xlsx

    def slow_write_xlsx(*args, **kwargs):
        inside.set()
        threading.Event().wait(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(publish_module, "write_xlsx", slow_write_xlsx)
    first = threading.Thread(target=lambda: results.setdefault("first", refresh_without_prefect(raw, out, AS_OF)))
    first.start()
    assert inside.wait(120)
    second = refresh_without_prefect(newer, out, AS_OF, lock_timeout=300)
    first.join()
    assert results["first"].published and second.published
    manifest = json.loads((second.release_dir / "manifest.json").read_text())
    assert manifest["previous_release"] == results["first"].release_id
    first_version = json.loads((results["first"].release_dir / "datapackage.json").read_text())["version"]
    major, minor, patch = map(int, first_version.split("."))
    assert json.loads((second.release_dir / "datapackage.json").read_text())["version"] == f"{major}.{minor}.{patch + 1}"
    assert (out / "LATEST").read_text().strip() == second.release_id


def test_an_output_folder_that_cannot_be_locked_fails_readably_and_says_so_in_status(raw, tmp_path):
    """As a read-only output folder does (here .lock is a folder, which stops root too): exit 1, one paragraph,
    and status.json says failed instead of the previous run's outcome."""
    out = tmp_path / "curated"
    out.mkdir()
    (out / "status.json").write_text(json.dumps({"outcome": "completed", "release_id": "old"}))
    (out / ".lock").mkdir()
    bad = run_cli(["refresh", "--raw", str(raw), "--out", str(out), "--as-of", "2014-12-31"], tmp_path)
    assert bad.returncode == 1 and "cannot be used as the output folder" in bad.stderr and "Traceback" not in bad.stderr
    status = json.loads((out / "status.json").read_text())
    assert status["outcome"] == "failed" and "cannot be used as the output folder" in status["reason"]


@pytest.mark.prefect
def test_a_flow_run_refused_at_the_lock_leaves_the_holders_record(prefect_harness, raw, tmp_path):
    """The deployment's path: the refusal is added to the running holder's status.json, not written over it."""
    from flows.refresh import refresh

    out = tmp_path / "curated"
    holder = _holding_the_lock(out)
    try:
        with pytest.raises(Exception, match="another refresh is publishing"):
            refresh(raw_dir=raw, out_dir=out, as_of=AS_OF)
        status = json.loads((out / "status.json").read_text())
    finally:
        holder.kill()
        holder.wait()
    assert status["outcome"] == "running" and status["flow_run_id"] == "winner"
    assert len(status["refused_runs"]) == 1 and status["refused_runs"][0]["flow_run_id"]
    assert not (out / ".cache").exists()
