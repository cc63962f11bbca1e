"""A release as a Datasette site (`whitepaper browse`): a SQLite copy built with sqlite-utils, and its metadata.

Datasette serves SQLite, not DuckDB, so the release's Parquet tables are copied once into
<out>/.cache/browse/<release_id>/whitepaper.db (rebuilt when missing; a release never changes). The copy has the same tables
and columns, the tables' primary keys, full-text indexes over the task and milestone text, and nothing else:
the summaries are the rows the release published. Metadata (titles, every column's Chinese and English
description, licence, sources, facets and the README's questions as canned queries) is generated here from the
codebook and datapackage.json, so it says what the release README says.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import sqlite_utils

from flows.release.manifest import ILLUSTRATIVE_NOTE_EN, ILLUSTRATIVE_NOTE_ZH
from flows.tables.codebook import table_spec
from schemas import TABLES

DATABASE = "whitepaper"
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
    # Full-text search (trigram) needs three characters; most Chinese words have two (孔雀, 完成): this finds any.
    "search_text": ("Tasks and milestones whose Chinese or English text contains a word of any length 按关键词查找任务与进度",
                    "SELECT 'task' AS kind, task_id AS id, title_zh AS text_zh, target_zh AS more_zh FROM tasks "
                    "WHERE instr(title_zh, :word) OR instr(coalesce(target_zh, ''), :word) "
                    "OR instr(lower(coalesce(title_en, '')), lower(:word)) UNION ALL "
                    "SELECT 'milestone', milestone_id, text_zh, NULL FROM milestones "
                    "WHERE instr(coalesce(text_zh, ''), :word) OR instr(lower(coalesce(text_en, '')), lower(:word)) "
                    "ORDER BY id"),
}


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
    first_source = next((s for s in package.get("sources", []) if "whitepapers/" in s.get("path", "")), {})
    return {
        "title": package["title"],
        "description": (f"{ILLUSTRATIVE_NOTE_ZH} {ILLUSTRATIVE_NOTE_EN} " if package.get("x-illustrative-inputs") else "")
                       + f"Release {Path(release_dir).name}, version {package['version']}. Read-only. Every *_en column "
                       "is an UNOFFICIAL English translation by this project. The search box matches three or more "
                       "characters; for a two-character word (孔雀, 完成) use the canned query search_text or a column "
                       "filter 'contains'.",
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
    if not db_path.exists():
        build_sqlite(release_dir, db_path)
    meta_path = db_path.with_name("metadata.json")
    meta_path.write_text(json.dumps(datasette_metadata(release_dir), ensure_ascii=False, indent=2), encoding="utf-8")
    return db_path, meta_path


def datasette_command(db_path: Path, meta_path: Path, port: int, python: str) -> list[str]:
    """The datasette command line: immutable (read-only) file, this machine only, no crossing to other hosts."""
    return [python, "-m", "datasette", "serve", "--immutable", str(db_path), "--metadata", str(meta_path),
            "--host", "127.0.0.1", "--port", str(port), "--setting", "sql_time_limit_ms", "3000",
            "--setting", "suggest_facets", "off"]
