"""Hand memory freed between stages back to the operating system.

A million update rows pass through millions of short-lived Python objects; once a stage has dropped them,
glibc keeps the freed pages in its heap, so the process's resident size stays at the stage's peak and the
next stage's peak lands on top of it. malloc_trim returns those pages (about 150 MB after the updates stage
at a million rows). Elsewhere than glibc (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim") if name else None
    except (OSError, AttributeError):
        return None


def release_free_memory() -> bool:
    """Collect garbage and return freed heap pages to the OS; True when malloc_trim was there to call."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
