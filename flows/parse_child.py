"""White papers parsed in a second process while the parse stage reads the update files (flows/parse_stage.py).

Parsing papers and reading update files are both pure Python, one core each: on a cold night of 1,000 papers
and 1,000 update files (a million rows) they took 3.7 s and 5.5 s one after the other on a 2-core machine. A
child, `python -m flows.parse_child`, parses the papers meanwhile. Not a fork: the refresh runs Prefect's
threads, and a fork copies their locks in whatever state they are in. Not multiprocessing's spawn either: it
imports the caller's main script again in the child, so a script calling the pipeline without a `__main__`
guard would run again there. Starting the child (a fresh interpreter importing the parser) costs about 0.8 s of
the other core, so it is used only when both sides have work enough: at least MIN_PAPERS papers with no
parse-cache entry and MIN_UPDATE_FILES update files. Never under --strict, whose first failing paper must be
raised as it was raised, nor in a daemonic process (a Dask worker: its cluster spreads the batches already).

The child gets the batch pickled on its stdin, reads and writes the parse cache as this process would, and
writes the Parsed of the papers alone, pickled (as the cache keeps papers), to a file this process named. It
refuses when the parser it imported is not the one this process imported (the code was edited during the
run). If it refuses, cannot be started, dies (out of memory, a crash in a parser library) or its result cannot
be read back, the papers are parsed here: what the stage returns never depends on the child. A command that
ends however it ends takes the child with it (flows/watchdog.py).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MIN_PAPERS = 200
MIN_UPDATE_FILES = 200
_ROOT = Path(__file__).resolve().parent.parent   # the folder holding flows/: the child imports the same code


@dataclass
class Child:
    process: subprocess.Popen
    result: Path
    folder: tempfile.TemporaryDirectory


def worth_it(batch, cache) -> bool:
    """Whether the batch's papers should be parsed in a child: see the module docstring. `cache` is the batch's
    ParseCache (None: every paper is parsed); papers are probed for an entry until MIN_PAPERS lack one."""
    if batch.strict or len(batch.updates) < MIN_UPDATE_FILES or len(batch.whitepapers) < MIN_PAPERS:
        return False
    if multiprocessing.current_process().daemon:
        return False
    if cache is None:
        return True
    misses = 0
    for path in batch.whitepapers:
        misses += not cache.has_whitepaper(path, batch.source_names[path])
        if misses >= MIN_PAPERS:
            return True
    return False


def start(batch) -> Child | None:
    """flows.parse_stage.parse_papers(batch) started in a child; None if none could be started (parse it here)."""
    folder = tempfile.TemporaryDirectory(prefix="whitepaper-parse-")
    result = Path(folder.name) / "parsed.pickle"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
    try:
        process = subprocess.Popen([sys.executable, "-m", "flows.parse_child", str(result)], stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    except Exception:  # noqa: BLE001 - no processes left, no interpreter: the papers are parsed here
        folder.cleanup()
        return None
    try:
        process.stdin.write(pickle.dumps((batch, parser_version(batch.lookups_dir)), protocol=pickle.HIGHEST_PROTOCOL))
        process.stdin.close()
    except Exception:  # noqa: BLE001 - it died at once: as above
        _stop(process)
        folder.cleanup()
        return None
    return Child(process, result, folder)


def finish(child: Child, parse, batch):
    """The child's result, or parse(batch) here when the child failed in any way."""
    try:
        code = child.process.wait()
        if code == 0:
            try:
                return pickle.loads(child.result.read_bytes())
            except Exception:  # noqa: BLE001 - no result or an unreadable one: parsed here
                pass
        return parse(batch)
    finally:
        _stop(child.process)   # Ctrl-C or SystemExit while waiting: the child stops with the run
        child.folder.cleanup()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def parser_version(lookups_dir: Path) -> str:
    """The parse cache's version of the paper parser (its code as this process imported it, lookups, libraries)."""
    from flows.parse_cache import WHITEPAPER_CODE, WHITEPAPER_LOOKUPS, code_version

    return code_version(WHITEPAPER_CODE, [Path(lookups_dir) / name for name in WHITEPAPER_LOOKUPS])


def _main(result: str) -> int:
    from flows.parse_stage import parse_papers

    batch, version = pickle.load(sys.stdin.buffer)
    if parser_version(batch.lookups_dir) != version:   # the code changed on disk since the run began: not ours
        return 3
    parsed = parse_papers(batch)
    Path(result).write_bytes(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1]))
