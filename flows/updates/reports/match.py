"""Which promise and which division: a report's rows tied to the paper's tasks and divisions.

An item names its task by number — （三） is task 3 — and repeats the promise in its heading; the number is
trusted only when the wording confirms it: the similarity of the heading to the task's title must reach
THRESHOLD, by METHOD. In a table, 序号 may be a running number instead (1, 2, 3 for the tasks the report
covers): there a number the wording does not confirm gives way to the wording alone, as it does for narrative
items numbered 1, 2, 3… in order or afresh under each group heading (read.numbering). Otherwise a narrative number is the paper's, and a number the
wording does not confirm is rejected, with the best candidate named. A heading reaching THRESHOLD on two tasks
speaks of both: rejected (several_tasks), never given to one. An item that names no unit is reported for the task's lead division, and the row says so.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
from rapidfuzz import fuzz

from flows.updates.read import Problem
from flows.updates.rules import Paper, department_key
from flows.whitepaper.text import cn_number

THRESHOLD = 60.0
METHOD = ("rapidfuzz.fuzz.partial_ratio (0-100) of the item heading and the task title, both NFKC-normalised "
          "without the item number, bracketed remarks, punctuation and spaces")
# Measured on the seed: distinct tasks of szsti-2014 score at most 50 against each other; a heading that
# shortens its task ("提升重点实验室等建设发展质量" for task 2) scores 71, one that repeats it 100.
NUMBER = re.compile(r"[一二三四五六七八九十百零〇两\d]+")
LEADING_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十百零〇两\d]+\s*[、.]|第[一二三四五六七八九十百\d]+[项条个])")


def wording(text: str) -> str:
    """What the similarity compares: the words of a heading or title, nothing of its numbering or punctuation."""
    value = unicodedata.normalize("NFKC", text or "")
    value = re.sub(r"\([^()]*\)", "", value)          # （三）, （主办单位：…）, （市政府重点工作）
    value = LEADING_NUMBER.sub("", value)
    return re.sub(r"[\W_]+", "", value)


def item_number(text: str) -> int | None:
    m = NUMBER.search(unicodedata.normalize("NFKC", text or ""))
    try:
        return cn_number(m.group(0)) if m else None
    except ValueError:
        return None


def _scores(heading: str, titles: dict[str, str]) -> dict[str, float]:
    words = wording(heading)
    return {task_id: (fuzz.partial_ratio(words, wording(title)) if words else 0.0) for task_id, title in titles.items()}


def match_task(number_text: str, heading: str, shape: str, paper: Paper,
               titles: dict[str, str], running: bool = False, restarted: bool = False) -> tuple[str, str, float] | Problem:
    """(task_id, method, score) of an item, or the Problem naming the best candidate.

    running: the report numbers its items 1, 2, 3… whatever their tasks (a table's 序号 always may), so a number
    the wording does not confirm gives way to the wording alone, as in a table. restarted: it numbers them afresh
    under each group heading, so the number names no task either: the same."""
    running = running or restarted
    if not wording(heading):
        return Problem("unknown_task", f"item {number_text or '(no number)'} names no task: its 工作任务 cell is empty and no "
                       "row above it (under the same group row) names one; write the task in the row")
    scores = _scores(heading, titles)
    ranked = sorted(scores, key=lambda t: (-scores[t], paper.seq_by_task[t]))
    best = ranked[0] if ranked else None
    candidate = (f"best candidate by wording: task {paper.seq_by_task[best]} {titles[best]!r} ({scores[best]:.0f})"
                 if best else "the paper has no tasks")
    rule = f"the wording must reach {THRESHOLD:.0f} by {METHOD}"
    seq = item_number(number_text)
    task_id = paper.task_by_seq.get(seq) if seq is not None else None
    several = [t for t in ranked if scores[t] >= THRESHOLD]
    if len(several) > 1:        # distinct tasks score at most 50 against each other: the item speaks of several
        named = "; ".join(f"task {paper.seq_by_task[t]} {titles[t]!r} ({scores[t]:.0f})" for t in several)
        return Problem("several_tasks", f"item {number_text or '(no number)'} {heading!r} repeats the wording of "
                       f"several tasks ({named}): one item, one evaluation, and which task the evaluation is for is "
                       "not guessed; report each task as its own item (its own heading and evaluation)")
    if task_id is not None and scores[task_id] >= THRESHOLD:
        return task_id, "number+wording", round(scores[task_id], 1)
    if shape == "table" or running or seq is None:
        if best and scores[best] >= THRESHOLD and (len(ranked) == 1 or scores[ranked[1]] < scores[best]):
            return best, "wording", round(scores[best], 1)
    if task_id is not None and shape != "table" and not running:
        return Problem("task_wording_mismatch", f"item {number_text} {heading!r} is numbered as task {seq} "
                       f"({titles[task_id]!r}) but its wording matches it only {scores[task_id]:.0f}; {rule}; {candidate}")
    seqs = sorted(paper.task_by_seq)
    has = f"tasks {seqs[0]}–{seqs[-1]}" if seqs else "no tasks"
    if restarted and shape != "table" and seq is not None:
        named = f"is item {seq} of its group (the report numbers its items afresh under each group heading)"
    elif (shape == "table" or running) and seq is not None:
        named = f"is {'row' if shape == 'table' else 'item'} {seq} of the report, which may be a running number"
    else:
        named = f"is numbered {seq}, but {paper.document_id} has {has}" if seq is not None else "has no number"
    return Problem("unknown_task", f"item {number_text or '(no number)'} {heading!r} {named}, and no task's title "
                   f"matches its wording alone; {rule}; {candidate}")


def lead_of(task_id: str, paper: Paper) -> str | None:
    """The name of the task's lead division (the first named), as the paper prints it."""
    roles = paper.responsible.get(task_id, {})
    leads = sorted((seq, d) for d, (role, seq) in roles.items() if role == "lead")
    return paper.department_names.get(leads[0][1]) if leads else None


def agency_prefixes(paper: Paper) -> list[str]:
    """The agency's own name as a division may be prefixed with it: 深圳市教育局 → 深圳市教育局, 深圳教育局, 市教育局,
    教育局 (longest first), from the paper's agency_zh and publisher_zh."""
    cores = {re.sub(r"^(?:深圳市|深圳|市)", "", name) for name in paper.agency_names}
    variants = {f"{p}{core}" for core in cores if len(core) >= 2 for p in ("深圳市", "深圳", "市", "")}
    return sorted(variants, key=len, reverse=True)


def without_agency(department: str, paper: Paper) -> str | None:
    """市教育局体卫艺处 → 体卫艺处 where the agency's name prefixes a division the paper names and the whole does not
    name one; else None (a division of another agency, or a name that is no division of this one, is left as written)."""
    text = department.strip()
    if not text or department_key(text) in paper.departments:
        return None
    for prefix in agency_prefixes(paper):
        rest = text[len(prefix):].lstrip(" 　·-") if text.startswith(prefix) else ""
        if rest and department_key(rest) in paper.departments:
            return rest
    return None


def resolve_reports(rows: pd.DataFrame, papers: dict[str, Paper]) -> pd.DataFrame:
    """rows with the report rows' task and (where no unit is named) department filled, and their problems added.

    Adds task_match_method, task_match_score and department_source (named | named_with_agency | task_lead) for
    report rows; named_with_agency: the report prefixed the division with the agency's name (市教育局体卫艺处), read
    without it (department becomes 体卫艺处; raw_cells keeps the name as written).
    """
    report = rows["report_shape"].astype(str) != ""
    if not report.any():
        return rows
    rows = rows.assign(task_match_method=None, task_match_score=float("nan"), department_source=None)
    for i in rows.index[report]:
        row = rows.loc[i]
        paper = papers[row["document_id"]]
        problems = list(row["problems"])
        found = match_task(row["report_item"], row["report_heading"], row["report_shape"], paper, paper.titles,
                           running=str(row.get("report_numbering", "")) == "running",
                           restarted=str(row.get("report_numbering", "")) == "restarted")
        if isinstance(found, Problem):
            problems.append(found)
        else:
            task_id, method, score = found
            rows.at[i, "task"] = task_id
            rows.at[i, "task_match_method"], rows.at[i, "task_match_score"] = method, score
            if not str(row["department"]).strip():
                rows.at[i, "department"] = lead_of(task_id, paper) or ""
                rows.at[i, "department_source"] = "task_lead"
        if str(row["department"]).strip():
            rest = without_agency(str(row["department"]), paper)
            rows.at[i, "department"] = rest or row["department"]
            rows.at[i, "department_source"] = "named_with_agency" if rest else "named"
        year = str(row["report_year"])
        if year and int(year) != paper.plan_year:
            problems.append(Problem("report_year_mismatch", f"the report is about {year}, but {paper.document_id} "
                                    f"plans {paper.plan_year}; file it under that year's paper"))
        rows.at[i, "problems"] = tuple(problems)
    return rows
