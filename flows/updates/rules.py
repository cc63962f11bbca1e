"""The rules one report (one row) must pass against its white paper, with a reason for every failure.

Pure: a row of text cells and the paper's tables in, a normalised Report or every Problem out.
The spellings each cell may use are in flows/updates/format.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from flows.updates.format import COLUMNS, folded, header_key, parse_date, parse_number, parse_quarter, parse_url
from flows.updates.read import Problem
from flows.whitepaper.text import cn_number


@dataclass(frozen=True)
class TargetRef:
    target_id: str
    unit_zh: str
    value_text_zh: str
    measure: tuple  # targets stating the same quantity share it: (task, metric, unit, comparator, value, max)


@dataclass
class Paper:
    """One white paper's tables, indexed for checking reports on it."""

    document_id: str
    plan_year: int
    task_by_seq: dict[int, str]
    seq_by_task: dict[str, int]
    milestones: dict[tuple[str, int], str]
    departments: dict[str, str]                      # folded id, name or English name → department_id
    department_names: dict[str, str]                 # department_id → name_zh
    responsible: dict[str, dict[str, tuple[str, int]]]  # task_id → department_id → (role, department_seq)
    milestone_targets: dict[str, list[TargetRef]] = field(default_factory=dict)
    task_targets: dict[str, list[TargetRef]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)   # task_id → title_zh (a progress report's items match it)
    empty_milestones: set[str] = field(default_factory=set)  # quarters the paper leaves empty: nothing to report on
    agency_names: tuple[str, ...] = ()   # the agency as the paper names it (agency_zh, publisher_zh): 深圳市教育局

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], document_id: str) -> Paper:
        return papers_of(tables, [document_id])[document_id]


def _records(frame: pd.DataFrame, *columns: str):
    """The columns' values row by row, as plain Python values: itertuples on a small frame per paper costs
    milliseconds of pandas overhead, a thousand papers many seconds."""
    return zip(*(frame[c].tolist() for c in columns))


def papers_of(tables: dict[str, pd.DataFrame], documents: list[str]) -> dict[str, Paper]:
    """One Paper per document, indexed from the tables in one pass over each (rows keep their table order)."""
    wanted = set(documents)
    agency, plan_year = {}, {}
    for doc, agency_id, year in _records(tables["documents"], "document_id", "agency_id", "plan_year"):
        agency[doc], plan_year[doc] = agency_id, int(year)
    by_agency: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for department_id, agency_id, name_zh, name_en in _records(tables["departments"], "department_id", "agency_id",
                                                                "name_zh", "name_en"):
        keys, names = by_agency.setdefault(agency_id, ({}, {}))
        for name in (department_id, name_zh, name_en):
            if isinstance(name, str) and name.strip():
                keys[header_key(name)] = department_id
        names[department_id] = name_zh
    papers: dict[str, Paper] = {}
    documents_table = tables["documents"]
    named = {c for c in ("agency_zh", "publisher_zh") if c in documents_table}
    agency_names = {doc: tuple(dict.fromkeys(n.strip() for n in ns if isinstance(n, str) and n.strip()))
                    for doc, *ns in _records(documents_table, "document_id", *sorted(named))} if named else {}
    for doc in documents:
        keys, names = by_agency.get(agency[doc], ({}, {}))
        papers[doc] = _empty_paper(doc, plan_year[doc], keys, names)
        papers[doc].agency_names = agency_names.get(doc, ())
    task_doc = {}
    for task_id, doc, seq, title in _records(tables["tasks"], "task_id", "document_id", "task_seq", "title_zh"):
        if doc in wanted:
            task_doc[task_id] = doc
            papers[doc].task_by_seq[int(seq)] = task_id
            papers[doc].seq_by_task[task_id] = int(seq)
            papers[doc].titles[task_id] = title
    for task_id, quarter, milestone_id, text_zh in _records(tables["milestones"], "task_id", "quarter", "milestone_id",
                                                           "text_zh"):
        if task_id in task_doc:
            papers[task_doc[task_id]].milestones[(task_id, int(quarter))] = milestone_id
            if not (isinstance(text_zh, str) and text_zh.strip()):
                papers[task_doc[task_id]].empty_milestones.add(milestone_id)
    for task_id, department_id, role, seq in _records(tables["task_departments"], "task_id", "department_id", "role",
                                                      "department_seq"):
        if task_id in task_doc:
            papers[task_doc[task_id]].responsible.setdefault(task_id, {})[department_id] = (role, int(seq))
    for row in _records(tables["targets"], "task_id", "target_id", "milestone_id", "metric_zh", "unit_zh", "value_text_zh",
                        "comparator", "target_value", "target_value_max"):
        task_id, target_id, milestone_id, metric_zh, unit_zh, value_text_zh, comparator, value, upper = row
        if task_id not in task_doc:
            continue
        upper = None if pd.isna(upper) else float(upper)
        # the metric is part of the quantity: 新增1个产业集群 and 新增1个专业园 are two targets, so a bare 1 is ambiguous
        ref = TargetRef(target_id, unit_zh, value_text_zh, (task_id, metric_zh, unit_zh, comparator, float(value), upper))
        paper = papers[task_doc[task_id]]
        if isinstance(milestone_id, str):
            paper.milestone_targets.setdefault(milestone_id, []).append(ref)
        else:
            paper.task_targets.setdefault(task_id, []).append(ref)
    return papers


def _empty_paper(document_id: str, plan_year: int, keys: dict[str, str], names: dict[str, str]) -> Paper:
    """An empty index of one paper; its division keys and names are shared with the other papers of its agency."""
    return Paper(document_id, plan_year, {}, {}, {}, keys, names, {})


@dataclass(frozen=True)
class Report:
    """One accepted report, normalised."""

    document_id: str
    task_id: str
    milestone_id: str
    quarter: int
    department_id: str
    role: str
    department_seq: int
    reported_on: dt.date
    status: str
    percent_complete: float | None
    actual_value: float | None
    target_id: str | None
    evidence_url: str | None
    note: str | None

    @property
    def update_id(self) -> str:
        return f"{self.milestone_id}-{self.department_id}-{self.reported_on:%Y%m%d}"

    @property
    def content(self) -> tuple:
        """What makes two reports by one division on one milestone and date the same report."""
        return (self.status, self.percent_complete, self.actual_value, self.target_id, self.evidence_url, self.note)


def task_reference(text: str) -> tuple[bool, int | None, str | None]:
    """How a task cell names its task: (written as a number, the number, the text as a task id, folded and lower case).

    3, ３, 三 and (三) are numbers (the id is then None); anything else may be a task id (the number is then None).
    """
    value = folded(text)
    if re.fullmatch(r"\d+", value):
        return True, int(value), None
    if m := re.fullmatch(r"[(]?([一二三四五六七八九十百]+)[)]?", value):
        return True, cn_number(m.group(1)), None
    return False, None, value.lower()


def parse_task(text: str, paper: Paper) -> str | Problem:
    by_number, seq, key = task_reference(text)
    if not by_number and key in paper.seq_by_task:
        return key
    if seq is not None and seq in paper.task_by_seq:
        return paper.task_by_seq[seq]
    seqs = sorted(paper.task_by_seq)
    span = f"{seqs[0]}–{seqs[-1]}" if seqs else "none"
    return Problem("unknown_task", f"unknown task {text.strip()!r}: {paper.document_id} has tasks {span}; write the number "
                   f"(e.g. 3) or the task id (e.g. {paper.document_id}-03)")


def department_key(text: str) -> str:
    """A division cell as a key of Paper.departments."""
    # The paper prints 创新支撑处牵头; a division may copy its name with the role: the role is not part of the name.
    return header_key(re.sub(r"\s*[(]?(?:牵头|配合)[)]?$", "", folded(text)))


def _department(text: str, task_id: str | None, paper: Paper) -> tuple[str, str, int] | Problem:
    department_id = paper.departments.get(department_key(text))
    if department_id is None:
        known = "、".join(paper.department_names.values())
        return Problem("unknown_department", f"unknown division {text.strip()!r}: {paper.document_id} names {known} "
                       "(write the name as printed or its department_id)")
    if task_id is None:
        return department_id, "", 0
    roles = paper.responsible.get(task_id, {})
    if department_id not in roles:
        named = ", ".join(f"{paper.department_names.get(d, d)} ({r})" for d, (r, _) in sorted(roles.items(), key=lambda i: i[1][1]))
        return Problem("department_not_responsible", f"division not responsible for the task: {paper.department_names[department_id]} "
                       f"is not named for task {paper.seq_by_task[task_id]}; responsible: {named}")
    role, seq = roles[department_id]
    return department_id, role, seq


def _actual(text: str, milestone_id: str, task_id: str, paper: Paper) -> tuple[float, str] | Problem:
    parsed = parse_number(text)
    if parsed is None:
        return Problem("bad_actual_value", f"actual value {text.strip()!r} is not a number; write the figure in the target's "
                       "unit, e.g. 1050")
    value, unit = parsed
    own, task = paper.milestone_targets.get(milestone_id, []), paper.task_targets.get(task_id, [])
    if not own and not task:
        return Problem("actual_value_without_target", f"an actual value is given but milestone {milestone_id} and its task "
                       "have no quantified target; leave actual_value empty (write the figure in the note)")
    candidates = own or task
    if unit:
        candidates = [t for t in own if t.unit_zh == unit] or [t for t in task if t.unit_zh == unit]
        if not candidates:
            units = "、".join(sorted({t.unit_zh for t in own + task}))
            return Problem("actual_value_unit", f"actual value {text.strip()!r} is in {unit!r} but the target is counted in "
                           f"{units}; write the number in that unit")
    if len({t.measure for t in candidates}) > 1:
        listed = "; ".join(t.value_text_zh for t in candidates)
        hint = ("add the unit to say which, e.g. 38" + candidates[-1].unit_zh) if len({t.unit_zh for t in candidates}) > 1 \
            else "they share a unit, so write the figures in the note instead"
        return Problem("ambiguous_actual_value", f"actual value {text.strip()!r} could be for any of {len(candidates)} targets "
                       f"({listed}); {hint}")
    return value, candidates[0].target_id


def check_row(cells: dict[str, str], paper: Paper, as_of: dt.date, statuses: dict[str, str]) -> Report | list[Problem]:
    """One row's cells (column of the format → text) → its normalised Report, or every problem with it."""
    problems: list[Problem] = []
    for column, (zh, required) in COLUMNS.items():
        if required and not folded(cells.get(column, "")):
            problems.append(Problem(f"missing_{column}", f"{column} ({zh}) is empty; it is required"))
    given = {c: cells.get(c, "") for c in COLUMNS if folded(cells.get(c, ""))}

    def parsed(column, parse, *args):
        if column not in given:
            return None
        result = parse(given[column], *args)
        if isinstance(result, Problem):
            problems.append(result)
            return None
        return result

    task_id = parsed("task", parse_task, paper)
    quarter = parsed("quarter", parse_quarter)
    department = parsed("department", _department, task_id, paper)
    reported_on = parsed("reported_on", parse_date)
    if reported_on is not None and reported_on < dt.date(paper.plan_year, 1, 1):
        problems.append(Problem("date_before_plan_year", f"date {reported_on} is before the paper's plan year {paper.plan_year} "
                                "begins"))
    elif reported_on is not None and reported_on > as_of:
        # No as-of date in the text: rejections are content-hashed, and a date in the message would make a new
        # release every night the as-of date moves while the same rows stay rejected.
        problems.append(Problem("date_in_future", f"date {reported_on} is in the future (after the release's as-of date)"))
    status = None
    if "status" in given:
        status = statuses.get(header_key(given["status"]))
        if status is None:
            problems.append(Problem("unknown_status", f"unknown status {given['status'].strip()!r}; use not_started, in_progress, "
                                    "completed, delayed, cancelled or 未启动, 推进中/进行中, 已完成, 滞后/延期, 已取消 (every accepted "
                                    "spelling is in raw/lookups/statuses.csv; a new one is added there)"))
    percent = None
    if "percent_complete" in given:
        number = parse_number(given["percent_complete"])
        if number is None or number[1] not in ("", "%"):
            problems.append(Problem("bad_percent", f"percent_complete {given['percent_complete'].strip()!r} is not a number; "
                                    "write 0–100, e.g. 60 or 60%"))
        elif not 0 <= number[0] <= 100:
            problems.append(Problem("percent_out_of_range", f"percent {number[0]:g} is outside 0–100"))
        else:
            percent = number[0]
    if percent is not None and (status == "completed" and percent != 100 or status == "not_started" and percent != 0):
        fraction = "; 1 may be 100 % written as a fraction: write 100" if status == "completed" and percent == 1 else ""
        problems.append(Problem("percent_contradicts_status", f"status {status} with percent_complete {percent:g}: a completed "
                                f"milestone is 100 and one not started is 0 (or leave percent_complete empty){fraction}"))
    milestone_id = None
    if task_id is not None and quarter is not None:
        milestone_id = paper.milestones.get((task_id, quarter))
        if milestone_id is None:
            problems.append(Problem("unknown_milestone", f"task {paper.seq_by_task[task_id]} has no milestone for quarter {quarter}"))
        elif milestone_id in paper.empty_milestones:
            # nothing was promised for the quarter, so a report has nothing to be on time or late for
            problems.append(Problem("empty_milestone", f"task {paper.seq_by_task[task_id]} plans nothing for quarter {quarter} "
                                    "(the paper leaves it empty), so there is nothing to report on; report the quarter that "
                                    "has the work, or write it in the note of that report"))
            milestone_id = None
    actual = None
    if milestone_id is not None:
        actual = parsed("actual_value", _actual, milestone_id, task_id, paper)
    elif "actual_value" in given and parse_number(given["actual_value"]) is None:
        problems.append(Problem("bad_actual_value", f"actual value {given['actual_value'].strip()!r} is not a number"))
    url = parsed("evidence_url", parse_url)
    if problems:
        return problems
    note = cells.get("note", "").strip() or None
    department_id, role, department_seq = department
    return Report(paper.document_id, task_id, milestone_id, quarter, department_id, role, department_seq, reported_on, status,
                  percent, actual[0] if actual else None, actual[1] if actual else None, url, note)
