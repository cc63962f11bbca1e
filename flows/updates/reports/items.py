"""The items of a progress report, in either published shape, with the spans they came from.

Narrative (a district's "重点民生实事进展情况（第二季度）"):

    （三）增加义务教育学位……。（主办单位：区教育局、区工务局）     ← numbered heading repeating the promise
    1.新建学校……                                                   ← progress, one or more paragraphs
    进度评价：按进度完成。                                          ← the report's own verdict

The numbering that carries items is the one whose sections hold an evaluation line: a report may group items
under 一、二、 and number its progress paragraphs 1. 2. 3., but only the items' own numbers (（一）…) are followed,
each, by one evaluation. A table ("工作任务一季度进展情况"): 序号 | 工作任务 | 责任单位 | 一季度目标 |
进展情况、存在问题及下一步打算 | 目标完成情况; a task may span two rows (its cells empty or merged in the second).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.updates.reports.forms import ReportText, Span, Table, _cells
from flows.updates.reports.report_columns import resolve, roles, why
from flows.whitepaper.text import fold

NUMERAL = "一二三四五六七八九十百零〇两"
STYLES = {  # numbering style → pattern of a heading line; group 1 is the number as written
    "paren": re.compile(rf"^\s*([(（]\s*[{NUMERAL}]+\s*[)）])"),
    "paren_digit": re.compile(r"^\s*([(（]\s*\d+\s*[)）])"),    # （1）: a level of its own, under （一） or over 1.
    "dun": re.compile(rf"^\s*([{NUMERAL}]+\s*[、.．])"),
    "arabic": re.compile(r"^\s*(\d+\s*[、.．](?!\d))"),
    "ordinal": re.compile(rf"^\s*(第[{NUMERAL}\d]+(?:项|条|个))"),
}
UNIT_LABEL = r"(?:主办|责任|牵头|承办|实施|协办|配合)(?:单位|部门)"
UNITS_IN_BRACKETS = re.compile(rf"[(（]\s*{UNIT_LABEL}\s*[:：]\s*([^()（）]*)[)）]")
UNITS_LINE = re.compile(rf"^\s*(?:[(（【\[]\s*{UNIT_LABEL}\s*(?:[)）】\]]\s*[:：]?|[:：])|{UNIT_LABEL}\s*[:：])"
                        r"\s*(.*?)[)）]?\s*[。.]?\s*$")
EVALUATION_LABEL = r"(?:(?:进度|进展|工作|总体|完成情况|完成|项目)?(?:评价|评估|评定|自评)|目标完成情况|完成进度)"
# 进度评价：按进度完成。 / 【进度评价】顺利推进 / （进度评价：滞后）
EVALUATION = re.compile(rf"^\s*(?:[【\[(（]\s*{EVALUATION_LABEL}\s*(?:[】\])）]\s*[:：]?|[:：])|{EVALUATION_LABEL}\s*[:：])"
                        r"\s*(.*?)\s*[)）]?\s*$")
# "……已完成招生。（进度评价：按进度完成）": a verdict closing the last paragraph, under a label that says so
EVALUATION_INLINE = re.compile(r"[【\[(（]?\s*(?:进度评价|进展评价|完成情况评价|目标完成情况)\s*[】\])）]?\s*[:：]\s*([^()（）【】]*?)"
                               r"\s*[)）]?\s*[。.]?\s*$")
UNIT_SPLIT = re.compile(r"[、，,；;/]|\s{2,}")


@dataclass(frozen=True)
class Item:
    number: str | None          # as written: （三）, 3, 三、 (None when the row has no number)
    heading: str                # the promise as the report repeats it, the units' brackets included
    units: list[str]            # responsible units as written, one per name
    evaluation: str | None      # the evaluation phrase, trailing punctuation removed; None when there is none
    progress: str               # the progress paragraphs exactly as written (text[progress_span])
    span: Span                  # the whole item: heading to evaluation (table: the row's first to last cell)
    shape: str                  # narrative | table
    remark: str = ""            # a table's 备注 cell as written (kept with the row's cells, not in the note)
    verdict: str = ""           # the whole evaluation as written, its later clauses too
    evaluation_column: bool = True  # False: a table without an evaluation column (完成情况/进度评价)


def units_of(text: str) -> list[str]:
    """区教育局、区工务局 → ['区教育局', '区工务局']; 区教育局；配合单位：区工务局 → the same."""
    text = re.sub(rf"{UNIT_LABEL}\s*[:：]", "、", text)
    return [u.strip(" 。.") for u in UNIT_SPLIT.split(text) if u.strip(" 。.")]


def phrase(text: str) -> str:
    """The evaluation a status is read from: its first clause ("按进度完成，达到预期目标。" → 按进度完成)."""
    return re.split(r"[。．.；;，,！!\n]", text.strip(), maxsplit=1)[0].strip()


CONTRARY = re.compile(r"滞后|延期|延迟|推迟|未完成|未能|未达|未按|尚未|暂停|取消|停止|未启动|未开展")
"""Words of a later clause of an evaluation that say other than a first clause of progress or completion."""
NEGATED = re.compile(r"^(?:无|没有|不存在|未出现|未发生)")     # 已完成，无滞后: the later clause agrees


def contrary_clause(verdict: str) -> str | None:
    """The later clause of an evaluation that gainsays its first (按计划推进，部分滞后 → 部分滞后), else None."""
    clauses = [c.strip() for c in re.split(r"[。．.；;，,！!\n]", verdict) if c.strip()]
    if not clauses or CONTRARY.search(clauses[0]):
        return None
    return next((c for c in clauses[1:] if CONTRARY.search(c) and not NEGATED.match(c)), None)


def evaluation_in(line: str) -> re.Match | None:
    """The evaluation of a (folded) line: a line of its own, or the end of the last progress paragraph."""
    return EVALUATION.match(line) or EVALUATION_INLINE.search(line)


def _style_sections(text: str, lines: list[Span], style: str) -> list[tuple[int, int]]:
    """(first line, end line) of the sections opened by headings of one numbering style."""
    heads = [i for i, (s, e) in enumerate(lines) if STYLES[style].match(fold(text[s:e]))]
    return [(h, heads[k + 1] if k + 1 < len(heads) else len(lines)) for k, h in enumerate(heads)]


def item_style(text: str, lines: list[Span]) -> str | None:
    """The numbering style of the items: most sections with an evaluation, then the highest share of them."""
    best, best_key = None, (0, 0.0)
    for style in STYLES:
        sections = _style_sections(text, lines, style)
        with_eval = sum(any(evaluation_in(fold(text[s:e])) for s, e in lines[a + 1:b]) for a, b in sections)
        key = (with_eval, with_eval / len(sections) if sections else 0.0)
        if with_eval and key > best_key:
            best, best_key = style, key
    return best


def narrative_items(report: ReportText) -> list[Item]:
    text, lines = report.text, report.lines()
    style = item_style(text, lines)
    if style is None:
        return []
    items = []
    for a, b in _style_sections(text, lines, style):
        (hs, he), body = lines[a], lines[a + 1:b]
        heading = text[hs:he]
        m = STYLES[style].match(fold(heading))
        number = heading[m.start(1):m.end(1)]      # fold keeps lengths: the number as written
        units = [u for m in UNITS_IN_BRACKETS.finditer(heading) for u in units_of(m.group(1))]
        evaluation, verdict, end, progress = None, "", he, []
        for s, e in body:
            line = fold(text[s:e])
            if m := evaluation_in(line):
                verdict = text[s + m.start(1):s + m.end(1)]
                evaluation, end = phrase(verdict) or None, e
                if m.start() > 0 and text[s:s + m.start()].strip():     # the verdict closes a progress paragraph
                    progress.append((s, s + len(text[s:s + m.start()].rstrip())))
                break
            if (m := UNITS_LINE.match(line)) and not units:
                units, end = units_of(text[s + m.start(1):s + m.end(1)]), e
                continue
            progress.append((s, e))
            end = e
        # no evaluation line: the item ends at the next one, and its row is rejected for the missing status
        progress_text = text[progress[0][0]:progress[-1][1]] if progress else ""
        items.append(Item(number.strip(), heading, units, evaluation, progress_text, (hs, end), "narrative", verdict=verdict))
    return items


def _columns(text: str, row: list[Span | None], below: list[list[Span | None]] | None = None) -> dict[str, list[int]] | None:
    """Columns of each role in a header row, or None when the row is not the header of a progress table; below:
    the rows under it, which decide a 完成情况 column's role where its header alone does not."""
    return resolve(roles(text, row), text, below)


def table_trouble(report: ReportText) -> str | None:
    """Why the report's table is not read as a progress table, when a row of it names a task column and a
    progress or evaluation column of some kind (完成情况 beside 目标完成情况 holding verdicts only…); else None."""
    text = report.text
    for table in _tables(report):
        for k, row in enumerate(table.rows):
            found = roles(text, row)
            if "heading" in found and {"progress", "evaluation", "completion"} & set(found):
                return None if _columns(text, row, table.rows[k + 1:]) else why(text, row, found)
    for s, e in report.lines():                    # a header line with neither: 工作任务 | 责任单位 | 完成时限
        found = roles(text, cells := _cells(text, s, e))
        if len(cells) >= 3 and "heading" in found and {"evaluation", "completion"} & set(found):
            return why(text, cells, found)
    return None


def _cell(row: list[Span | None], columns: list[int]) -> Span | None:
    return next((row[c] for c in columns if c < len(row) and row[c] is not None), None)


GROUP_LINE = 40
"""Longest line between two parts of a table read as a group row of it (二、民生实事), not as the table's end."""


def _tables(report: ReportText) -> list[Table]:
    """The report's tables, a table broken by a line of its own kept whole: in page text a group row
    (二、民生实事, one cell, so no separator) or a header whose table starts after it splits the run of tabbed lines;
    a short line between two tables is read as a group row of one table, a tabbed line beside a table as its row."""
    text, tables, rows, pending = report.text, [], None, []
    for block in report.blocks:
        if isinstance(block, Table):
            rows = (rows or []) + pending + block.rows
            pending = []
            continue
        s, e = block
        cells = _cells(text, s, e)
        if len(cells) >= 3 and (rows is not None or _columns(text, cells)):   # a tabbed line left alone: a row
            rows = (rows or []) + pending + [cells]
            pending = []
        elif rows is not None and e - s <= GROUP_LINE and len(pending) < 2:
            pending.append([block])                          # a group row, if the table goes on after it
        elif rows is not None:
            tables.append(Table(rows))
            rows, pending = None, []
    return tables + ([Table(rows)] if rows is not None else [])


def _group_row(row: list[Span | None]) -> bool:
    """A row that is one cell (二、民生实事 across the table, or alone in its row): a heading of the rows under it."""
    return len({c for c in row if c is not None}) == 1 and (len(row) == 1 or sum(c is not None for c in row) != 1
                                                             or row[0] is not None)


def table_items(report: ReportText) -> list[Item]:
    text = report.text
    items: list[Item] = []
    for table in _tables(report):
        columns, carried = None, {}
        for k, row in enumerate(table.rows):
            if columns is None or (header := _columns(text, row, table.rows[k + 1:])):   # the header, or repeated
                header = _columns(text, row, table.rows[k + 1:])   # a second header row (牵头 | 配合) adds nothing
                columns = header if columns is None or (header and set(header) >= set(columns)) else columns
                continue
            if _group_row(row):
                carried = {}                                 # the rows under it are new tasks, never the one above
                continue
            cell = {role: _cell(row, cols) for role, cols in columns.items() if role != "units"}
            unit_cells = [row[c] for c in columns.get("units", []) if c < len(row) and row[c] is not None]
            if cell.get("heading") is not None:          # a new task; else the task above spans this row
                carried = {"number": cell.get("number"), "heading": cell["heading"], "units": unit_cells}
            elif not carried:                # a report under no task (first in its group): an item naming none,
                carried = {"number": cell.get("number"), "heading": None, "units": []}   # rejected as such
            unit_cells = unit_cells or carried["units"]
            if not unit_cells and carried["heading"]:    # 增加学位（主办单位：区教育局） in the task cell itself
                unit_cells = [(carried["heading"][0] + m.start(1), carried["heading"][0] + m.end(1))
                              for m in UNITS_IN_BRACKETS.finditer(text[carried["heading"][0]:carried["heading"][1]])]
            if cell.get("progress") is None and cell.get("evaluation") is None:
                continue                                   # a row with neither progress nor evaluation is no report
            number, heading, progress, evaluation = carried["number"], carried["heading"], cell.get("progress"), cell.get("evaluation")
            spans = [s for s in (number, heading, progress, evaluation, *unit_cells, *row) if s]
            items.append(Item(text[number[0]:number[1]] if number else None, text[heading[0]:heading[1]] if heading else "",
                              [u for s, e in unit_cells for u in units_of(text[s:e])],
                              (phrase(text[evaluation[0]:evaluation[1]]) or None) if evaluation else None,
                              text[progress[0]:progress[1]] if progress else "",
                              (min(s for s, _ in spans), max(e for _, e in spans)), "table",
                              text[slice(*cell["remark"])] if cell.get("remark") else "",
                              text[slice(*evaluation)] if evaluation else "", "evaluation" in columns))
    return items


def report_items(report: ReportText) -> list[Item]:
    """The table shape when the report holds a progress table, else the narrative shape."""
    return table_items(report) or narrative_items(report)
