"""Freed memory goes back to the operating system between stages (on glibc)."""

import os
import platform
import tempfile

import duckdb
import psutil
import pytest

from flows import memory
from flows.memory import release_free_memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_heap_pages_are_returned_to_the_os():
    process = psutil.Process()
    release_free_memory()
    before = process.memory_info().rss
    # Blocks over pymalloc's 512 bytes come from glibc's heap; the block allocated last pins the heap's top,
    # so freeing the others alone leaves the process as large as at its peak.
    blocks = [bytes(2000) + str(i).encode() for i in range(100_000)]
    pin = bytes(2000) + b"pin"
    grown = process.memory_info().rss - before
    del blocks
    assert grown > 150 * 2**20
    assert release_free_memory() is True
    assert process.memory_info().rss - before < grown / 4
    assert pin


def test_duckdb_spills_into_its_own_folder_rather_than_growing_past_its_limit(monkeypatch):
    monkeypatch.setattr(memory, "DUCKDB_MEMORY_LIMIT", "64MB")
    # About 130 MB of sort keys: more than the limit, as the same sort without a folder to spill into shows.
    sort = ("SELECT x FROM (SELECT md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS x FROM range(2000000) t(i)) "
            "ORDER BY x")
    con = memory.duckdb_connection()
    try:
        limit, folder = con.sql("SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchall()[0]
        assert limit.endswith("MiB") and float(limit.split()[0]) <= 64
        assert os.path.dirname(folder) == tempfile.gettempdir() and "whitepaper-duckdb-" in folder
        assert not os.path.exists(folder)   # made by DuckDB only when it spills
        keys = con.sql(sort).to_arrow_table().column("x")
        assert os.path.isdir(folder)
    finally:
        con.close()
    assert not os.path.exists(folder)
    assert len(keys) == 2_000_000 and keys[0].as_py() <= keys[1].as_py() <= keys[-1].as_py()
    unbounded = duckdb.connect(config={"memory_limit": "64MB", "temp_directory": ""})
    try:
        with pytest.raises(duckdb.OutOfMemoryException):
            unbounded.sql(sort).to_arrow_table()
    finally:
        unbounded.close()


def test_each_connection_spills_into_a_folder_of_its_own():
    folders = set()
    for _ in range(3):
        con = memory.duckdb_connection()
        try:
            folders.add(con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0])
        finally:
            con.close()
    assert len(folders) == 3 and not any(os.path.exists(f) for f in folders)
