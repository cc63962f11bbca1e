"""A release as a Datasette site (`whitepaper browse`): a SQLite copy built with sqlite-utils, and its metadata.

Datasette serves SQLite, not DuckDB, so the release's Parquet tables are copied once into
<out>/.cache/browse/<release_id>/whitepaper.db (rebuilt when missing; a release never changes). The copy has the same tables
and columns, the tables' primary keys, full-text indexes over the task and milestone text, and nothing else:
the summaries are the rows the release published; beside them two hidden tables only for matching (below). Metadata (titles, every column's Chinese and English
description, licence, sources, facets and the README's questions as canned queries) is generated here from the
codebook and datapackage.json, so it says what the release README says.
"""

from __future__ import annotations

import json
import os
import sqlite3
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import sqlite_utils

from flows.release.manifest import ILLUSTRATIVE_NOTE_EN, ILLUSTRATIVE_NOTE_ZH
from flows.tables.codebook import table_spec
from schemas import TABLES

DATABASE = "whitepaper"
BROWSE_FORMAT = 2
"""The copy's PRAGMA user_version: a copy built by code that made another shape (before the fold tables: 0) is
built again, or the canned queries would ask it for tables it lacks."""
# search_text matches across full-width and half-width forms (，/, （/( ：/: ０/0 Ａ/a, the ideographic space, NBSP)
# and English case, by folding both sides the same way: each character through FOLD_MAP (its NFKC form, ASCII
# letters lower-cased). The stored text stays exactly as written; its folded form is precomputed here into
# SEARCH_FOLDED (SQLite has no NFKC, and folding every row at query time would be slow at a million rows), and
# the word typed is folded in the query through the same map, held in FOLD_TABLE: one map, so the sides agree.
FOLD_TABLE, SEARCH_FOLDED = "_fold_map", "_search_folded"
SEARCHED = {"task": ("tasks", "task_id", ["title_zh", "target_zh", "title_en", "target_en"]),
            "milestone": ("milestones", "milestone_id", ["text_zh", "text_en"])}
# Chinese has no spaces between words, so the default tokenizer would index a whole clause as one word: trigram
# matches any run of three or more characters, in Chinese and English alike (SQLite 3.34+).
FTS = {"tasks": ["title_zh", "title_en", "target_zh", "target_en"], "milestones": ["text_zh", "text_en"]}
FACETS = {
    "tasks": ["category_en"], "milestones": ["quarter"], "task_departments": ["role", "department_id"],
    "milestone_status": ["status", "quarter", "reported_by_zh", "is_overdue"], "task_progress": ["rating", "lead_name_zh"],
    "department_scorecard": ["role", "name_zh"], "quarter_summary": ["quarter"], "updates": ["status", "department_id", "quarter"],
    "update_rejections": ["source_file"], "quality_notes": ["flag", "table_name"], "targets": ["comparator", "unit_zh"],
    "indicators": ["qualifier", "unit_zh"], "contacts": ["channel"], "changes": ["table_name", "change"],
}
# The README's questions, in SQLite's SQL (the summaries are tables here, as the release published them).
QUERIES = {
    "late_completions": ("Milestones completed late, by days late 逾期完成的进度节点",
                         "SELECT milestone_id, due_date, first_completed_on, days_late, reported_by_zh FROM milestone_status "
                         "WHERE days_late > 0 AND first_completed_on IS NOT NULL ORDER BY days_late DESC"),
    "on_time_rate": ("Each division's on-time rate 各部门按时完成率",
                     "SELECT name_zh, name_en, role, milestones_due, milestones_outcome_known, milestones_unreported_past_due, "
                     "milestones_completed_on_time, round(on_time_pct, 1) AS on_time_pct FROM department_scorecard "
                     "ORDER BY role, on_time_pct DESC NULLS LAST"),
    "target_attainment": ("Quantified targets: baseline, target, latest actual 量化目标完成情况",
                          "SELECT target_id, task_id, value_text_zh, baseline_value, baseline_year, actual_value, "
                          "actual_reported_on, is_met FROM target_attainment ORDER BY task_id, target_id"),
    "tasks_in_english": ("Every task with its target, in Chinese and English (unofficial translation) 任务与目标(中英)",
                         "SELECT task_id, title_zh, title_en, target_zh, target_en FROM tasks ORDER BY task_id"),
    "task_ratings": ("Tasks by rating as of the release date 任务评级",
                     "SELECT task_id, title_zh, lead_name_zh, rating, milestones_completed, milestones_overdue, "
                     "milestones_unreported_past_due, milestones_not_reported FROM task_progress ORDER BY task_seq"),
    # Full-text search (trigram) needs three characters; most Chinese words have two (孔雀, 完成): this finds any,
    # full-width or half-width (，or ,) and in any case, with the text shown as written.
    "search_text": ("Tasks and milestones whose Chinese or English text contains a word of any length, full-width or "
                    "half-width 按关键词查找任务与进度(不分全角半角)",
                    # the word folded a character at a time through the map the stored text was folded with
                    f"WITH RECURSIVE typed(i, folded) AS (SELECT 1, '' UNION ALL SELECT i + 1, typed.folded || "
                    f"coalesce((SELECT f.folded FROM {FOLD_TABLE} f WHERE f.original = substr(:word, i, 1)), "
                    f"substr(:word, i, 1)) FROM typed WHERE i <= length(:word)), "
                    f"word(folded) AS (SELECT folded FROM typed ORDER BY i DESC LIMIT 1) "
                    f"SELECT 'task' AS kind, t.task_id AS id, t.title_zh AS text_zh, t.target_zh AS more_zh FROM tasks t "
                    f"JOIN {SEARCH_FOLDED} s ON s.kind = 'task' AND s.id = t.task_id "
                    f"JOIN word ON instr(s.folded, word.folded) UNION ALL "
                    f"SELECT 'milestone', m.milestone_id, m.text_zh, NULL FROM milestones m "
                    f"JOIN {SEARCH_FOLDED} s ON s.kind = 'milestone' AND s.id = m.milestone_id "
                    f"JOIN word ON instr(s.folded, word.folded) ORDER BY id"),
}


def fold_map() -> dict[str, str]:
    """Every character of the Basic Multilingual Plane that folds to something else: its NFKC form (full-width
    forms to ASCII, the ideographic space and NBSP to a space, ㎡ to m2 …), ASCII letters lower-cased. Character by
    character, so the query can apply it with substr; NFKC's composition of sequences is left out (no Chinese needs it)."""
    folded = {}
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:   # surrogates are no characters
            continue
        char = chr(code)
        form = "".join(c.lower() if c.isascii() else c for c in unicodedata.normalize("NFKC", char))
        if form != char:
            folded[char] = form
    return folded


def fold(text: str, table: dict[int, str] | None = None) -> str:
    """text through fold_map(), as the search_text query folds the word it is given."""
    return text.translate(table if table is not None else str.maketrans(fold_map()))


def _add_search_tables(db: sqlite_utils.Database) -> None:
    """FOLD_TABLE (the map) and SEARCH_FOLDED (each task's and milestone's searched text, folded), see above."""
    mapping = fold_map()
    db[FOLD_TABLE].insert_all(({"original": k, "folded": v} for k, v in mapping.items()), pk="original", batch_size=5000)
    table = str.maketrans(mapping)
    db[SEARCH_FOLDED].create({"kind": str, "id": str, "folded": str}, pk=("kind", "id"))
    for kind, (name, key, columns) in SEARCHED.items():
        if name not in db.table_names():
            continue
        present = [c for c in columns if c in db[name].columns_dict]
        rows = db.execute(f"SELECT {key}, {', '.join(present)} FROM {name}").fetchall()
        # a newline between the columns: a word matches within one of them, never across two
        db[SEARCH_FOLDED].insert_all(({"kind": kind, "id": r[0], "folded": "\n".join(fold(v, table) for v in r[1:] if v)}
                                      for r in rows), batch_size=5000)


def build_sqlite(release_dir: Path, db_path: Path) -> Path:
    """Copy every data/<table>.parquet of the release into a new SQLite file at db_path (written aside, then renamed)."""
    release_dir, db_path = Path(release_dir), Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    db = sqlite_utils.Database(tmp)
    for parquet in sorted((release_dir / "data").glob("*.parquet")):
        table = pq.read_table(parquet)
        spec = table_spec(parquet.stem) if parquet.stem in TABLES else None
        key = list(spec.primary_key) if spec and spec.primary_key else None
        columns = {f.name: _sqlite_type(str(f.type)) for f in table.schema}
        db[parquet.stem].create(columns, pk=key[0] if key and len(key) == 1 else key)
        for batch in table.to_batches(max_chunksize=20_000):
            db[parquet.stem].insert_all(batch.to_pylist(), batch_size=1000)
        if parquet.stem in FTS:
            db[parquet.stem].enable_fts(FTS[parquet.stem], tokenize="trigram", create_triggers=False)
    _add_search_tables(db)
    db.execute(f"PRAGMA user_version = {BROWSE_FORMAT}")
    db.close()
    os.replace(tmp, db_path)
    return db_path


def _sqlite_type(arrow_type: str) -> type:
    if arrow_type.startswith(("int", "uint", "bool")):
        return int
    if arrow_type in ("double", "float"):
        return float
    return str


def datasette_metadata(release_dir: Path) -> dict:
    """Datasette metadata for the release: bilingual descriptions, licence, sources, facets, canned queries."""
    package = json.loads((Path(release_dir) / "datapackage.json").read_text(encoding="utf-8"))
    licence = package["licenses"][0]
    tables = {}
    for parquet in sorted((Path(release_dir) / "data").glob("*.parquet")):
        name = parquet.stem
        entry: dict = {"facets": FACETS.get(name, [])}
        if name in TABLES:
            spec = table_spec(name)
            entry["title"] = f"{name} · {spec.zh}"
            entry["description"] = spec.en
            entry["columns"] = {c.name: f"{c.zh} — {c.en}" for c in spec.columns}
        if name in FTS:
            entry["fts_table"], entry["fts_pk"] = f"{name}_fts", "rowid"
        tables[name] = entry
    tables.update({FOLD_TABLE: {"hidden": True}, SEARCH_FOLDED: {"hidden": True}})   # for search_text, not for reading
    first_source = next((s for s in package.get("sources", []) if "whitepapers/" in s.get("path", "")), {})
    return {
        "title": package["title"],
        "description": (f"{ILLUSTRATIVE_NOTE_ZH} {ILLUSTRATIVE_NOTE_EN} " if package.get("x-illustrative-inputs") else "")
                       + f"Release {Path(release_dir).name}, version {package['version']}. Read-only. Every *_en column "
                       "is an UNOFFICIAL English translation by this project. The search box matches three or more "
                       "characters and takes the text as written; for a two-character word (孔雀, 完成), or to match full-width "
                       "and half-width forms alike (，and , （and ( ０and 0), use the canned query search_text.",
        "license": licence.get("name"), "license_url": licence.get("path"),
        "source": first_source.get("title", "Shenzhen government agencies' Public Service White Papers"),
        **({"source_url": package["homepage"]} if package.get("homepage") else {}),
        "databases": {DATABASE: {
            "description": package["description"].split("\n\n")[1] if "\n\n" in package["description"] else "",
            "tables": tables,
            "queries": {key: {"title": title, "sql": sql} for key, (title, sql) in QUERIES.items()},
        }},
    }


def prepare(release_dir: Path, cache_dir: Path) -> tuple[Path, Path]:
    """(SQLite copy, metadata.json) of the release under cache_dir, built once per release id."""
    release_dir = Path(release_dir).resolve()
    db_path = Path(cache_dir) / release_dir.name / f"{DATABASE}.db"  # Datasette names a database by its file stem
    if not db_path.exists() or _format(db_path) != BROWSE_FORMAT:
        build_sqlite(release_dir, db_path)
    meta_path = db_path.with_name("metadata.json")
    meta_path.write_text(json.dumps(datasette_metadata(release_dir), ensure_ascii=False, indent=2), encoding="utf-8")
    return db_path, meta_path


def _format(db_path: Path) -> int | None:
    """The BROWSE_FORMAT a copy was built with (None when it cannot be read: built again)."""
    try:
        con = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
        try:
            return con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return None


def datasette_command(db_path: Path, meta_path: Path, port: int, python: str) -> list[str]:
    """The datasette command line: immutable (read-only) file, this machine only, no crossing to other hosts."""
    return [python, "-m", "datasette", "serve", "--immutable", str(db_path), "--metadata", str(meta_path),
            "--host", "127.0.0.1", "--port", str(port), "--setting", "sql_time_limit_ms", "3000",
            "--setting", "suggest_facets", "off"]
