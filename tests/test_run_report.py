"""What a refresh tells a person (flows/run_report.py): the closing lines and the Prefect artifact."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flows.release.publish import PublishResult
from flows.run_report import artifact_markdown, explain_failure, summary_lines

SUMMARY = "2 milestones newly completed; 1 update rejected; no schema change"


def result(published: bool, change_summary: str | None) -> PublishResult:
    message = "published release 2014-12-31-0123abcd: 2 tables, 3 rows" if published else "nothing new: outputs equal release x"
    return PublishResult("2014-12-31-0123abcd" if published else None, published,
                         Path("/c/releases/2014-12-31-0123abcd") if published else None, "0" * 64,
                         {"tasks": 2, "changes": 1}, message, change_summary)


def test_the_artifact_states_the_change_summary_under_the_outcome():
    markdown = artifact_markdown(result(True, SUMMARY), "2014-12-31")
    assert markdown.startswith("**published release 2014-12-31-0123abcd: 2 tables, 3 rows** (as of 2014-12-31)\n\n"
                               f"Changes: {SUMMARY}.\n\n| table | rows |")
    assert "Changes:" not in artifact_markdown(result(True, None), "2014-12-31")


def test_the_artifact_counts_rows_and_rejection_reasons_also_when_nothing_was_new():
    rejections = pd.DataFrame({"reason_codes": ["unknown_task;date_in_future", "unknown_task"]})
    markdown = artifact_markdown(result(True, None), "2014-12-31", rejections)
    assert "| changes | 1 |\n| tasks | 2 |" in markdown
    assert "- unknown_task: 2\n- date_in_future: 1" in markdown
    unchanged = artifact_markdown(result(False, None), "2014-12-31")
    assert unchanged.startswith("**nothing new: outputs equal release x**") and "| tasks | 2 |" in unchanged


def test_the_closing_lines_name_the_release_and_its_changes():
    assert summary_lines(result(True, SUMMARY), Path("/c"))[:2] == [
        "release 2014-12-31-0123abcd → /c/releases/2014-12-31-0123abcd", f"changes: {SUMMARY}"]
    assert summary_lines(result(False, "no change"), Path("/c"))[0].startswith("tables: ")


def test_when_nothing_is_published_the_closing_lines_and_artifact_tell_only_what_this_date_changes():
    """The summaries seen from another date: no "other" with nothing before it, no schema of a release not made."""
    unpublished = result(False, "150 summary values changed; no schema change")
    assert summary_lines(unpublished, Path("/c"))[0] == (
        "not published, as of this date only: 150 summary values changed (the *_at macros give any date)")
    assert artifact_markdown(unpublished, "2015-03-31").startswith(
        "**nothing new: outputs equal release x** (as of 2015-03-31)\n\n"
        "Not published; as of this date only: 150 summary values changed.\n\n| table")
    assert summary_lines(result(False, "no schema change"), Path("/c"))[0].startswith("tables: ")


def test_a_prefect_start_up_timeout_says_what_to_do():
    err = RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")
    text = explain_failure(err)
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in text and "PREFECT_API_URL" in text
    assert "Nothing was published" in text
    assert "PREFECT_API_URL" not in explain_failure(RuntimeError("raw/whitepapers: no white paper found"))
