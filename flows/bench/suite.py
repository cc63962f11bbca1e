"""The benchmark suite behind `whitepaper bench`: synthetic corpora at several sizes, timed stage by stage.

For each size (a share of 1,000 white papers with 1,000,000 update rows) it writes a corpus (flows/bench/corpus.py),
then measures, each in its own process: the floor (DuckDB reading the same update files into Parquet, no
checks), every stage of the plain pipeline (flows/bench/stages.py), the full `whitepaper refresh` on a cold
cache, the same again with nothing new, one new update file on top, the nothing-new flow run on a running
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
from flows.bench.corpus import CorpusSpec, write_corpus

FULL_PAPERS, FULL_ROWS = 1000, 1_000_000
AS_OF = "2026-12-31"
PY = sys.executable


def corpus(size: float, work: Path) -> tuple[Path, dict]:
    """The corpus of a size, written once under work/ and reused while its spec is the same."""
    spec = CorpusSpec(max(1, round(FULL_PAPERS * size)), round(FULL_ROWS * size))
    folder = work / f"corpus-{spec.papers}-{spec.update_rows}"
    marker = folder / "corpus.json"
    wanted = {k: str(v) for k, v in asdict(spec).items()}
    if marker.exists() and json.loads(marker.read_text())["spec"] == wanted:
        return folder / "raw", json.loads(marker.read_text())["summary"]
    shutil.rmtree(folder, ignore_errors=True)
    written = write_corpus(spec, folder / "raw")
    summary = {"papers": written.papers, "files": written.files, "rows": written.rows, "bad_rows": written.bad_rows}
    marker.write_text(json.dumps({"spec": wanted, "summary": summary}, indent=2))
    return folder / "raw", summary


def duckdb_floor(raw_dir: Path, target: Path) -> int:
    """Every update file into one Parquet file with DuckDB, nothing checked: the least any refresh must do.

    DuckDB reads the CSV and JSON files itself (GB18030 and BOM files are re-encoded to UTF-8 first, as its
    CSV reader takes UTF-8 only); its Excel extension cannot be installed offline, so .xlsx files are read
    with openpyxl in read-only mode and handed over as Arrow tables.
    """
    import duckdb
    import openpyxl
    import pyarrow

    files = sorted(p for p in (raw_dir / "updates").rglob("*") if p.is_file())
    tmp = target.parent / "floor-utf8"
    tmp.mkdir(parents=True, exist_ok=True)
    csvs, parts = [], []
    for i, path in enumerate(f for f in files if f.suffix == ".csv"):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            plain = not data.startswith(b"\xef\xbb\xbf")
        except UnicodeDecodeError:
            plain = False
        if not plain:
            copy = tmp / f"{i}.csv"
            copy.write_bytes(data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "gb18030").encode("utf-8"))
            path = copy
        csvs.append(str(path))
    con = duckdb.connect()
    if csvs:
        parts.append("select * from read_csv(?, header=true, all_varchar=true, union_by_name=true)")
    jsons = [str(f) for f in files if f.suffix == ".json"]
    if jsons:
        parts.append("select columns(*)::varchar from read_json(?, format='array', union_by_name=true, sample_size=-1)")
    sheets = []
    for path in (f for f in files if f.suffix == ".xlsx"):
        book = openpyxl.load_workbook(path, read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        sheets.append(pyarrow.table({h: pyarrow.array([None if r[i] is None else str(r[i]) for r in rows[1:]], pyarrow.string())
                                     for i, h in enumerate(header)}))
    if sheets:
        con.register("xlsx_rows", pyarrow.concat_tables(sheets, promote_options="permissive"))
        parts.append("select * from xlsx_rows")
    params = [p for p in (csvs, jsons) if p]
    union = " union all by name ".join(f"({p})" for p in parts)
    con.execute(f"copy ({union}) to '{target}' (format parquet, compression zstd)", params)
    rows = con.execute(f"select count(*) from read_parquet('{target}')").fetchone()[0]
    shutil.rmtree(tmp, ignore_errors=True)
    return rows


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


def bench_size(size: float, work: Path, api_url: str) -> dict:
    """Every measurement at one size; see the module docstring."""
    raw, summary = corpus(size, work)
    run = work / f"run-{summary['papers']}-{summary['rows']}"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    server = {"PREFECT_API_URL": api_url, "PREFECT_HOME": str(work / "prefect-server-home"), "DO_NOT_TRACK": "1"}
    local = {"PREFECT_HOME": str(work / "prefect-local-home"), "DO_NOT_TRACK": "1"}
    cli = [PY, "-m", "flows.cli", "refresh", "--raw", str(raw), "--out", str(run / "out"), "--as-of", AS_OF]
    steps, flows = [], {}
    steps.append(measure("floor: DuckDB reads the update files into Parquet",
                         [PY, "-m", "flows.bench.suite", "floor", str(raw), str(run / "floor.parquet")]))
    steps.append(measure("all stages, plain pipeline (cold cache)",
                         [PY, "-m", "flows.bench.stages", str(raw), str(run / "stages-out"), AS_OF, str(run / "stages.json")]))
    steps.append(measure("full refresh: whitepaper refresh (server, cold cache)", cli, server))
    flows["full"] = last_flow_run_seconds(api_url)
    steps.append(measure("nothing new: whitepaper refresh (server)", cli, server))
    flows["nothing_new"] = last_flow_run_seconds(api_url)
    steps.append(measure("nothing new: whitepaper refresh (no server, temporary one)", cli, local))
    added = _new_night_file(raw)
    try:
        steps.append(measure("one new update file: whitepaper refresh (server, warm cache)", cli, server))
        flows["one_new_file"] = last_flow_run_seconds(api_url)
    finally:
        added.unlink()
    by_name = {m.name: m for m in steps}
    floor, full = steps[0], steps[2]
    return {"size": size, "corpus": summary, "steps": [asdict(m) for m in steps], "flow_runs": flows,
            "stages": json.loads((run / "stages.json").read_text()), "queries": query_timings(run / "out" / "latest", AS_OF),
            "targets": {"full_over_floor": round(full.wall_s / max(floor.wall_s, 1e-9), 2), "full_peak_mb": full.peak_rss_mb,
                        "one_new_file_over_full": round(steps[5].wall_s / full.wall_s, 3),
                        "nothing_new_flow_run_s": flows["nothing_new"]["running_to_completed_s"],
                        "nothing_new_cli_s": by_name["nothing new: whitepaper refresh (server)"].wall_s}}


def run_bench(sizes: list[float], out: Path, work: Path | None = None) -> dict:
    """Run every size (smallest first) against one Prefect server; write out/results.json and out/results.md."""
    out = Path(out)
    work = Path(work) if work else out / "work"
    work.mkdir(parents=True, exist_ok=True)
    results = {"machine": machine(), "as_of": AS_OF, "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "sizes": []}
    with prefect_server(work / "prefect-server-home") as api_url:
        for size in sorted(sizes):
            results["sizes"].append(bench_size(size, work, api_url))
            (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    walls = {s["size"]: s["steps"][2]["wall_s"] for s in results["sizes"]}
    for small, big in zip(sorted(walls), sorted(walls)[1:]):
        results[f"growth {small:g} → {big:g}"] = round(walls[big] / walls[small], 2)
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (out / "results.md").write_text(results_table(results) + "\n", encoding="utf-8")
    return results


def results_table(results: dict) -> str:
    """The short table `whitepaper bench` prints: one block of rows per size."""
    m = results["machine"]
    lines = [f"machine: {m['processor']}, {m['cpus']} cores, {m['memory_gb']} GB, {m['platform']}, Python {m['python']}", "",
             "| size | step | wall s | CPU s | peak MB |", "|---|---|---:|---:|---:|"]
    for s in results["sizes"]:
        label = f"{s['corpus']['papers']} papers, {s['corpus']['rows']:,} rows"
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


if __name__ == "__main__":
    if sys.argv[1:2] == ["floor"]:
        print(duckdb_floor(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        sys.exit("usage: python -m flows.bench.suite floor RAW TARGET.parquet (the command is `whitepaper bench`)")
