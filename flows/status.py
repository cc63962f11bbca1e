"""curated/status.json: what the last refresh did or is doing, for any monitor to read.

A run writes it "running" (pid, host, start time, flow run id) as soon as it holds the release lock and replaces it
with "completed" or "failed" when it ends; a run killed on the way (SIGKILL, a segfault, the machine stopping)
leaves "running" with a pid that is no longer alive, which read_status reports as `stale: true`. A run refused
because another one holds the lock does not overwrite that run's record: it is added to its `refused_runs`.
Writes go through a temporary file and a rename under a small lock of their own (.status.lock); where the folder
itself cannot be written, status.json is rewritten in place, and failing that the caller is told (OSError).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

STATUS_FILE = "status.json"
STATUS_LOCK = ".status.lock"
KEEP_REFUSED = 10


def _now(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")


def write_status(out_dir: Path, outcome: str, *, release_id: str | None = None, published: bool = False,
                 reason: str | None = None, as_of: dt.date | None = None, flow_run_id: str | None = None,
                 now: dt.datetime | None = None, started: str | None = None, state: str | None = None,
                 keep_refused: bool = True) -> Path:
    """Record the run: outcome (running/completed/failed), when, pid, the release it published and the one latest
    names, why it failed, and `state` (what the run found damaged in the output root and repaired, or None)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    latest = out_dir / "LATEST"
    try:
        latest_id = latest.read_text(encoding="utf-8").strip() if latest.is_file() else None
    except (OSError, UnicodeDecodeError):
        latest_id = None
    status = {
        "last_run": _now(now),
        "outcome": outcome,
        "published": published,
        "release_id": release_id,
        "latest_release_id": latest_id,
        "as_of": as_of.isoformat() if as_of else None,
        "reason": reason,
        "flow_run_id": flow_run_id,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": started,
        "state": state,
    }
    with _status_lock(out_dir):
        previous = read_status(out_dir) or {}
        refused = previous.get("refused_runs") if keep_refused and previous.get("pid") == os.getpid() else None
        if refused:
            status["refused_runs"] = refused
        return _replace(out_dir, status)


def note_refused(out_dir: Path, reason: str, *, as_of: dt.date | None = None, flow_run_id: str | None = None) -> Path:
    """A run refused at the lock: added to the holder's record if the holder is alive, else recorded as failed."""
    out_dir = Path(out_dir)
    with _status_lock(out_dir):
        current = read_status(out_dir) or {}
        if current.get("outcome") == "running" and not current.get("stale") and current.get("pid") != os.getpid():
            entry = {"at": _now(), "pid": os.getpid(), "flow_run_id": flow_run_id, "reason": reason}
            current["refused_runs"] = (current.get("refused_runs") or [])[-(KEEP_REFUSED - 1):] + [entry]
            current.pop("stale", None)
            return _replace(out_dir, current)
    return write_status(out_dir, "failed", reason=reason, as_of=as_of, flow_run_id=flow_run_id, keep_refused=False)


def read_status(out_dir: Path) -> dict | None:
    """status.json as written, plus `stale: true` when it says "running" for a process of this host that is gone."""
    path = Path(out_dir) / STATUS_FILE
    try:
        status = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(status, dict) and status.get("outcome") == "running" and status.get("host") == socket.gethostname():
        status["stale"] = not pid_alive(status.get("pid"))
    return status if isinstance(status, dict) else None


def pid_alive(pid) -> bool:
    """Whether a process of this host bears pid (one of another user's counts as alive)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _status_lock(out_dir: Path):
    """Serialise the read-modify-write of status.json between runs; without a writable folder, go on unlocked."""
    try:
        f = open(out_dir / STATUS_LOCK, "a+")
    except OSError:
        yield
        return
    with f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _replace(out_dir: Path, status: dict) -> Path:
    status.pop("stale", None)
    text = json.dumps(status, ensure_ascii=False, indent=2) + "\n"
    target = out_dir / STATUS_FILE
    try:
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".status-", suffix=".json")
    except OSError:
        # The folder cannot take a new file (read-only): rewrite the existing file in place, which a
        # monitor may briefly see half-written, rather than leave it claiming the previous outcome.
        with open(target, "r+" if target.exists() else "w", encoding="utf-8") as fh:
            fh.seek(0)
            fh.write(text)
            fh.truncate()
        return target
    os.fchmod(fd, 0o644)  # mkstemp makes 0600; a monitor running as another user must read it, like every release file
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)
    return target
