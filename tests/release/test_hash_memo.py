"""flows/release/hash_memo.py: a digest is reused only for a file whose stat is exactly what it was when hashed,
and a release damaged after its files were remembered is still found damaged."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from flows.release import files, hash_memo
from flows.release.hash_memo import HashMemo
from flows.release.state import reconcile
from tests.release.fixtures import publish_tiny


class Counting:
    """A digest function that counts the files it reads."""

    def __init__(self):
        self.read = []

    def __call__(self, path):
        self.read.append(path.name)
        return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def settled(monkeypatch):
    """Every file counts as written long before it is hashed (a test cannot age a file's ctime)."""
    monkeypatch.setattr(hash_memo, "RACY_NS", -10 ** 15)


def test_an_unchanged_file_is_read_once_across_nights(tmp_path, settled):
    (tmp_path / "a.csv").write_text("task,quarter\n1,2\n")
    digest = Counting()
    first = HashMemo.load(tmp_path / "out", "inputs")
    assert first.sha256(tmp_path / "a.csv", digest) == hashlib.sha256(b"task,quarter\n1,2\n").hexdigest()
    first.save()
    second = HashMemo.load(tmp_path / "out", "inputs")
    assert second.sha256(tmp_path / "a.csv", digest) == hashlib.sha256(b"task,quarter\n1,2\n").hexdigest()
    assert digest.read == ["a.csv"] and second.reused == 1


def test_a_rewrite_of_the_same_size_with_its_mtime_put_back_is_read_again(tmp_path, settled):
    path = tmp_path / "a.csv"
    path.write_text("aaaa")
    before = os.stat(path)
    memo = HashMemo.load(tmp_path / "out", "inputs")
    memo.sha256(path, Counting())
    memo.save()
    path.write_text("bbbb")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))   # size and mtime as before; ctime cannot be put back
    digest = Counting()
    again = HashMemo.load(tmp_path / "out", "inputs")
    assert again.sha256(path, digest) == hashlib.sha256(b"bbbb").hexdigest()
    assert digest.read == ["a.csv"] and again.reused == 0


def test_a_file_written_moments_before_its_hashing_is_not_remembered(tmp_path):
    (tmp_path / "a.csv").write_text("fresh")
    memo = HashMemo.load(tmp_path / "out", "inputs")
    memo.sha256(tmp_path / "a.csv", Counting())
    memo.save()
    assert json.loads((tmp_path / "out" / ".cache" / "input_hashes.json").read_text()) == {}


@pytest.mark.parametrize("damage", ["not json {", "[1, 2]", '{"1:2": [1, 2, "x", "y"]}', '{"1:2": "abc"}', "[" * 200_000,
                                    "fifo", "link to /dev/zero", "folder"])
def test_a_damaged_memo_is_ignored(tmp_path, settled, damage):
    """Whatever is in the memo's place, nothing blocks, nothing raises: every file is hashed again."""
    (tmp_path / "out" / ".cache").mkdir(parents=True)
    memo = tmp_path / "out" / ".cache" / "input_hashes.json"
    if damage == "fifo":
        os.mkfifo(memo)   # opening it to read would wait for a writer for ever
    elif damage == "link to /dev/zero":
        memo.symlink_to("/dev/zero")
    elif damage == "folder":
        memo.mkdir()
    else:
        memo.write_text(damage)
    (tmp_path / "a.csv").write_text("x")
    digest = Counting()
    assert HashMemo.load(tmp_path / "out", "inputs").sha256(tmp_path / "a.csv", digest) == hashlib.sha256(b"x").hexdigest()
    assert digest.read == ["a.csv"]


def test_links_and_missing_files_are_always_handed_to_the_digest_function(tmp_path, settled):
    (tmp_path / "target.csv").write_text("x")
    (tmp_path / "link.csv").symlink_to(tmp_path / "target.csv")
    memo = HashMemo.load(tmp_path / "out", "inputs")
    digest = Counting()
    for _ in range(2):
        memo.sha256(tmp_path / "link.csv", lambda p: digest(p) and "(symlink)")
    with pytest.raises(FileNotFoundError):
        memo.sha256(tmp_path / "gone.csv", digest)
    assert digest.read == ["link.csv", "link.csv", "gone.csv"]


def test_reconcile_reads_a_remembered_release_once_and_still_finds_damage(tmp_path, settled, monkeypatch):
    out = tmp_path / "out"
    release = publish_tiny(out).release_dir
    read = []
    real = files.file_sha256
    monkeypatch.setattr("flows.release.manifest.file_sha256", lambda p: read.append(p.name) or real(p))
    assert reconcile(out).problems == []
    assert read == []   # publishing remembered every file it wrote and checked
    data = release / "data" / "tasks.csv"
    before = os.stat(data)
    text = data.read_bytes()
    data.write_bytes(text.replace("建设".encode(), "建立".encode(), 1))   # same size, another word
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert data.read_bytes() != text and os.stat(data).st_size == before.st_size
    check = reconcile(out)
    assert read == ["tasks.csv"]
    assert check.rebuild and any("tasks.csv" in p for p in check.problems)


def test_hash_files_reads_only_what_the_memo_does_not_remember_and_keeps_the_order(tmp_path, settled):
    names = ["c.csv", "a.csv", "b.csv", "d.csv"]
    for name in names:
        (tmp_path / name).write_text(f"{name}\n")
    paths = [tmp_path / n for n in names] + [tmp_path / "missing.csv"]
    expected = [hashlib.sha256(f"{n}\n".encode()).hexdigest() for n in names] + ["(missing)"]

    def digest_or_missing(counting):
        return lambda p: counting(p) if p.exists() else "(missing)"

    first = HashMemo.load(tmp_path / "out", "inputs")
    cold = Counting()
    assert hash_memo.hash_files(paths[:2], digest_or_missing(cold), first) == expected[:2]
    first.save()
    warm, memo = Counting(), HashMemo.load(tmp_path / "out", "inputs")
    assert hash_memo.hash_files(paths, digest_or_missing(warm), memo) == expected
    assert sorted(warm.read) == ["b.csv", "d.csv"] and memo.reused == 2
    plain = Counting()
    assert hash_memo.hash_files(paths, digest_or_missing(plain)) == expected   # no memo: every file is read
    assert sorted(plain.read) == sorted(names)
