"""`whitepaper refresh` killed (SIGKILL) at each step of the publish, then run again: latest is never broken, and the
next run leaves every state file consistent with the releases on disk. Also: the temporary Prefect server dies
with a killed command. Real processes and a real Prefect server: marked integration (about a minute and a half).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from flows import paths
from flows.release.history import HISTORY_FILE, release_history
from flows.release.index import INDEX_FILE, release_entries, render_release_index
from flows.release.state import verify_release
from flows.status import read_status
from tests.crash_at import STEPS
from tests.servers import free_port, healthy, stop_group, wait_for

pytestmark = pytest.mark.integration
UPDATE = "任务,季度,责任部门,报告日期,状态\n1,1,政策规划处,2014-03-31,已完成\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One Prefect server for the module: each run then costs seconds, not a temporary server's start."""
    home = tmp_path_factory.mktemp("prefect")
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}, "PREFECT_HOME": str(home),
           "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_UI_ENABLED": "false", "PYTHONPATH": str(paths.REPO)}
    log = home / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                                 str(port)], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: healthy(url), 180, "prefect server /api/health", proc, log)
        yield {**env, "PREFECT_API_URL": url}
    finally:
        stop_group(proc)


@pytest.fixture(scope="module")
def base(server, tmp_path_factory):
    """raw/ without updates, an output root holding its first release, and raw/ with one update file more."""
    root = tmp_path_factory.mktemp("crash")
    raw = root / "raw"
    shutil.copytree(paths.RAW, raw, ignore=shutil.ignore_patterns("updates"))
    first = _refresh(server, raw, root / "curated")
    assert first.returncode == 0, first.stderr
    newer = root / "raw-newer"
    shutil.copytree(raw, newer)
    (newer / "updates" / "szsti-2014").mkdir(parents=True)
    (newer / "updates" / "szsti-2014" / "report.csv").write_text(UPDATE, encoding="utf-8")
    return root, newer, (root / "curated" / "LATEST").read_text().strip()


def _refresh(env, raw: Path, out: Path, step: str | None = None) -> subprocess.CompletedProcess:
    head = ["-m", "tests.crash_at", step] if step else ["-m", "flows.cli"]
    return subprocess.run([sys.executable, *head, "refresh", "--raw", str(raw), "--out", str(out), "--as-of",
                           "2014-12-31"], env=env, capture_output=True, text=True, cwd=paths.REPO, timeout=600)


def _consistent(out: Path) -> str:
    """Every state file agrees with the releases on disk; returns the id latest names."""
    latest = os.readlink(out / "latest").removeprefix("releases/")
    assert verify_release(out / "releases" / latest) == []
    assert (out / "LATEST").read_text().strip() == latest
    assert json.loads((out / HISTORY_FILE).read_text()) == release_history(out)
    assert release_history(out)["latest"] == latest
    assert (out / INDEX_FILE).read_text(encoding="utf-8") == render_release_index(release_entries(out))
    assert not [p.name for p in (out / "releases").iterdir() if p.name.startswith(".")]
    return latest


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_each_step_of_the_publish_is_healed_by_the_next_run(server, base, tmp_path, step):
    root, newer, first_id = base
    out = tmp_path / "curated"
    shutil.copytree(root / "curated", out, symlinks=True)
    killed = _refresh(server, newer, out, step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    latest = os.readlink(out / "latest").removeprefix("releases/")
    assert verify_release(out / "releases" / latest) == []                 # latest is intact at every step
    assert latest == first_id if step in ("staging-written", "staging-verified", "renamed") else latest != first_id
    status = read_status(out)
    assert status["outcome"] == "running" and status["stale"] is True      # the killed run is visible as such
    again = _refresh(server, newer, out)
    assert again.returncode == 0, again.stderr
    final = _consistent(out)
    assert final != first_id and {p.name for p in (out / "releases").iterdir()} == {first_id, final}
    manifest = json.loads((out / "releases" / final / "manifest.json").read_text())
    assert manifest["previous_release"] == first_id
    status = read_status(out)
    assert status["outcome"] == "completed" and status["latest_release_id"] == final and not status.get("stale")


def _uvicorn_children(pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
    return [c for c in children if "uvicorn" in " ".join(c.cmdline())]


def test_a_killed_command_takes_its_temporary_prefect_server_with_it(base, tmp_path):
    root, newer, _ = base
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}, "PREFECT_HOME": str(tmp_path / "ph"),
           "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONPATH": str(paths.REPO)}
    cli = subprocess.Popen([sys.executable, "-m", "flows.cli", "refresh", "--raw", str(newer), "--out",
                            str(tmp_path / "curated"), "--as-of", "2014-12-31"], env=env, cwd=paths.REPO,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        servers = wait_for(lambda: _uvicorn_children(cli.pid), 180, "the temporary Prefect server", cli)
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait(timeout=10)
        gone, alive = psutil.wait_procs(servers, timeout=30)
        assert not alive, f"still running after the command was killed: {[p.pid for p in alive]}"
    finally:
        if cli.poll() is None:
            cli.kill()
        for child in _uvicorn_children(cli.pid):
            child.kill()
    status = read_status(tmp_path / "curated")
    assert status["outcome"] == "running" and status["stale"] is True


def _watchdogs() -> set[int]:
    return {p.pid for p in psutil.process_iter(["cmdline"]) if "flows.watchdog" in " ".join(p.info["cmdline"] or [])}


def test_the_server_also_ends_when_the_command_ends_normally(base, tmp_path):
    """Prefect's own atexit stops it; the watchdog must not outlive the command either."""
    root, newer, _ = base
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}, "PREFECT_HOME": str(tmp_path / "ph"),
           "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONPATH": str(paths.REPO)}
    before = _watchdogs()
    done = subprocess.run([sys.executable, "-m", "flows.cli", "refresh", "--raw", str(newer), "--out",
                           str(tmp_path / "curated"), "--as-of", "2014-12-31"], env=env, cwd=paths.REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        left = _watchdogs() - before
        if not left:
            break
        time.sleep(0.2)
    assert not left
