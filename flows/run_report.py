"""What a refresh tells a person: the closing summary, and one readable paragraph when it fails."""

from __future__ import annotations

from pathlib import Path

from flows.publish import PublishResult


def summary_lines(result: PublishResult, out_dir: Path) -> list[str]:
    lines = [result.message]
    if result.published:
        lines.append(f"release {result.release_id} → {result.release_dir}")
    lines.append("tables: " + ", ".join(f"{name} {rows}" for name, rows in sorted(result.row_counts.items())))
    lines.append(f"latest: {Path(out_dir) / 'latest'}")
    return lines


def explain_failure(err: BaseException) -> str:
    """The failure in one paragraph: what stopped the run, where, and that nothing was published."""
    kind = type(err).__name__
    text = " ".join(str(err).split()) if not hasattr(err, "problems") else str(err)
    return f"refresh failed ({kind}): {text}\nNothing was published; curated/latest still points at the previous release."
