"""The parse cache (flows/parse_cache.py) and the nothing-new check (flows/release/fingerprint.py): an unchanged file
is not parsed again, a changed one is, a change of code makes every entry stale, and the tables are the same
whether they came from the cache or not."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from flows import parse_cache, paths, pipeline
from flows.bench.corpus import CorpusSpec, write_corpus
from flows.parse_cache import ParseCache, code_version
from flows.parse_stage import Batch, parse_batch

AS_OF = dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def corpus_raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp("cache-corpus") / "raw"
    write_corpus(CorpusSpec(papers=2, update_rows=600, rows_per_file=100), raw)
    return raw


@pytest.fixture
def raw(corpus_raw, tmp_path):
    shutil.copytree(corpus_raw, tmp_path / "raw")
    return tmp_path / "raw"


@pytest.fixture
def spy(monkeypatch):
    """Every file the cache really parses or reads, by name."""
    seen = []
    real_paper, real_update = parse_cache.read_whitepaper, parse_cache.read_update_columns

    def paper(path, **kwargs):
        seen.append(path.name)
        return real_paper(path, **kwargs)

    def update(path):
        seen.append(path.name)
        return real_update(path)

    monkeypatch.setattr(parse_cache, "read_whitepaper", paper)
    monkeypatch.setattr(parse_cache, "read_update_columns", update)
    return seen


def test_an_unchanged_file_is_not_parsed_again(raw, tmp_path, spy):
    inputs = pipeline.discover_inputs(raw)
    first = pipeline.parse_inputs(inputs, tmp_path / "out")
    assert len(spy) == len(inputs.whitepapers) + len(inputs.updates) == len(first.parsed_files)
    spy.clear()
    second = pipeline.parse_inputs(inputs, tmp_path / "out")
    assert spy == [] and second.parsed_files == []
    for name, table in first.tables.items():
        assert second.tables[name].equals(table), name
    assert all(second.updates[p] == first.updates[p] for p in inputs.updates)


def test_a_damaged_entry_is_parsed_again_and_rewritten(raw, tmp_path, spy):
    inputs = pipeline.discover_inputs(raw)
    first = pipeline.parse_inputs(inputs, tmp_path / "out")
    entries = sorted((tmp_path / "out" / ".cache" / "parse" / "updates").glob("*.arrow"))
    assert len(entries) == len(inputs.updates)
    entries[0].write_bytes(entries[0].read_bytes()[:100])     # a run killed by the disk filling up
    spy.clear()
    second = pipeline.parse_inputs(inputs, tmp_path / "out")
    assert len(spy) == 1 and len(second.parsed_files) == 1
    assert all(second.updates[p] == first.updates[p] for p in inputs.updates)
    spy.clear()
    pipeline.parse_inputs(inputs, tmp_path / "out")
    assert spy == []


@pytest.mark.parametrize("kind", ["fifo", "link", "folder"])
def test_an_entry_that_is_no_file_is_never_opened_and_is_replaced(raw, tmp_path, spy, kind):
    inputs = pipeline.discover_inputs(raw)
    first = pipeline.parse_inputs(inputs, tmp_path / "out")
    papers = sorted((tmp_path / "out" / ".cache" / "parse" / "whitepapers").iterdir())
    entry = papers[0]
    good = entry.read_bytes()
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)                  # opened for reading, it would wait for a writer forever
    elif kind == "link":
        (tmp_path / "elsewhere").write_bytes(good)
        entry.symlink_to(tmp_path / "elsewhere")
    else:
        entry.mkdir()
    spy.clear()
    second = pipeline.parse_inputs(inputs, tmp_path / "out")
    assert len(spy) == 1 and second.tables["tasks"].equals(first.tables["tasks"])
    if kind != "folder":                  # a folder in its place cannot be replaced by a file: only costs time
        assert entry.is_file() and not entry.is_symlink()


def test_a_changed_file_is_parsed_again_and_only_it(raw, tmp_path, spy):
    inputs = pipeline.discover_inputs(raw)
    pipeline.parse_inputs(inputs, tmp_path / "out")
    changed = next(p for p in inputs.updates if p.suffix == ".csv")
    changed.write_bytes(changed.read_bytes() + "1,1,不存在的处室,2026-01-05,completed,,,,\r\n".encode(
        "gb18030" if _gb18030(changed) else "utf-8"))
    spy.clear()
    parsed = pipeline.parse_inputs(inputs, tmp_path / "out")
    assert spy == [changed.name]
    assert len(parsed.updates[changed]) == len(pipeline.parse_inputs(inputs).updates[changed])


def _gb18030(path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def test_a_change_of_code_or_lookups_makes_every_entry_stale(raw, tmp_path, spy):
    inputs = pipeline.discover_inputs(raw)
    names = {p: inputs.source_name(p) for p in inputs.whitepapers}
    batch = Batch(inputs.whitepapers, names, inputs.updates, inputs.lookups_dir, tmp_path / "cache")
    parse_batch(batch)
    spy.clear()
    cache = ParseCache(tmp_path / "cache", inputs.lookups_dir, whitepaper_code="edited parser", update_code="edited reader")
    from flows.whitepaper.lookups import load_lookups
    cache.whitepaper(inputs.whitepapers[0], load_lookups(inputs.lookups_dir), names[inputs.whitepapers[0]])
    cache.update_file(inputs.updates[0])
    assert spy == [inputs.whitepapers[0].name, inputs.updates[0].name]
    lookups = tmp_path / "lookups"
    shutil.copytree(inputs.lookups_dir, lookups)
    before = code_version(parse_cache.WHITEPAPER_CODE, [lookups / "categories.csv"])
    (lookups / "categories.csv").write_text("category_zh,category_en\n区政府重点工作,key task of the district\n", encoding="utf-8")
    assert code_version(parse_cache.WHITEPAPER_CODE, [lookups / "categories.csv"]) != before


def test_cache_entries_of_files_no_longer_there_are_removed(raw, tmp_path):
    inputs = pipeline.discover_inputs(raw)
    pipeline.parse_inputs(inputs, tmp_path / "out")
    entries = sorted((tmp_path / "out" / ".cache" / "parse").rglob("*.*"))
    inputs.updates[0].unlink()
    pipeline.parse_inputs(pipeline.discover_inputs(raw), tmp_path / "out")
    assert len(sorted((tmp_path / "out" / ".cache" / "parse").rglob("*.*"))) == len(entries) - 1


def test_a_rerun_with_nothing_new_stops_early_and_a_new_file_does_not(raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = pipeline.refresh_without_prefect(raw, out, AS_OF)
    assert first.published

    def no_parsing(*args, **kwargs):
        raise AssertionError("nothing new, yet the inputs were parsed")

    with monkeypatch.context() as m:
        m.setattr(pipeline, "build_bundle", no_parsing)
        again = pipeline.refresh_without_prefect(raw, out, AS_OF)
    assert not again.published and again.message.startswith("nothing new") and again.content_hash == first.content_hash
    later = pipeline.refresh_without_prefect(raw, out, AS_OF + dt.timedelta(days=1))
    assert later.content_hash == first.content_hash and not later.published   # parsed, but the date alone is no release
    source = next(p for p in sorted((raw / "updates").rglob("*.json")))
    shutil.copyfile(source, source.with_name("zz-next.json"))
    newer = pipeline.refresh_without_prefect(raw, out, AS_OF + dt.timedelta(days=1))
    assert newer.published and newer.row_counts["update_rejections"] > first.row_counts["update_rejections"]


def test_a_night_with_one_new_file_publishes_what_a_full_rebuild_publishes(raw, tmp_path, spy):
    # The incremental path (cached reads of every unchanged file) against a rebuild from nothing: the same release
    # id and content hash, and every data file byte for byte, but `changes`, which is the difference from the
    # previous release and so, by definition, differs between a release that has one and one that has none.
    nightly = tmp_path / "nightly"
    first = pipeline.refresh_without_prefect(raw, nightly, AS_OF)
    source = sorted((raw / "updates").rglob("*.csv"))[0]      # half of it sent again: its rows are duplicates
    lines = source.read_bytes().split(b"\r\n")
    source.with_name("zz-next-night.csv").write_bytes(b"\r\n".join(lines[: len(lines) // 2]) + b"\r\n")
    spy.clear()
    incremental = pipeline.refresh_without_prefect(raw, nightly, AS_OF)
    assert spy == ["zz-next-night.csv"]       # only the new file was read
    rebuilt = pipeline.refresh_without_prefect(raw, tmp_path / "rebuilt", AS_OF)
    assert incremental.published and rebuilt.published
    assert incremental.row_counts["update_rejections"] > first.row_counts["update_rejections"]   # the duplicates
    assert (incremental.release_id, incremental.content_hash) == (rebuilt.release_id, rebuilt.content_hash)
    a, b = nightly / "latest" / "data", tmp_path / "rebuilt" / "latest" / "data"
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir()) and "updates.csv" in names
    differ = [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]
    assert differ == ["changes.csv", "changes.parquet"]


def test_a_flipped_byte_anywhere_in_an_entry_is_never_trusted_nor_fatal(raw, tmp_path, spy):
    """Each entry carries a checksum of its own bytes: a damaged one is read from its source again (issue 18: a
    flipped byte published 配合钸门, segfaulted or asked for 280 TB)."""
    import random

    inputs = pipeline.discover_inputs(raw)
    first = pipeline.parse_inputs(inputs, tmp_path / "out")
    entries = sorted((tmp_path / "out" / ".cache" / "parse").rglob("*.*"))
    assert {e.suffix for e in entries} == {".pickle", ".arrow"}
    rng = random.Random(18)
    for _ in range(8):
        for entry in entries:
            data = bytearray(entry.read_bytes())
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            entry.write_bytes(bytes(data))
        spy.clear()
        again = pipeline.parse_inputs(inputs, tmp_path / "out")
        assert len(spy) == len(entries)                          # every damaged entry was read from its source
        for name, table in first.tables.items():
            assert again.tables[name].equals(table), name
        assert all(again.updates[p] == first.updates[p] for p in inputs.updates)
    spy.clear()
    pipeline.parse_inputs(inputs, tmp_path / "out")
    assert spy == []                                             # and rewritten whole


def test_an_entry_without_its_checksum_is_read_again(raw, tmp_path, spy):
    inputs = pipeline.discover_inputs(raw)
    pipeline.parse_inputs(inputs, tmp_path / "out")
    entry = sorted((tmp_path / "out" / ".cache" / "parse" / "updates").glob("*.arrow"))[0]
    entry.write_bytes(entry.read_bytes()[:-(len(parse_cache.CHECKSUM_MAGIC) + 32)])   # an entry of the old layout
    spy.clear()
    pipeline.parse_inputs(inputs, tmp_path / "out")
    assert len(spy) == 1


def test_an_unwritable_cache_only_costs_time(raw, tmp_path, spy):
    """.cache that cannot hold anything (here a plain file, which stops root too) still gives the release."""
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache").write_text("not a folder\n")
    first = pipeline.refresh_without_prefect(raw, out, AS_OF)
    assert first.published
    spy.clear()
    second = pipeline.refresh_without_prefect(raw, out, AS_OF)
    inputs = pipeline.discover_inputs(raw)
    assert not second.published and len(spy) == len(inputs.whitepapers) + len(inputs.updates)   # nothing remembered: parsed again, same outputs, nothing new


@pytest.mark.skipif(hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() == 0,
                    reason="root writes into a read-only folder")
def test_a_read_only_cache_folder_only_costs_time(raw, tmp_path):
    out = tmp_path / "out"
    assert pipeline.refresh_without_prefect(raw, out, AS_OF).published
    for folder in sorted((out / ".cache").rglob("*"), reverse=True) + [out / ".cache"]:
        if folder.is_dir():
            folder.chmod(0o555)
    try:
        (raw / "updates").joinpath(sorted(p.name for p in (raw / "updates").iterdir() if p.is_dir())[0], "zz.csv") \
            .write_text("task,quarter,department,reported_on,status\n1,1,x,2026-01-05,completed\n", encoding="utf-8")
        assert pipeline.refresh_without_prefect(raw, out, AS_OF).published
    finally:
        for folder in (out / ".cache").rglob("*"):
            if folder.is_dir():
                folder.chmod(0o755)
        (out / ".cache").chmod(0o755)


def test_a_progress_report_comes_back_from_the_cache_with_its_text(tmp_path):
    from tests.updates.reports.fixtures import TABLE, write_report

    path = write_report(tmp_path / "raw" / "updates" / "szsti-2014", TABLE, "text")
    first, again = ParseCache(tmp_path / "cache"), ParseCache(tmp_path / "cache")
    read = first.update_file(path)
    assert again.update_file(path) == read and again.parsed == [] and first.parsed == [path]
    assert again.update_file(path).source_text == path.read_text(encoding="utf-8")


def test_every_module_a_paper_is_parsed_with_is_in_the_cache_key():
    """An edit to any reader of a paper's forms must be a cache miss; settle.py works after the cache, on all papers."""
    modules = {p.relative_to(paths.REPO).as_posix() for p in (paths.REPO / "flows" / "whitepaper").glob("*.py")}
    assert modules - {"flows/whitepaper/__init__.py", "flows/whitepaper/settle.py"} <= set(parse_cache.WHITEPAPER_CODE)


def test_the_same_bytes_under_two_names_are_each_read_by_their_own_name(tmp_path):
    # The reader goes by the name (q.csv is a CSV file, q.csv.bak is refused): a key of the bytes alone gave the second
    # file the first one's reading, on the cached night and, depending on the order, on a rebuild too.
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw, ignore=shutil.ignore_patterns("updates"))
    folder = raw / "updates" / "szsti-2014"
    folder.mkdir(parents=True)
    example = paths.REPO / "examples" / "updates" / "szsti-2014" / "ILLUSTRATIVE-2014-q1-q2.csv"
    shutil.copyfile(example, folder / "q.csv.bak")
    pipeline.refresh_without_prefect(raw, tmp_path / "nightly", dt.date(2014, 12, 30))
    shutil.copyfile(example, folder / "q.csv")
    nightly = pipeline.refresh_without_prefect(raw, tmp_path / "nightly", dt.date(2014, 12, 31))
    rebuilt = pipeline.refresh_without_prefect(raw, tmp_path / "rebuilt", dt.date(2014, 12, 31))
    assert (nightly.release_id, nightly.content_hash) == (rebuilt.release_id, rebuilt.content_hash)
    assert nightly.row_counts["updates"] > 0
    import pandas as pd

    rejections = pd.read_parquet(tmp_path / "nightly" / "latest" / "data" / "update_rejections.parquet")
    bak = rejections[rejections["source_file"].str.endswith("q.csv.bak")]
    assert bak["reason_codes"].tolist() == ["unsupported_format"]
