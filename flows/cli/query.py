"""`whitepaper sql` and `browse`: the latest release queried from the terminal or browsed in a web browser, read-only."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from flows import paths
from flows.cli.common import app, fail


def release_dir(out: Path, release: Optional[str]) -> Path:
    """releases/<id>/ for --release (an id, a unique prefix, latest), exiting 2 with the choices when there is none."""
    from flows.release.history import resolve_release

    try:
        return resolve_release(out, release or "latest")
    except (ValueError, FileNotFoundError) as err:
        fail(f"{err}; run `whitepaper refresh --out {out}` first" if release is None else str(err), code=2)


@app.command()
def sql(
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder holding releases/ and latest."),
    release: Optional[str] = typer.Option(None, "--release", help="Release id or unique prefix; default latest."),
) -> None:
    """Open a DuckDB SQL shell on the release's whitepaper.duckdb, read-only; SQL from standard input when piped.

    Statements end with ';' and print as boxed tables; .tables lists tables and views, .quit leaves. Piped, the
    statements run in order and the command exits 1 at the first failing one, naming it. Same DuckDB as the
    one that wrote the file (the `duckdb-cli` package cannot read DuckDB 2.0 files).
    Example: echo "SELECT task_id, rating FROM task_progress;" | whitepaper sql --out curated
    """
    from flows.release.shell import ShellError, connect_readonly, interactive, run_script

    con = connect_readonly(release_dir(out, release) / "whitepaper.duckdb")
    try:
        if sys.stdin.isatty():
            interactive(con, sys.stdout, sys.stderr)
        else:
            run_script(con, sys.stdin.read(), sys.stdout)
    except ShellError as err:
        fail(str(err))
    finally:
        con.close()


@app.command()
def browse(
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder holding releases/ and latest."),
    port: int = typer.Option(8001, "--port", min=1, max=65535, help="Port on 127.0.0.1 to serve on."),
    release: Optional[str] = typer.Option(None, "--release", help="Release id or unique prefix; default latest."),
) -> None:
    """Serve the release with Datasette on http://127.0.0.1:PORT/, read-only, until Ctrl-C.

    A SQLite copy of the release (built once, in OUT/.cache/browse/) with every table, the Chinese and English
    description of each column, facets, full-text search over task and milestone text, and the README's
    questions as canned queries. Listens on this machine only.
    Example: whitepaper browse --out curated --port 8001
    """
    import signal
    import subprocess

    from flows.release.browse import datasette_command, prepare

    folder = release_dir(out, release)
    typer.echo(f"preparing {folder.name} for Datasette …", err=True)
    db_path, meta_path = prepare(folder, Path(out) / ".cache" / "browse")
    typer.echo(f"serving {folder.name} read-only on http://127.0.0.1:{port}/ (Ctrl-C stops)", err=True)
    server = subprocess.Popen(datasette_command(db_path, meta_path, port, sys.executable))

    def stop(signum, frame):
        raise KeyboardInterrupt   # a kill or a closed terminal stops Datasette too, as Ctrl-C does, never orphans it

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    try:
        code = server.wait()
    except KeyboardInterrupt:
        server.terminate()
        code = server.wait(timeout=10) and 0
    finally:
        if server.poll() is None:
            server.kill()
    if code:
        fail(f"datasette exited with code {code} (is port {port} in use? try --port)")
