"""Read one progress report (.txt, .html/.htm, .docx) into the rows of the update format, or a FileProblem.

Each item becomes one row per responsible unit it names (one row when it names none): task is left for
match.py, which needs the paper; quarter comes from the title, reported_on from the publication date, status
is the evaluation phrase as written (the status vocabulary decides what it means), note the progress
paragraphs exactly as written. The report's own columns (REPORT_COLUMNS) carry the item's number, heading and
span; the canonical text travels with the rows (UpdateColumns.source_text). Never raises for a file's content.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow

from flows.updates.columns import UpdateColumns
from flows.updates import limits
from flows.updates.limits import OverBudget
from flows.updates.read import FileProblem, Problem
from flows.updates.reports import forms
from flows.updates.reports.header import read_header
from flows.updates.reports.items import EVALUATION, STYLES, Item, contrary_clause, report_items, table_trouble
from flows.updates.reports.match import item_number
from flows.whitepaper.text import SourceError, fold, is_empty

CELLS = ["task", "quarter", "department", "reported_on", "status", "note"]
REPORT_COLUMNS = ["report_item", "report_heading", "report_shape", "report_numbering", "report_year", "period_end",
                  "source_start", "source_end"]
"""Columns a report's rows carry beside the update format's (every other file gives them empty)."""
SHOWN = {"序号": "number", "工作任务": "heading", "责任单位": "units", "进展情况": "progress", "进度评价": "evaluation"}


def is_report(path: Path) -> bool:
    return forms.form_of(path) is not None


def numbering(items: list[Item], text: str = "") -> str:
    """running when the report numbers its items 1, 2, 3… in order (whatever tasks they are); restarted when it
    numbers them afresh under each group heading (二、民生实事 then （一）（二） again: each group 1, 2, 3…, a heading
    line before every restart); else paper: a report on some of the tasks may skip numbers, and there the number
    is the paper's. Running and restarted numbers name no task: the wording alone does (match.py)."""
    numbers = [item_number(i.number or "") for i in items]
    if len(numbers) > 1 and numbers == list(range(1, len(numbers) + 1)):
        return "running"
    groups: list[list[int | None]] = [numbers[:1]]
    for prev, item, number in zip(items, items[1:], numbers[1:]):
        gap = [fold(line) for line in text[prev.span[1]:item.span[0]].splitlines()]
        if any(style.match(line) for line in gap for style in STYLES.values()):
            groups.append([])                                   # a group heading between the two items
        groups[-1].append(number)
    afresh = len(groups) > 1 and all(g == list(range(1, len(g) + 1)) for g in groups)
    return "restarted" if afresh else "paper"


def missing_evaluation(item: Item) -> Problem:
    """Why an item without an evaluation gives no status, and what its end says (a verdict is never read unlabelled)."""
    where = ("the table has no evaluation column (完成情况/进度评价/目标完成情况)" if not item.evaluation_column else
             "its row's evaluation cell (完成情况/进度评价) is empty" if item.shape == "table" else
             "expected a line 进度评价：… (or 【进度评价】…, 评价：…, 完成情况：…) after its progress")
    last = re.split(r"[，,；;。]", item.progress.strip().rstrip("。.；; "))[-1].strip() if item.progress.strip() else ""
    tail = (f"; its progress ends {last!r}, which is not read as the evaluation without a label: if it is, write "
            f"进度评价：{last}" if last and len(last) <= 12 else "")
    return Problem("missing_status", f"item {item.number or '(no number)'} {item.heading[:40]!r} has no evaluation: {where}{tail}")


def item_problems(item: Item) -> tuple[Problem, ...]:
    """What the item's own text says against a row of it: no evaluation, or one that says two things."""
    if item.evaluation is None:
        return (missing_evaluation(item),)
    if contrary := contrary_clause(item.verdict):
        return (Problem("mixed_evaluation", f"item {item.number or '(no number)'} {item.heading[:40]!r}: its evaluation "
                        f"{item.verdict.strip()!r} says {item.evaluation!r} and then {contrary!r}, so which status holds is "
                        f"not guessed; write one evaluation (滞后, or {item.evaluation} with the shortfall in the progress)"),)
    return ()


def _rows(item: Item, header, number: str) -> list[dict[str, str]]:
    shown = {zh: ("、".join(item.units) if key == "units" else getattr(item, key)) or "" for zh, key in SHOWN.items()}
    shown.update({"季度": header.period_phrase or "", "发布时间": str(header.reported_on)})
    if item.remark:
        shown["备注"] = item.remark
    raw = json.dumps(shown, ensure_ascii=False)
    base = {"task": "", "quarter": str(header.quarter), "reported_on": header.reported_on.isoformat(),
            "status": item.evaluation or "", "note": item.progress, "report_item": item.number or "",
            "report_heading": item.heading, "report_shape": item.shape,
            "report_numbering": number, "report_year": str(header.year or ""),
            "period_end": header.period_end.isoformat() if header.period_end else "",
            "source_start": str(item.span[0]), "source_end": str(item.span[1]), "raw_cells": raw}
    return [{**base, "department": unit} for unit in item.units] or [{**base, "department": ""}]


def read_report(path: Path) -> UpdateColumns | FileProblem:
    """The rows of one progress report as UpdateColumns (file_format report-<form>), or why it cannot be read.

    Raises OverBudget for a file past the limits of flows/updates/limits.py (columns.read_update_columns guards it).
    """
    path, form = Path(path), forms.form_of(path)
    data = limits.read_capped(path)     # a link, a pipe or more than MAX_FILE_BYTES: OverBudget, the caller's guard
    if is_empty(data):                  # empty, not undecodable (nor "no web page", "not a zip")
        return FileProblem("empty", f"the file is empty ({'0 bytes' if not data else 'only whitespace or a byte-order mark'}); expected a "
                           "progress report (进展情况) as page text, a web page or a Word document")
    try:
        report = forms.READERS[form](data, path.name)
    except SourceError as err:
        return FileProblem(err.rule or "undecodable", f"{err}")
    except OverBudget:
        raise                         # its own code (zip_bomb, too_large_range…), given by the caller's guard
    except Exception as err:  # noqa: BLE001 - whatever a reader library raises on one file is that file's rejection
        return FileProblem("unreadable", f"the {form} file cannot be read ({type(err).__name__}: {err})")
    items = report_items(report)
    if not items and (trouble := table_trouble(report)):
        return FileProblem("not_a_report", f"no progress items found: {trouble} (raw/updates/README.md, progress reports)")
    if not items:
        verdicts = sum(bool(EVALUATION.match(report.text[s:e])) for s, e in report.lines())
        found = (f"; it has {verdicts} evaluation line(s) but no numbered heading before them: number each item's heading "
                 "(（一）, 一、, 1.), which names its task" if verdicts else "")
        return FileProblem("not_a_report", "no progress items found: expected numbered items (（一）…) each with an "
                           "evaluation line (进度评价：…), or a table with 工作任务 and 进展情况 columns "
                           f"(raw/updates/README.md, progress reports){found}")
    item_lines = {s for item in items for s, e in report.lines() if item.span[0] <= s < item.span[1]}
    header = read_header(report.text, report.lines(), item_lines)
    if header.reported_on is None:
        return FileProblem("report_without_date", f"the report {header.title!r} has no publication date: expected a "
                           "发布时间/发布日期/日期 line (e.g. 发布时间：2014-07-10) or a line that is only the date")
    if header.quarter is None and header.period_phrase is not None:
        return FileProblem("report_period_not_quarter", f"the title {header.title!r} names the period "
                           f"{header.period_phrase!r}, which does not end with a quarter, so which quarter's milestones "
                           "its items report on is not known: expected a quarter (第三季度), a period to a quarter's end "
                           "(1-9月, 前三季度, 上半年) or 全年 in the report's title")
    if header.quarter is None:
        return FileProblem("report_without_quarter", f"the title {header.title!r} names no period: expected 第二季度, "
                           "二季度, 上半年, 前三季度, 第四季度 or 全年 in the report's title")
    order = numbering(items, report.text) if items[0].shape == "narrative" else "running"
    rows = [(row, item_problems(item)) for item in items for row in _rows(item, header, order)]
    rows, problems = [r for r, _ in rows], [p for _, p in rows]
    columns = {c: pyarrow.array([r[c] for r in rows], pyarrow.string()) for c in [*CELLS, *REPORT_COLUMNS]}
    return UpdateColumns(f"report-{form}", [*CELLS, *REPORT_COLUMNS], list(range(1, len(rows) + 1)),
                         pyarrow.array([r["raw_cells"] for r in rows], pyarrow.string()), problems, columns,
                         source_text=report.text)
