"""Measure commands as a person would run them: wall time, CPU time and peak memory of the whole process tree.

Benchmarks, not tests: numbers are reported with the machine they came from, never asserted.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from flows import paths


@dataclass(frozen=True)
class Measurement:
    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float   # MiB (2**20 bytes): highest sum of RSS over the process and its children, every 20 ms
    exit_code: int


def measure(name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Measurement:
    """Run argv to completion, sampling the memory of its whole process tree (a Prefect server child included)."""
    started = time.perf_counter()
    proc = psutil.Popen(argv, env={**os.environ, **(env or {})}, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, cpu_by_pid = 0, {}
    while proc.poll() is None:
        rss = 0
        for p in [proc, *proc.children(recursive=True)]:
            try:
                rss += p.memory_info().rss
                t = p.cpu_times()
                cpu_by_pid[p.pid] = t.user + t.system + t.children_user + t.children_system
            except psutil.Error:
                pass
        peak = max(peak, rss)
        time.sleep(0.02)
    wall = time.perf_counter() - started
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark step {name!r} failed with exit {proc.returncode}: {stderr[-2000:]}")
    return Measurement(name, round(wall, 3), round(sum(cpu_by_pid.values()), 3), round(peak / 2**20, 1), proc.returncode)


def machine() -> dict:
    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "processor": platform.processor() or platform.machine()}


def seed_refresh(raw_dir: Path = paths.RAW, as_of: str = "2014-12-31") -> list[Measurement]:
    """`whitepaper refresh` on the seed (Prefect, local temporary server) against the same pipeline without Prefect."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {"PREFECT_HOME": str(Path(tmp) / "prefect-home")}
        cli = [sys.executable, "-m", "flows.cli", "refresh", "--raw", str(raw_dir), "--as-of", as_of]
        results.append(measure("refresh (Prefect, fresh PREFECT_HOME)", cli + ["--out", str(Path(tmp) / "a")], env))
        results.append(measure("refresh (Prefect, warm PREFECT_HOME)", cli + ["--out", str(Path(tmp) / "b")], env))
        plain = [sys.executable, "-c", "import sys, datetime as dt; from pathlib import Path; from flows.pipeline import "
                 "refresh_without_prefect as r; r(Path(sys.argv[1]), Path(sys.argv[2]), dt.date.fromisoformat(sys.argv[3]))",
                 str(raw_dir), str(Path(tmp) / "c"), as_of]
        results.append(measure("same pipeline without Prefect", plain, env))
        results.append(measure("rerun, nothing new (Prefect)", cli + ["--out", str(Path(tmp) / "a")], env))
    return results


def write_results(results: list[Measurement], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine(), "results": [asdict(r) for r in results]}, indent=2, ensure_ascii=False) + "\n")


def table(results: list[Measurement]) -> str:
    rows = ["| step | wall s | CPU s | peak MiB |", "|---|---:|---:|---:|"]
    rows += [f"| {r.name} | {r.wall_s:.2f} | {r.cpu_s:.2f} | {r.peak_rss_mb:.0f} |" for r in results]
    return "\n".join(rows)
