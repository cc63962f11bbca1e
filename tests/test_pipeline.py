"""flows/pipeline.py: the same inputs and as-of date publish the same release from any copy of raw/; names that are
not UTF-8, links and FIFOs under raw/ are named rejections (or, for the papers' folder and lookups, a named stop)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil

import pandas as pd
import pytest

from flows import paths
from flows.pipeline import Inputs, discover_inputs, refresh_without_prefect
from tests.updates.fixtures import report, write_updates

AS_OF = dt.date(2014, 12, 31)


def _copy(target):
    shutil.copytree(paths.RAW, target, ignore=shutil.ignore_patterns("updates"))
    # one accepted and one rejected report, so update paths appear in updates, update_rejections and the manifest
    write_updates(target / "updates" / "szsti-2014", "csv",
                  [report(task=1, department="政策规划处"), report(task=99, department="政策规划处")], name="q1")
    return target


def _digests(release):
    return {p.relative_to(release).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((release / "data").glob("*")) if p.suffix in (".csv", ".parquet")}


def test_two_differently_named_copies_of_raw_publish_the_same_release(tmp_path):
    first = refresh_without_prefect(_copy(tmp_path / "a" / "raw"), tmp_path / "out-a", AS_OF)
    second = refresh_without_prefect(_copy(tmp_path / "elsewhere" / "raw-copy-2"), tmp_path / "out-b", AS_OF)
    assert first.release_id == second.release_id
    assert _digests(first.release_dir) == _digests(second.release_dir)
    for release in (first.release_dir, second.release_dir):
        text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in release.rglob("*")
                       if p.is_file() and p.suffix in (".csv", ".json", ".md", ".html"))
        assert str(tmp_path) not in text and "raw-copy-2" not in text
        assert "raw/updates/szsti-2014/q1.csv" in text


def test_source_names_are_relative_to_raw_and_never_resolve_links(tmp_path):
    raw = tmp_path / "some-folder"
    (raw / "updates" / "x").mkdir(parents=True)
    (raw / "updates" / "x" / "link.csv").symlink_to("/etc/passwd")
    inputs = Inputs(raw, [], [], [])
    assert inputs.source_name(raw / "updates" / "x" / "link.csv") == "raw/updates/x/link.csv"
    assert inputs.source_name(paths.LOOKUPS / "statuses.csv") == "raw/lookups/statuses.csv"
    assert inputs.source_name(tmp_path / "outside.csv") == "outside.csv"
    # A folder whose name starts with raw's is not under it; a path with dots is named by where it ends up.
    assert inputs.source_name(tmp_path / "some-folder2" / "a.csv") == "a.csv"
    assert inputs.source_name(raw / "updates" / "." / "y" / ".." / "b.csv") == "raw/updates/b.csv"
    assert Inputs(type(raw)(f"{raw}/"), [], [], []).source_name(raw / "updates" / "c.csv") == "raw/updates/c.csv"


def test_file_names_that_are_not_utf8_are_named_rejections_and_the_rest_publishes(tmp_path):
    raw = _copy(tmp_path / "raw")
    (raw / "updates" / "szsti-2014" / os.fsdecode(b"q2\xff.csv")).write_bytes(b"x")
    shutil.copy(raw / "whitepapers" / "szsti-2014.txt", raw / "whitepapers" / os.fsdecode(b"copy\xfe.txt"))
    result = refresh_without_prefect(raw, tmp_path / "out", AS_OF)
    assert result.published and result.row_counts["updates"] == 1
    rejections = pd.read_csv(result.release_dir / "data" / "update_rejections.csv")
    named = rejections.set_index("source_file")["reason_codes"].to_dict()
    assert named["raw/updates/szsti-2014/q2\\xff.csv"] == "bad_file_name"
    papers = pd.read_csv(result.release_dir / "data" / "document_rejections.csv")
    assert papers[["source_file", "rule"]].values.tolist() == [["raw/whitepapers/copy\\xfe.txt", "bad_file_name"]]


def test_a_linked_updates_folder_is_one_rejection_never_followed(tmp_path):
    raw = _copy(tmp_path / "raw")
    shutil.move(raw / "updates", tmp_path / "elsewhere")
    (raw / "updates").symlink_to(tmp_path / "elsewhere")
    result = refresh_without_prefect(raw, tmp_path / "out", AS_OF)
    rejections = pd.read_csv(result.release_dir / "data" / "update_rejections.csv")
    assert rejections[["source_file", "reason_codes"]].values.tolist() == [["raw/updates", "symlink"]]
    assert result.row_counts["updates"] == 0


@pytest.mark.parametrize("damage", ["linked whitepapers", "linked lookups", "FIFO lookup"])
def test_papers_or_lookups_behind_a_link_or_a_fifo_stop_the_run_naming_them(tmp_path, damage):
    raw = _copy(tmp_path / "raw")
    folder = raw / ("whitepapers" if damage == "linked whitepapers" else "lookups")
    if damage == "FIFO lookup":
        (folder / "departments.csv").unlink()
        os.mkfifo(folder / "departments.csv")      # read, it would hang the run forever
        named = folder / "departments.csv"
    else:
        shutil.move(folder, tmp_path / "elsewhere")
        folder.symlink_to(tmp_path / "elsewhere")
        named = folder
    with pytest.raises(FileNotFoundError, match=re.escape(str(named))):
        discover_inputs(raw)
    assert not (tmp_path / "out").exists()


def test_publishing_checks_only_the_tables_the_validate_stage_did_not(tmp_path, monkeypatch):
    """The bundle names the tables validated a stage before; publishing validates the changes table, against them."""
    from flows import pipeline
    from flows.release import publish as publish_module

    raw = _copy(tmp_path / "raw")
    bundle = pipeline.build_bundle(raw, AS_OF, tmp_path / "out")
    assert bundle.validated == frozenset(bundle.tables) - {"changes"}
    seen = []
    real = publish_module.validate_tables
    monkeypatch.setattr(publish_module, "validate_tables",
                        lambda tables, context="", trusted=(): seen.append(sorted(set(tables) - set(trusted))) or
                        real(tables, context, trusted))
    assert pipeline.publish(bundle, tmp_path / "out", AS_OF).published
    assert seen == [["changes"]]
