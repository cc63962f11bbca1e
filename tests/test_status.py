"""status.json (flows/status.py): running while a run lives, stale once it is gone, refusals added not overwritten,
written even where the folder takes no new file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile

from flows import paths
from flows.status import note_refused, read_status, write_status


def test_running_then_completed_with_pid_and_start(tmp_path):
    write_status(tmp_path, "running", flow_run_id="run-1", started="2026-11-30T02:00:00+00:00")
    running = read_status(tmp_path)
    assert running["outcome"] == "running" and running["stale"] is False and running["flow_run_id"] == "run-1"
    assert running["started"] == "2026-11-30T02:00:00+00:00" and isinstance(running["pid"], int)
    write_status(tmp_path, "completed", release_id="r1", published=True, started=running["started"])
    done = read_status(tmp_path)
    assert done["outcome"] == "completed" and "stale" not in done
    assert "stale" not in json.loads((tmp_path / "status.json").read_text())   # derived when read, never stored


def test_a_killed_run_is_visible_as_stale_running(tmp_path):
    code = ("import sys, os, signal; from flows.status import write_status\n"
            "write_status(sys.argv[1], 'running', flow_run_id='killed'); os.kill(os.getpid(), signal.SIGKILL)")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=paths.REPO, env={"PYTHONPATH": str(paths.REPO)})
    assert proc.returncode == -9
    status = read_status(tmp_path)
    assert status["outcome"] == "running" and status["stale"] is True and status["flow_run_id"] == "killed"


def test_a_refused_run_is_added_to_a_live_holders_record_not_written_over_it(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from flows.status import write_status\n"
                               "write_status(sys.argv[1], 'running', flow_run_id='winner'); print('ok', flush=True); "
                               "time.sleep(30)", str(tmp_path)], cwd=paths.REPO, stdout=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": str(paths.REPO)})
    try:
        assert holder.stdout.readline().strip() == "ok"
        note_refused(tmp_path, "another refresh is publishing into … (pid 1)", flow_run_id="loser")
        status = read_status(tmp_path)
        assert status["outcome"] == "running" and status["flow_run_id"] == "winner" and status["pid"] == holder.pid
        assert [r["flow_run_id"] for r in status["refused_runs"]] == ["loser"]
    finally:
        holder.kill()
        holder.wait()
    note_refused(tmp_path, "refused again", flow_run_id="late")   # the holder is gone: the refusal is the news
    status = read_status(tmp_path)
    assert status["outcome"] == "failed" and status["reason"] == "refused again"


def test_the_winner_keeps_the_refusals_in_its_final_record(tmp_path):
    write_status(tmp_path, "running", flow_run_id="winner")
    status = json.loads((tmp_path / "status.json").read_text())
    status["refused_runs"] = [{"pid": 1, "reason": "busy"}]
    (tmp_path / "status.json").write_text(json.dumps(status))
    write_status(tmp_path, "completed", release_id="r2", published=True)
    assert read_status(tmp_path)["refused_runs"] == [{"pid": 1, "reason": "busy"}]


def test_a_folder_that_takes_no_new_file_still_gets_the_outcome(tmp_path, monkeypatch):
    write_status(tmp_path, "completed", release_id="r1")

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    write_status(tmp_path, "failed", reason="the output folder is read-only")
    status = read_status(tmp_path)
    assert status["outcome"] == "failed" and status["reason"] == "the output folder is read-only"


def test_status_json_is_written_world_readable_and_read_back(tmp_path):
    (tmp_path / "LATEST").write_text("2014-10-01-abcdef12\n", encoding="utf-8")
    path = write_status(tmp_path, "completed", release_id="2014-10-01-abcdef12", published=True,
                        as_of=dt.date(2014, 10, 1), now=dt.datetime(2014, 10, 1, 18, tzinfo=dt.timezone.utc))
    assert path.stat().st_mode & 0o777 == 0o644
    status = read_status(tmp_path)
    assert {k: status[k] for k in ("last_run", "outcome", "published", "release_id", "latest_release_id", "as_of")} == {
        "last_run": "2014-10-01T18:00:00+00:00", "outcome": "completed", "published": True,
        "release_id": "2014-10-01-abcdef12", "latest_release_id": "2014-10-01-abcdef12", "as_of": "2014-10-01"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".status-")] == []
