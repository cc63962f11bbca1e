"""The budget of one input file, declared once: bytes read, bytes unpacked, cells, elements, nesting and seconds.

raw/updates/README.md lists these numbers for the divisions; every reader of flows/updates/ (and the white-paper
reader for its byte cap) checks against them. A file is opened without following a symbolic link, checked to
be a regular file, and read at most MAX_FILE_BYTES + 1 bytes: a 2 GiB file costs 10 MiB of memory, a named
pipe never blocks the night, and a link to /etc/passwd is never opened. (The inputs' SHA-256 for the manifest
and the nothing-new check still streams every byte of a regular file, in constant memory: about 2 s a GiB.)
An Office file (.xlsx, .docx) is a zip of XML parts: unpacked_parts streams every part, whatever its name, and
count_nodes counts a part's XML nodes as lxml would build them, so a reader's parts are counted before the reader
builds anything from them (xlsx.py counts cells and nodes, whitepaper/word.py nodes). Pure: raises OverBudget, the
caller turns it into that file's rejection.
"""

from __future__ import annotations

import codecs
import hashlib
import lzma
import os
import stat
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

MAX_FILE_BYTES = 10 * 2**20
"""An update file's size on disk."""
MAX_UNPACKED_BYTES = 100 * 2**20
"""What an .xlsx or a .docx may unpack to, all its parts together."""
MAX_CELLS = 500_000
"""Cells a file may hold (50,000 reports of 10 columns): in an .xlsx the cells written in its sheets and the
rectangle from A1 to the last non-empty cell, and as many shared strings and rows at most (one a cell); in a .csv
or .json rows × columns. openpyxl holds about 400 bytes a cell, so an .xlsx within budget stays under about 200 MB
while it is read."""
MAX_SHEET_NODES = 4_000_000
"""XML nodes (as MAX_WORD_ELEMENTS counts them) an .xlsx may hold in its rows and shared strings, all its parts
together: what lies inside a sheetData, row or sst element, which openpyxl streams. 8 a cell at MAX_CELLS: a cell as
Excel writes it is 5 (c, r, s, t, v), its share of its row under 1, a shared string of its own 2 (si, t); a sheet of
MAX_CELLS cells saved by openpyxl has 2.45 million. openpyxl reads the slowest shape within it (half a million
shared strings of 3 runs each) in about 15 s and 130 MB, the largest (half a million rows of a set height, no
cells) in about 6 s and 400 MB."""
MAX_XLSX_NODES = 500_000
"""XML nodes an .xlsx may hold outside its rows and shared strings, all its parts together: styles, workbook,
relationships, comments, drawings, charts, pivot tables, which openpyxl builds as whole trees and then as objects
(up to about 30 µs and 500 bytes an element). A workbook Excel saves has a few thousand (700 in a new one, most of
them its theme). openpyxl reads the slowest shape within it (500,000 empty fonts) in about 13 s and 260 MB;
1.6 million empty cell formats took 20 s and 900 MB, a million empty fonts 30 s."""
MAX_WORD_ELEMENTS = 1_000_000
"""XML elements, attributes, comments and processing instructions a .docx (a progress report or a white paper) may
hold, all its parts together: its paragraphs, runs, table cells and their formatting. A blank Word document has
about 50,000 (its styles), a page of a report a few thousand more. python-docx reads a document just within it in
at most about 16 s and 250 MB (900,000 empty paragraphs, the slowest shape found); 2.6 million tiny paragraphs
(8 million elements) took 105 s and 3.7 GB."""
MAX_JSON_DEPTH = 32
"""Nesting of arrays and objects in a .json file (a file of reports needs 2)."""
MAX_SECONDS = 60.0
"""Wall time to read and check one file, checked between rows and steps."""
MAX_SIDECAR_BYTES = 64 * 2**10
"""A white paper's .meta.yaml sidecar."""
MAX_WHITEPAPER_BYTES = 5 * 2**20
"""A white paper's text (the seed has 17 KB; 5 MiB would be a paper 300 times longer)."""


class OverBudget(Exception):
    """A file past one of its limits, or one that must not be opened: code and message as in a FileProblem."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Deadline:
    """MAX_SECONDS from now; check() between rows raises OverBudget once they are spent."""

    seconds: float = MAX_SECONDS
    start: float = 0.0

    def __post_init__(self):
        self.start = time.monotonic()

    def check(self) -> None:
        if time.monotonic() - self.start > self.seconds:
            raise OverBudget("too_slow", f"reading the file took more than {self.seconds:g} s; split it into smaller files")


MAX_RATIO = 100
"""How many times its packed size a part of an .xlsx or .docx over 1 MiB may unpack to, as its zip declares."""


def declared_sizes(archive: zipfile.ZipFile, what: str, max_parts: int | None = None) -> None:
    """OverBudget (zip_bomb, naming `what`) when the zip's directory declares more than max_parts parts, more than
    MAX_UNPACKED_BYTES in all, or a part over 1 MiB inflating more than MAX_RATIO times. Checked before anything is
    unpacked; unpacked_parts then counts what really unpacks, whatever was declared."""
    infos = archive.infolist()
    if max_parts is not None and len(infos) > max_parts:
        raise OverBudget("zip_bomb", f"the {what} holds {len(infos)} parts; at most {max_parts} are accepted")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise OverBudget("zip_bomb", f"the {what} unpacks to {total:,} bytes; at most {MAX_UNPACKED_BYTES:,} bytes are "
                         "accepted (a zip bomb?)")
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise OverBudget("zip_bomb", f"part {info.filename} unpacks {info.file_size // max(info.compress_size, 1)} "
                             f"times its packed size; at most {MAX_RATIO} is accepted (a zip bomb?)")


UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError, RuntimeError, OSError)
"""What unpacking a damaged, encrypted or oddly compressed zip part raises."""
CHUNK_BYTES = 2**16


def unpacked_parts(archive: zipfile.ZipFile, what: str) -> Iterator[Iterator[bytes]]:
    """The bytes of every part of a zip archive (each an iterator of chunks, as they unpack), in the archive's order.

    Every entry, whatever its name and even when two share one: a reader finds its parts through the archive's own
    relationships, which may point anywhere. The bytes unpacked, all parts together, are counted as they come:
    OverBudget (zip_bomb, naming `what`, e.g. "workbook") past MAX_UNPACKED_BYTES, whatever the sizes the zip
    declares. A part that cannot be unpacked (damaged, encrypted, an unknown method) ends where unpacking fails:
    a reader's own unzip fails at the same byte (to within a chunk), so it can build nothing from what lies beyond.
    """
    spent = [0]
    for info in archive.infolist():
        yield _unpacked(archive, info, spent, what)


def _unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo, spent: list[int], what: str) -> Iterator[bytes]:
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK_BYTES):
                spent[0] += len(chunk)
                if spent[0] > MAX_UNPACKED_BYTES:
                    raise OverBudget("zip_bomb", f"the {what} unpacks to more than {MAX_UNPACKED_BYTES:,} bytes "
                                     "(a zip bomb?)")
                yield chunk
    except UNPACK_ERRORS:
        return


FEED_BYTES = 4096
"""Bytes given to the counting parser at a time: its events are read before they pile up, which spares the garbage
collector (in a process holding pandas, 64 KiB at a time took 2.8 s for a million elements instead of 1.1 s)."""
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


class NodeTally:
    """What count_nodes reports to: start(tag, attrib) for each element, end(tag) when it closes, add(n) for n
    nodes that are not elements (comments, processing instructions, entity references). This one adds 1 + len(attrib)
    an element; a reader's subclass overrides add to raise OverBudget past its budget."""

    def __init__(self):
        self.nodes = 0

    def start(self, tag: str, attrib) -> None:
        self.add(1 + len(attrib))

    def end(self, tag: str) -> None:
        return None

    def add(self, n: int) -> None:
        self.nodes += n


def count_nodes(chunks: Iterator[bytes], tally: NodeTally) -> None:
    """Report to tally the elements, attributes, comments and processing instructions of one part (its bytes in
    chunks) as lxml builds them with entities left unresolved (python-docx's parser, and openpyxl's for every part
    but sheets and shared strings), holding no more than a branch. A part that is not XML, or not past some byte,
    is counted up to there: the reader's parser stops there too, and builds nothing from what follows."""
    parser = etree.XMLPullParser(events=("start", "end", "comment", "pi"), remove_blank_text=True,
                                 resolve_entities=False)
    fed, per_byte = 0, False
    try:
        for chunk in chunks:
            if not fed and chunk[:4] in UTF32_BOMS:
                # libxml2 reads UTF-32 after a byte-order mark from a whole buffer (python-docx) but not pushed in
                # pieces; without the mark it tells UTF-32 by the first '<' in either case.
                chunk = chunk[4:]
            fed += len(chunk)
            if per_byte:
                tally.add(len(chunk) // 3)
            for at in range(0, len(chunk), FEED_BYTES):
                parser.feed(chunk[at:at + FEED_BYTES])
                per_byte = _count_events(parser, tally, fed, per_byte)
        parser.close()
        _count_events(parser, tally, fed, per_byte)
    except etree.XMLSyntaxError:   # not XML (an image), or not past here: the reader's parser stops here too
        return


def _count_events(parser: etree.XMLPullParser, tally: NodeTally, fed: int, per_byte: bool) -> bool:
    for event, node in parser.read_events():
        if event == "start":
            if not per_byte and node.getparent() is None and node.getroottree().docinfo.doctype:
                # With a DOCTYPE, each &name; the part uses stays a node of its own in the reader's tree, and no
                # event shows it: every 3 bytes (&e;, the shortest) are counted as one from here on.
                per_byte = True
                tally.add(fed // 3)
            tally.start(node.tag, node.attrib)
        elif event == "end":
            tally.end(node.tag)
            node.clear()
            parent = node.getparent()
            while parent is not None and node.getprevious() is not None:   # let go of what is counted
                del parent[0]
        else:
            tally.add(1)
    return per_byte


KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder"}


def not_a_regular_file(path: Path) -> OverBudget | None:
    """Why path must not be opened (a symbolic link, a pipe, a device, a hidden file), or None. Never follows a link."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except OSError as err:
        return OverBudget("unreadable", f"the file cannot be opened ({err.strerror or type(err).__name__})")
    if stat.S_ISLNK(info.st_mode):
        return OverBudget("symlink", "this is a symbolic link; links are not followed: put the file itself here")
    if not stat.S_ISREG(info.st_mode):
        kind = KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        return OverBudget("not_a_file", f"this is {kind}, not a file; only regular files are read")
    if printable(path.name) != path.name:
        return OverBudget("bad_file_name", f"the file name is not valid UTF-8 (here with \\xNN for its odd bytes: "
                          f"{printable(path.name)}); save it again under a name in UTF-8")
    if path.name.startswith("."):
        return OverBudget("hidden_file", "the file name starts with '.', which hides it in most folders; rename it "
                          "without the dot if it is a report, or remove it")
    return None


def printable(name: str) -> str:
    """A file name as text that can be stored and shown: bytes that are not UTF-8 (the surrogates os.fsdecode gives
    them) as \\xNN escapes; any other name unchanged."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_capped(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (MAX_FILE_BYTES); OverBudget otherwise (size checked
    before reading)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    if problem := not_a_regular_file(path):
        raise problem
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise OverBudget("unreadable", f"the file cannot be opened ({err.strerror or type(err).__name__})") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):     # swapped for something else since it was listed
            raise OverBudget("not_a_file", "this is not a regular file; only regular files are read")
        if info.st_size > limit:
            raise OverBudget("oversized", f"the file has {info.st_size:,} bytes; at most {limit:,} are accepted")
        data = f.read(limit + 1)
    if len(data) > limit:                      # grew while being read
        raise OverBudget("oversized", f"the file has more than {limit:,} bytes; at most {limit:,} are accepted")
    return data


def input_sha256(path: Path) -> str:
    """SHA-256 of a regular file's bytes, streamed; of a marker naming its kind for anything else (never followed)."""
    problem = not_a_regular_file(path)
    if problem is not None and problem.code != "hidden_file":
        return hashlib.sha256(f"({problem.code})".encode()).hexdigest()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return hashlib.sha256(b"(unreadable)").hexdigest()
    with os.fdopen(fd, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def input_size(path: Path) -> int:
    """Size of a regular file; 0 for a link or special file (its target is never looked at)."""
    try:
        info = os.lstat(path)
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0
