"""The relations sql/rules/update_checks.sql runs on: every row's cells parsed, and the white papers' indexes.

Each distinct text of a column is parsed once, in Python, by the very functions check_row uses; Arrow then
hands every row the result for its text (dictionary indices, no join). Ids are numbered (an id's position in
PaperNumbers' lists), so DuckDB joins integers, not strings; flows/updates/batch.py maps the numbers back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute

from flows.updates.format import COLUMNS, folded, header_key, parse_date, parse_number, parse_quarter, parse_url
from flows.updates.read import Problem
from flows.updates.rules import Paper, department_key, task_reference

_SEQ_LIMIT = 2 ** 62   # a task number past int64 names no task (papers number their tasks 1, 2, 3 …)
REQUIRED = [c for c, (_, required) in COLUMNS.items() if required]


@dataclass
class PaperNumbers:
    """Ids numbered by first sight: task_ids[n] is task n; the dicts give an id's number."""

    task_ids: list[str] = field(default_factory=list)
    milestone_ids: list[str] = field(default_factory=list)
    department_ids: list[str] = field(default_factory=list)
    tasks: dict[str, int] = field(default_factory=dict)
    milestones: dict[str, int] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)
    department_keys: dict[str, int] = field(default_factory=dict)

    def number(self, kind: str, value: str) -> int:
        numbers, ids = getattr(self, kind), getattr(self, kind.removesuffix("s") + "_ids", None)
        if value not in numbers:
            numbers[value] = len(numbers)
            if ids is not None:
                ids.append(value)
        return numbers[value]


def _passed(value):
    return None if isinstance(value, Problem) else value


def _percent(text: str) -> float | None:
    number = parse_number(text)
    if number is None or number[1] not in ("", "%") or not 0 <= number[0] <= 100:
        return None
    return number[0]


def _text_rules(statuses: dict[str, str], ids: PaperNumbers) -> dict[str, tuple[dict[str, pyarrow.DataType], Callable]]:
    """Column → (its parsed fields and their types, text → those fields), each field as check_row reads the text."""
    def task(text):
        _, seq, key = task_reference(text)
        return seq if seq is not None and 0 <= seq < _SEQ_LIMIT else None, ids.tasks.get(key)

    return {
        "task": ({"task_seq": pyarrow.int64(), "task_named": pyarrow.int64()}, task),
        "quarter": ({"quarter": pyarrow.int64()}, lambda t: (_passed(parse_quarter(t)),)),
        "department": ({"department_key": pyarrow.int64()}, lambda t: (ids.department_keys.get(department_key(t)),)),
        "reported_on": ({"reported_on": pyarrow.date32()}, lambda t: (_passed(parse_date(t)),)),
        "status": ({"status": pyarrow.string()}, lambda t: (statuses.get(header_key(t)),)),
        "percent_complete": ({"percent": pyarrow.float64()}, lambda t: (_percent(t),)),
        "actual_value": ({"actual_value": pyarrow.float64(), "actual_unit": pyarrow.string()},
                         lambda t: parse_number(t) or (None, None)),
        "evidence_url": ({"url": pyarrow.string()}, lambda t: (_passed(parse_url(t)) if folded(t) else None,)),
    }


def _strings(values: pd.Series) -> pyarrow.Array:
    """A text column as one Arrow string array, '' for a missing cell (check_row reads a missing cell as '')."""
    array = pyarrow.array(values, pyarrow.string())
    if isinstance(array, pyarrow.ChunkedArray):
        array = array.combine_chunks()
    return pyarrow.compute.fill_null(array, "")


def row_relation(rows: pd.DataFrame, documents: list[str], statuses: dict[str, str], ids: PaperNumbers) -> pyarrow.Table:
    """update_rows: row_i, doc (position in documents), complete (read cleanly, every required cell given), and per
    column its parsed fields and <column>_given (the cell is not blank once folded). Raises what a parser raises."""
    doc_no = {d: k for k, d in enumerate(documents)}
    docs = pyarrow.compute.dictionary_encode(_strings(rows["document_id"]))
    out = {"row_i": pyarrow.array(np.arange(len(rows), dtype=np.int64)),
           "doc": pyarrow.array([doc_no[d] for d in docs.dictionary.to_pylist()], pyarrow.int64()).take(docs.indices)}
    complete = rows["clean_read"].to_numpy(dtype=bool).copy()
    for column, (fields, parse) in _text_rules(statuses, ids).items():
        encoded = pyarrow.compute.dictionary_encode(_strings(rows[column]))
        distinct = encoded.dictionary.to_pylist()
        given = pyarrow.array([bool(folded(t)) for t in distinct], pyarrow.bool_()).take(encoded.indices)
        parsed = [parse(t) for t in distinct]
        for k, (name, kind) in enumerate(fields.items()):
            values = pyarrow.array([p[k] for p in parsed], kind)
            # text stays dictionary-encoded (4 bytes a row): a million URLs copied row by row took 140 MB more
            out[name] = pyarrow.DictionaryArray.from_arrays(encoded.indices, values) if kind == pyarrow.string() \
                else values.take(encoded.indices)
        out[f"{column}_given"] = given
        if column in REQUIRED:
            complete &= given.to_numpy(zero_copy_only=False)
    out["complete"] = pyarrow.array(complete)
    return pyarrow.table(out)


def paper_relations(papers: dict[str, Paper], documents: list[str], ids: PaperNumbers) -> dict[str, pyarrow.Table]:
    """The papers' indexes (flows.updates.rules.Paper) as the paper_* relations, their ids numbered in ids."""
    rel: dict[str, list[tuple]] = {name: [] for name in COLUMNS_OF}
    measures: dict[tuple, int] = {}   # targets stating one quantity (TargetRef.measure, compared as check_row does)
    for doc_no, doc in enumerate(documents):
        paper = papers[doc]
        rel["paper_documents"].append((doc_no, dt.date(paper.plan_year, 1, 1)))
        rel["paper_task_numbers"] += [(doc_no, seq, ids.number("tasks", task)) for seq, task in paper.task_by_seq.items()]
        rel["paper_task_ids"] += [(doc_no, ids.number("tasks", task)) for task in paper.seq_by_task]
        rel["paper_department_keys"] += [(doc_no, ids.number("department_keys", key), ids.number("departments", department))
                                         for key, department in paper.departments.items()]
        rel["paper_responsible"] += [(doc_no, ids.number("tasks", task), ids.number("departments", department), role, seq)
                                     for task, roles in paper.responsible.items() for department, (role, seq) in roles.items()]
        rel["paper_milestones"] += [(doc_no, ids.number("tasks", task), quarter, ids.number("milestones", milestone),
                                     milestone in paper.empty_milestones)
                                    for (task, quarter), milestone in paper.milestones.items()]
        for owner, kind, targets in (("milestone", "milestones", paper.milestone_targets),
                                     ("task", "tasks", paper.task_targets)):
            rel["paper_targets"] += [(doc_no, owner, ids.number(kind, owner_id), ref.target_id, ref.unit_zh,
                                      measures.setdefault(ref.measure, len(measures)), ordinal)
                                     for owner_id, refs in targets.items() for ordinal, ref in enumerate(refs)]
    return {name: pyarrow.table({c: pyarrow.array([r[k] for r in rows], TYPES.get(c, pyarrow.int64()))
                                 for k, c in enumerate(COLUMNS_OF[name])}) for name, rows in rel.items()}


COLUMNS_OF = {"paper_documents": ["doc", "first_day"],
              "paper_task_numbers": ["doc", "task_seq", "task_no"], "paper_task_ids": ["doc", "task_no"],
              "paper_department_keys": ["doc", "department_key", "department_no"],
              "paper_responsible": ["doc", "task_no", "department_no", "role", "department_seq"],
              "paper_milestones": ["doc", "task_no", "quarter", "milestone_no", "is_empty"],
              "paper_targets": ["doc", "owner", "owner_no", "target_id", "unit_zh", "measure_no", "ordinal"]}
TYPES = {"first_day": pyarrow.date32(), "is_empty": pyarrow.bool_(), "role": pyarrow.string(), "owner": pyarrow.string(),
         "target_id": pyarrow.string(), "unit_zh": pyarrow.string()}
