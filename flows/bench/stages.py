"""Time each stage of the plain pipeline in one process: wall time, CPU time and peak memory per stage.

Run as `python -m flows.bench.stages RAW OUT AS_OF RESULT.json` by flows/bench/suite.py, in a fresh process with a
cold parse cache, so one stage's memory is not another's. Peak memory is the process's resident set, sampled
every 10 ms while the stage runs (so it includes what earlier stages still hold).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil


class Sampler:
    """Highest RSS of this process since the last reset, sampled on a background thread."""

    def __init__(self, every_s: float = 0.01):
        self.process, self.every_s, self.peak = psutil.Process(), every_s, 0
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def reset(self) -> None:
        self.peak = self.process.memory_info().rss

    def stop(self) -> None:
        self._stop.set()


@contextmanager
def timed(results: list[dict], name: str, sampler: Sampler):
    sampler.reset()
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    results.append({"stage": name, "wall_s": round(time.perf_counter() - wall, 3),
                    "cpu_s": round(time.process_time() - cpu, 3),
                    "peak_rss_mb": round(max(sampler.peak, sampler.process.memory_info().rss) / 2**20, 1)})


def _timing_wrapper(results: list[dict], name: str, function):
    def wrapped(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            results.append({"stage": name, "wall_s": round(time.perf_counter() - started, 3)})
    return wrapped


def stage_timings(raw_dir: Path, out_dir: Path, as_of: dt.date) -> list[dict]:
    """read (update files), parse (white papers, validated together), updates, summaries, validate, changes,
    publish (with the time of its report, workbook and DuckDB steps), as the plain pipeline runs them."""
    from flows import parse_stage, pipeline
    from flows.release import publish
    from flows.updates.limits import input_sha256

    results: list[dict] = []
    inner: list[dict] = []
    for name in ("staged_report", "write_xlsx", "write_duckdb", "check_staged_parquet", "validate_tables"):
        setattr(publish, name, _timing_wrapper(inner, f"publish: {name}", getattr(publish, name)))
    sampler = Sampler()
    started = time.perf_counter()
    inputs = pipeline.discover_inputs(raw_dir)
    with timed(results, "read (update files)", sampler):
        reads = parse_stage.parse_batch(parse_stage.Batch([], {}, inputs.updates, inputs.lookups_dir, None)).updates
    with timed(results, "parse (white papers)", sampler):
        names = {p: inputs.source_name(p) for p in inputs.whitepapers}
        parsed = parse_stage.parse_batch(parse_stage.Batch(inputs.whitepapers, names, [], inputs.lookups_dir, None))
        parsed = parse_stage.check_whitepapers(parsed)
    with timed(results, "updates (check and settle rows)", sampler):
        digests = {path: input_sha256(path) for path in inputs.updates}   # as the parse cache gives them
        tables, update_files = pipeline.add_updates(parsed.tables, inputs, as_of, reads, out_dir, digests)
        reads.clear()
    with timed(results, "summaries", sampler):
        tables = pipeline.add_summaries(tables, as_of, inputs.lookups_dir)
    with timed(results, "validate", sampler):
        tables = pipeline.validate_tables(tables)
    validated = frozenset(tables)
    with timed(results, "changes", sampler):
        tables = pipeline.add_changes(tables, out_dir)
    with timed(results, "publish", sampler):
        bundle = pipeline.bundle_of(tables, parsed, inputs, update_files, validated)
        result = pipeline.publish(bundle, out_dir, as_of)
    sampler.stop()
    results += inner
    results.append({"stage": "all stages", "wall_s": round(time.perf_counter() - started, 3),
                    "rows": {k: v for k, v in result.row_counts.items() if k in ("updates", "update_rejections", "tasks")}})
    return results


if __name__ == "__main__":
    raw, out, as_of, target = sys.argv[1:5]
    timings = stage_timings(Path(raw), Path(out), dt.date.fromisoformat(as_of))
    Path(target).write_text(json.dumps(timings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
