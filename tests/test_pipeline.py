"""flows/pipeline.py: the same inputs and as-of date publish the same release from any copy of raw/."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

from flows import paths
from flows.pipeline import Inputs, refresh_without_prefect
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
