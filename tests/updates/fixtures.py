"""A tiny white paper's tables (three tasks, three divisions) and a writer of small update files in each format.

The paper, tiny-2014 of agency tiny:
  task 1 (tiny-2014-01): lead 甲处, support 乙处; no quantified target; its third quarter is empty.
  task 2 (tiny-2014-02): lead 乙处; target 超过1000家, restated by its fourth quarter (tiny-2014-02-q4-t1).
  task 3 (tiny-2014-03): lead 丙处, support 甲处; two targets: 5家以上 and 35个以上.
The review reports 累计955家 (tiny-2014-i01), the baseline of task 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd

from flows.tables.frames import to_frame
from flows.updates.ingest import ingest_updates

DOC = "tiny-2014"
QUARTER_END = {1: dt.date(2014, 3, 31), 2: dt.date(2014, 6, 30), 3: dt.date(2014, 9, 30), 4: dt.date(2014, 12, 31)}
DEPARTMENTS = {"甲处": "tiny-division-a", "乙处": "tiny-division-b", "丙处": "tiny-division-c"}
ROLES = {1: [("甲处", "lead"), ("乙处", "support")], 2: [("乙处", "lead")], 3: [("丙处", "lead"), ("甲处", "support")]}
FIELDS = ["task", "quarter", "department", "reported_on", "status", "percent_complete", "actual_value", "evidence_url", "note"]


def _target(target_id, task, milestone, comparator, value, unit, text):
    return {"target_id": target_id, "task_id": f"{DOC}-{task:02d}", "milestone_id": milestone, "metric_zh": "数量",
            "comparator": comparator, "target_value": value, "target_value_max": None, "unit_zh": unit,
            "value_text_zh": text, "source_start": 0, "source_end": 1}


def paper_tables() -> dict[str, pd.DataFrame]:
    """The tiny paper's tables, valid against schemas.TABLES (fresh frames on every call)."""
    span = {"source_start": 0, "source_end": 1}
    rows = {
        "documents": [{"document_id": DOC, "agency_id": "tiny", "title_zh": "示例委员会2014年度公共服务白皮书",
                       "agency_zh": "示例委员会", "publisher_zh": None, "published_date": dt.date(2014, 4, 2),
                       "plan_year": 2014, "review_year": 2013, "source_file": f"raw/whitepapers/{DOC}.txt",
                       "source_sha256": "0" * 64, "source_format": "text", "source_encoding": "utf-8", "text_sha256": "0" * 64, "text_chars": 100,
                       "source_url": None, "retrieved_date": None, "license_note": None, **span}],
        "review_sections": [{"section_id": f"{DOC}-s1", "document_id": DOC, "section_seq": 1, "heading_zh": "载体",
                             "text_zh": "累计955家。", **span}],
        "indicators": [{"indicator_id": f"{DOC}-i01", "document_id": DOC, "section_id": f"{DOC}-s1", "section_seq": 1,
                        "indicator_seq": 1, "metric_zh": "累计创新载体", "value": 955.0, "unit_zh": "家", "qualifier": "exact",
                        "is_cumulative": True, "value_text_zh": "955家", **span}],
        "tasks": [{"task_id": f"{DOC}-{seq:02d}", "document_id": DOC, "task_seq": seq, "title_zh": f"任务{'一二三'[seq - 1]}",
                   "category_zh": None, "category_en": None, "target_zh": None, **span} for seq in (1, 2, 3)],
        "milestones": [{"milestone_id": f"{DOC}-{seq:02d}-q{q}", "task_id": f"{DOC}-{seq:02d}", "document_id": DOC,
                        "quarter": q, "due_date": QUARTER_END[q],
                        "text_zh": None if (seq, q) == (1, 3) else f"任务{seq}第{q}季度的工作。", **span}
                       for seq in (1, 2, 3) for q in (1, 2, 3, 4)],
        "departments": [{"department_id": d, "agency_id": "tiny", "name_zh": name, "name_en": f"Division {name[0]}"}
                        for name, d in DEPARTMENTS.items()],
        "task_departments": [{"task_id": f"{DOC}-{seq:02d}", "department_id": DEPARTMENTS[name], "role": role,
                              "department_seq": i, **span}
                             for seq, named in ROLES.items() for i, (name, role) in enumerate(named, start=1)],
        "targets": [_target(f"{DOC}-02-t1", 2, None, ">", 1000.0, "家", "超过1000家"),
                    _target(f"{DOC}-02-q4-t1", 2, f"{DOC}-02-q4", ">", 1000.0, "家", "超过1000家"),
                    _target(f"{DOC}-03-t1", 3, None, ">=", 5.0, "家", "5家以上"),
                    _target(f"{DOC}-03-t2", 3, None, ">=", 35.0, "个", "35个以上")],
        "quality_notes": [],
    }
    return {name: to_frame(r, name) for name, r in rows.items()}


def baselines() -> pd.DataFrame:
    return to_frame([{"document_id": DOC, "target_id": f"{DOC}-02-t1", "indicator_id": f"{DOC}-i01",
                      "baseline_kind": "same_measure", "target_text_zh": "超过1000家", "indicator_text_zh": "955家",
                      "reason_en": "same measure"}], "target_baselines")


def report(task=1, quarter=1, department="甲处", reported_on="2014-03-31", status="completed", **more) -> dict:
    """One update row with English headers; keyword arguments add or override cells (None leaves a cell out)."""
    row = {"task": task, "quarter": quarter, "department": department, "reported_on": reported_on, "status": status, **more}
    return {k: v for k, v in row.items() if v is not None}


def write_updates(folder: Path, fmt: str, rows: list[dict], name: str = "updates", header: list[str] | None = None) -> Path:
    """Write rows (column → value) as <folder>/<name>.<fmt>; csv/xlsx get the header given or every column used."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{fmt}"
    columns = header or [c for c in FIELDS if any(c in r for r in rows)] + \
        [c for r in rows for c in r if c not in FIELDS]
    columns = list(dict.fromkeys(columns))
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows([["" if r.get(c) is None else r.get(c) for c in columns] for r in rows])
    elif fmt == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(columns)
        for r in rows:
            sheet.append([r.get(c) for c in columns])
        workbook.save(path)
    elif fmt == "json":
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    else:
        raise ValueError(fmt)
    return path


AS_OF = dt.date(2015, 1, 31)


def ingest(tmp_path: Path, files: list[Path], tables: dict[str, pd.DataFrame] | None = None, **kwargs):
    """ingest_updates of files against the tiny paper (or tables), as of AS_OF unless as_of= is given."""
    return ingest_updates(files, tables or paper_tables(), kwargs.pop("as_of", AS_OF), root=tmp_path, **kwargs)


def folder(tmp_path: Path) -> Path:
    """The tiny paper's folder under tmp_path/raw/updates/."""
    return tmp_path / "raw" / "updates" / DOC


TINY_HEADER = ["task", "quarter", "department", "reported_on", "status"]
TINY_ROW = [1, 1, "甲处", "2014-03-31", "completed"]


def tiny_workbook(rows: int = 2) -> bytes:
    """An .xlsx as openpyxl saves it: the update header and rows copies of one good row of the tiny paper."""
    import io

    workbook = openpyxl.Workbook()
    for row in [TINY_HEADER, *[TINY_ROW] * rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
