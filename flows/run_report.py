"""What a refresh tells a person: the closing summary, and one readable paragraph when it fails."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from flows.release.change_summary import NO_CHANGE, NO_SCHEMA_CHANGE
from flows.release.publish import PublishResult


def summary_lines(result: PublishResult, out_dir: Path) -> list[str]:
    lines = []
    if result.published:
        lines.append(f"release {result.release_id} → {result.release_dir}")
    if result.change_summary and result.published:
        lines.append(f"changes: {result.change_summary}")
    elif _as_of_only(result):
        lines.append(f"not published, as of this date only: {_as_of_only(result)} (the *_at macros give any date)")
    lines.append("tables: " + ", ".join(f"{name} {rows}" for name, rows in sorted(result.row_counts.items())))
    lines.append(f"latest: {Path(out_dir) / 'latest'}")
    return lines


def artifact_markdown(result: PublishResult, as_of, rejections: pd.DataFrame | None = None) -> str:
    """The Prefect artifact of a run: what was published, what changed, how many rows, what was refused.

    The row counts are the result's, so a night with nothing new (which reads no table) reports them too.
    """
    head = f"**{result.message}** (as of {as_of})"
    if result.change_summary and result.published:
        head += f"\n\nChanges: {result.change_summary}."
    elif _as_of_only(result):
        head += f"\n\nNot published; as of this date only: {_as_of_only(result)}."
    rows = "\n".join(f"| {name} | {n} |" for name, n in sorted(result.row_counts.items()))
    reasons = ""
    if rejections is not None and len(rejections):
        counts = rejections["reason_codes"].str.split(";").explode().value_counts()
        reasons = "\n\nRejected update rows by reason:\n\n" + "\n".join(f"- {code}: {n}" for code, n in counts.items())
    return f"{head}\n\n| table | rows |\n|---|---:|\n{rows}{reasons}\n"


def _as_of_only(result: PublishResult) -> str | None:
    """What differs from latest when nothing was published, or None. The data equal latest's, so only the summaries
    seen from this date can differ: "no schema change" would tell of a release that was not made."""
    if result.published or not result.change_summary:
        return None
    phrases = [p for p in result.change_summary.split("; ") if p not in (NO_CHANGE, NO_SCHEMA_CHANGE)]
    return "; ".join(phrases) or None


PREFECT_START_FAILED = "attempting to connect to ephemeral Prefect API server"


def explain_failure(err: BaseException) -> str:
    """The failure in one paragraph: what stopped the run, where, what to do when it is known, and that nothing was
    published."""
    kind = type(err).__name__
    text = " ".join(str(err).split()) if not hasattr(err, "problems") else str(err)
    if PREFECT_START_FAILED in text:
        waited = os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "20")
        text = (f"Prefect's temporary server did not answer within {waited} s (a busy or slow machine, or a first "
                "start that creates its database). Wait longer with `whitepaper refresh --prefect-start-timeout 600` "
                "(or PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=600), or start a server once with "
                "`prefect server start` and export PREFECT_API_URL=http://127.0.0.1:4200/api. "
                f"Prefect said: {text[:600]}")
    return f"refresh failed ({kind}): {text}\nNothing was published; the latest release is unchanged."
