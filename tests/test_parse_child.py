"""A child process sharing the parse stage (flows/parse_child.py): the stage gives the same result with the child
as without it, whether the child shares the work, cannot start, dies or refuses; and a child is only started
on a night with much to parse."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
import sys
import time
from pathlib import Path

import pytest

from flows import parse_child, parse_stage, pipeline, source_code
from flows.bench.corpus import CorpusSpec, write_corpus
from flows.parse_cache import ParseCache
from flows.parse_stage import parse_batch, parse_papers
from flows.updates import columns


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
    """A child for any batch with an update file."""
    monkeypatch.setattr(parse_child, "worth_it", lambda batch, cache: True)


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


def _wait_for_the_child(monkeypatch, batch) -> list:
    """This process waits after its first update file until the child has taken the last one (so both read
    some, however slow the child is to start); returns the update files this process reads, as they are read."""
    started, read_here = [], []
    real_start = parse_child.start
    monkeypatch.setattr(parse_child, "start", lambda b: started.append(real_start(b)) or started[-1])
    last = len(batch.updates) - 1

    def slow(read):
        def reading(*args):
            read_here.append(args[-1])
            deadline = time.monotonic() + 120
            while read_here[1:] == [] and not (started[0].claims / str(last)).exists():
                assert time.monotonic() < deadline, "the child took no update file in 120 s"
                time.sleep(0.05)
            return read(*args)
        return reading

    monkeypatch.setattr(ParseCache, "update_file", slow(ParseCache.update_file))
    monkeypatch.setattr(columns, "read_update_columns", slow(columns.read_update_columns))
    return read_here


@pytest.mark.parametrize("cache", [True, False])
def test_the_child_shares_the_work_and_the_stage_gives_what_one_process_gives(batch, always, monkeypatch, tmp_path,
                                                                             cache):
    """Both processes read update files; this one may not parse a paper: the child must have parsed them all."""
    batch = batch if cache else dataclasses.replace(batch, cache_dir=None)
    with monkeypatch.context() as m:
        read_here = _wait_for_the_child(m, batch)
        m.setattr(parse_stage, "parse_papers", lambda *a: pytest.fail("a paper was parsed in this process"))
        shared = _summary(parse_batch(batch))
    assert 1 <= len(read_here) < len(batch.updates)
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    assert shared == _in_process(batch, monkeypatch)
    assert len(shared["papers"]) == 3 and len(shared["parsed_files"]) == 3 + len(batch.updates)   # not the refused two
    if cache:   # warm: nothing parsed, the same entries used
        assert _summary(parse_batch(batch))["parsed_files"] == [] == _in_process(batch, monkeypatch)["parsed_files"]


CLAIM_AND_DIE = """#!{python}
import os, pickle, sys
batch, version, claims = pickle.load(open(sys.argv[3], "rb"))
for i in range(len(batch.updates) - 1, len(batch.updates) - 4, -1):
    os.close(os.open(claims / str(i), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
os._exit(1)
"""


@pytest.mark.parametrize("child", ["missing", "dies at once", "dies after reading its input", "says done, writes nothing",
                                   "writes garbage", "takes three files and dies"])
def test_a_child_that_cannot_start_or_dies_leaves_its_work_to_this_process(batch, always, monkeypatch, tmp_path, child):
    scripts = {"dies at once": "#!/bin/sh\nexit 1\n", "dies after reading its input": '#!/bin/sh\ncat "$3" > /dev/null; kill -9 $$\n',   # $3: the batch
               "says done, writes nothing": "#!/bin/sh\nexit 0\n",
               "writes garbage": '#!/bin/sh\nprintf garbage > "$4"; exit 0\n',   # $4: the result file
               "takes three files and dies": CLAIM_AND_DIE.format(python=sys.executable)}
    executable = tmp_path / "python"
    if child in scripts:
        executable.write_text(scripts[child])
        executable.chmod(0o755)
    monkeypatch.setattr(parse_child.sys, "executable", str(executable))
    with monkeypatch.context() as m:
        read_here = _wait_for_the_child(m, batch) if child == "takes three files and dies" else []
        result = _summary(parse_batch(batch))
    if read_here:   # the three it took and never delivered were read here after it died
        assert [p.name for p in read_here] == [p.name for p in batch.updates[:-3] + batch.updates[-3:]]
    shutil.rmtree(tmp_path / "out")
    assert result == _in_process(batch, monkeypatch)
    assert len(result["papers"]) == 3 and len(result["updates"]) == len(batch.updates)


def test_a_child_whose_code_is_not_ours_refuses(batch, tmp_path):
    given, out, claims = tmp_path / "batch.pickle", tmp_path / "result.pickle", tmp_path / "claims"
    claims.mkdir()
    version = parse_child.parser_version(batch.lookups_dir)
    for wrong in [("another", version[1]), (version[0], "another")]:
        given.write_bytes(pickle.dumps((batch, wrong, claims)))
        assert parse_child._main(str(given), str(out)) == 3 and not out.exists() and not any(claims.iterdir())
    given.write_bytes(pickle.dumps((batch, version, claims)))
    assert parse_child._main(str(given), str(out)) == 0
    child = pickle.loads(out.read_bytes())
    assert len(child.updates) == len(batch.updates) == len(list(claims.iterdir()))   # alone, it takes every file
    assert _summary(child)["papers"] == _summary(parse_papers(dataclasses.replace(batch, updates=[])))["papers"]


def test_a_child_only_on_a_night_with_much_to_parse(batch, monkeypatch):
    monkeypatch.setattr(parse_child, "MIN_UPDATE_FILES", len(batch.updates))
    monkeypatch.setattr(parse_child, "PAPER_MS", 100)
    monkeypatch.setattr(parse_child, "UPDATE_FILE_MS", 100)
    monkeypatch.setattr(parse_child, "COLD_MS", 100 * (len(batch.updates) + 5))   # every file cold
    cache = ParseCache(batch.cache_dir, batch.lookups_dir)
    assert len(batch.whitepapers) == 5 and parse_child.worth_it(batch, cache) and parse_child.worth_it(batch, None)
    assert not parse_child.worth_it(dataclasses.replace(batch, strict=True), cache)
    assert not parse_child.worth_it(dataclasses.replace(batch, updates=batch.updates[1:]), cache)   # too few files
    assert not parse_child.worth_it(dataclasses.replace(batch, whitepapers=batch.whitepapers[1:]), cache)
    parse_papers(dataclasses.replace(batch, whitepapers=batch.whitepapers[:1], updates=[]), cache)   # one cached
    assert not parse_child.worth_it(batch, cache)
    monkeypatch.setattr(parse_child, "COLD_MS", 100 * (len(batch.updates) + 4))
    assert parse_child.worth_it(batch, cache)
    parse_stage.read_updates(batch.updates, range(len(batch.updates)), cache, parse_stage.Parsed())   # all cached
    assert not parse_child.worth_it(batch, cache)
    monkeypatch.setattr(parse_child, "COLD_MS", 400)   # the four papers still cold
    assert parse_child.worth_it(batch, cache)


def test_a_checkout_in_the_current_folder_is_not_what_the_child_runs(batch, always, monkeypatch, tmp_path):
    """`python -m` puts the current folder first on the child's path: run from another checkout (an older clone,
    a colleague's copy), the child imported that checkout's flows and, its parser files being the same, its
    result was taken although its parse_stage.py differed."""
    other = tmp_path / "other"
    for folder in ("flows", "schemas", "sql"):
        shutil.copytree(Path(parse_stage.__file__).parent.parent / folder, other / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    stage = other / "flows" / "parse_stage.py"
    stage.write_text(stage.read_text(encoding="utf-8").replace(
        "    out = Parsed()\n    for path in batch.whitepapers:",
        "    out = Parsed()\n    out.not_papers[Path('/elsewhere')] = 'another checkout'\n    for path in batch.whitepapers:"),
        encoding="utf-8")
    monkeypatch.chdir(other)
    result = _summary(parse_batch(batch))
    shutil.rmtree(tmp_path / "out")
    assert Path("/elsewhere") not in result["not_papers"]
    assert result == _in_process(batch, monkeypatch)


def test_a_child_refuses_when_the_stage_code_changed(batch, monkeypatch, tmp_path):
    """The child runs parse_stage.py and parse_child.py, which the parse cache's versions do not cover: an edit
    there during the run (a git pull) must make it refuse too."""
    given, out, claims = tmp_path / "batch.pickle", tmp_path / "result.pickle", tmp_path / "claims"
    claims.mkdir()
    given.write_bytes(pickle.dumps((batch, parse_child.parser_version(batch.lookups_dir), claims)))
    monkeypatch.setitem(source_code.IMPORTED, "flows/parse_stage.py", b"edited since")
    assert parse_child._main(str(given), str(out)) == 3 and not out.exists()


def test_two_update_files_of_one_entry_are_parsed_once_as_in_one_process(corpus_raw, always, monkeypatch, tmp_path):
    """Two update files with the same name and bytes in two folders share a cache entry: one process parses the
    first and finds the entry for the second. The child, reading from the last file back, parsed the second, and
    this process then found the entry for the first: parsed_files named the second (or both, when they raced)."""
    raw = shutil.copytree(corpus_raw, tmp_path / "raw")
    files = pipeline.discover_inputs(raw).updates
    twin = files[1].parent / files[-1].name   # same name and bytes as the last file, read second here
    shutil.copyfile(files[-1], twin)
    [batch] = parse_stage.split(pipeline.discover_inputs(raw), 1, tmp_path / "out")
    assert batch.updates.index(twin) < len(batch.updates) // 2
    started, real_start, real_read = [], parse_child.start, ParseCache.update_file
    monkeypatch.setattr(parse_child, "start", lambda b: started.append(real_start(b)) or started[-1])

    def slow(cache, path):   # after its first file, this process waits until the child has written its first entry
        deadline = time.monotonic() + 120
        while path != batch.updates[0] and len(list((tmp_path / "out" / ".cache" / "parse" / "updates").glob("*"))) < 2:
            assert time.monotonic() < deadline and started[0].process.poll() is None, "the child wrote no entry"
            time.sleep(0.05)
        return real_read(cache, path)

    with monkeypatch.context() as m:
        m.setattr(ParseCache, "update_file", slow)
        shared = _summary(parse_batch(batch))
    shutil.rmtree(tmp_path / "out")
    alone = _in_process(batch, monkeypatch)
    assert twin in alone["parsed_files"] and files[-1] not in alone["parsed_files"]
    assert shared == alone


PARSE_PAPERS_AND_DIE = """#!{python}
import os, sys
from flows import parse_child, parse_stage
parse_stage.read_updates = lambda *args, **kwargs: os._exit(1)   # dies once the papers are parsed (and cached)
parse_child._main(sys.argv[3], sys.argv[4])
"""


def test_what_a_child_parsed_before_dying_counts_as_parsed(batch, always, monkeypatch, tmp_path):
    """A child that parsed (and cached) the papers and then died: this process found its entries, and
    parsed_files left out the papers one process would have parsed."""
    executable = tmp_path / "python"
    executable.write_text(PARSE_PAPERS_AND_DIE.format(python=sys.executable))
    executable.chmod(0o755)
    monkeypatch.setattr(parse_child.sys, "executable", str(executable))
    result = _summary(parse_batch(batch))
    shutil.rmtree(tmp_path / "out")
    assert result == _in_process(batch, monkeypatch)
