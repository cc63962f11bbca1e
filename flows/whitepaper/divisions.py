"""The responsible-divisions cell of a task (the last line of its block): divisions and their roles.

The template writes
    创新支撑处牵头,创新服务处、社会发展处配合
and other agencies' papers
    牵头:基础教育处;配合:德育处、体卫艺处          ← labelled lists, in either order
    职业教育处(牵头)、高等教育处(配合)            ← the role after each name
    基建处牵头,计划财务处和学前教育处配合          ← 和/及/与 between two divisions
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from flows.whitepaper.lookups import Lookups, unknown_department_id
from flows.whitepaper.source_doc import Line, SourceDoc, WhitepaperError

LEAD_WORDS = ("牵头", "主办", "负责")
SUPPORT_WORDS = ("配合", "协办", "协助", "参与")
_ROLE = "|".join(LEAD_WORDS + SUPPORT_WORDS)
LIST_PREFIX = re.compile(r"责任(?:部门|单位|处室)\s*:\s*")
ROLE_LABEL = re.compile(rf"({_ROLE})(?:部门|单位|处室)?\s*:\s*")    # 牵头:基础教育处  配合单位:德育处
ROLE_AFTER = re.compile(rf"({_ROLE})$")                            # 规划处牵头
ROLE_IN_PARENS = re.compile(rf"\(\s*({_ROLE})\s*\)$")              # 职业教育处(牵头)
# How the name of a division or another body ends. 和/及/与 splits a list only between two such names:
# 计划财务处和学前教育处 is two divisions, 人力资源和社会保障局 one bureau (人力资源 ends like no division).
DIVISION_END = re.compile(r"(?:处|科|室|局|中心|办|委|所|站|队|部|院|会|组|馆|司|厅|府|区)$")
CONJUNCTIONS = "和及与"


@dataclass(frozen=True)
class Named:
    start: int               # offsets of the name in the text split
    end: int
    role: str | None         # lead, support, or None where the list says nothing
    joined_by: str | None    # 和, 及 or 与 when the name was split from the one before it on that word


def _role(word: str | None) -> str | None:
    return None if word is None else "lead" if word in LEAD_WORDS else "support"


def _split_on_conjunction(text: str, start: int, end: int) -> list[tuple[int, int, str | None]]:
    """'计划财务处和学前教育处' → its two names; a name that only contains 和 stays whole."""
    pieces, cut, joined = [], start, None
    for at in range(start + 1, end - 1):
        if text[at] in CONJUNCTIONS and DIVISION_END.search(text[cut:at]) and DIVISION_END.search(text[at + 1:end]):
            pieces.append((cut, at, joined))
            cut, joined = at + 1, text[at]
    return pieces + [(cut, end, joined)]


def split_divisions(text: str) -> list[Named]:
    """The names in a folded division line, in order, with the role its words give each (None if none).

    'A牵头,B、C配合' → A lead, B and C support; '牵头:A;配合:B' and 'A(牵头)、B(配合)' likewise.
    """
    named: list[Named] = []
    pos = m.end() if (m := LIST_PREFIX.match(text)) else 0
    for group in re.finditer(r"[^,;]+", text[pos:]):
        g_start, g_end = pos + group.start(), pos + group.end()
        role = None
        if label := ROLE_LABEL.match(text, g_start, g_end):
            role, g_start = _role(label.group(1)), label.end()
        if after := ROLE_AFTER.search(text[g_start:g_end].rstrip()):
            role = role or _role(after.group(1))
            g_end = g_start + after.start()
        for name in re.finditer(r"[^、/\s]+", text[g_start:g_end]):
            n_start, n_end, name_role = g_start + name.start(), g_start + name.end(), role
            if own := ROLE_IN_PARENS.search(text, n_start, n_end):
                name_role, n_end = _role(own.group(1)), own.start()
                if n_end == n_start and named:      # 职业教育处 (牵头): the role, spaced off, is the last name's
                    named[-1] = replace(named[-1], role=name_role)
            named += [Named(s, e, name_role, joined) for s, e, joined in _split_on_conjunction(text, n_start, n_end) if e > s]
    return named


def task_divisions(doc: SourceDoc, task_id: str, label: str, line: Line, agency_id: str, lookups: Lookups,
                   departments: dict[str, dict]) -> list[dict]:
    """Rows of `task_departments` for one task's division line; new divisions are added to `departments`.

    An unmarked list leads with its first name. WhitepaperError when the line names no division.
    """
    named = [Named(line.start + n.start, line.start + n.end, n.role, n.joined_by) for n in split_divisions(line.folded)]
    if not named:
        raise WhitepaperError(f"{doc.where(line)}: task {label} names no responsible division; expected e.g. 'X处牵头,Y处配合' or 'X处'")
    for before, n in zip(named, named[1:]):
        if n.joined_by:
            doc.note("task_departments", task_id, "division_list_split_on_conjunction",
                     f"task {label}: {doc.span(before.start, n.end)!r} is read as two divisions, {doc.span(before.start, before.end)} "
                     f"and {doc.span(n.start, n.end)}, split on {n.joined_by!r}; if it is one division's name, "
                     "it has to be read whole", before.start, n.end)
    roles = [n.role or ("lead" if i == 0 else "support") for i, n in enumerate(named)]
    names = [doc.span(n.start, n.end) for n in named]
    leads = [name for name, role in zip(names, roles) if role == "lead"]
    if len(leads) > 1:
        doc.note("task_departments", task_id, "multiple_leads", f"task {label} names {len(leads)} lead divisions ({'、'.join(leads)}); "
                 "the first is recorded as lead, the others as support", line.start, line.end)
    rows, seen = [], set()
    for n, name, role in zip(named, names, roles):
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
        rows.append({"task_id": task_id, "department_id": department_id, "role": role, "department_seq": len(rows) + 1,
                     "source_start": n.start, "source_end": n.end})
    return rows
