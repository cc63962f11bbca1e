"""The reviewed lookup tables under raw/lookups: English names a translator can fix without touching Python."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from pypinyin import lazy_pinyin

from flows import paths


@dataclass(frozen=True)
class Lookups:
    categories: dict[str, str] = field(default_factory=dict)                 # category_zh → category_en
    departments: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (agency_id, name_zh) → (slug, name_en)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_lookups(folder: Path = paths.LOOKUPS) -> Lookups:
    categories = {r["category_zh"].strip(): r["category_en"].strip() for r in _rows(folder / "categories.csv")}
    departments = {(r["agency_id"].strip(), r["name_zh"].strip()): (r["department_slug"].strip(), r["name_en"].strip())
                   for r in _rows(folder / "departments.csv")}
    return Lookups(categories, departments)


def pinyin_slug(name_zh: str) -> str:
    """An ASCII slug for a name missing from the lookups: 科技金融处 → ke-ji-jin-rong-chu."""
    words = lazy_pinyin(name_zh)
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in words)
    return re.sub(r"-{2,}", "-", slug).strip("-") or "unnamed"
