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

from flows import paths
from flows.parse_cache import UPDATE_CODE, _atomic_write, _verified_payload, code_version
from flows.updates.read import FileProblem
from flows.updates.rules import Paper

CACHE_FILE = ".cache/check/last.pickle"
CHECK_CODE = tuple(sorted({*UPDATE_CODE, "flows/whitepaper/text.py",
                           *(p.relative_to(paths.REPO).as_posix() for folder in ("flows/updates", "flows/tables", "schemas")
                             for p in (paths.REPO / folder).rglob("*.py"))}))
OFFSET = "_offset"   # a candidate's row within its file (0 = the file's first row), so positions survive new files
FORMAT = 2


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
            fresh = Checked(pd.concat([fresh.candidates, reused.candidates]).sort_index() if len(fresh.candidates)
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
            kept = last["candidates"][last["candidates"]["source_file"].isin(usable)]
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
        candidates = checked.candidates[checked.candidates["source_file"].isin(list(keys))]
        candidates = candidates.assign(**{OFFSET: candidates.index.to_numpy() - _start_of_each(candidates, starts)})
        entry = {"format": FORMAT, "code": self.code, "as_of": as_of,
                 "files": {s: {"key": k, "future": s in future} for s, k in keys.items()},
                 "candidates": candidates.reset_index(drop=True),
                 "rejections": [r for r in checked.rejections if r["source_file"] in keys]}
        _atomic_write(self.path, lambda f: pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL))


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
