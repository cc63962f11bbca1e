"""The exclusive lock of an output folder, across processes and threads."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from flows.release.lock import ReleaseLockBusy, release_lock

HOLD = ("import sys, time; from pathlib import Path; from flows.release.lock import release_lock\n"
        "with release_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(float(sys.argv[2]))")


def hold_in_another_process(folder, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_process_is_refused_at_once_with_the_holders_pid(tmp_path):
    proc = hold_in_another_process(tmp_path, 5)
    try:
        started = time.monotonic()
        with pytest.raises(ReleaseLockBusy, match=rf"another refresh is publishing into {tmp_path} \(pid {proc.pid} since "
                                                   r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\); try again later"):
            with release_lock(tmp_path, timeout=0):
                pass
        assert time.monotonic() - started < 1
    finally:
        proc.kill()
        proc.wait()


def test_a_waiting_caller_gets_the_lock_when_the_holder_exits(tmp_path):
    proc = hold_in_another_process(tmp_path, 0.3)
    try:
        with release_lock(tmp_path, timeout=10):
            assert (tmp_path / ".lock").read_text().startswith(f"pid {__import__('os').getpid()} since ")
    finally:
        proc.wait()


def test_waiting_gives_up_after_the_timeout(tmp_path):
    proc = hold_in_another_process(tmp_path, 5)
    try:
        started = time.monotonic()
        with pytest.raises(ReleaseLockBusy, match=r"after waiting 0.3 s; try again later"):
            with release_lock(tmp_path, timeout=0.3):
                pass
        assert 0.3 <= time.monotonic() - started < 2
    finally:
        proc.kill()
        proc.wait()


def test_threads_of_one_process_exclude_each_other_and_the_lock_is_released(tmp_path):
    entered, results = threading.Event(), []

    def hold():
        with release_lock(tmp_path):
            entered.set()
            time.sleep(0.3)

    holder = threading.Thread(target=hold)
    holder.start()
    entered.wait(5)
    try:
        with release_lock(tmp_path):
            results.append("entered")
    except ReleaseLockBusy:
        results.append("refused")
    holder.join()
    with release_lock(tmp_path):
        results.append("entered after")
    assert results == ["refused", "entered after"]
