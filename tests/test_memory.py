"""Freed memory goes back to the operating system between stages (on glibc)."""

import platform

import psutil
import pytest

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
