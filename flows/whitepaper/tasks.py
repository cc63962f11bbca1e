"""Section 三 of a white paper: the task table, flattened into lines.

Each task reads, in the template:
    (三)<title>。(市政府重点工作) 目标:<target>
    第一季度:<milestone>      … one line per quarter …
    创新支撑处牵头,创新服务处、社会发展处配合      ← the responsible divisions, last
The quarter lines are read by quarters.py, the division line by divisions.py.
"""

from __future__ import annotations

import re

from flows.whitepaper.divisions import task_divisions
from flows.whitepaper.lookups import Lookups
from flows.whitepaper.quantities import find_quantities
from flows.whitepaper.quarters import QUARTER, milestone_notes, whole_year_lines
from flows.whitepaper.quarters import milestones as quarter_milestones
from flows.whitepaper.source_doc import NUMBERED, Line, SourceDoc, WhitepaperError
from flows.whitepaper.table_header import header_role
from flows.whitepaper.text import cn_number

# 目标:… in the template; 工作目标:, 年度目标:, 全年目标: or 任务目标: in other papers and in the lines task_table.py
# writes for a table's target column (the label is no part of the title).
TARGET = re.compile(r"(?:工作|年度|全年|任务|主要|具体|预期)?目标\s*[:]\s*")
CATEGORY_AT_END = re.compile(r"\(([^()]{1,20})\)\s*$")

# How section 三 numbers its tasks. The template's (一) is read as it always was. Other papers write 1. / 1、 / 一、 /
# (1): read only when the tasks run 1, 2, 3 … in that one style and each has a quarter line; otherwise refused, since
# a numbered list inside a task (目标:⏎1.完成甲;⏎2.完成乙。) cannot then be told from the next task.
TEMPLATE_STYLE = "(一)"
OTHER_STYLES = {
    "(1)": re.compile(r"^\(\s*(\d{1,3})\s*\)\s*"),
    "1.": re.compile(r"^(\d{1,3})\s*\.(?!\d)\s*"),
    "1、": re.compile(r"^(\d{1,3})\s*、\s*"),
    "一、": re.compile(r"^([一二三四五六七八九十]+)\s*、\s*"),
}


def _numbering(ln: Line) -> tuple[str, re.Match] | None:
    """The task numbering a line starts with, if any: (style, match); a quarter label (一、二季度:) is none."""
    if m := NUMBERED.match(ln.folded):
        return TEMPLATE_STYLE, m
    if QUARTER.match(ln.folded):
        return None
    return next(((style, m) for style, pattern in OTHER_STYLES.items() if (m := pattern.match(ln.folded))), None)


# The table's header row, on one line ("工作任务 目标及进度 责任部门") or, pasted from a web or Word table, one cell
# per line ("工作任务" ⏎ "目标及进度" ⏎ "责任部门").
HEADER_CELL = re.compile(r"序号|工作任务|任务|目标及进度|目标与进度|目标|进度|工作目标|完成时限|责任(?:部门|单位|处室)|牵头部门"
                         r"|配合部门|备注")


def _is_header_cell(cell: str) -> bool:
    # header_role knows the headers task_table.py reads a table by (年度目标, 进度安排, 第一季度 …), as it writes them
    return bool(HEADER_CELL.fullmatch(cell)) or header_role(cell) is not None


def _is_table_header(ln: Line, before_first_task: bool) -> bool:
    if _numbering(ln):
        return False
    cells = ln.folded.split()
    return ("工作任务" in ln.folded and "责任" in ln.folded) or (
        before_first_task and bool(cells) and all(_is_header_cell(c) for c in cells))


def _style(doc: SourceDoc, lines: list[Line]) -> str:
    """The template's (一) if any line uses it; else the style of the first line numbered 1 in another style."""
    found = [(ln, n) for ln in lines if (n := _numbering(ln))]
    if any(style == TEMPLATE_STYLE for _, (style, _) in found):
        return TEMPLATE_STYLE
    first = next(((ln, style) for ln, (style, m) in found if cn_number(m.group(1)) == 1), None)
    if first is None:
        seen = f"; the first numbered line, line {found[0][0].number}, starts {doc.span(found[0][0].start, found[0][0].end)[:12]!r}" \
            if found else ""
        raise WhitepaperError(f"{doc.source_file}: section 三 has no numbered task; expected lines like "
                              f"'(一)<task>。(市政府重点工作) 目标:<target>'{seen}")
    return first[1]


def _refuse_numbering(doc: SourceDoc, ln: Line, style: str, why: str) -> WhitepaperError:
    return WhitepaperError(f"{doc.where(ln)}: section 三 numbers its tasks '{style}' rather than the template's '(一)', and {why}; "
                           "so the tasks cannot be told apart for certain: number them '(一)', '(二)' … as the template does")


def _blocks(doc: SourceDoc, lines: list[Line]) -> tuple[str, list[tuple[Line, re.Match, list[Line]]]]:
    """The numbering style and, per task, (first line, its numbering match, the lines after it)."""
    style = _style(doc, lines)
    blocks: list[tuple[Line, re.Match, list[Line]]] = []
    for ln in lines:
        if not ln.folded or _is_table_header(ln, not blocks):
            continue
        numbered = _numbering(ln)
        if numbered and numbered[0] == style and (style == TEMPLATE_STYLE or cn_number(numbered[1].group(1)) == len(blocks) + 1):
            blocks.append((ln, numbered[1], []))
        elif numbered and numbered[0] == style and blocks:   # 1. 2. 4.: a gap, or a list inside a task
            raise _refuse_numbering(doc, ln, style, f"this line is numbered {numbered[1].group(1)} where task {len(blocks) + 1} "
                                    "or a line of the task before was expected")
        elif blocks:
            blocks[-1][2].append(ln)
        else:
            doc.note("tasks", None, "unparsed_line", f"line {ln.number} comes before the first task: {doc.span(ln.start, ln.end)[:60]!r}",
                     ln.start, ln.end)
    if style != TEMPLATE_STYLE:
        for (ln, _, body), nxt in zip(blocks, blocks[1:] + [None]):
            if not any(QUARTER.match(b.folded) for b in body):
                raise _refuse_numbering(doc, ln, style, "the task on this line has no quarter line (第一季度:…) before "
                                        + (f"line {nxt[0].number}" if nxt else "the end of the section"))
        doc.note("tasks", None, "task_numbering_style", f"section 三 numbers its {len(blocks)} tasks '{style}' (from line "
                 f"{blocks[0][0].number}) rather than the template's '(一)'; read in that numbering, 1 to {len(blocks)} in order",
                 blocks[0][0].start, blocks[0][0].end)
    return style, blocks


def _whole_year(doc: SourceDoc, task_id: str, label: str, body: list[Line], has_target: bool) -> tuple[int, int] | None:
    """A 全年: line is no quarter's milestone: the target when the task states none (its span), else noted on its own."""
    target = None
    for line, label_start, start, end in whole_year_lines(doc, body):
        text = doc.span(start, end).strip()
        if not has_target and target is None and text:
            target = (start, end)
            doc.note("tasks", task_id, "target_from_whole_year_line", f"task {label} states no 目标 (target); its line for the "
                     f"whole year, line {line.number} ({doc.span(label_start, start).strip()!r}), is read as the target",
                     label_start, end)
        else:
            doc.note("tasks", task_id, "whole_year_line", f"task {label} has a line for the whole year, line {line.number}: "
                     f"{text!r}; it is no quarter's milestone" + (" and the task has its target" if has_target else "")
                     + ", so it is kept only in this note", label_start, end)
    return target


def _header(doc: SourceDoc, task_id: str, label: str, ln: Line, body_start: int, rest: list[Line], lookups: Lookups,
            schedule: list[Line]) -> dict:
    head_end, target = ln.end, None
    m = TARGET.search(doc.folded, body_start, ln.end)
    if m:
        head_end, target = m.start(), (m.end(), ln.end)
    for extra in rest:
        if QUARTER.match(extra.folded):
            break
        if target is None and (t := TARGET.match(extra.folded)):
            target = (extra.start + t.end(), extra.end)
        elif target is not None:
            target = (target[0], extra.end)  # 目标:完成甲, ⏎ 并完成乙。 — a target wrapped onto the next line
    title_end = head_end
    while title_end > body_start and doc.text[title_end - 1].isspace():
        title_end -= 1
    category = None
    c = CATEGORY_AT_END.search(doc.folded, body_start, title_end)
    if c:
        category, title_end = doc.span(c.start(1), c.end(1)).strip(), c.start()
    category_en = lookups.categories.get(category) if category else None
    if category and category_en is None:
        doc.note("tasks", task_id, "unknown_category", f"category {category!r} is not in raw/lookups/categories.csv; English name left empty",
                 c.start(), c.end())
    target_zh = doc.span(*target).strip() if target else None
    if year_target := _whole_year(doc, task_id, label, schedule, bool(target_zh)):    # 全年: among the quarter lines
        target, target_zh = year_target, doc.span(*year_target).strip()
    if not target_zh:
        doc.note("tasks", task_id, "missing_target", "the task states no 目标 (target)", ln.start, ln.end)
    return {"title_zh": doc.span(body_start, title_end).strip(), "category_zh": category, "category_en": category_en,
            "target_zh": target_zh or None, "target_span": target}


def _targets(doc: SourceDoc, task_id: str, spans: list[tuple[str | None, int, int]]) -> list[dict]:
    rows = []
    for milestone_id, start, end in spans:
        owner = milestone_id or task_id
        found = find_quantities(doc.folded, start, end)
        for n, q in enumerate(found, start=1):
            rows.append({"target_id": f"{owner}-t{n}", "task_id": task_id, "milestone_id": milestone_id, "metric_zh": q.metric,
                         "comparator": q.comparator, "target_value": q.value, "target_value_max": q.value_max,
                         "unit_zh": q.unit, "value_text_zh": doc.span(q.start, q.end), "source_start": q.start, "source_end": q.end})
        if "若干" in doc.folded[start:end]:
            doc.note("targets", owner, "unquantified_target", "the text promises 若干 (several): not a number, so no target row",
                     start + doc.folded[start:end].index("若干"), start + doc.folded[start:end].index("若干") + 2)
    return rows


def parse_tasks(doc: SourceDoc, lines: list[Line], plan_year: int, agency_id: str, lookups: Lookups) -> dict[str, list[dict]]:
    """Rows of tasks, milestones, targets, departments and task_departments from the lines of section 三:
    {"tasks": [...], "milestones": [...], "departments": [...], "task_departments": [...], "targets": [...]}.

    WhitepaperError (naming file, line and what was expected) when section 三 has no numbered task, a task ends
    without its division line, a quarter is named twice, or tasks numbered otherwise than (一) do not run 1, 2, 3 …
    each with its quarter lines.
    """
    tasks, milestones, targets, links = [], [], [], []
    departments: dict[str, dict] = {}
    lines = [ln for ln in lines if not doc.is_aside(ln)]     # a table's group rows and 备注 cells (task_table.py)
    style, blocks = _blocks(doc, lines)
    for seq, (ln, numbered, body) in enumerate(blocks, start=1):
        task_id = f"{doc.document_id}-{seq:02d}"
        if style == TEMPLATE_STYLE:
            label = f"({numbered.group(1)})"
            if cn_number(numbered.group(1)) != seq:
                doc.note("tasks", task_id, "numbering_out_of_order", f"task {seq} of section 三 is numbered {label}", ln.start, ln.end)
        else:
            label = f"({numbered.group(1)})" if style == "(1)" else numbered.group(1)     # task 3, task 三
        if not body or QUARTER.match(body[-1].folded):
            where = doc.where(body[-1] if body else ln)
            raise WhitepaperError(f"{where}: task {label} ends without its responsible divisions; "
                              "expected a last line such as 'X处牵头,Y处、Z处配合' or a single division name")
        division_line, body = body[-1], body[:-1]
        first_quarter = next((i for i, b in enumerate(body) if QUARTER.match(b.folded)), len(body))
        head = _header(doc, task_id, label, ln, ln.start + numbered.end(), body, lookups, body[first_quarter:])
        target_span = head.pop("target_span")
        tasks.append({"task_id": task_id, "document_id": doc.document_id, "task_seq": seq, **head,
                      "source_start": ln.start, "source_end": ln.end})
        rows = quarter_milestones(doc, task_id, label, ln, body[first_quarter:], plan_year)
        milestone_notes(doc, label, rows)
        milestones += rows
        spans = ([(None, *target_span)] if target_span else []) + [(r["milestone_id"], r["source_start"], r["source_end"])
                                                                   for r in rows if r["text_zh"]]
        targets += _targets(doc, task_id, spans)
        links += task_divisions(doc, task_id, label, division_line, agency_id, lookups, departments)
    return {"tasks": tasks, "milestones": milestones, "departments": list(departments.values()),
            "task_departments": links, "targets": targets}
