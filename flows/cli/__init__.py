"""The `whitepaper` command. Each command's help is its docstring; heavy imports happen inside commands.

Takes command-line arguments, gives exit codes and one readable line per result or failure. The commands are
grouped by what they act on: papers.py (parse), run.py (refresh, serve, bench), updates.py (check, template),
releases.py (history, diff, prune), query.py (sql, browse); common.py holds the Typer app they register on. Open run.py first.
"""

from flows.cli import papers, query, releases, run, updates  # noqa: F401,E402 - importing registers the commands, in help order
from flows.cli.common import app

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover - console entry point
    app()
