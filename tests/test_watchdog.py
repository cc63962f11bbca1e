"""flows/watchdog.py: what a command started ends with it, however the command ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import psutil
import pytest

from flows import paths

PARENT = ("import subprocess, sys, time; from flows.watchdog import guard_children\n"
          "guard_children()\n"
          "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], start_new_session=True)\n"
          "time.sleep(1.0)\n"   # a few of the watchdog's polls: it has seen the child
          "print(child.pid, flush=True)\n"
          "if sys.argv[1] == 'exit':\n    sys.exit(0)\n"
          "time.sleep(120)\n")


@pytest.mark.parametrize("how", ["sigkill", "sigterm", "exit"])
def test_a_child_dies_with_the_command_that_started_it(how):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, how], stdout=subprocess.PIPE, text=True, cwd=paths.REPO,
                              env={**os.environ, "PYTHONPATH": str(paths.REPO)})
    child = psutil.Process(int(parent.stdout.readline()))
    try:
        if how != "exit":
            parent.send_signal(signal.SIGKILL if how == "sigkill" else signal.SIGTERM)
        parent.wait(timeout=10)
        gone, alive = psutil.wait_procs([child], timeout=15)
        assert not alive, f"the child {child.pid} outlived its command ({how})"
    finally:
        if child.is_running():
            child.kill()
        parent.kill()


def test_a_reused_pid_is_not_hit():
    """The watchdog stops a process only if its start time is the one it noted."""
    from flows.watchdog import _stop

    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _stop({bystander.pid: psutil.Process(bystander.pid).create_time() - 100.0})
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()
