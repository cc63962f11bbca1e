"""Every command block of README.md and of the release README works as written, in a fresh clone after the quick start.

The clone is the working tree's tracked and unignored files, copied (what `git clone` gives, with uncommitted work
included). The quick start's first command runs as written, except that `python3` is a stand-in that builds
`.venv` on top of the packages of the interpreter running the tests (a .pth line and its console scripts), so
that `pip install -r requirements.lock` finds them installed instead of downloading them again: the run costs
the refreshes, not an install. Blocks that start servers (the nightly section, `whitepaper browse`) are left to
tests/test_serve.py and tests/cli/test_browse.py. A line whose comment says `exits 1` must exit 1.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows import paths

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("readme")]   # one fresh clone, built once, on one worker

README = paths.REPO / "README.md"
STARTS_A_SERVER = re.compile(r"server start|whitepaper serve|whitepaper browse")
OPENS_A_SHELL = re.compile(r"(^|/)duckdb -readonly \S+$")
DEMO_IDS = re.compile(r"\b\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\b")

PYTHON3_STAND_IN = f"""#!{sys.executable}
# python3 for the quick start: `-m venv DIR` builds DIR on top of this interpreter's packages; anything else runs as is.
import os, subprocess, sys, sysconfig
from pathlib import Path
args = sys.argv[1:]
if args[:2] != ["-m", "venv"]:
    os.execv(sys.executable, [sys.executable, *args])
subprocess.run([sys.executable, *args], check=True)
venv = Path(args[-1]).resolve()
site = next(venv.glob("lib/python*/site-packages"))
(site / "_tests_parent.pth").write_text(sysconfig.get_paths()["purelib"] + "\\n")
for script in Path(sys.executable).parent.iterdir():
    target = venv / "bin" / script.name
    if target.exists() or script.name.startswith(("python", "pip", "activate")) or not script.is_file():
        continue
    head = script.read_bytes()[:200]
    if head.startswith(b"#!") and b"python" in head.split(b"\\n", 1)[0]:
        target.write_text("#!" + str(venv / "bin" / "python") + "\\n" + script.read_text().split("\\n", 1)[1])
        target.chmod(0o755)
"""


def code_blocks(markdown: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block, in order; an output block has the language ''."""
    return re.findall(r"^```(\w*)\n(.*?)^```", markdown, flags=re.S | re.M)


def command_lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def clean_env(*bin_dirs: Path) -> dict[str, str]:
    """The environment of a new terminal: none of the test session's Prefect settings or PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "PYTHONPATH"}
    env["PATH"] = os.pathsep.join([*map(str, bin_dirs), env.get("PATH", "")])
    return env


def run(line: str, cwd: Path, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(["bash", "-c", line], cwd=cwd, env=env, input=stdin or "", text=True, capture_output=True,
                          timeout=600)
    expected = 1 if re.search(r"#.*\bexits 1\b", line) else 0
    assert done.returncode == expected, f"{line}\n→ exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def rows(box: str) -> list[list[str]]:
    """The cells of each row of DuckDB's boxed output (or of an output block copied from it)."""
    return [[cell.strip() for cell in line.strip().strip("│").split("│")]
            for line in box.splitlines() if line.startswith("│") and "…" not in line]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("fresh")
    clone = root / "whitepaper"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=paths.REPO,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (paths.REPO / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(paths.REPO / name, clone / name)
    stand_in = root / "bin"
    stand_in.mkdir()
    (stand_in / "python3").write_text(PYTHON3_STAND_IN)
    (stand_in / "python3").chmod(0o755)
    env = clean_env(stand_in)
    quick_start = code_blocks(README.read_text(encoding="utf-8").split("## Quick start", 1)[1])[0][1]
    run(command_lines(quick_start)[0], clone, env)
    assert (clone / ".venv/bin/duckdb").exists() and (clone / "curated/latest/whitepaper.duckdb").exists()
    return clone, env


def test_readme_command_blocks_work_as_written_and_show_what_they_give(clone):
    clone, env = clone
    blocks = code_blocks(README.read_text(encoding="utf-8").split("## What is in a release", 1)[1])
    ran, shells = 0, 0
    for i, (language, body) in enumerate(blocks):
        if language == "python":
            run(f"{clone / '.venv/bin/python'} -", clone, env, stdin=body)
        if language != "sh" or STARTS_A_SERVER.search(body):
            continue
        for line in command_lines(body):
            ran += 1
            if not OPENS_A_SHELL.search(line.split("#")[0].strip()):
                run(line, clone, env)
                continue
            # The shell opens the release: give it the SQL blocks that follow, and compare the output shown after each.
            for j in range(i + 1, len(blocks)):
                if blocks[j][0] == "sh":
                    break
                if blocks[j][0] == "sql":
                    shells += 1
                    out = run(line, clone, env, stdin=blocks[j][1]).stdout
                    shown = blocks[j + 1][1] if j + 1 < len(blocks) and blocks[j + 1][0] == "" else ""
                    for row in rows(shown):
                        assert row in rows(out), f"README shows {row} after\n{blocks[j][1]}\nbut the shell gave\n{out}"
    assert ran >= 10 and shells >= 4
    assert (clone / "parsed/szsti-2014/tasks.csv").exists()


@pytest.fixture
def demo(clone) -> tuple[Path, dict]:
    """The clone with the README's demo release built (by the README test, or here when that has not run yet)."""
    root, env = clone
    if not (root / "demo-curated/latest").exists():
        block = next(body for _, body in code_blocks(README.read_text(encoding="utf-8")) if "rm -rf demo-raw" in body)
        for line in command_lines(block):
            if not OPENS_A_SHELL.search(line.split("#")[0].strip()):
                run(line, root, env)
    return root, env


def test_the_release_ids_the_readme_names_are_the_ones_the_demo_build_gives(demo):
    clone, env = demo
    text = README.read_text(encoding="utf-8")
    named = set(DEMO_IDS.findall(text))
    built = {p.name for p in (clone / "demo-curated/releases").iterdir()}
    assert named and named <= built, f"README names {sorted(named)}, the demo build gave {sorted(built)}"
    assert (clone / "demo-curated/latest").resolve().name in named


def test_release_readme_command_blocks_work_in_the_release_folder(demo):
    clone, env = demo
    release = (clone / "demo-curated/latest").resolve()
    blocks = code_blocks((release / "README.md").read_text(encoding="utf-8"))
    env = clean_env(clone / ".venv/bin")  # DuckDB's shell on the PATH, as the release README asks
    shells = pythons = 0
    for i, (language, body) in enumerate(blocks):
        if language == "python":
            pythons += 1
            run("python -", release, env, stdin=body)
        if language == "sh":
            for line in command_lines(body):
                sql = next((b for lang, b in blocks[i + 1:] if lang == "sql"), "") if OPENS_A_SHELL.search(line) else None
                out = run(line, release, env, stdin=sql).stdout
                if sql:
                    shells += 1
                    assert "szsti-2014-01" in out and "comment" in out
    assert shells == 1 and pythons == 2

