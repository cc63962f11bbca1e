"""The reviewed lookup tables under raw/lookups: English names a translator can fix without touching Python."""

from __future__ import annotations

import csv
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pypinyin import lazy_pinyin

from flows import paths
from flows.whitepaper.english import load_translations


@dataclass(frozen=True)
class Lookups:
    categories: dict[str, str] = field(default_factory=dict)                 # category_zh → category_en
    departments: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (agency_id, name_zh) → (slug, name_en)
    translations: dict[str, str] = field(default_factory=dict)               # text_zh exactly as written → text_en


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_lookups(folder: Path = paths.LOOKUPS) -> Lookups:
    categories = {r["category_zh"].strip(): r["category_en"].strip() for r in _rows(folder / "categories.csv")}
    departments = {(r["agency_id"].strip(), r["name_zh"].strip()): (r["department_slug"].strip(), r["name_en"].strip())
                   for r in _rows(folder / "departments.csv")}
    return Lookups(categories, departments, load_translations(folder))


@functools.lru_cache(maxsize=65536)   # a thousand papers name the same few hundred divisions; pypinyin is slow
def pinyin_slug(name_zh: str) -> str:
    """An ASCII slug for a name missing from the lookups: 科技金融处 → ke-ji-jin-rong-chu."""
    words = lazy_pinyin(name_zh)
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in words)
    return re.sub(r"-{2,}", "-", slug).strip("-") or "unnamed"


def unknown_department_id(agency_id: str, name_zh: str, taken: dict[str, str] | None = None) -> str:
    """The id of a division the lookups do not know: <agency>-<pinyin>-<first 8 hex of the name's SHA-256>.

    Total and stable: it depends on the name alone (not on which other names a paper or run has), and two names
    never share it — 法制处 and 法治处 read fa-zhi-chu alike but hash apart, a name pinyin cannot read gets
    "unnamed" and its hash. taken (id → name already holding it) lengthens the hash in the unlikely collision.
    """
    digest = hashlib.sha256(name_zh.encode("utf-8")).hexdigest()
    for length in range(8, len(digest) + 1, 4):
        department_id = f"{agency_id}-{pinyin_slug(name_zh)}-{digest[:length]}"
        if (taken or {}).get(department_id, name_zh) == name_zh:
            return department_id
    raise ValueError(f"no free id for division {name_zh!r} of {agency_id}")   # a full SHA-256 collision
