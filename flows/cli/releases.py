"""`whitepaper history`, `diff` and `prune`: the releases kept in an output folder."""

from __future__ import annotations

from pathlib import Path

import typer

from flows import paths
from flows.cli.common import app, fail


@app.command()
def history(
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder holding releases/ and latest."),
    as_json: bool = typer.Option(False, "--json", help="Print releases.json as written on publish instead."),
) -> None:
    """List every release kept, newest first: created, as-of date, version, rows, previous release, changes.

    Read from the releases' own manifest.json files, so it is right even where releases.json is not.
    Example: whitepaper history --out curated
    """
    import json

    from flows.release.history import history_lines, release_history

    found = release_history(out)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for line in history_lines(found):
        typer.echo(line)


@app.command()
def diff(
    old: str = typer.Argument(..., help="Earlier release: its id, a unique prefix of it, or latest."),
    new: str = typer.Argument(..., help="Later release: its id, a unique prefix of it, or latest."),
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder holding releases/ and latest."),
) -> None:
    """Print what changed from release OLD to release NEW, as a release's changes table lists it.

    First a summary, then one line per change: + added, - removed, ~ changed.

    Example: whitepaper diff 2014-10-01-31cce7e1 latest
    """
    from flows.release.change_summary import change_lines, summarize_changes
    from flows.release.changes import diff_releases
    from flows.release.history import resolve_release

    try:
        old_dir, new_dir = resolve_release(out, old), resolve_release(out, new)
    except ValueError as err:
        fail(str(err), code=2)
    changes = diff_releases(old_dir, new_dir)
    typer.echo(f"{old_dir.name} → {new_dir.name}: {summarize_changes(changes, has_previous=True)}")
    for line in change_lines(changes):
        typer.echo(line)


@app.command()
def prune(
    keep: int = typer.Option(..., "--keep", min=1, help="How many of the most recent releases to keep."),
    out: Path = typer.Option(paths.CURATED, "--out", help="Folder holding releases/ and latest."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only print what would be removed."),
) -> None:
    """Remove all but the KEEP most recent releases, never latest nor the release before it.

    "The release before it" is the previous_release latest's manifest names, the one its changes
    are against; no other link is followed. Rewrites releases.json.

    Example: whitepaper prune --keep 10 --out curated
    """
    from flows.release.lock import ReleaseLockBusy
    from flows.release.prune import prune_releases

    try:
        plan = prune_releases(out, keep, dry_run=dry_run)
    except (ReleaseLockBusy, ValueError, OSError) as err:
        fail(str(err))
    removed, kept = ("would remove", "would keep") if dry_run else ("removed", "kept")
    for release_id in plan.removed:
        typer.echo(f"{removed} {release_id}")
    for release_id in plan.skipped:
        typer.echo(f"left alone {release_id}: no readable manifest.json")
    typer.echo(f"{removed} {len(plan.removed)}, {kept} {len(plan.kept)}")
