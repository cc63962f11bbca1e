"""The papers parsed in a child process (flows/parse_child.py): the parse stage gives the same result with the
child as without it, whether the child parses, cannot start, dies or refuses; and the child is only started
when there is enough of both kinds of work."""

from __future__ import annotations

import dataclasses
import io
import pickle
import shutil
import sys

import pytest

from flows import parse_child, parse_stage, pipeline
from flows.bench.corpus import CorpusSpec, write_corpus
from flows.parse_cache import ParseCache
from flows.parse_stage import parse_batch, parse_papers


@pytest.fixture(scope="module")
def corpus_raw(tmp_path_factory):
    """Three papers, one paper that is not in the template (quarantined), one document that is no paper, and
    six update files."""
    raw = tmp_path_factory.mktemp("child-corpus") / "raw"
    write_corpus(CorpusSpec(papers=3, update_rows=300, rows_per_file=50), raw)
    papers = raw / "whitepapers"
    text = sorted(papers.glob("*.txt"))[0].read_text(encoding="utf-8")
    (papers / "zz-broken.txt").write_text(text[: len(text) // 3], encoding="utf-8")
    (papers / "zz-minutes.txt").write_text("会议纪要\n\n今天开会。\n", encoding="utf-8")
    return raw


@pytest.fixture
def batch(corpus_raw, tmp_path):
    raw = shutil.copytree(corpus_raw, tmp_path / "raw")
    [one] = parse_stage.split(pipeline.discover_inputs(raw), 1, tmp_path / "out")
    return one


@pytest.fixture
def always(monkeypatch):
    """A child for any batch with a paper and an update file."""
    monkeypatch.setattr(parse_child, "MIN_PAPERS", 1)
    monkeypatch.setattr(parse_child, "MIN_UPDATE_FILES", 1)


class _Frame:
    """A frame that compares by values (NaN equal to NaN, as DataFrame.equals has it) and dtypes."""

    def __init__(self, frame):
        self.frame = frame

    def __eq__(self, other):
        return list(self.frame.dtypes) == list(other.frame.dtypes) and self.frame.equals(other.frame)

    def __repr__(self):
        return repr(self.frame)


def _paper(p) -> tuple:
    return (p.document_id, p.text, p.encoding, p.form, p.original,
            {name: _Frame(frame) for name, frame in parse_stage.paper_tables(p).items()})


def _summary(parsed: parse_stage.Parsed) -> dict:
    """Everything the stage hands on, comparable: papers by their fields and tables, update files by their columns."""
    return {"papers": [_paper(p) for p in parsed.whitepapers], "paths": parsed.paper_paths,
            "rejected": parsed.rejected, "not_papers": parsed.not_papers, "parsed_files": parsed.parsed_files,
            "cache_entries": parsed.cache_entries, "read_digests": parsed.read_digests,
            "updates": dict(parsed.updates)}


def _in_process(batch, monkeypatch) -> dict:
    with monkeypatch.context() as m:
        m.setattr(parse_child, "worth_it", lambda batch, cache: False)
        return _summary(parse_batch(batch))


def _never(batch):
    raise AssertionError("the papers were parsed in this process, not in the child")


def test_the_child_parses_what_this_process_would(batch, always, monkeypatch, tmp_path):
    started = parse_child.start(dataclasses.replace(batch, updates=[]))
    assert started is not None
    from_child = parse_child.finish(started, _never, dataclasses.replace(batch, updates=[]))
    assert len(from_child.whitepapers) == 3 and len(from_child.rejected) == 1 and len(from_child.not_papers) == 1
    assert [p.name for p in from_child.parsed_files] == [p.name for p in batch.whitepapers[:3]]   # not the two refused
    shutil.rmtree(tmp_path / "out")   # cold again: the same files parsed, the same entries written
    here = parse_papers(dataclasses.replace(batch, updates=[]))
    assert _summary(from_child) == _summary(here)


@pytest.mark.parametrize("cache", [True, False])
def test_the_stage_gives_the_same_result_with_the_child_as_without(batch, always, monkeypatch, tmp_path, cache):
    batch = batch if cache else dataclasses.replace(batch, cache_dir=None)
    with_child = _summary(parse_batch(batch))
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    assert with_child == _in_process(batch, monkeypatch)
    assert len(with_child["parsed_files"]) == 3 + len(batch.updates)   # the refused two are parsed, never kept
    if cache:   # warm: nothing parsed, the same entries used, from a child or not
        assert _summary(parse_batch(batch))["parsed_files"] == [] == _in_process(batch, monkeypatch)["parsed_files"]


@pytest.mark.parametrize("child", ["missing", "dies at once", "dies after reading", "says done, writes nothing",
                                   "writes garbage"])
def test_a_child_that_cannot_start_or_dies_leaves_the_papers_to_this_process(batch, always, monkeypatch, tmp_path,
                                                                           child):
    scripts = {"dies at once": "exit 1", "dies after reading": "cat > /dev/null; kill -9 $$",
               "says done, writes nothing": "cat > /dev/null; exit 0",
               "writes garbage": 'cat > /dev/null; printf garbage > "$3"; exit 0'}   # $3: the result file
    executable = tmp_path / "python"
    if child in scripts:
        executable.write_text(f"#!/bin/sh\n{scripts[child]}\n")
        executable.chmod(0o755)
    monkeypatch.setattr(parse_child.sys, "executable", str(executable))
    result = _summary(parse_batch(batch))
    shutil.rmtree(tmp_path / "out")
    assert result == _in_process(batch, monkeypatch)
    assert len(result["papers"]) == 3


def test_a_child_whose_parser_is_not_ours_refuses(batch, monkeypatch, tmp_path):
    papers = dataclasses.replace(batch, updates=[])
    out = tmp_path / "result.pickle"
    stdin = io.BytesIO(pickle.dumps((papers, "another version")))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stdin))
    assert parse_child._main(str(out)) == 3 and not out.exists()
    stdin = io.BytesIO(pickle.dumps((papers, parse_child.parser_version(papers.lookups_dir))))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stdin))
    assert parse_child._main(str(out)) == 0
    assert _summary(pickle.loads(out.read_bytes()))["papers"] == _summary(parse_papers(papers))["papers"]


def test_a_child_only_when_both_sides_have_work_enough(batch, monkeypatch):
    monkeypatch.setattr(parse_child, "MIN_PAPERS", 5)
    monkeypatch.setattr(parse_child, "MIN_UPDATE_FILES", len(batch.updates))
    cache = ParseCache(batch.cache_dir, batch.lookups_dir)
    assert len(batch.whitepapers) == 5 and parse_child.worth_it(batch, cache) and parse_child.worth_it(batch, None)
    assert not parse_child.worth_it(dataclasses.replace(batch, strict=True), cache)
    assert not parse_child.worth_it(dataclasses.replace(batch, updates=batch.updates[1:]), cache)
    assert not parse_child.worth_it(dataclasses.replace(batch, whitepapers=batch.whitepapers[1:]), cache)
    parse_papers(dataclasses.replace(batch, whitepapers=batch.whitepapers[:2], updates=[]))   # two now cached
    assert not parse_child.worth_it(batch, cache)   # three papers to parse: fewer than five
    monkeypatch.setattr(parse_child, "MIN_PAPERS", 3)
    assert parse_child.worth_it(batch, cache)
