"""A second process sharing the parse stage's work on a night with much to parse (flows/parse_stage.py).

Parsing papers and reading update files are pure Python, one core each: on a cold night of 1,000 papers and
1,000 CSV update files (a million rows) the stage took 10.3 s on a 2-core machine, 36 s when a quarter of the
files are XLSX and JSON. A child, `python -m flows.parse_child`, parses the papers and then reads update files
from the last one back, while this process reads them from the first one on; each file is claimed by creating
a marker (O_EXCL) first, so each is read once, and each process stops at the first file the other has taken.
Not a fork: the refresh runs Prefect's threads, and a fork copies their locks in whatever state they are in.
Not multiprocessing's spawn either: it imports the caller's main script again in the child, so a script calling
the pipeline without a `__main__` guard would run again there.

Starting the child (a fresh interpreter importing the parser) costs about 0.8 s of the other core, so it is
used only on a night with COLD_MS of parsing or more, estimated from the files with no parse-cache entry (every
paper probed, a sample of the update files), with at least MIN_UPDATE_FILES update files for this process to
read meanwhile. Never under --strict, whose first failing paper must be raised as it was raised, nor in a
daemonic process (a Dask worker: its cluster spreads the batches already).

The child gets the batch pickled in a file, reads and writes the parse cache as this process would, and
writes what it parsed and read (a Parsed, pickled) to a file this process named. It refuses when any source
file of the pipeline, the lookups or the libraries it imported are not what this process imported (the code
was edited during the run); it imports from this process's checkout, never from the current folder
(PYTHONSAFEPATH). If it refuses, cannot be started, dies (out of memory, a crash in a parser library) or its
result cannot be read back, this process parses the papers and reads every file the child did not deliver,
counting as parsed what the child noted it parsed: the stage's result never depends on the child (the files,
in input order, as one process gives them). A command that ends however it ends takes the child with it
(flows/watchdog.py); a child whose run is gone stops at its next file and removes its folder in /tmp, and a
folder left by a run killed after its child ended is removed when the next child starts (sweep).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from flows.status import pid_alive

PAPER_MS, UPDATE_FILE_MS = 3.7, 5.5   # cold: a seed-sized paper, a CSV file of 1,000 rows (2 cores, 2026-12-01)
COLD_MS = 2000
MIN_UPDATE_FILES = 50
SAMPLE = 32                           # update files probed for a cache entry
_ROOT = Path(__file__).resolve().parent.parent   # the folder holding flows/: the child imports the same code


@dataclass
class Child:
    process: subprocess.Popen
    result: Path
    claims: Path
    folder: tempfile.TemporaryDirectory

    def take(self, index: int) -> bool:
        return take(self.claims, index)


def take(claims: Path, index: int) -> bool:
    """Claim update file `index` for the calling process: True once, for whichever process asks first."""
    try:
        os.close(os.open(claims / str(index), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError:   # taken by the other process (or the folder is gone: whatever is left is read at the end)
        return False
    return True


def worth_it(batch, cache) -> bool:
    """Whether a child should share the batch's work: see the module docstring. `cache` is the batch's
    ParseCache (None: every file is parsed)."""
    if batch.strict or len(batch.updates) < MIN_UPDATE_FILES or multiprocessing.current_process().daemon:
        return False
    if cache is None:
        return len(batch.whitepapers) * PAPER_MS + len(batch.updates) * UPDATE_FILE_MS >= COLD_MS
    sample = batch.updates[:: max(1, len(batch.updates) // SAMPLE)]
    cold = sum(not cache.has_update_file(path) for path in sample) / len(sample) * len(batch.updates) * UPDATE_FILE_MS
    for path in batch.whitepapers:
        if cold >= COLD_MS:
            return True
        cold += 0 if cache.has_whitepaper(path, batch.source_names[path]) else PAPER_MS
    return cold >= COLD_MS


def start(batch) -> Child | None:
    """The child started on the batch; None if none could be started (everything is then done here)."""
    sweep(Path(tempfile.gettempdir()))
    folder = tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-")
    root = Path(folder.name)
    child = Child(None, root / "parsed.pickle", root / "claims", folder)
    # PYTHONSAFEPATH (python -P): the current folder is not put first on the child's path, as -m would put it, so
    # a checkout or a module there is never imported instead of this process's code
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONSAFEPATH": "1", PARENT: str(os.getpid())}
    try:   # a file, not the child's stdin: a pipe holds 64 KiB, and this process would wait for the child's imports
        child.claims.mkdir()
        (root / "batch.pickle").write_bytes(pickle.dumps((batch, parser_version(batch.lookups_dir), child.claims),
                                                         protocol=pickle.HIGHEST_PROTOCOL))
        child.process = subprocess.Popen([sys.executable, "-m", "flows.parse_child", str(root / "batch.pickle"),
                                          str(child.result)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, env=env)
    except Exception:  # noqa: BLE001 - no space, no processes left, no interpreter: everything is done here
        folder.cleanup()
        return None
    return child


PREFIX = "whitepaper-parse-"


def sweep(tmp: Path) -> int:
    """Remove the folders (PREFIX<pid>-…) of runs that are gone: a run killed after its child had ended leaves its
    folder, result pickle and all (hundreds of MB at a million rows); the next run's start removes it. A folder
    whose pid is alive (its run, or another process now bearing that pid) is left. Returns how many went."""
    removed = 0
    for folder in tmp.glob(f"{PREFIX}*-*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or not folder.is_dir() or folder.is_symlink():
            continue
        if pid_alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += not folder.exists()
    return removed


def share(batch, cache, child: Child):
    """parse_stage.parse_batch(batch) with the child's help: the same Parsed, whatever becomes of the child."""
    from flows.parse_stage import Parsed, parse_papers, read_updates, recorded

    mine = Parsed()
    try:
        read_updates(batch.updates, range(len(batch.updates)), cache, mine, take=child.take)
        theirs = _result(child)
        noted = _noted(child.result.with_name("parsed.log")) if theirs is None else set()
    finally:
        _stop(child.process)   # Ctrl-C or SystemExit here: the child stops with the run
        child.folder.cleanup()
    if theirs is None:
        theirs = parse_papers(replace(batch, updates=[]), cache)
    left = [i for i, path in enumerate(batch.updates) if path not in mine.updates and path not in theirs.updates]
    read_updates(batch.updates, left, cache, mine)
    recorded(mine, cache)
    parsed = set(mine.parsed_files) | set(theirs.parsed_files) | noted   # noted: this process found their entries
    digests = {**theirs.read_digests, **mine.read_digests}
    if cache:   # files of one entry (same name and bytes): one process parses the first and finds the entry for the rest
        first = {}
        for path in batch.updates:
            if path in digests:
                first.setdefault((path.name, digests[path]), path)
        parsed = {p for p in parsed if p not in digests} | {first[(p.name, digests[p])] for p in parsed if p in digests}
    return Parsed(theirs.whitepapers,
                  {p: mine.updates[p] if p in mine.updates else theirs.updates[p] for p in batch.updates},
                  [p for p in batch.whitepapers if p in parsed] + [p for p in batch.updates if p in parsed],
                  mine.cache_entries | theirs.cache_entries, paper_paths=theirs.paper_paths,
                  not_papers=theirs.not_papers, rejected=theirs.rejected,
                  read_digests={p: digests[p] for p in batch.updates if p in digests})


def _result(child: Child):
    """What the child delivered, or None when it refused, died or left no readable result."""
    if child.process.wait() != 0:
        return None
    try:
        with open(child.result, "rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - no result or an unreadable one
        return None


class _Noting(list):
    """The child's ParseCache.parsed: each file parsed is also noted in a file, so that if the child dies, what it
    parsed (and cached: this process then finds the entries) still counts as parsed, as in one process."""

    def __init__(self, log: Path):
        super().__init__()
        self.log = open(log, "ab", buffering=0)

    def append(self, path) -> None:
        super().append(path)
        self.log.write(pickle.dumps(path, protocol=pickle.HIGHEST_PROTOCOL))


def _noted(log: Path) -> set:
    """The files a child that delivered nothing noted as parsed (the last record may be cut short)."""
    noted = set()
    try:
        with open(log, "rb") as f:
            while True:
                noted.add(pickle.load(f))
    except Exception:  # noqa: BLE001 - the end of the log, a record cut short, or no log
        return noted


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def parser_version(lookups_dir: Path) -> tuple[str, str, str]:
    """The parse cache's versions of the paper parser and the update reader (their code as this process imported
    it, the lookups, the libraries), and a digest of every source file of the pipeline as imported: the child also
    runs parse_stage.py and this module, which neither version covers (the code fingerprint of the nothing-new
    record, flows/release/fingerprint.py)."""
    from flows.parse_cache import UPDATE_CODE, WHITEPAPER_CODE, WHITEPAPER_LOOKUPS, code_version
    from flows.release.fingerprint import code_fingerprint

    return (code_version(WHITEPAPER_CODE, [Path(lookups_dir) / name for name in WHITEPAPER_LOOKUPS]),
            code_version(UPDATE_CODE), code_fingerprint())


def _main(given: str, result: str) -> int:
    from flows.parse_cache import ParseCache
    from flows.parse_stage import parse_papers, read_updates, recorded

    with open(given, "rb") as f:
        batch, version, claims = pickle.load(f)
    if parser_version(batch.lookups_dir) != version:   # the code changed on disk since the run began: not ours
        return 3
    cache = ParseCache(batch.cache_dir, batch.lookups_dir) if batch.cache_dir else None
    if cache:
        cache.parsed = _Noting(Path(result).with_name("parsed.log"))
    out = parse_papers(replace(batch, updates=[]), cache)
    read_updates(batch.updates, reversed(range(len(batch.updates))), cache, out,
                 take=lambda i: _mine(claims, i))
    with open(result, "wb") as f:   # streamed: the update files' cells are not held twice
        pickle.dump(recorded(out, cache), f, protocol=pickle.HIGHEST_PROTOCOL)
    if os.getppid() != _PARENT:
        _gone(Path(given).parent)
    return 0


PARENT = "WHITEPAPER_PARSE_PARENT"   # in the child's environment: the pid of the process that started it
_PARENT = int(os.environ.get(PARENT, os.getppid()))   # not getppid() alone: that process may be gone already


def _mine(claims: Path, index: int) -> bool:
    """take() in the child, which ends (_gone) once the process that started it is gone."""
    if os.getppid() != _PARENT:
        _gone(claims.parent)
    return take(claims, index)


def _gone(folder: Path) -> None:
    """End the child (the watchdog's SIGTERM, or its run is gone); when the process that started it is gone
    (killed: no `finally` of its own cleans up), the folder in /tmp goes too: nobody will read what it holds."""
    if os.getppid() != _PARENT:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(4)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: _gone(Path(sys.argv[1]).parent))
    os._exit(_main(sys.argv[1], sys.argv[2]))   # the result is closed: tearing down its heap would only keep the run waiting
