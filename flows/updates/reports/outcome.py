"""What each item of a progress report became, as `whitepaper check` prints it: an update, or a rejection."""

from __future__ import annotations

import pandas as pd

DIVISION_SOURCE = {"named": "named in the report", "task_lead": "not named: the task's lead division",
                   "named_with_agency": "named in the report after the agency's name, read without it"}


def _heading(sources: dict[str, str], report_id: str, start, end) -> str:
    """The first line of the item (its heading, or its table row), short enough for a terminal."""
    text = sources.get(report_id, "")
    lines = text[int(start):int(end)].split("\n") if pd.notna(start) else []
    shown = lines[:1]
    while lines[len(shown):] and len(" | ".join(shown)) < 6:     # a table's 序号 cell alone says little: add the task
        shown.append(lines[len(shown)])
    line = " | ".join(shown).replace("\t", " | ")
    return line if len(line) <= 40 else line[:39] + "…"


def item_lines(updates: pd.DataFrame, rejections: pd.DataFrame, sources: dict[str, str],
               names: dict[str, str] | None = None) -> list[str]:
    """One line per row of a progress report, in file and row order:

    FILE:row N: «item heading» → update_id: task, how it matched, quarter, division, date, status, characters
    FILE:row N: «item heading» → rejected: every reason
    """
    lines = []
    for r in updates[updates["report_id"].notna()].itertuples(index=False):
        division = (names or {}).get(r.department_id, r.department_id)
        lines.append((r.source_file, int(r.source_row),
                      f"«{_heading(sources, r.report_id, r.source_start, r.source_end)}» → {r.update_id}: task "
                      f"{r.task_id} ({r.task_match_method}, wording {r.task_match_score:.0f}), quarter {int(r.quarter)}, "
                      f"{division} ({DIVISION_SOURCE.get(r.department_source, r.department_source)}), reported "
                      f"{r.reported_on}, {r.status_text_zh} → {r.status}; characters {int(r.source_start)}–{int(r.source_end)}"))
    for r in rejections[rejections["report_id"].notna()].itertuples(index=False):
        lines.append((r.source_file, int(r.source_row),
                      f"«{_heading(sources, r.report_id, r.source_start, r.source_end)}» → rejected: {r.reasons}"))
    return [f"{file}:row {row}: {text}" for file, row, text in sorted(lines, key=lambda x: (x[0], x[1]))]
