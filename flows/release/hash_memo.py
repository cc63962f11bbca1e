"""SHA-256 of files remembered by what stat says of them, so a night with nothing new need not read every byte.

A night with nothing new still proves two things before it stops: the inputs are those of the last run
(flows/release/fingerprint.py) and the release latest points at hashes as its manifest says
(flows/release/state.py). At a million rows that is 700 MB read, most of the night's second. A regular file's
digest is reused only while its device, inode, size, mtime and ctime are all those it had when it was hashed:
a write(), truncation or replacement changes its ctime, which no user call can set back. A file changed within
the same clock tick as its hashing could keep its stat, so a digest is remembered only for a file whose mtime
and ctime were RACY_NS older than the moment its hashing began (git's rule for "racily clean" entries). Git's
limit is ours too: a change made through a shared memory map to a page already dirty leaves the timestamps as
they were until the page is written back, so the stat can miss it.

The memo is a cache under <out>/.cache/: missing, unreadable or damaged, it is ignored and written anew; a
file that cannot be stat'ed is simply hashed. Each use keeps only the entries it looked up, so it never grows.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flows.updates.limits import OverBudget, read_capped

RACY_NS = 2_000_000_000
MAX_MEMO_BYTES = 256 * 2 ** 20   # a digest and a stat are about 100 bytes: two million files
FILES = {"inputs": ".cache/input_hashes.json", "release": ".cache/release_hashes.json"}


class HashMemo:
    """Digests of regular files keyed by device:inode, valid while (size, mtime_ns, ctime_ns) are unchanged."""

    def __init__(self, path: Path | None = None, entries: dict | None = None):
        self.path = path
        self._known = entries or {}
        self._kept: dict[str, list] = {}
        self._lock = threading.Lock()
        self.reused = 0

    @classmethod
    def load(cls, out_root: Path, use: str) -> HashMemo:
        """The memo of one use ("inputs" or "release") under out_root; an empty one if there is none to read."""
        path = Path(out_root) / FILES[use]
        try:   # read only as a regular file, never followed: a FIFO or a link to /dev/zero in its place is no memo
            entries = json.loads(read_capped(path, MAX_MEMO_BYTES))
            entries = {k: v for k, v in entries.items()
                       if isinstance(v, list) and len(v) == 4 and all(isinstance(n, int) for n in v[:3])
                       and isinstance(v[3], str)} if isinstance(entries, dict) else {}
        except (OverBudget, OSError, ValueError, RecursionError):   # RecursionError: JSON nested past the stack
            entries = {}
        return cls(path, entries)

    def sha256(self, path: Path, compute: Callable[[Path], str]) -> str:
        """compute(path), or the digest remembered for this very state of the file."""
        digest, before = self.remembered(path)
        return digest if digest is not None else self.learn(path, before, compute)

    def remembered(self, path: Path) -> tuple[str | None, os.stat_result | None]:
        """(the digest remembered for this very state of the file, or None; the file's lstat, None if it has none or
        is no regular file). Only a stat: a night with nothing new asks this of every input."""
        try:
            before = os.lstat(path)
        except OSError:
            return None, None
        if not stat.S_ISREG(before.st_mode):
            return None, None
        key = f"{before.st_dev}:{before.st_ino}"
        known = self._known.get(key)
        if known is not None and known[:3] == [before.st_size, before.st_mtime_ns, before.st_ctime_ns]:
            with self._lock:
                self._kept[key] = known
                self.reused += 1
            return known[3], before
        return None, before

    def learn(self, path: Path, before: os.stat_result | None, compute: Callable[[Path], str]) -> str:
        """compute(path), remembered if the file had settled before (RACY_NS) and did not change while hashed."""
        started = time.time_ns()
        digest = compute(path)
        if before is None:
            return digest
        try:
            after = os.lstat(path)
        except OSError:
            return digest
        state = [before.st_size, before.st_mtime_ns, before.st_ctime_ns]
        settled = max(before.st_mtime_ns, before.st_ctime_ns) < started - RACY_NS
        if settled and [after.st_size, after.st_mtime_ns, after.st_ctime_ns] == state:
            with self._lock:
                self._kept[f"{before.st_dev}:{before.st_ino}"] = [*state, digest]
        return digest

    def save(self) -> None:
        """Write the entries looked up or learnt by this use."""
        if self.path is not None:
            write_cache(self.path, json.dumps(self._kept, sort_keys=True))


def write_cache(path: Path, text: str) -> None:
    """A file under <out>/.cache/ written whole or not at all; one that cannot be written only costs the next run time."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def hash_files(files: list[Path], compute: Callable[[Path], str], memo: HashMemo | None = None) -> list[str]:
    """compute(f) for each of files, in order; with memo, a file it remembers is only stat'ed and the others are
    hashed two at a time (hashlib hashes outside the GIL). A pool task for each remembered file cost more than its
    stat: 0.27 s of a 0.6 s nothing-new night over 6,000 inputs."""
    remembered = [memo.remembered(p) if memo is not None else (None, None) for p in files]
    missing = [i for i, (digest, _) in enumerate(remembered) if digest is None]

    def learn(i: int) -> str:
        return compute(files[i]) if memo is None else memo.learn(files[i], remembered[i][1], compute)

    if len(missing) > 1:
        with ThreadPoolExecutor(2) as pool:
            found = list(pool.map(learn, missing))
    else:
        found = [learn(i) for i in missing]
    digests = [digest for digest, _ in remembered]
    for i, digest in zip(missing, found):
        digests[i] = digest
    return digests
