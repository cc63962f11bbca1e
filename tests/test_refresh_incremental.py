"""The refresh flow on a night with one new update file: through Prefect's tasks, the changes against the previous
release are computed once and each unchanged file's rows are not checked again (flows/updates/check_cache.py)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from flows import paths
from flows.release import changes as changes_module
from flows.updates import ingest

AS_OF = dt.date(2014, 12, 31)


@pytest.mark.prefect
def test_a_night_with_one_new_file_diffs_once_and_checks_only_that_file(prefect_harness, raw, tmp_path, monkeypatch):
    from flows.refresh import refresh

    shutil.copytree(paths.REPO / "examples" / "updates", raw / "updates")
    out = tmp_path / "curated"
    first = refresh(raw_dir=raw, out_dir=out, as_of=AS_OF)
    diffs, checked = [], []
    real_diff, real_check = changes_module.diff_tables, ingest._check_guarded
    monkeypatch.setattr(changes_module, "diff_tables", lambda *a: diffs.append(1) or real_diff(*a))
    monkeypatch.setattr(ingest, "_check_guarded", lambda rows, *a: checked.append(set(rows["source_file"])) or
                        real_check(rows, *a))
    source = raw / "updates" / "szsti-2014" / "ILLUSTRATIVE-2014-q1-q2.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    (source.parent / "next-night.csv").write_text("\r\n".join([lines[0], lines[2].replace("962", "963")]) + "\r\n",
                                                  encoding="utf-8")
    second = refresh(raw_dir=raw, out_dir=out, as_of=AS_OF)
    assert second.published and second.release_id != first.release_id and "1 changed" in (second.change_summary or "")
    assert diffs == [1] and checked == [{"raw/updates/szsti-2014/next-night.csv"}]
