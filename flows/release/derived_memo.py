"""releases.json and index.html found in order by what stat says of everything they are made from.

Both pages are rebuilt from every release folder (its manifest.json, datapackage.json, milestone_status and
report), so checking them reads every release: at a million rows 55 ms a release, 1.3 s for 21 releases, on
every night, nothing-new ones included. The state check (flows/release/state.py) instead signs the stat of each
file the pages are made from, the pointers latest and LATEST, the two pages themselves, their templates (as on
disk) and the modules that render them (as imported); while the signature is the one recorded after the pages
were last found in order, they still are, and nothing is read. A write(), truncation, rename, removal or
replacement of one of those files changes its ctime, and no user call can set a ctime back. As in
flows/release/hash_memo.py, a signature is only recorded when every file it covers was last changed RACY_NS
before the check began. The limit is the same as git's: a file changed through a shared memory map whose page
was already dirty keeps its timestamps until the page is written back, so such a change can go unseen until
the file's stat changes again.

The memo is a cache under <out>/.cache/: missing, unreadable or damaged, the pages are checked in full.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import stat
import time
from pathlib import Path

import jinja2
import pandas as pd
import pyarrow

from flows import source_code
from flows.release.hash_memo import RACY_NS, write_cache
from flows.report.build import TEMPLATES
from flows.updates.limits import OverBudget, read_capped

MEMO_FILE = ".cache/derived_pages.json"
RELEASE_FILES = ("manifest.json", "datapackage.json", "data/milestone_status.parquet", "report/index.html", "data",
                 "sources")
"""What each release gives releases.json and index.html (flows/release/history.py, flows/release/index.py); its data/
and sources/ folders too, whose stat changes when a file in them is removed or added (history.damage looks then)."""
ROOT_FILES = ("latest", "LATEST", "releases.json", "index.html")
UNSETTLED = 2 ** 63   # never older than a check: a signature covering it is never recorded
CODE_FOLDERS = ("release", "report")
"""The modules that render the pages: a new version of them may render them differently. Their templates and
what those include (report.css, in TEMPLATES) are read from disk at each rendering, so they are signed as they are."""


def _stat_entry(path: Path) -> list:
    try:
        st = os.lstat(path)
    except OSError:
        return [str(path), None]
    link = os.readlink(path) if stat.S_ISLNK(st.st_mode) else None
    return [str(path), st.st_dev, st.st_ino, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, link]


def _files(folder: Path) -> list[Path]:
    return [folder / name for name in sorted(os.listdir(folder)) if name != "__pycache__"]


LOADED_CODE = [[relative, file_digest.hex()] for relative, file_digest in source_code.IMPORTED.items()
               if relative.endswith(".py") and relative.startswith(tuple(f"flows/{f}/" for f in CODE_FOLDERS))]
"""The modules as this process imported them (flows/source_code.py): a process that waited for the lock while a
new version was installed records the version it compared the pages with, not the new one."""


def signature(out_root: Path) -> tuple[str, int]:
    """(a digest of the stat of every file the pages are made from, the newest mtime or ctime among them in ns)."""
    out_root = Path(out_root)
    entries: list = [[platform.python_version(), jinja2.__version__, pyarrow.__version__, pd.__version__]]
    newest, latest = 0, out_root / "latest"

    def add(path: Path) -> None:
        nonlocal newest
        entry = _stat_entry(path)
        entries.append(entry)
        if entry[1] is not None:   # a link's stat says nothing of what it points at (latest names a folder signed here)
            newest = max(newest, entry[5], entry[6], UNSETTLED if entry[7] is not None and path != latest else 0)

    for name in ROOT_FILES:
        add(out_root / name)
    releases = out_root / "releases"
    add(releases)
    for name in sorted(os.listdir(releases)) if releases.is_dir() else []:
        add(releases / name)
        for rel in RELEASE_FILES if not name.startswith(".") else ():
            add(releases / name / rel)
    for path in _files(TEMPLATES):
        add(path)
    entries += LOADED_CODE
    return hashlib.sha256(json.dumps(entries).encode("utf-8", "surrogateescape")).hexdigest(), newest


def in_order(out_root: Path, digest: str) -> bool:
    """Whether digest is the signature recorded when the pages were last found in order."""
    try:
        recorded = json.loads(read_capped(Path(out_root) / MEMO_FILE, 4096))
    except (OverBudget, OSError, ValueError, RecursionError):
        return False
    return isinstance(recorded, dict) and recorded.get("signature") == digest


def remember(out_root: Path, started_ns: int) -> None:
    """Record the signature of the pages as they are now, found (or made) in order by a check begun at
    started_ns; not when a file it covers changed within RACY_NS of that (it could change again unseen)."""
    digest, newest = signature(out_root)
    if newest < started_ns - RACY_NS:
        write_cache(Path(out_root) / MEMO_FILE, json.dumps({"signature": digest}) + "\n")


def now_ns() -> int:
    return time.time_ns()
