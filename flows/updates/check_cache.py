"""Each update file's checked rows remembered between nights: a night with one new file checks that file only.

The row rules (flows/updates/rules.py, batch.py, reports/match.py) look at one row and its white paper, never at
another file, so what they make of a file — its candidate reports and its rows' rejections — depends only on the
file's bytes and the name it is published under, the code that reads and checks it, its paper's index (Paper:
tasks, milestones, divisions, targets), the status spellings, and the as-of date through a single rule,
date_in_future. A file's results are reused when everything but the date matches and the date is the same, or
later while no row of the file was in the future (then none is now either). Cross-file steps (duplicates,
conflicts, precedence) and everything after them always run over all rows.

The bytes are those the parse stage read (flows/parse_cache.py), not the file hashed again later: a file replaced
while a run goes is never filed under its new content. A file whose rows could not be checked at all (check_error:
memory, say) is not kept, so the next run tries it again. One entry, <out>/.cache/check/last.pickle, holds every
file's results of the last run and is replaced by each run; it carries a checksum like the parse cache's entries,
so a damaged one is a miss, and one of another layout under this code's key is a miss too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute

from flows import paths
from flows.parse_cache import UPDATE_CODE, _atomic_write, _verified_payload, code_version
from flows.updates.read import FileProblem
from flows.updates.rules import Paper

CACHE_FILE = ".cache/check/last.pickle"
CHECK_CODE = tuple(sorted({*UPDATE_CODE, "flows/whitepaper/text.py",
                           *(p.relative_to(paths.REPO).as_posix() for folder in ("flows/updates", "flows/tables", "schemas")
                             for p in (paths.REPO / folder).rglob("*.py"))}))
OFFSET = "_offset"   # a candidate's row within its file (0 = the file's first row), so positions survive new files
FORMAT = 3   # 3: candidates kept _packed


@dataclass
class Checked:
    """What the row rules made of some files' rows: rows indexed by position in the frame of all rows."""
    candidates: pd.DataFrame
    rejections: list[dict]
    failed: dict[str, FileProblem] = field(default_factory=dict)   # source_file → why its rows could not be checked


def paper_digest(paper: Paper) -> str:
    """SHA-256 of everything of the paper the rules read, in an order that does not depend on the process (sets and
    dicts sorted; a target list keeps its order, which the rules' messages follow)."""
    parts = (paper.document_id, paper.plan_year, sorted(paper.task_by_seq.items()), sorted(paper.milestones.items()),
             sorted(paper.departments.items()), sorted(paper.department_names.items()),
             sorted((t, sorted(r.items())) for t, r in paper.responsible.items()),
             sorted(paper.milestone_targets.items()), sorted(paper.task_targets.items()), sorted(paper.titles.items()),
             sorted(paper.empty_milestones), paper.agency_names)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class CheckCache:
    """The last run's results per file, under out_dir; digests: source_file → SHA-256 of the bytes its rows were
    read from (a file without one is always checked). `reused` lists the files this run did not check again."""

    def __init__(self, out_dir: Path, digests: dict[str, str] | None = None, code: str | None = None):
        self.path = Path(out_dir) / CACHE_FILE
        self.digests = dict(digests or {})
        self.code = code or code_version(CHECK_CODE)
        self.reused: list[str] = []
        self._pending: tuple | None = None

    def _keys(self, rows: pd.DataFrame, papers: dict[str, Paper], statuses: dict[str, str]) -> dict[str, str]:
        """source_file → the key of its results, for each file with rows (and a known digest of its bytes)."""
        spellings = hashlib.sha256(repr(sorted(statuses.items())).encode()).hexdigest()
        of_paper = {doc: paper_digest(p) for doc, p in papers.items()}
        files = rows.drop_duplicates("source_file")[["source_file", "document_id"]]
        return {source: hashlib.sha256("\n".join((self.code, self.digests[source], source, doc, of_paper[doc],
                                                  spellings)).encode()).hexdigest()
                for source, doc in zip(files["source_file"].tolist(), files["document_id"].tolist())
                if source in self.digests and doc in of_paper}

    def check(self, rows: pd.DataFrame, papers: dict[str, Paper], statuses: dict[str, str], as_of: dt.date,
              check) -> Checked:
        """check(rows) → Checked for the rows of files whose results cannot be reused; the last run's results for the
        others, moved to where their files' rows are now. save() then keeps the results of every file with a key:
        called once the caller has let the rows go, the entry is not written while every row is held too."""
        keys = self._keys(rows, papers, statuses)
        starts = _starts(rows)
        reused, self.reused = self._reused(keys, starts, as_of)   # the rest of the last run let go before checking
        fresh = check(rows[~rows["source_file"].isin(self.reused)] if reused else rows)
        if reused:
            fresh = Checked(_merged(fresh.candidates, reused.candidates) if len(fresh.candidates)
                            else reused.candidates, fresh.rejections + reused.rejections, fresh.failed)
        self._pending = (fresh, keys, starts, as_of)
        return fresh

    def save(self) -> None:
        """Write the results of the last check() (nothing before one)."""
        if self._pending is not None:
            self._save(*self._pending)
            self._pending = None

    def _reused(self, keys: dict[str, str], starts: dict[str, int], as_of: dt.date) -> tuple[Checked | None, list[str]]:
        """The last run's results of the files it may stand for, moved to where their rows are now, and those files;
        (None, []) when there are none, or the entry is not laid out as this code writes it."""
        last = self._load()
        try:
            usable = sorted(s for s, k in keys.items() if _reusable(last, s, k, as_of))
            if not usable:
                return None, []
            # every file of the last run reused (most nights): nothing to drop
            kept = _unpacked(last["candidates"], usable if len(usable) < len(last["files"]) else None)
            kept = kept.set_axis(kept[OFFSET].to_numpy() + _start_of_each(kept, starts)).drop(columns=OFFSET)
            wanted = set(usable)
            return Checked(kept, [r for r in last["rejections"] if r["source_file"] in wanted]), usable
        except Exception:  # noqa: BLE001 - an entry of another layout under this code's key is a miss, never fatal
            return None, []

    def _load(self) -> dict | None:
        payload = _verified_payload(self.path)
        if payload is None:
            return None
        try:   # an entry of an older layout or code is a miss, never fatal
            last = pickle.loads(payload)
            return last if isinstance(last, dict) and last.get("format") == FORMAT and last.get("code") == self.code \
                else None
        except Exception:  # noqa: BLE001
            return None

    def _save(self, checked: Checked, keys: dict[str, str], starts: dict[str, int], as_of: dt.date) -> None:
        future = {r["source_file"] for r in checked.rejections if "date_in_future" in (r["reason_codes"] or "").split(";")}
        # a file whose rows could not be checked is not kept: what stopped it (memory, say) may be gone next run
        keys = {s: k for s, k in keys.items() if s not in checked.failed}
        candidates = checked.candidates
        if not candidates["source_file"].isin(list(keys)).all():
            candidates = candidates[candidates["source_file"].isin(list(keys))]
        candidates = candidates.assign(**{OFFSET: candidates.index.to_numpy() - _start_of_each(candidates, starts)})
        entry = {"format": FORMAT, "code": self.code, "as_of": as_of,
                 "files": {s: {"key": k, "future": s in future} for s, k in keys.items()},
                 "candidates": _packed(candidates.reset_index(drop=True)),
                 "rejections": [r for r in checked.rejections if r["source_file"] in keys]}
        _atomic_write(self.path, lambda f: pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL))


def _merged(fresh: pd.DataFrame, reused: pd.DataFrame, most: int = 256) -> pd.DataFrame:
    """pd.concat([fresh, reused]).sort_index(), built in one copy: both are in row order and a new file's rows are one
    run among the reused ones', so the runs of each are joined in order (no million-row concat then sort, which
    held three copies of the candidates at once). Frames of other shapes, or too many runs, take that plain path."""
    labels = np.concatenate([fresh.index.to_numpy(), reused.index.to_numpy()])
    plain = not (len(reused) and fresh.index.is_monotonic_increasing and reused.index.is_monotonic_increasing
                 and fresh.index.dtype == reused.index.dtype == np.int64 and list(fresh.columns) == list(reused.columns)
                 and all(fresh.dtypes == reused.dtypes) and pd.Index(labels).is_unique)
    if not plain:
        from_fresh = np.argsort(labels, kind="stable") < len(fresh)   # by sorted label: True where fresh's row goes
        cuts = np.flatnonzero(np.diff(from_fresh.astype(np.int8))) + 1
        plain = len(cuts) >= most
    if plain:
        return pd.concat([fresh, reused]).sort_index()
    parts, taken = [], {True: 0, False: 0}
    for start, end in zip([0, *cuts.tolist()], [*cuts.tolist(), len(labels)]):
        source = bool(from_fresh[start])
        frame = fresh if source else reused
        parts.append(frame.iloc[taken[source]:taken[source] + end - start])
        taken[source] += end - start
    return pd.concat(parts)


def _packed(frame: pd.DataFrame) -> dict[str, object]:
    """The candidates (indexed 0…n-1) as the entry keeps them: each text column dictionary-encoded (a million rows
    repeat a few thousand file names, ids and statuses: half the bytes to write, read and checksum), the rest as is."""
    return {name: _encoded(values) if values.dtype == _TEXT else _NoValues(len(values)) if _no_values(values) else values
            for name, values in frame.items()}


@dataclass(frozen=True)
class _NoValues:
    """An object column of nothing but NaN (a progress report's columns, on a contract file's rows): its length."""
    rows: int


def _no_values(values: pd.Series) -> bool:
    """Every value is a float NaN (not None, not a NumPy float): kept as _NoValues, given back as the same floats."""
    return values.dtype == object and bool(values.isna().all()) and set(map(type, values.to_numpy())) <= {float}


def _encoded(values: pd.Series) -> pyarrow.DictionaryArray:
    array = pyarrow.array(values)
    array = array.combine_chunks() if isinstance(array, pyarrow.ChunkedArray) else array
    return pyarrow.compute.dictionary_encode(array)


def _unpacked(packed: dict[str, object], files: list[str] | None = None) -> pd.DataFrame:
    """_packed's inverse: the very frame, dtypes included; with files, only their rows (indexed 0…k-1), dropped before
    the text is decoded, so the rows of a changed file are never decoded only to be thrown away."""
    keep = None
    if files is not None:
        source = packed["source_file"]
        if isinstance(source, pyarrow.DictionaryArray):
            keep = pyarrow.compute.is_in(source.dictionary, value_set=pyarrow.array(files, source.dictionary.type)) \
                .take(source.indices).to_numpy(zero_copy_only=False)
        else:   # no candidates at all (their columns then all NaN), or a frame of another dtype
            keep = np.zeros(source.rows, dtype=bool) if isinstance(source, _NoValues) else source.isin(files).to_numpy()

    def column(values):
        if isinstance(values, pyarrow.DictionaryArray):
            values = values if keep is None else values.filter(keep)
            return pyarrow.chunked_array([values.dictionary.take(values.indices)]).to_pandas()
        if isinstance(values, _NoValues):
            return pd.Series(np.full(values.rows if keep is None else int(keep.sum()), np.nan, dtype=object))
        return values if keep is None else values[keep].reset_index(drop=True)

    return pd.DataFrame({name: column(values) for name, values in packed.items()})


_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)   # pandas' str, the only dtype _unpacked gives back from Arrow


def _starts(rows: pd.DataFrame) -> dict[str, int]:
    """source_file → the position of its first row (a file's rows are next to each other, in file order)."""
    first = rows.drop_duplicates("source_file")
    return dict(zip(first["source_file"].tolist(), first.index.tolist()))


def _start_of_each(frame: pd.DataFrame, starts: dict[str, int]) -> np.ndarray:
    """For each row, the start of its file: looked up once per file, not once per row."""
    codes, files = pd.factorize(frame["source_file"])
    return np.array([starts[f] for f in files], dtype=np.int64)[codes] if len(files) else np.zeros(0, dtype=np.int64)


def _reusable(last: dict | None, source: str, key: str, as_of: dt.date) -> bool:
    entry = (last or {}).get("files", {}).get(source)
    if entry is None or entry["key"] != key:
        return False
    return as_of == last["as_of"] or (as_of > last["as_of"] and not entry["future"])
