"""flows/updates/limits.py: unpacked_parts gives every part of a zip, whatever its name, within the unpacked budget."""

import io
import random
import warnings
import zipfile

import pytest

from flows.updates import limits
from flows.updates.limits import OverBudget


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")              # "Duplicate name": the point of one test
        for name, body in parts:
            archive.writestr(name, body)
    return out.getvalue()


def _parts(data: bytes) -> list[bytes]:
    return [b"".join(chunks) for chunks in limits.unpacked_parts(zipfile.ZipFile(io.BytesIO(data)), "workbook")]


def test_every_entry_is_given_even_two_of_one_name():
    data = _zip([("xl/worksheets/sheet1.xml", b"<a/>"), ("XL/odd.bin", b"<b/>"), ("xl/worksheets/sheet1.xml", b"<c/>")])
    assert _parts(data) == [b"<a/>", b"<b/>", b"<c/>"]


def test_a_damaged_part_ends_where_it_fails_and_the_next_still_comes():
    body = random.Random(1).randbytes(50_000)
    data = bytearray(_zip([("a.xml", body), ("b.xml", b"<b/>")]))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("a.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF       # a flipped byte in the middle of its deflated data
    damaged, after = _parts(bytes(data))
    assert len(damaged) < len(body) and after == b"<b/>"


def test_bytes_unpacked_past_the_budget_are_a_zip_bomb(monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 100_000)
    data = _zip([(f"part{i}.xml", random.Random(i).randbytes(40_000)) for i in range(3)])
    with pytest.raises(OverBudget) as over:
        _parts(data)
    assert over.value.code == "zip_bomb" and "the workbook unpacks to more than 100,000 bytes" in over.value.message


def test_count_nodes_reports_elements_attributes_comments_and_instructions_up_to_where_a_part_breaks():
    class Seen(limits.NodeTally):
        def __init__(self):
            super().__init__()
            self.tags = []

        def end(self, tag):
            self.tags.append(tag)
    whole, broken = Seen(), Seen()
    limits.count_nodes(iter([b"<a x='1' y='2'><!--c--><?p d?>", b"<b/></a>"]), whole)
    limits.count_nodes(iter([b"<a><b/><b/>", b"<c></a><b/>"]), broken)     # not XML at </a>: that piece is lost
    assert (whole.nodes, whole.tags) == (6, ["b", "a"])       # a and its 2 attributes, the comment, the pi, b
    assert (broken.nodes, broken.tags) == (3, ["b", "b"])
