"""Section 三 of a white paper: the task table, flattened into lines.

Each task reads, in the template:
    (三)<title>。(市政府重点工作) 目标:<target>
    第一季度:<milestone>      … one line per quarter …
    创新支撑处牵头,创新服务处、社会发展处配合      ← the responsible divisions, last
"""

from __future__ import annotations

import datetime as dt
import re

from flows.whitepaper.lookups import Lookups, unknown_department_id
from flows.whitepaper.quantities import find_quantities
from flows.whitepaper.source_doc import NUMBERED, Line, SourceDoc, WhitepaperError
from flows.whitepaper.text import cn_number

QUARTER = re.compile(r"^(?:第\s*([一二三四1-4])\s*季度|([一二三四1-4])\s*季度|[Qq]([1-4]))\s*[:]?\s*")
TARGET = re.compile(r"目标\s*[:]\s*")
CATEGORY_AT_END = re.compile(r"\(([^()]{1,20})\)\s*$")
QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


# The table's header row, on one line ("工作任务 目标及进度 责任部门") or, pasted from a web or Word table, one cell
# per line ("工作任务" ⏎ "目标及进度" ⏎ "责任部门").
HEADER_CELL = re.compile(r"序号|工作任务|任务|目标及进度|目标与进度|目标|进度|工作目标|完成时限|责任(?:部门|单位|处室)|牵头部门"
                         r"|配合部门|备注")


def _is_table_header(ln: Line, before_first_task: bool) -> bool:
    if NUMBERED.match(ln.folded):
        return False
    cells = ln.folded.split()
    return ("工作任务" in ln.folded and "责任" in ln.folded) or (
        before_first_task and bool(cells) and all(HEADER_CELL.fullmatch(c) for c in cells))


def _blocks(doc: SourceDoc, lines: list[Line]) -> list[tuple[Line, list[Line]]]:
    blocks: list[tuple[Line, list[Line]]] = []
    for ln in lines:
        if not ln.folded or _is_table_header(ln, not blocks):
            continue
        if NUMBERED.match(ln.folded):
            blocks.append((ln, []))
        elif blocks:
            blocks[-1][1].append(ln)
        else:
            doc.note("tasks", None, "unparsed_line", f"line {ln.number} comes before the first task: {doc.span(ln.start, ln.end)[:60]!r}",
                     ln.start, ln.end)
    if not blocks:
        raise WhitepaperError(f"{doc.source_file}: section 三 has no numbered task; expected lines like '(一)<task>。(市政府重点工作) 目标:<target>'")
    return blocks


def _header(doc: SourceDoc, task_id: str, ln: Line, rest: list[Line], lookups: Lookups) -> dict:
    body_start = ln.start + NUMBERED.match(ln.folded).end()
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
    if not target_zh:
        doc.note("tasks", task_id, "missing_target", "the task states no 目标 (target)", ln.start, ln.end)
    return {"title_zh": doc.span(body_start, title_end).strip(), "category_zh": category, "category_en": category_en,
            "target_zh": target_zh or None, "target_span": target}


def _split_divisions(text: str) -> list[tuple[str, str]]:
    """'A牵头,B、C配合' → [(A, lead), (B, support), (C, support)]; a list with no role word leads with its first."""
    text = re.sub(r"^责任(?:部门|单位)\s*[:]\s*", "", text)
    named: list[tuple[str, str | None]] = []
    for group in re.split(r"[,;;,]", text):
        group = group.strip()
        role = "lead" if re.search(r"(牵头|负责)$", group) else "support" if re.search(r"(配合|协助|参与)$", group) else None
        group = re.sub(r"(牵头|负责|配合|协助|参与)$", "", group)
        named += [(name.strip(), role) for name in re.split(r"[、/]|\s+", group) if name.strip()]
    return [(name, role or ("lead" if i == 0 else "support")) for i, (name, role) in enumerate(named)]


def _milestones(doc: SourceDoc, task_id: str, label: str, ln: Line, body: list[Line], plan_year: int) -> list[dict]:
    """One milestone per quarter, null text where the paper gives none; a wrapped line continues its quarter."""
    by_quarter: dict[int, list] = {}
    current = None
    for line in body:
        m = QUARTER.match(line.folded)
        if m:
            quarter = cn_number(next(g for g in m.groups() if g))
            if quarter in by_quarter:
                raise WhitepaperError(f"{doc.where(line)}: task {label} has a second {QUARTER_ZH[quarter]} line; expected each quarter once")
            current = by_quarter[quarter] = [line, line.start + m.end(), line.end]
        elif current is not None:
            current[2] = line.end
    rows = []
    for quarter in range(1, 5):
        month, day = QUARTER_END[quarter]
        row = {"milestone_id": f"{task_id}-q{quarter}", "task_id": task_id, "document_id": doc.document_id,
               "quarter": quarter, "due_date": dt.date(plan_year, month, day)}
        if quarter not in by_quarter:
            doc.note("milestones", row["milestone_id"], "missing_milestone", f"task {label} has no {QUARTER_ZH[quarter]} line",
                     ln.start, ln.end)
            rows.append({**row, "text_zh": None, "source_start": ln.start, "source_end": ln.end})
            continue
        line, start, end = by_quarter[quarter]
        text = doc.span(start, end).strip() or None
        if text is None:
            doc.note("milestones", row["milestone_id"], "empty_milestone", f"task {label} {QUARTER_ZH[quarter]} is empty in the source",
                     line.start, line.end)
        rows.append({**row, "text_zh": text, "source_start": line.start if text is None else start, "source_end": end})
    return rows


def _milestone_notes(doc: SourceDoc, label: str, rows: list[dict]) -> None:
    for i, row in enumerate(rows):
        if row["text_zh"] is None:
            continue
        q = QUARTER_ZH[row["quarter"]]
        # 第二季度:完成受理与初审。  完成专家评审并提出方案报市人才办。 ← two cells run together
        if re.search(r"[。;;]\s{2,}\S", doc.folded[row["source_start"]:row["source_end"]]):
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            hint = (f"; {QUARTER_ZH[nxt['quarter']]} is empty, so the second item may belong there"
                    if nxt is not None and nxt["text_zh"] is None else "")
            doc.note("milestones", row["milestone_id"], "multiple_items_in_milestone",
                     f"task {label} {q} holds two items separated by blank space{hint}", row["source_start"], row["source_end"])
        for earlier in rows[:i]:
            if earlier["text_zh"] == row["text_zh"]:
                doc.note("milestones", row["milestone_id"], "duplicate_milestone_text",
                         f"task {label} {q} repeats the text of {QUARTER_ZH[earlier['quarter']]} word for word",
                         row["source_start"], row["source_end"])
                break


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


def _divisions(doc: SourceDoc, task_id: str, label: str, line: Line, agency_id: str, lookups: Lookups,
               departments: dict[str, dict]) -> list[dict]:
    named = _split_divisions(line.folded)
    if not named:
        raise WhitepaperError(f"{doc.where(line)}: task {label} names no responsible division; expected e.g. 'X处牵头,Y处配合' or 'X处'")
    leads = [name for name, role in named if role == "lead"]
    if len(leads) > 1:
        doc.note("task_departments", task_id, "multiple_leads", f"task {label} names {len(leads)} lead divisions ({'、'.join(leads)}); "
                 "the first is recorded as lead, the others as support", line.start, line.end)
    rows, seen = [], set()
    offset = 0
    for seq, (name, role) in enumerate(named, start=1):
        if role == "lead" and name != leads[0]:
            role = "support"
        slug, name_en = lookups.departments.get((agency_id, name), (None, None))
        known = slug is not None
        taken = {d: row["name_zh"] for d, row in departments.items()}
        department_id = f"{agency_id}-{slug}" if known else unknown_department_id(agency_id, name, taken)
        if not known and department_id not in departments:
            doc.note("departments", department_id, "unknown_department",
                     f"division {name!r} is not in raw/lookups/departments.csv for {agency_id}; English name left empty",
                     line.start, line.end)
        departments.setdefault(department_id, {"department_id": department_id, "agency_id": agency_id, "name_zh": name, "name_en": name_en})
        if department_id in seen:
            doc.note("task_departments", task_id, "repeated_division", f"task {label} names {name} twice; kept once", line.start, line.end)
            continue
        seen.add(department_id)
        at = doc.folded.find(name, line.start + offset, line.end)
        start, end = (at, at + len(name)) if at >= 0 else (line.start, line.end)
        offset = max(offset, end - line.start) if at >= 0 else offset
        rows.append({"task_id": task_id, "department_id": department_id, "role": role, "department_seq": len(rows) + 1,
                     "source_start": start, "source_end": end})
    return rows


def parse_tasks(doc: SourceDoc, lines: list[Line], plan_year: int, agency_id: str, lookups: Lookups) -> dict[str, list[dict]]:
    """Rows of tasks, milestones, targets, departments and task_departments from the lines of section 三."""
    tasks, milestones, targets, links = [], [], [], []
    departments: dict[str, dict] = {}
    for seq, (ln, body) in enumerate(_blocks(doc, lines), start=1):
        printed = NUMBERED.match(ln.folded).group(1)
        label = f"({printed})"
        task_id = f"{doc.document_id}-{seq:02d}"
        if cn_number(printed) != seq:
            doc.note("tasks", task_id, "numbering_out_of_order", f"task {seq} of section 三 is numbered {label}", ln.start, ln.end)
        if not body or QUARTER.match(body[-1].folded):
            where = doc.where(body[-1] if body else ln)
            raise WhitepaperError(f"{where}: task {label} ends without its responsible divisions; "
                              "expected a last line such as 'X处牵头,Y处、Z处配合' or a single division name")
        division_line, body = body[-1], body[:-1]
        head = _header(doc, task_id, ln, body, lookups)
        target_span = head.pop("target_span")
        tasks.append({"task_id": task_id, "document_id": doc.document_id, "task_seq": seq, **head,
                      "source_start": ln.start, "source_end": ln.end})
        first_quarter = next((i for i, b in enumerate(body) if QUARTER.match(b.folded)), len(body))
        rows = _milestones(doc, task_id, label, ln, body[first_quarter:], plan_year)
        _milestone_notes(doc, label, rows)
        milestones += rows
        spans = ([(None, *target_span)] if target_span else []) + [(r["milestone_id"], r["source_start"], r["source_end"])
                                                                   for r in rows if r["text_zh"]]
        targets += _targets(doc, task_id, spans)
        links += _divisions(doc, task_id, label, division_line, agency_id, lookups, departments)
    return {"tasks": tasks, "milestones": milestones, "departments": list(departments.values()),
            "task_departments": links, "targets": targets}
