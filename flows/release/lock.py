"""One publisher at a time per output folder: an exclusive flock on <out_root>/.lock.

The lock file records the holder's pid and start time so a refused caller can say who is publishing.
The operating system drops the lock when its holder exits, so a crashed run never leaves it stuck.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"
POLL_SECONDS = 0.05


class ReleaseLockBusy(RuntimeError):
    """Another process (or thread) holds the lock of this output folder."""


_PROCESS_HOLDS: set[Path] = set()
"""Output roots whose lock this whole process holds (hold_for_process): release_lock is then a no-op there."""


@contextmanager
def hold_for_process(out_root: Path, timeout: float = 0) -> Iterator[Path]:
    """Hold out_root's lock for everything this process does inside (a command running the flow in-process):
    release_lock calls on the same root, from any thread, then pass through instead of refusing their own holder."""
    with release_lock(out_root, timeout) as path:
        key = Path(out_root).resolve()
        _PROCESS_HOLDS.add(key)
        try:
            yield path
        finally:
            _PROCESS_HOLDS.discard(key)


@contextmanager
def release_lock(out_root: Path, timeout: float = 0) -> Iterator[Path]:
    """Hold the exclusive lock of out_root; wait up to timeout seconds for it, or fail at once when 0."""
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    if out_root.resolve() in _PROCESS_HOLDS:
        yield out_root / LOCK_FILE
        return
    path = out_root / LOCK_FILE
    # "a+" creates the file without truncating it: the holder's pid stays readable until we own the lock.
    with open(path, "a+", encoding="utf-8") as f:
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" after waiting {timeout:g} s" if timeout > 0 else ""
                    raise ReleaseLockBusy(f"another refresh is publishing into {out_root} ({_holder(path)}){waited}; "
                                          "try again later") from None
                time.sleep(POLL_SECONDS)
        try:
            f.seek(0)
            f.truncate()
            f.write(f"pid {os.getpid()} since {dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}\n")
            f.flush()
            yield path
        finally:
            f.seek(0)
            f.truncate()
            f.flush()
            fcntl.flock(f, fcntl.LOCK_UN)


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "pid unknown"
