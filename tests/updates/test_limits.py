"""The budget of one file: links, special and hidden files never opened, sizes checked before reading."""

import datetime as dt
import os
import resource

import pytest

from flows.updates import limits
from flows.updates.ingest import find_update_files, ingest_updates
from flows.updates.read import read_update_file
from tests.updates.fixtures import DOC, paper_tables, report, write_updates


def test_a_link_to_a_file_outside_is_rejected_naming_only_its_path_under_raw(tmp_path):
    secret = tmp_path / "etc" / "passwd"
    secret.parent.mkdir()
    secret.write_text("task,quarter,department,reported_on,status\nroot:x:0:0:root:/root:/bin/bash\n")
    folder = tmp_path / "raw" / "updates" / DOC
    good = write_updates(folder, "csv", [report()], name="good")
    (folder / "passwd.csv").symlink_to(secret)
    result = ingest_updates(find_update_files(tmp_path / "raw" / "updates"), paper_tables(), dt.date(2015, 1, 31),
                            raw_dir=tmp_path / "raw")
    (row,) = result.rejections.to_dict("records")
    assert (row["source_file"], row["reason_codes"]) == (f"raw/updates/{DOC}/passwd.csv", "symlink")
    published = " ".join(str(v) for v in row.values()) + result.quality_notes.to_string()
    assert "root:x" not in published and str(tmp_path) not in published
    assert result.updates["source_file"].tolist() == [f"raw/updates/{DOC}/good.csv"] and good.exists()


@pytest.mark.parametrize("name, make, code", [
    ("pipe.csv", lambda p: os.mkfifo(p), "not_a_file"),
    (".draft.csv", lambda p: p.write_text("task\n1\n"), "hidden_file"),
    (".DS_Store", lambda p: p.write_bytes(b"\x00\x00\x00\x01Bud1"), "hidden_file"),
    ("dangling.csv", lambda p: p.symlink_to("/nonexistent/file.csv"), "symlink"),
])
def test_special_hidden_and_dangling_entries_are_rejections(tmp_path, name, make, code):
    path = tmp_path / name
    make(path)
    problem = read_update_file(path)      # a named pipe must not block: the call returns
    assert problem.code == code and "\n" not in problem.message


def test_a_2_gib_file_is_rejected_by_its_size_without_being_read(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:              # sparse: 2 GiB on paper, nothing on disk
        f.truncate(2 * 2**30)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    problem = read_update_file(path)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert problem.code == "oversized" and "2,147,483,648 bytes" in problem.message
    assert grown_kib < 50 * 1024, f"peak memory grew by {grown_kib} KiB"
    assert limits.input_size(path) == 2 * 2**30 and len(limits.input_sha256(tmp_path / "nope")) == 64


def test_the_deadline_rejects_a_file_that_takes_too_long(tmp_path, monkeypatch):
    path = write_updates(tmp_path, "csv", [report()] * 2000)
    monkeypatch.setattr(limits.Deadline, "__post_init__", lambda self: setattr(self, "start", -1e12))
    assert read_update_file(path).code == "too_slow"
