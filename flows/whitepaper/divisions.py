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
_KIND = r"(?:部门|单位|处室)"
LIST_PREFIX = re.compile(r"责任(?:部门|单位|处室)\s*:\s*")
# 牵头:基础教育处  配合单位:德育处 — a label starts a group wherever it stands: after , ; as the template's lists do,
# or after a space or 。 (牵头:A处  配合:B处、C处 / 牵头单位:A处。配合单位:B处)
ROLE_LABEL = re.compile(rf"(?P<joint>共同)?(?P<role>{_ROLE}){_KIND}?\s*:\s*")
ROLE_AFTER = re.compile(rf"(?P<joint>共同)?(?P<role>{_ROLE})$")                          # 规划处牵头  A处和B处共同牵头
ROLE_IN_PARENS = re.compile(rf"\(\s*(?P<joint>共同)?(?P<role>{_ROLE}){_KIND}?\s*\)$")   # 职业教育处(牵头)  A处(牵头单位)
# A group also ends after a role word followed by a space or 。 and more names: 'A处牵头 B处配合', 'A处牵头。B处配合'
ROLE_THEN_GAP = re.compile(rf"(?:{_ROLE})(?=[\s。]+[^\s。:])")
# 市财政委、市人才办等配合: the list is open-ended; the name is 市人才办 (open_ended_division_list)
ETC = re.compile(r"等(?:相关)?(?:部门|单位|处室)?$")
# How the name of a division or another body ends. 和/及/与 splits a list only between two such names:
# 计划财务处和学前教育处 is two divisions, 人力资源和社会保障局 one bureau (人力资源 ends like no division).
DIVISION_END = re.compile(r"(?:处|科|室|局|中心|办|委|所|站|队|部|院|会|组|馆|司|厅|府|区|署|社|校|协|联|海关|机关|集团|共青团"
                          r"|银行|电视台|气象台|电台)$")      # 室: 办公室, 会: 委员会 协会 学会, 队: 总队 支队, 院: 法院 检察院
CONJUNCTIONS = "和及与"


@dataclass(frozen=True)
class Named:
    start: int               # offsets of the name in the text split
    end: int
    role: str | None         # lead, support, or None where the list says nothing
    joined_by: str | None    # 和, 及 or 与 when the name was split from the one before it on that word
    joint: bool = False      # 共同牵头: one of several named together for the role (joint_lead)
    etc_end: int | None = None   # 市人才办等: the end of the 等… after the name (open_ended_division_list)


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


def _groups(text: str, pos: int) -> list[tuple[int, int]]:
    """(start, end) of each run of names sharing a role: cut at , and ;, before a label (配合:) and after a role word
    followed by a space or 。 (A处牵头 B处配合), whatever separates the groups."""
    groups = []
    for piece in re.finditer(r"[^,;]+", text[pos:]):
        p_start, p_end = pos + piece.start(), pos + piece.end()
        cuts = {m.start() for m in ROLE_LABEL.finditer(text, p_start, p_end)} | {
            m.end() for m in ROLE_THEN_GAP.finditer(text, p_start, p_end)}
        bounds = sorted(cuts | {p_start, p_end})
        groups += [(s, e) for s, e in zip(bounds, bounds[1:]) if e > s]
    return groups


def split_divisions(text: str) -> list[Named]:
    """The names in a folded division line, in order, with the role its words give each (None if none).

    'A牵头,B、C配合' → A lead, B and C support; '牵头:A;配合:B', '牵头:A 配合:B' and 'A(牵头)、B(配合单位)' likewise;
    'A和B共同牵头' → A and B lead, joint.
    """
    named: list[Named] = []
    pos = m.end() if (m := LIST_PREFIX.match(text)) else 0
    for g_start, g_end in _groups(text, pos):
        role, joint = None, False
        while g_end > g_start and (text[g_end - 1].isspace() or text[g_end - 1] == "。"):
            g_end -= 1
        if label := ROLE_LABEL.match(text, g_start, g_end):
            role, joint, g_start = _role(label.group("role")), bool(label.group("joint")), label.end()
        if after := ROLE_AFTER.search(text[g_start:g_end]):
            role, joint = role or _role(after.group("role")), joint or bool(after.group("joint"))
            g_end = g_start + after.start()
        for name in re.finditer(r"[^、/\s。]+", text[g_start:g_end]):
            n_start, n_end, name_role, name_joint = g_start + name.start(), g_start + name.end(), role, joint
            if own := ROLE_IN_PARENS.search(text, n_start, n_end):
                name_role, name_joint, n_end = _role(own.group("role")), bool(own.group("joint")), own.start()
                if n_end == n_start and named:      # 职业教育处 (牵头): the role, spaced off, is the last name's
                    named[-1] = replace(named[-1], role=name_role, joint=name_joint)
            etc_end = None
            if etc := ETC.search(text, n_start, n_end):
                etc_end, n_end = n_end, etc.start()
            pieces = [(s, e, joined) for s, e, joined in _split_on_conjunction(text, n_start, n_end) if e > s]
            named += [Named(s, e, name_role, joined, name_joint, etc_end if i == len(pieces) - 1 else None)
                      for i, (s, e, joined) in enumerate(pieces)]
    return named


def _list_notes(doc: SourceDoc, task_id: str, label: str, line: Line, named: list[Named], names: list[str],
                roles: list[str]) -> None:
    """Notes on a list that says more than its rows can: 共同牵头 (joint_lead), 等 (open_ended_division_list)."""
    for role in ("lead", "support"):
        joint = [name for n, name, r in zip(named, names, roles) if n.joint and r == role]
        if len(joint) > 1:
            kept = "the first is recorded as lead, the others as support (multiple_leads)" if role == "lead" else "all are support"
            doc.note("task_departments", task_id, "joint_lead" if role == "lead" else "joint_support",
                     f"task {label} names {'、'.join(joint)} jointly (共同{'牵头' if role == 'lead' else '配合'}); "
                     f"a task has one lead division, so {kept}", line.start, line.end)
    for n, name in zip(named, names):
        if n.etc_end is not None:
            doc.note("task_departments", task_id, "open_ended_division_list",
                     f"task {label}: the list of divisions ends {doc.span(n.start, n.etc_end)!r}: open-ended (等, 'and others'); "
                     f"the divisions it leaves unnamed have no row, and the name is read as {name!r}", n.start, n.etc_end)


def task_divisions(doc: SourceDoc, task_id: str, label: str, line: Line, agency_id: str, lookups: Lookups,
                   departments: dict[str, dict]) -> list[dict]:
    """Rows of `task_departments` for one task's division line; new divisions are added to `departments`.

    An unmarked list leads with its first name. WhitepaperError when the line names no division.
    """
    named = [replace(n, start=line.start + n.start, end=line.start + n.end, etc_end=n.etc_end and line.start + n.etc_end)
             for n in split_divisions(line.folded)]
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
    _list_notes(doc, task_id, label, line, named, names, roles)
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
