"""English beside the Chinese: task titles, targets, milestone texts and indicator names from a reviewed file.

raw/lookups/translations.csv holds one row per distinct Chinese text, keyed to the text exactly as the parser
takes it from the paper, compared after the folding the parser itself uses (full-width punctuation and digits,
NBSP: the same words typed in another width are the same text). A source line whose words change no longer
matches its row, so it shows as untranslated (null), never as an old translation of different words. The translations are the project's, not the
publisher's: the codebook says so on every *_en column.
"""

from __future__ import annotations

import csv
from pathlib import Path

from flows.whitepaper.text import fold

# (table, Chinese column, English column): the texts a reader needs in English to follow the plan.
TRANSLATED = (("tasks", "title_zh", "title_en"), ("tasks", "target_zh", "target_en"),
              ("milestones", "text_zh", "text_en"), ("indicators", "metric_zh", "metric_en"))
KEYS = {"tasks": "task_id", "milestones": "milestone_id", "indicators": "indicator_id"}
FILE = "translations.csv"


def load_translations(folder: Path) -> dict[str, str]:
    """folder/translations.csv → {fold(text_zh): text_en}; {} when there is no such file.

    The Chinese key is not stripped: apart from the folding it must be the parsed text character for character.
    A row with an empty text_en is no translation. ValueError names the line of a key given twice.
    """
    path = Path(folder) / FILE
    if not path.exists():
        return {}
    found: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            zh, en = fold(row["text_zh"]), (row.get("text_en") or "").strip()
            if zh in found:
                raise ValueError(f"{path}, line {line}: {zh[:30]!r} is translated twice; keep one row per text")
            if en:
                found[zh] = en
    return found


def add_english(tables: dict[str, list[dict]], translations: dict[str, str]) -> list[str]:
    """Fill the *_en column of each row in place; return '<row id> <column>' for each text left untranslated.

    A null Chinese text (a quarter the paper leaves empty) has a null English text and is not missing.
    """
    missing = []
    for table, zh_col, en_col in TRANSLATED:
        for row in tables.get(table, []):
            text = row.get(zh_col)
            row[en_col] = translations.get(fold(text)) if isinstance(text, str) else None
            if isinstance(text, str) and row[en_col] is None:
                missing.append(f"{row[KEYS[table]]} {zh_col}")
    return missing


def untranslated_detail(missing: list[str]) -> str:
    """The one quality note's words for a document's untranslated texts (at most 10 named)."""
    named = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
    return (f"{len(missing)} text(s) have no reviewed English translation in raw/lookups/{FILE} (new or changed "
            f"since it was reviewed), so their *_en column is null: {named}")
