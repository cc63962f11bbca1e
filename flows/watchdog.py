"""No orphans: every process a command started ends with it, however the command ends (SIGKILL included).

`whitepaper refresh` in local mode makes Prefect start a temporary API server (a uvicorn process, about 220 MB).
Prefect stops it from an atexit hook, which a SIGKILL, a segfault or an out-of-memory kill never runs, and the
server then lives on. guard_children() starts a small watchdog process that holds the read end of a pipe whose
write end only this process has: the kernel closes it when this process ends, whatever the cause. Until then the
watchdog notes this process's descendants every POLL_SECONDS; on end of file it stops those still alive (SIGTERM,
then SIGKILL after GRACE_SECONDS), each recognised by its pid and start time so a reused pid is never hit.
A child started between two polls, or before the watchdog itself was up, is found at the end by MARK: a variable
set in this process's environment, which its children inherit (Prefect starts its server with os.environ), and
which names this process and a random token, so no other command's processes match.
The watchdog runs in its own session, so a Ctrl-C at the terminal reaches the command, not it.
"""

from __future__ import annotations

import os
import secrets
import select
import subprocess
import sys

import psutil

POLL_SECONDS = 0.2
MARK = "WHITEPAPER_WATCHDOG_MARK"
GRACE_SECONDS = 3.0
_PIPES: list[int] = []   # write ends kept open for the life of this process


def guard_children() -> subprocess.Popen:
    """Start the watchdog of this process; returns it (it exits on its own once this process is gone)."""
    read_end, write_end = os.pipe()   # not inherited by later children (PEP 446), so only we hold write_end
    mark = f"{os.getpid()}-{secrets.token_hex(8)}"
    os.environ[MARK] = mark           # every child started from now on carries it
    watchdog = subprocess.Popen([sys.executable, "-m", "flows.watchdog", str(os.getpid()), mark], stdin=read_end,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                close_fds=True)
    os.close(read_end)
    _PIPES.append(write_end)
    return watchdog


def _descendants(pid: int, me: int) -> dict[int, float]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return {}
    found = {}
    for child in children:
        try:
            if child.pid != me:
                found[child.pid] = child.create_time()
        except psutil.Error:
            continue
    return found


def _marked(mark: str, me: int) -> dict[int, float]:
    """Every process (but this one) whose environment carries MARK=mark, as pid → start time."""
    found = {}
    for process in psutil.process_iter():
        try:
            if process.pid != me and process.environ().get(MARK) == mark:
                found[process.pid] = process.create_time()
        except psutil.Error:   # gone meanwhile, or another user's: not ours either way
            continue
    return found


def _stop(known: dict[int, float]) -> None:
    alive = []
    for pid, started in known.items():
        try:
            process = psutil.Process(pid)
            if process.create_time() == started:
                process.terminate()
                alive.append(process)
        except psutil.Error:
            continue
    _, still = psutil.wait_procs(alive, timeout=GRACE_SECONDS)
    for process in still:
        try:
            process.kill()
        except psutil.Error:
            continue


def watch(parent: int, stdin_fd: int = 0, mark: str | None = None) -> None:
    """Note parent's descendants until stdin reaches end of file (parent gone), then stop them and every
    process carrying MARK=mark (one started after the last poll is no longer the parent's descendant)."""
    known: dict[int, float] = {}
    me = os.getpid()
    while True:
        readable, _, _ = select.select([stdin_fd], [], [], POLL_SECONDS)
        if readable and not os.read(stdin_fd, 4096):
            break
        known.update(_descendants(parent, me))
        known = {pid: t for pid, t in known.items() if psutil.pid_exists(pid)}
    if mark:
        known.update(_marked(mark, me))
    _stop(known)


if __name__ == "__main__":
    watch(int(sys.argv[1]), mark=sys.argv[2] if len(sys.argv) > 2 else None)
