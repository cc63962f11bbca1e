"""The row rules' results kept between runs (flows/updates/check_cache.py): a night with one new file checks that
file only, yet publishes byte for byte what a rebuild from nothing publishes; anything the results depend on
(the as-of date past a future-dated row, the paper, the status spellings, the code) makes them stale."""

from __future__ import annotations

import copy
import datetime as dt
import os
import pickle
import random
import shutil
import subprocess
import sys

import pytest

from flows import paths, pipeline
from flows.updates import check_cache, ingest
from flows.updates.check_cache import CACHE_FILE, paper_digest
from flows.updates.rules import Paper

AS_OF = dt.date(2014, 12, 31)
HEADER = "任务,季度,责任部门,报告日期,状态,完成比例,实际值,佐证链接,备注\r\n"


@pytest.fixture
def raw(raw):
    """The repository's paper with the illustrative update files of examples/ (CSV, XLSX, JSON, progress reports)."""
    shutil.copytree(paths.REPO / "examples" / "updates", raw / "updates")
    return raw


def _spy_on_checks(monkeypatch) -> list[set[str]]:
    runs: list[set[str]] = []
    real = ingest._check_guarded

    def spy(rows, *args):
        runs.append(set(rows["source_file"]))
        return real(rows, *args)

    monkeypatch.setattr(ingest, "_check_guarded", spy)
    return runs


@pytest.fixture
def checked(monkeypatch):
    """The files whose rows the rules really checked, run by run."""
    return _spy_on_checks(monkeypatch)


@pytest.fixture(scope="module")
def _first_night(tmp_path_factory):
    """The paper with the examples' update files and the night built from them at AS_OF, once per module (a run
    takes seconds): tests that start from it get copies (night), never these folders."""
    base = tmp_path_factory.mktemp("first-night")
    shutil.copytree(paths.RAW, base / "raw", ignore=shutil.ignore_patterns("updates"))
    shutil.copytree(paths.REPO / "examples" / "updates", base / "raw" / "updates")
    with pytest.MonkeyPatch.context() as patch:
        runs = _spy_on_checks(patch)
        first = pipeline.refresh_without_prefect(base / "raw", base / "nightly", AS_OF)
    return base, first, runs


@pytest.fixture
def night(_first_night, tmp_path):
    """(raw, nightly, the first night's result, the files checked on it): a copy of the first night, this test's own."""
    base, first, runs = _first_night
    shutil.copytree(base / "raw", tmp_path / "raw", symlinks=True)
    shutil.copytree(base / "nightly", tmp_path / "nightly", symlinks=True)
    return tmp_path / "raw", tmp_path / "nightly", first, runs


def _data_files(release) -> dict[str, bytes]:
    folder = release / "latest" / "data"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith("changes.")}


def _same_as_a_rebuild(raw, nightly, tmp_path, as_of, result) -> None:
    rebuilt = pipeline.refresh_without_prefect(raw, tmp_path / "rebuilt", as_of)
    assert (result.release_id, result.content_hash) == (rebuilt.release_id, rebuilt.content_hash)
    assert _data_files(nightly) == _data_files(tmp_path / "rebuilt")
    shutil.rmtree(tmp_path / "rebuilt")


def test_a_new_file_is_the_only_one_checked_and_the_release_equals_a_rebuild(night, tmp_path, checked):
    raw, nightly, first, first_checked = night
    assert len(first_checked) == 1 and len(first_checked[0]) == 5 and (nightly / CACHE_FILE).is_file()
    folder = raw / "updates" / "szsti-2014"
    rows = (folder / "ILLUSTRATIVE-2014-q1-q2.csv").read_text(encoding="utf-8-sig").splitlines()
    (folder / "next-night.csv").write_text(HEADER + "\r\n".join([*rows[1:4], rows[2].replace("推进中", "已完成")]) + "\r\n",
                                           encoding="utf-8")
    checked.clear()
    second = pipeline.refresh_without_prefect(raw, nightly, AS_OF)
    assert checked == [{"raw/updates/szsti-2014/next-night.csv"}]
    assert second.published and second.row_counts["update_rejections"] > first.row_counts["update_rejections"]
    _same_as_a_rebuild(raw, nightly, tmp_path, AS_OF, second)


def test_a_row_in_the_future_is_checked_again_once_the_as_of_date_reaches_it(raw, tmp_path, checked):
    nightly = tmp_path / "nightly"
    (raw / "updates" / "szsti-2014" / "january.csv").write_text(HEADER + "1,第四季度,政策规划处,2015-01-05,已完成,100,,,\r\n",
                                                               encoding="utf-8")
    early = pipeline.refresh_without_prefect(raw, nightly, AS_OF)
    checked.clear()
    later = pipeline.refresh_without_prefect(raw, nightly, dt.date(2015, 1, 10))
    # the JSON file has rows dated 2015 (in the future on 31 December): checked again; the others are still good
    assert checked == [{"raw/updates/szsti-2014/january.csv", "raw/updates/szsti-2014/ILLUSTRATIVE-2014-q4.json"}]
    assert later.row_counts["updates"] == early.row_counts["updates"] + 1
    _same_as_a_rebuild(raw, nightly, tmp_path, dt.date(2015, 1, 10), later)
    checked.clear()
    pipeline.refresh_without_prefect(raw, nightly, dt.date(2015, 1, 2))   # back in time: nothing is trusted
    assert len(checked) == 1 and len(checked[0]) == 6


def test_new_status_spellings_make_every_file_checked_again(night, checked):
    raw, nightly, _, _ = night
    statuses = raw / "lookups" / "statuses.csv"
    statuses.write_text(statuses.read_text(encoding="utf-8").replace("|进行中|", "|进行中|在办|", 1), encoding="utf-8")
    checked.clear()
    pipeline.refresh_without_prefect(raw, nightly, AS_OF)
    assert len(checked) == 1 and len(checked[0]) == 5


def test_other_code_makes_the_results_stale(night, checked, monkeypatch):
    raw, nightly, _, _ = night
    monkeypatch.setattr(check_cache, "CHECK_CODE", (*check_cache.CHECK_CODE, "README.md"))
    checked.clear()
    pipeline.refresh_without_prefect(raw, nightly, AS_OF + dt.timedelta(days=1))   # a later date: not "nothing new"
    assert len(checked) == 1 and len(checked[0]) == 5


def test_the_key_of_a_paper_is_everything_the_rules_read_of_it_and_the_same_in_every_process(raw):
    paper = Paper.from_tables(pipeline.parse_inputs(pipeline.discover_inputs(raw)).tables, "szsti-2014")
    digest = paper_digest(paper)
    script = ("import pickle, sys; from flows.updates.check_cache import paper_digest; "
              "print(paper_digest(pickle.loads(sys.stdin.buffer.read())))")
    for seed in ("1", "2"):   # sets and dicts in another hash order
        other = subprocess.run([sys.executable, "-c", script], input=pickle.dumps(paper), capture_output=True, check=True,
                               env={**os.environ, "PYTHONHASHSEED": seed}).stdout.decode().strip()
        assert other == digest
    for change in (lambda p: p.titles.update({"szsti-2014-01": "改过的标题"}),
                   lambda p: p.empty_milestones.add("szsti-2014-01-q1"),
                   lambda p: p.responsible["szsti-2014-01"].popitem(),
                   lambda p: p.departments.pop(next(iter(p.departments))),
                   lambda p: p.milestone_targets.clear() if p.milestone_targets else p.task_targets.clear(),
                   lambda p: setattr(p, "agency_names", ("深圳市另一个委员会",))):   # a report's 市…委 prefix is read off
        changed = copy.deepcopy(paper)
        change(changed)
        assert paper_digest(changed) != digest


def test_a_damaged_entry_is_a_miss_never_a_failure(night, checked):
    raw, nightly, first, _ = night
    entry = nightly / CACHE_FILE
    data = bytearray(entry.read_bytes())
    data[random.Random(16).randrange(len(data))] ^= 0x20
    entry.write_bytes(bytes(data))
    (raw / "updates" / "szsti-2014" / "ILLUSTRATIVE-2014-q4.json").unlink()   # something new, so the rows are checked
    checked.clear()
    again = pipeline.refresh_without_prefect(raw, nightly, AS_OF)
    assert len(checked) == 1 and len(checked[0]) == 4 and again.row_counts["updates"] < first.row_counts["updates"]


@pytest.mark.parametrize("kind", ["folder", "pipe", "link"])
def test_an_entry_that_is_no_regular_file_is_never_opened_nor_fatal(night, tmp_path, checked, kind):
    raw, nightly, _, _ = night
    entry = nightly / CACHE_FILE
    entry.unlink()
    secret = tmp_path / "elsewhere.pickle"
    secret.write_bytes(b"not ours")
    {"folder": entry.mkdir, "pipe": lambda: os.mkfifo(entry), "link": lambda: entry.symlink_to(secret)}[kind]()
    checked.clear()
    again = pipeline.refresh_without_prefect(raw, nightly, AS_OF + dt.timedelta(days=1))
    assert len(checked) == 1 and len(checked[0]) == 5 and again.content_hash
    assert secret.read_bytes() == b"not ours"


def test_a_file_replaced_while_the_run_reads_it_is_checked_again_the_next_night(raw, tmp_path, checked, monkeypatch):
    # The results are filed under the bytes the rows were read from, not under what the file holds by the time it
    # is hashed for the release: else the old rows stood for the new file night after night.
    nightly, source = tmp_path / "nightly", raw / "updates" / "szsti-2014" / "ILLUSTRATIVE-2014-q1-q2.csv"
    lines = source.read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    real = pipeline.parse_inputs

    def racing(*args, **kwargs):
        parsed = real(*args, **kwargs)
        source.write_text("".join(lines[:1] + lines[14:20]), encoding="utf-8")   # the upload lands after reading
        return parsed

    monkeypatch.setattr(pipeline, "parse_inputs", racing)
    pipeline.refresh_without_prefect(raw, nightly, AS_OF)
    monkeypatch.setattr(pipeline, "parse_inputs", real)
    checked.clear()
    second = pipeline.refresh_without_prefect(raw, nightly, AS_OF)
    assert checked == [{"raw/updates/szsti-2014/ILLUSTRATIVE-2014-q1-q2.csv"}]
    _same_as_a_rebuild(raw, nightly, tmp_path, AS_OF, second)


def test_a_file_whose_rows_could_not_be_checked_is_checked_again_the_next_night(raw, tmp_path, checked, monkeypatch):
    nightly, real = tmp_path / "nightly", ingest._check

    def out_of_memory(rows, *args):
        if rows["source_file"].str.endswith("q1-q2.csv").any():
            raise MemoryError
        return real(rows, *args)

    monkeypatch.setattr(ingest, "_check", out_of_memory)
    first = pipeline.refresh_without_prefect(raw, nightly, AS_OF)
    monkeypatch.setattr(ingest, "_check", real)
    checked.clear()
    later = pipeline.refresh_without_prefect(raw, nightly, AS_OF + dt.timedelta(days=1))
    # reused: the others' results, but the JSON file's, whose rows dated 2015 were in the future the night before
    assert checked == [{"raw/updates/szsti-2014/ILLUSTRATIVE-2014-q1-q2.csv", "raw/updates/szsti-2014/ILLUSTRATIVE-2014-q4.json"}]
    assert later.row_counts["updates"] > first.row_counts["updates"]
    _same_as_a_rebuild(raw, nightly, tmp_path, AS_OF + dt.timedelta(days=1), later)


def test_an_entry_of_another_layout_under_this_codes_key_is_a_miss(night, checked):
    from flows.parse_cache import _atomic_write

    raw, nightly, first, _ = night
    entry = {"format": check_cache.FORMAT, "code": check_cache.CheckCache(nightly).code, "as_of": AS_OF,
             "files": ["not", "a", "mapping"], "candidates": None, "rejections": None}
    _atomic_write(nightly / CACHE_FILE, lambda f: pickle.dump(entry, f))
    checked.clear()
    again = pipeline.refresh_without_prefect(raw, nightly, AS_OF + dt.timedelta(days=1))
    assert len(checked) == 1 and len(checked[0]) == 5 and again.content_hash == first.content_hash


def test_the_entry_gives_back_the_very_candidates():
    """Text columns are kept dictionary-encoded: nulls, repeats, blanks and every other dtype come back as they were."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"source_file": pd.Series(["a.csv", "a.csv", "b.csv", "a.csv"], dtype="str"),
                          "source_row": np.array([2, 3, 2, 4], dtype=np.int64),
                          "target_id": pd.Series([None, "t-1", "", "t-1"], dtype="str"),
                          "reported_on": np.array([dt.date(2014, 3, 1), dt.date(2014, 3, 2), None, dt.date(2014, 3, 1)],
                                                  dtype=object),
                          "percent_complete": [60.0, np.nan, 0.8, 100.0],
                          "source_start": pd.Series([None, 3, None, 7], dtype="Int64"),
                          "report_id": pd.Series([None, None, np.nan, "r"], dtype=object),
                          "period_end": pd.Series([np.nan] * 4, dtype=object),
                          "department_source": pd.Series([np.nan, None, np.nan, np.nan], dtype=object),
                          "task_match_score": pd.Series([np.nan, np.float64("nan"), np.nan, np.nan], dtype=object)})
    packed = check_cache._packed(frame)
    assert packed["source_file"].type.value_type in ("string", "large_string") and len(packed["source_file"].dictionary) == 2
    back = check_cache._unpacked(pickle.loads(pickle.dumps(packed)))
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert back["target_id"].isna().tolist() == [True, False, False, False] and back.loc[2, "target_id"] == ""
    assert back["report_id"].tolist()[:2] == [None, None] and back["department_source"].tolist()[1] is None
    assert isinstance(packed["period_end"], check_cache._NoValues) and not isinstance(packed["department_source"],
                                                                                         check_cache._NoValues)
    assert [type(v) for v in back["task_match_score"]] == [float, np.float64, float, float]
    empty = pd.DataFrame(columns=["source_file", "source_row", "note"])   # no candidates: every column object
    for files in (None, ["a.csv"]):
        pd.testing.assert_frame_equal(check_cache._unpacked(check_cache._packed(empty), files), empty, check_exact=True,
                                      check_index_type=False)
    for files in (["a.csv"], ["b.csv"], [], ["a.csv", "b.csv"]):
        pd.testing.assert_frame_equal(check_cache._unpacked(packed, files),
                                      frame[frame["source_file"].isin(files)].reset_index(drop=True), check_exact=True)


@pytest.mark.parametrize("fresh_at", [[0, 1], [4, 5, 6], [9, 10], [2, 7, 8], [0, 5, 10]])
def test_new_files_rows_go_where_their_rows_are(fresh_at):
    """A new file's candidates joined to the reused ones in row order, as concat-then-sort gives them."""
    import numpy as np
    import pandas as pd

    labels = list(range(11))
    frame = pd.DataFrame({"source_file": pd.Series([f"f{i // 3}" for i in labels], dtype="str"),
                          "source_row": np.arange(11, dtype=np.int64) + 2,
                          "reported_on": np.array([dt.date(2014, 1, 1 + i) for i in labels], dtype=object)},
                         index=pd.Index(np.arange(11, dtype=np.int64) * 2))
    fresh = frame.iloc[fresh_at]
    reused = frame.drop(index=fresh.index)
    merged = check_cache._merged(fresh, reused)
    pd.testing.assert_frame_equal(merged, pd.concat([fresh, reused]).sort_index(), check_exact=True)
    pd.testing.assert_frame_equal(merged, frame, check_exact=True)
    pd.testing.assert_frame_equal(check_cache._merged(fresh, reused, most=1), frame, check_exact=True)
