"""The benchmark suite behind `whitepaper bench`: synthetic corpora at several sizes, timed stage by stage.

For each corpus kind ("csv", the speed targets' corpus; "mixed", CSV/XLSX/JSON as divisions send them) and each
size (a share of 1,000 white papers with 1,000,000 update rows) it writes a corpus (flows/bench/corpus.py),
then measures, each in its own process: the floors (flows/bench/floor.py: DuckDB reading the same rows as CSV
into Parquet, no checks; for "mixed" also the files as they are), every stage of the plain pipeline
(flows/bench/stages.py), the full `whitepaper refresh` on a cold cache, the same again with nothing new (twice:
the night right after a publish, and the next one), one new update file on top, the flow runs on a running
Prefect server (Running → Completed from its state history), and each summary view and as-of macro on the
published DuckDB file opened read-only. Benchmarks, not tests: numbers are reported with the machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from flows.bench.measure import machine, measure
from flows.bench.corpus import CORPORA, CorpusSpec, write_corpus

FULL_PAPERS, FULL_ROWS = 1000, 1_000_000
AS_OF = "2026-12-31"
PY = sys.executable


def corpus(size: float, work: Path, kind: str = "csv") -> tuple[Path, dict]:
    """The corpus of a size and kind (flows/bench/corpus.py CORPORA), written once under work/ with the same rows
    as UTF-8 CSV beside it (floor-csv/), and reused while its spec is the same."""
    spec = CorpusSpec(max(1, round(FULL_PAPERS * size)), round(FULL_ROWS * size), **CORPORA[kind])
    folder = work / f"corpus-{kind}-{spec.papers}-{spec.update_rows}"
    marker = folder / "corpus.json"
    wanted = {k: str(v) for k, v in asdict(spec).items()}
    if marker.exists() and json.loads(marker.read_text())["spec"] == wanted:
        return folder / "raw", json.loads(marker.read_text())["summary"]
    shutil.rmtree(folder, ignore_errors=True)
    written = write_corpus(spec, folder / "raw", folder / "floor-csv")
    summary = {"kind": kind, "papers": written.papers, "files": written.files, "rows": written.rows,
               "bad_rows": written.bad_rows}
    marker.write_text(json.dumps({"spec": wanted, "summary": summary}, indent=2))
    return folder / "raw", summary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def prefect_server(home: Path):
    """A real `prefect server start` on loopback with its own PREFECT_HOME and SQLite file; yields its API URL."""
    import httpx

    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home}/prefect.db"}
    env.pop("PREFECT_API_URL", None)
    home.mkdir(parents=True, exist_ok=True)
    log = open(home / "server.log", "w")
    proc = subprocess.Popen([PY, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"the Prefect server did not answer within 120 s; see {home / 'server.log'}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def last_flow_run_seconds(api_url: str) -> dict:
    """The newest flow run's Running → Completed seconds and task-run count, from the server's state history."""
    import httpx

    run = httpx.post(f"{api_url}/flow_runs/filter", json={"sort": "EXPECTED_START_TIME_DESC", "limit": 1}).json()[0]
    states = httpx.get(f"{api_url}/flow_run_states/", params={"flow_run_id": run["id"]}).json()
    at = {s["type"]: dt.datetime.fromisoformat(s["timestamp"]) for s in states}
    tasks = httpx.post(f"{api_url}/task_runs/count", json={"flow_runs": {"id": {"any_": [run["id"]]}}}).json()
    return {"flow_run_id": run["id"], "state": run["state_type"], "task_runs": tasks,
            "running_to_completed_s": round((at["COMPLETED"] - at["RUNNING"]).total_seconds(), 3)
            if "COMPLETED" in at and "RUNNING" in at else None}


def query_timings(release_dir: Path, as_of: str, repeat: int = 5) -> list[dict]:
    """Each summary view and as-of macro of the release's DuckDB file opened read-only: the first run, then the
    best of `repeat` runs, with the whole result collected as Arrow (the engine's answer: best_ms) and as Python
    tuples (fetchall: python_ms, which adds the client's conversion of every value)."""
    import duckdb

    from schemas.summaries import SUMMARY_TABLES

    con = duckdb.connect(str(release_dir / "whitepaper.duckdb"), read_only=True)
    out = []
    try:
        queries = {**{f"view {n}": f"select * from {n}" for n in SUMMARY_TABLES},
                   **{f"macro {n}_at": f"select * from {n}_at(DATE '{as_of}')" for n in SUMMARY_TABLES}}
        for name, sql in queries.items():
            first, rows = _timed(lambda: con.sql(sql).to_arrow_table().num_rows)
            arrow = min(_timed(lambda: con.sql(sql).to_arrow_table().num_rows)[0] for _ in range(repeat))
            python = min(_timed(lambda: len(con.execute(sql).fetchall()))[0] for _ in range(repeat))
            out.append({"query": name, "best_ms": round(arrow * 1000, 1), "first_ms": round(first * 1000, 1),
                        "python_ms": round(python * 1000, 1), "rows": rows})
    finally:
        con.close()
    return out


def _timed(run) -> tuple[float, object]:
    started = time.perf_counter()
    value = run()
    return time.perf_counter() - started, value


def _new_night_file(raw_dir: Path) -> Path:
    """One more update file, as a division would send the next night: a copy of an existing CSV under a new name."""
    source = next(p for p in sorted((raw_dir / "updates").rglob("*.csv")))
    target = source.with_name("zz-next-night.csv")
    shutil.copyfile(source, target)
    return target


def bench_size(size: float, work: Path, api_url: str, kind: str = "csv") -> dict:
    """Every measurement at one size of one corpus kind; see the module docstring."""
    raw, summary = corpus(size, work, kind)
    run = work / f"run-{kind}-{summary['papers']}-{summary['rows']}"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    server = {"PREFECT_API_URL": api_url, "PREFECT_HOME": str(work / "prefect-server-home"), "DO_NOT_TRACK": "1"}
    local = {"PREFECT_HOME": str(work / "prefect-local-home"), "DO_NOT_TRACK": "1"}
    cli = [PY, "-m", "flows.cli", "refresh", "--raw", str(raw), "--out", str(run / "out"), "--as-of", AS_OF]
    steps, flows = [], {}
    floor = [PY, "-m", "flows.bench.floor"]
    steps.append(measure(CSV_FLOOR, [*floor, "csv", str(raw.parent / "floor-csv"), str(run / "floor-csv.parquet")]))
    if kind != "csv":
        steps.append(measure("floor, files as they are: DuckDB (+ openpyxl for .xlsx) reads them into Parquet",
                             [*floor, "mixed", str(raw), str(run / "floor-mixed.parquet")]))
    steps.append(measure("all stages, plain pipeline (cold cache)",
                         [PY, "-m", "flows.bench.stages", str(raw), str(run / "stages-out"), AS_OF, str(run / "stages.json")]))
    steps.append(measure(FULL, cli, server))
    flows["full"] = last_flow_run_seconds(api_url)
    steps.append(measure(NOTHING_NEW, cli, server))
    flows["nothing_new"] = last_flow_run_seconds(api_url)
    # The first night after a publish hashes the files the publisher wrote in its last two seconds (too fresh to
    # be remembered: flows/release/hash_memo.py); the nights after it only stat them.
    steps.append(measure(NOTHING_NEW_AGAIN, cli, server))
    flows["nothing_new_again"] = last_flow_run_seconds(api_url)
    steps.append(measure("nothing new: whitepaper refresh (no server, temporary one)", cli, local))
    added = _new_night_file(raw)
    try:
        steps.append(measure(ONE_NEW, cli, server))
        flows["one_new_file"] = last_flow_run_seconds(api_url)
    finally:
        added.unlink()
    by = {m.name: m for m in steps}
    queries = query_timings(run / "out" / "latest", AS_OF)
    return {"size": size, "corpus": summary, "steps": [asdict(m) for m in steps], "flow_runs": flows,
            "stages": json.loads((run / "stages.json").read_text()), "queries": queries,
            "targets": {"full_over_csv_floor": round(by[FULL].wall_s / max(by[CSV_FLOOR].wall_s, 1e-9), 2),
                        "full_peak_mb": by[FULL].peak_rss_mb,
                        "one_new_file_over_full": round(by[ONE_NEW].wall_s / by[FULL].wall_s, 3),
                        "nothing_new_flow_run_s": flows["nothing_new"]["running_to_completed_s"],
                        "nothing_new_cli_s": by[NOTHING_NEW].wall_s,
                        "nothing_new_again_flow_run_s": flows["nothing_new_again"]["running_to_completed_s"],
                        "slowest_query_ms": max(q["best_ms"] for q in queries)}}


CSV_FLOOR = "floor: DuckDB reads the same rows as UTF-8 CSV into Parquet"
FULL = "full refresh: whitepaper refresh (server, cold cache)"
NOTHING_NEW = "nothing new: whitepaper refresh (server)"
NOTHING_NEW_AGAIN = "nothing new, the next night: whitepaper refresh (server)"
ONE_NEW = "one new update file: whitepaper refresh (server, warm cache)"


def run_bench(sizes: list[float], out: Path, work: Path | None = None,
              kinds: tuple[str, ...] = ("csv", "mixed")) -> dict:
    """Run every size (smallest first) of every corpus kind against one Prefect server; write out/results.json
    and out/results.md."""
    out = Path(out)
    work = Path(work) if work else out / "work"
    work.mkdir(parents=True, exist_ok=True)
    results = {"machine": machine(), "as_of": AS_OF, "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "sizes": []}
    with prefect_server(work / "prefect-server-home") as api_url:
        for kind in kinds:
            for size in sorted(sizes):
                results["sizes"].append(bench_size(size, work, api_url, kind))
                (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    for kind in kinds:
        walls = {s["size"]: next(st["wall_s"] for st in s["steps"] if st["name"] == FULL)
                 for s in results["sizes"] if s["corpus"]["kind"] == kind}
        for small, big in zip(sorted(walls), sorted(walls)[1:]):
            results[f"growth {kind} {small:g} → {big:g}"] = round(walls[big] / walls[small], 2)
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (out / "results.md").write_text(results_table(results) + "\n", encoding="utf-8")
    return results


def results_table(results: dict) -> str:
    """The short table `whitepaper bench` prints: one block of rows per size."""
    m = results["machine"]
    lines = [f"machine: {m['processor']}, {m['cpus']} cores, {m['memory_gb']} GB, {m['platform']}, Python {m['python']}", "",
             "| size | step | wall s | CPU s | peak MiB |", "|---|---|---:|---:|---:|"]
    for s in results["sizes"]:
        label = f"{s['corpus'].get('kind', 'mixed')}: {s['corpus']['papers']} papers, {s['corpus']['rows']:,} rows"
        lines += [f"| {label} | {st['name']} | {st['wall_s']:.2f} | {st['cpu_s']:.2f} | {st['peak_rss_mb']:.0f} |" for st in s["steps"]]
        lines += [f"| {label} | stage: {st['stage']} | {st['wall_s']:.2f} | {st.get('cpu_s', '')} | {st.get('peak_rss_mb', '')} |"
                  for st in s["stages"] if "rows" not in st]
        lines += [f"| {label} | flow run {k}: Running → Completed | {v['running_to_completed_s']} | | |"
                  for k, v in s["flow_runs"].items()]
        slowest = max(s["queries"], key=lambda q: q["best_ms"])
        lines.append(f"| {label} | slowest of {len(s['queries'])} views/macros: {slowest['query']} (best, as Arrow; "
                     f"first run {slowest.get('first_ms', '?')} ms, as Python tuples {slowest.get('python_ms', '?')} ms) | "
                     f"{slowest['best_ms'] / 1000:.3f} | | |")
        lines.append(f"| {label} | targets | {json.dumps(s['targets'])} | | |")
    lines += [f"\n{k}: {v}" for k, v in results.items() if k.startswith("growth")]
    return "\n".join(lines)
