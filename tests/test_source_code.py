"""flows/source_code.py: every code key is that of the code the process imported, not of what is on disk later."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

from flows import paths, source_code

KEYS = """
from flows.release.fingerprint import code_fingerprint
from flows.parse_cache import UPDATE_CODE, WHITEPAPER_CODE, code_version
from flows.updates.check_cache import CHECK_CODE
from flows.release import derived_memo
def keys():
    return (code_fingerprint(), code_version(UPDATE_CODE), code_version(WHITEPAPER_CODE), code_version(CHECK_CODE),
            str(derived_memo.LOADED_CODE))
"""


def test_the_snapshot_is_the_sources_bytes():
    assert "flows/updates/read.py" in source_code.IMPORTED and "sql/milestone_status.sql" in source_code.IMPORTED
    assert source_code.digest("pyproject.toml") == hashlib.sha256((paths.REPO / "pyproject.toml").read_bytes()).digest()
    assert source_code.digest("no/such/file.py") == b"(missing)"


def test_code_installed_while_a_run_waits_is_not_the_code_the_run_records(tmp_path):
    """A process imports the code, a new version lands on disk (a deploy while the run waits for the lock): the
    process's keys stay those of what it imported; the next process's keys are new."""
    repo = tmp_path / "repo"
    for folder in ("flows", "schemas", "sql", "raw"):
        shutil.copytree(paths.REPO / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(repo), "PREFECT_SERVER_EPHEMERAL_ENABLED": "false"}
    edited = repo / "flows" / "release" / "history.py"   # read by none of the caches but the pages' memo and the key
    parser = repo / "flows" / "updates" / "limits.py"     # in the keys of both parse caches and the check cache
    waiting = KEYS + f"""
import pathlib, flows
assert flows.__file__.startswith({str(repo)!r}), flows.__file__
before = keys()
for path in ({str(edited)!r}, {str(parser)!r}):
    pathlib.Path(path).write_text(pathlib.Path(path).read_text() + "\\n# a new version\\n")
after = keys()
assert after == before, [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
print(repr(before))
"""
    first = subprocess.run([sys.executable, "-c", waiting], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    fresh = subprocess.run([sys.executable, "-c", KEYS + "print(repr(keys()))"], env=env, capture_output=True,
                           text=True, cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    old, new = eval(first.stdout), eval(fresh.stdout)   # noqa: S307 - our own repr of a tuple of strings
    assert all(a != b for a, b in zip(old, new)), "every key must change with the new code"
