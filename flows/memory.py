"""Hand memory freed between stages back to the operating system, and keep DuckDB within a budget.

A million update rows pass through millions of short-lived Python objects; once a stage has dropped them,
glibc keeps the freed pages in its heap, so the process's resident size stays at the stage's peak and the
next stage's peak lands on top of it. malloc_trim returns those pages (about 150 MB after the updates stage
at a million rows). Elsewhere than glibc (macOS, musl) this does nothing. Arrow keeps its own pool (mimalloc or
jemalloc), which malloc_trim never reaches: it is asked to give back what it holds unused as well.

DuckDB by default lets itself grow to 80 % of the machine's memory; the pipeline's connections spill to a temporary
folder instead (duckdb_connection).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import secrets
import tempfile

import duckdb
import pyarrow

DUCKDB_MEMORY_LIMIT = "512MB"
"""What one of the pipeline's DuckDB connections may hold before it spills to disk. At a million update rows the
release's DuckDB file was written in 15.8 s with it against 15.6 s without (16.3 s at 256MB), and the row rules'
query held 100 MB less at 128MB."""


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim") if name else None
    except (OSError, AttributeError):
        return None


def release_free_memory() -> bool:
    """Collect garbage and return freed heap pages, glibc's and Arrow's, to the OS; True when malloc_trim was there
    to call."""
    gc.collect()
    pyarrow.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def duckdb_connection(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that spills to disk, rather than growing, past DUCKDB_MEMORY_LIMIT.

    Its spill folder is a new name under the system's temporary folder, one per connection: DuckDB creates it
    only when it first spills and removes it when the connection closes, so a night that never spills leaves no
    folder behind (only a process killed while spilling can).
    """
    return duckdb.connect(database, config={"memory_limit": DUCKDB_MEMORY_LIMIT, "temp_directory": spill_folder()})


def spill_folder() -> str:
    """An unused path for one connection's spill folder: random, so no other user can have made it first."""
    return os.path.join(tempfile.gettempdir(), f"whitepaper-duckdb-{os.getpid()}-{secrets.token_hex(8)}")
