"""Parsed input files remembered between runs: an unchanged file is not read and parsed again.

One entry per input file, keyed by the SHA-256 of its bytes (and of what else its parse reads: the name it is
published under, a white paper's citation sidecar) and by the version of the code that parses it: a hash of
that code's source files, the lookups it reads and the library versions. A change to any of them is a miss.
White papers are kept as pickles of ParsedWhitepaper (a dozen small frames each); update files as Arrow IPC
files, zstd-compressed (flows/updates/columns.py): as small as Parquet, and four times faster to read back
(1.6 s instead of 6.4 s for the 4,000 files of a million rows). The folder is <out>/.cache/parse/, ignored by
git: a fresh clone rebuilds it.
Cross-file steps (duplicates, conflicts, summaries, validation) always run over all rows.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import secrets
import stat
from importlib import metadata
from pathlib import Path

import pyarrow
import pyarrow.ipc

from flows import paths, source_code
from flows.updates.columns import UpdateColumns, from_arrow, read_update_columns, to_arrow
from flows.updates.limits import MAX_SIDECAR_BYTES, MAX_WHITEPAPER_BYTES, OverBudget, read_capped
from flows.updates.read import FileProblem
from flows.whitepaper.lookups import Lookups
from flows.whitepaper.parse import ParsedWhitepaper, read_whitepaper

CACHE_DIR = ".cache/parse"
WHITEPAPER_CODE = ("flows/whitepaper/parse.py", "flows/whitepaper/tasks.py", "flows/whitepaper/source_doc.py", "flows/whitepaper/text.py",
                   "flows/whitepaper/quantities.py", "flows/whitepaper/lookups.py", "flows/whitepaper/contacts.py",
                   "flows/whitepaper/header.py", "flows/whitepaper/forms.py", "flows/whitepaper/html_page.py",
                   "flows/whitepaper/word.py", "flows/whitepaper/layout.py", "flows/whitepaper/sidecar.py",
                   "flows/whitepaper/quarantine.py", "flows/whitepaper/english.py", "flows/whitepaper/task_table.py",
                   "flows/whitepaper/table_header.py", "flows/whitepaper/row_numbers.py",
                   "flows/whitepaper/divisions.py", "flows/whitepaper/quarters.py", "flows/updates/raw.py",
                   "flows/updates/limits.py", "flows/tables/frames.py", "flows/parse_cache.py", "schemas/whitepaper.py",
                   "schemas/_fields.py")
WHITEPAPER_LOOKUPS = ("categories.csv", "departments.csv", "translations.csv")
UPDATE_CODE = ("flows/updates/read.py", "flows/updates/xlsx.py", "flows/updates/xls.py", "flows/updates/raw.py",
               "flows/updates/limits.py",
               "flows/updates/columns.py", "flows/parse_cache.py",
               *(f"flows/updates/reports/{m}.py"
                 for m in ("forms", "header", "items", "read", "grid", "web_page", "word_doc")),
               "flows/whitepaper/html_page.py", "flows/whitepaper/word.py", "flows/whitepaper/layout.py")
LIBRARIES = ("pandas", "pyarrow", "numpy", "openpyxl", "xlrd", "pandera", "pypinyin", "lxml", "python-docx", "rapidfuzz")
CHECKSUM_MAGIC = b"WPCACHE-SHA256"
"""Every entry ends with this and the SHA-256 of the bytes before it (flows/parse_cache.py's _verified_payload)."""


def code_version(sources: tuple[str, ...], data_files: list[Path] = ()) -> str:
    """SHA-256 over the source files (relative to the repository, as imported), data files and library versions."""
    digest = hashlib.sha256(platform.python_version().encode())
    for name in LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}\n".encode())
    for source in sources:   # as this process imported them (flows/source_code.py), not as they are now
        digest.update(f"{Path(source).name}\n".encode())
        digest.update(source_code.digest(source))
    for path in data_files:
        digest.update(f"{Path(path).name}\n".encode())
        digest.update(Path(path).read_bytes() if Path(path).exists() else b"(missing)")
    return digest.hexdigest()


class ParseCache:
    """Reads through the cache under folder; `parsed` lists the files this run really read and parsed."""

    def __init__(self, folder: Path, lookups_dir: Path = paths.LOOKUPS, *,
                 whitepaper_code: str | None = None, update_code: str | None = None):
        self.folder = Path(folder)
        self.whitepaper_code = whitepaper_code or code_version(
            WHITEPAPER_CODE, [Path(lookups_dir) / name for name in WHITEPAPER_LOOKUPS])
        self.update_code = update_code or code_version(UPDATE_CODE)
        self.parsed: list[Path] = []
        self.used: set[Path] = set()
        self.digests: dict[Path, str] = {}   # update file → SHA-256 of the bytes read (what its rows come from)

    def _entry(self, kind: str, key: str, suffix: str) -> Path:
        entry = self.folder / kind / f"{key}{suffix}"
        self.used.add(entry)
        return entry

    def _whitepaper_key(self, path: Path, source_file: str) -> str | None:
        """The entry's key: the code, the paper's bytes, its sidecar's and the name it is published under; None
        when the file cannot be read within its budget and never through a link (it is parsed, and rejected,
        uncached)."""
        sidecar = path.with_name(path.stem + ".meta.yaml")
        digest = hashlib.sha256(self.whitepaper_code.encode())
        try:
            parts = (read_capped(path, MAX_WHITEPAPER_BYTES),
                     read_capped(sidecar, MAX_SIDECAR_BYTES) if os.path.lexists(sidecar) else b"", source_file.encode())
        except (OverBudget, OSError):
            return None
        for part in parts:
            digest.update(hashlib.sha256(part).digest())
        return digest.hexdigest()

    def has_whitepaper(self, path: Path, source_file: str) -> bool:
        """Whether an entry for the paper is there (not whether it is intact: whitepaper() checks that)."""
        key = self._whitepaper_key(Path(path), source_file)
        return key is not None and (self.folder / "whitepapers" / f"{key}.pickle").is_file()

    def whitepaper(self, path: Path, lookups: Lookups, source_file: str) -> ParsedWhitepaper:
        """read_whitepaper(path, lookups=…, source_file=…, validate=False, frames=False), from the cache when it can be."""
        path = Path(path)
        key = self._whitepaper_key(path, source_file)
        if key is None:
            return read_whitepaper(path, lookups=lookups, source_file=source_file, validate=False, frames=False)
        entry = self._entry("whitepapers", key, ".pickle")
        payload = _verified_payload(entry)
        if payload is not None:
            try:
                cached = pickle.loads(payload)
                if isinstance(cached, ParsedWhitepaper):
                    return cached
            except Exception:  # noqa: BLE001 - an outdated entry (its checksum holds) is parsed again, never fatal
                pass
        parsed = read_whitepaper(path, lookups=lookups, source_file=source_file, validate=False, frames=False)
        self.parsed.append(path)
        _atomic_write(entry, lambda f: f.write(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)))
        return parsed

    def _update_key(self, path: Path, digest) -> str:
        return hashlib.sha256(self.update_code.encode() + digest.digest() + path.name.encode("utf-8", "surrogateescape")
                              ).hexdigest()

    def has_update_file(self, path: Path) -> bool:
        """Whether an entry for the update file is there (not whether it is intact: update_file() checks that)."""
        path = Path(path)
        try:
            data = read_capped(path)
        except (OverBudget, OSError):
            return False
        return (self.folder / "updates" / f"{self._update_key(path, hashlib.sha256(data))}.arrow").is_file()

    def update_file(self, path: Path) -> UpdateColumns | FileProblem:
        """read_update_columns(path), from the cache when it can be. The key holds the file's name as well as its
        bytes: the reader goes by the name (q.csv is read as CSV, the same bytes as q.csv.bak are refused)."""
        path = Path(path)
        try:
            data = read_capped(path)              # a link, special or oversized file is never read whole, nor cached
        except (OverBudget, OSError):
            return read_update_columns(path)      # the reader names the problem
        digest = hashlib.sha256(data)
        self.digests[path] = digest.hexdigest()
        entry = self._entry("updates", self._update_key(path, digest), ".arrow")
        payload = _verified_payload(entry)
        if payload is not None:
            try:
                return from_arrow(pyarrow.ipc.open_file(pyarrow.py_buffer(payload)).read_all())
            except Exception:  # noqa: BLE001 - an entry of an older layout is read again from the source, never fatal
                pass
        read = read_update_columns(path)
        self.parsed.append(path)
        _atomic_write(entry, lambda f: _write_ipc(to_arrow(read), f))
        return read


def _write_ipc(table: pyarrow.Table, f) -> None:
    with pyarrow.ipc.new_file(f, table.schema, options=pyarrow.ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table)


def _verified_payload(entry: Path) -> bytes | None:
    """The entry's payload if its trailer (CHECKSUM_MAGIC + SHA-256 of the payload) matches it, else None.

    Nothing is decoded before the checksum holds: a flipped byte in a pickle or an Arrow file could otherwise
    publish wrong text, ask for a terabyte of memory or crash the interpreter. A missing, unreadable, truncated or
    damaged entry is a miss, and the file is read from its source again.
    """
    try:   # a FIFO, folder or link in place of an entry would hang the run or lead elsewhere: never read
        fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            data = f.read()
    except OSError:
        return None
    trailer = len(CHECKSUM_MAGIC) + 32
    if len(data) < trailer or data[-trailer:-32] != CHECKSUM_MAGIC:
        return None
    payload = memoryview(data)[:-trailer]
    if hashlib.sha256(payload).digest() != data[-32:]:
        return None
    return payload


class _Checksummed:
    """A binary file object that hashes what is written through it, so the trailer costs no second pass."""

    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        return self.f.write(data)

    def __getattr__(self, name):
        return getattr(self.f, name)


def _atomic_write(entry: Path, write) -> None:
    """Write payload + checksum trailer through a temporary file and rename, so a killed run never leaves half an
    entry; a cache that cannot be written (read-only, full disk) only costs time."""
    tmp = entry.with_name(f".{entry.name}.{secrets.token_hex(4)}")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            out = _Checksummed(f)
            write(out)
            f.write(CHECKSUM_MAGIC + out.digest.digest())
        os.replace(tmp, entry)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
