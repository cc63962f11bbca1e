"""The pipeline's own source files as this process imported them: the code in every cache key and in the
nothing-new record.

Keys worked out from the files on disk when a run needs them would file the run's results under whatever
version is installed at that moment. A run that imported one version and then waited (for the release lock,
`--wait`) while another was installed would record the new version's key for what the old code made, and the
next run, with the new code, would reuse it: its parsed papers, its checked rows, even "nothing new". So the
digests are taken once, when the package is first imported (flows/__init__.py). A file read later than that (an
SQL view, a template) can only be newer than its digest here: the next run's key then differs and it rebuilds,
a wasted night at worst, never a wrong one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flows import paths

GLOBS = ("flows/**/*.py", "flows/**/templates/**/*", "schemas/**/*.py", "sql/**/*.sql")


def snapshot(repo: Path = paths.REPO) -> dict[str, bytes]:
    """Relative path → SHA-256 (raw digest) of every source file of the pipeline, its templates and its SQL."""
    files = sorted({p for pattern in GLOBS for p in repo.glob(pattern) if p.is_file() and "__pycache__" not in p.parts})
    return {p.relative_to(repo).as_posix(): hashlib.sha256(p.read_bytes()).digest() for p in files}


IMPORTED = snapshot()
"""The source files as they were when this process first imported the package (130 files, 10 ms to read)."""


def digest(relative: str) -> bytes:
    """SHA-256 of a source file as imported; of any other file of the repository as it is now (b"(missing)")."""
    if relative in IMPORTED:
        return IMPORTED[relative]
    path = paths.REPO / relative
    return hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"(missing)"
