"""flows/cli/common.py: a closed reader of the command's output (`whitepaper refresh | head`) never fails a run."""

from __future__ import annotations

import io
import os

import pytest

from flows.cli.common import ClosedPipeSafe


def test_writing_after_the_reader_went_away_carries_on_into_dev_null():
    read_end, write_end = os.pipe()
    stream = io.TextIOWrapper(io.FileIO(write_end, "w"), encoding="utf-8", line_buffering=True)
    safe = ClosedPipeSafe(stream)
    try:
        print("first line", file=safe, flush=True)
        assert os.read(read_end, 100) == b"first line\n"
        os.close(read_end)                                  # the reader goes away, as `head -1` does
        with pytest.raises(BrokenPipeError):
            print("unguarded", file=stream, flush=True)     # what used to fail the night
        for i in range(3):
            print(f"progress {i}", file=safe, flush=True)   # …and now carries on
        assert os.readlink(f"/proc/self/fd/{write_end}") == os.devnull
        assert safe.encoding == "utf-8"                     # everything else is the stream's own
    finally:
        stream.close()
