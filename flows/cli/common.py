"""What every command shares: the Typer app, one way to fail, dates, and Prefect's quiet defaults."""

from __future__ import annotations

import os
import sys

import typer

from flows import paths

app = typer.Typer(add_completion=False, no_args_is_help=True, help="The `whitepaper` command.")


@app.callback()
def _group() -> None:
    """Shenzhen public-service white papers (公共服务白皮书) as validated, traceable open data."""


class ClosedPipeSafe:
    """A text stream whose reader may go away (`whitepaper refresh | head`, a closed terminal, a log reader that
    died): the first write or flush that finds the pipe closed points the stream's file descriptor at /dev/null and
    carries on. Python turns SIGPIPE into BrokenPipeError, which failed the whole night at the next progress line;
    status.json and the release say how a run went, whoever reads its output."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._divert()
            return self._stream.write(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._divert()
            self._stream.flush()

    def _divert(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        finally:
            os.close(devnull)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def keep_going_without_a_reader() -> None:
    """Wrap sys.stdout and sys.stderr in ClosedPipeSafe (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, ClosedPipeSafe):
            setattr(sys, name, ClosedPipeSafe(stream))


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


PREFECT_START_TIMEOUT_S = 180
"""Seconds `whitepaper refresh` waits for Prefect's temporary server (Prefect's own default is 20). Measured on this
project's 2-core machine with both cores kept busy: see the README's "Running it every night"."""


def quiet_prefect_env() -> None:
    """Defaults for running Prefect unattended: no telemetry, quiet logs, a Prefect home we chose.

    Set before prefect is imported; anything the user already set wins.
    """
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_HOME", str(paths.REPO / ".prefect"))
    # The first run in a new PREFECT_HOME migrates its database before the temporary server answers: Prefect's
    # 20 s wait is too short on a busy machine. Measured on 2 cores with a fresh PREFECT_HOME: 31-39 s idle, 65-98 s
    # with both cores kept busy; 180 s leaves room for that.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(PREFECT_START_TIMEOUT_S))


def today_in_shanghai() -> str:
    import datetime as dt
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def parse_date(value: str, option: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date; expected YYYY-MM-DD, e.g. 2014-12-31", code=2)
