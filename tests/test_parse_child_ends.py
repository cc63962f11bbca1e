"""How a child of the parse stage (flows/parse_child.py) ends with its run: a run killed however it is killed
leaves no child working and no folder in /tmp, and the folders of runs that are gone are swept."""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import pytest

from flows import parse_child, parse_stage, pipeline
from flows.bench.corpus import CorpusSpec, write_corpus


@pytest.fixture
def batch(tmp_path):
    raw = tmp_path / "raw"
    write_corpus(CorpusSpec(papers=2, update_rows=200, rows_per_file=50), raw)
    [one] = parse_stage.split(pipeline.discover_inputs(raw), 1, tmp_path / "out")
    return one


STARTS_A_CHILD = """
import pickle, sys, time
from flows import parse_child
child = parse_child.start(pickle.load(open(sys.argv[1], "rb")))
print(child.process.pid, child.folder.name, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("delay, signal_child", [(0, False), (0.3, False), (0.3, True)])
def test_a_child_whose_run_was_killed_leaves_nothing_in_tmp(batch, tmp_path, delay, signal_child):
    """A run killed (SIGKILL: no `finally`) while its child works: the child, alone or stopped by the watchdog's
    SIGTERM, went on or died leaving /tmp/whitepaper-parse-*/ behind."""
    import os
    import signal
    import subprocess

    import psutil

    given = tmp_path / "given.pickle"
    given.write_bytes(pickle.dumps(batch))
    run = subprocess.Popen([sys.executable, "-c", STARTS_A_CHILD, str(given)], stdout=subprocess.PIPE, text=True)
    pid, folder = run.stdout.readline().split()
    child = psutil.Process(int(pid))
    time.sleep(delay)   # 0: before its imports (gone before it looks for it); 0.3: its SIGTERM handler in place
    run.kill()
    run.wait()
    if signal_child and child.is_running():
        os.kill(child.pid, signal.SIGTERM)
    try:
        child.wait(60)
    except psutil.NoSuchProcess:
        pass
    assert not Path(folder).exists()


def test_the_folders_of_runs_that_are_gone_are_swept_when_a_child_starts(tmp_path):
    import os
    import subprocess

    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = tmp_path / f"{parse_child.PREFIX}{gone.pid}-x1"
    live = tmp_path / f"{parse_child.PREFIX}{os.getpid()}-x2"
    odd = tmp_path / f"{parse_child.PREFIX}notapid-x3"
    kept_elsewhere = tmp_path / "elsewhere"
    for folder in (stale, live, odd, kept_elsewhere):
        (folder / "claims").mkdir(parents=True)
        (folder / "parsed.pickle").write_bytes(b"x" * 1000)
    link = tmp_path / f"{parse_child.PREFIX}{gone.pid}-x4"
    link.symlink_to(kept_elsewhere)
    assert parse_child.sweep(tmp_path) == 1
    assert not stale.exists() and live.exists() and odd.exists() and link.is_symlink()
    assert (kept_elsewhere / "parsed.pickle").exists()


def test_a_child_starts_after_sweeping_the_temporary_folder(batch, monkeypatch, tmp_path):
    import tempfile

    swept = []
    monkeypatch.setattr(parse_child, "sweep", swept.append)
    monkeypatch.setattr(parse_child.sys, "executable", "/nonexistent/python")   # started, it would fail: no matter
    assert parse_child.start(batch) is None and swept == [Path(tempfile.gettempdir())]
