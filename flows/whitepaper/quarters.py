"""The quarter lines of a task in section 三: its four milestones.

The template gives each quarter its own line, after the task's title and target:
    第一季度:发布项目申请指南。
    第二季度:完成受理与初审。
Other papers label a quarter 一季度, 第1季度 or Q1, write one line for several quarters
(第一、二季度:制定督导评估方案,完成自评。), run all four into one line
(一季度:完成前期工作。二季度:做好开工准备。三季度:…), or fill a quarter with a placeholder (二季度:—).
"""

from __future__ import annotations

import datetime as dt
import re

from flows.whitepaper.source_doc import Line, SourceDoc, WhitepaperError
from flows.whitepaper.text import cn_number

QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}

_Q = r"[一二三四1-4]"
# Matched on folded text (full-width ：，、 and dashes already folded). The alternatives naming several quarters come
# first, so that 第一、二季度 is not read as a 第一 … line.
_LABEL = (rf"(?:第?\s*(?P<list>{_Q}(?:\s*(?:[、,]|和|及|与)\s*第?\s*{_Q})+)\s*季度"       # 第一、二季度  一、二季度
          rf"|第?\s*(?P<lo>{_Q})\s*(?:至|到|-|~)\s*第?\s*(?P<hi>{_Q})\s*季度"             # 第一至二季度  第1-2季度
          r"|(?P<qlist>[Qq][1-4](?:\s*[、,/]\s*[Qq][1-4])+)"                              # Q1、Q2
          r"|[Qq](?P<qlo>[1-4])\s*(?:至|到|-|~)\s*[Qq]?(?P<qhi>[1-4])"                    # Q1-Q2
          rf"|第?\s*(?P<one>{_Q})\s*季度|[Qq](?P<q>[1-4])"                               # 第一季度  一季度  Q1
          r"|(?P<half>[上下])半年(?=\s*:))")                                            # 上半年:  (with its colon only)
QUARTER = re.compile(rf"{_LABEL}\s*:?\s*")             # used with .match only
# A label inside a line, after the end of the previous quarter's sentence and with its colon:
#   一季度:完成年度项目前期工作,落实建设用地。二季度:做好开工准备。三季度:…
INLINE = re.compile(rf"(?<=[。;,\s])\s*{_LABEL}\s*:\s*")
# What papers print in a quarter that plans nothing: 二季度:— , 第一季度:无 (folding makes —/－ '-', （无） '(无)').
PLACEHOLDER = re.compile(r"^(?:-+|/+|无|暂无|\(无\)|\(暂无\))[。.]?$")


def quarters_of(m: re.Match) -> tuple[int, ...]:
    """The quarters a QUARTER or INLINE match names, in order: 第一、二季度 → (1, 2), Q1-Q3 → (1, 2, 3)."""
    g = m.groupdict()
    if g["list"] or g["qlist"]:
        found = [cn_number(n) for n in re.findall(r"[一二三四1-4]", g["list"] or g["qlist"])]
        return tuple(dict.fromkeys(found))
    if g["lo"] or g["qlo"]:
        lo, hi = cn_number(g["lo"] or g["qlo"]), cn_number(g["hi"] or g["qhi"])
        return tuple(range(lo, hi + 1)) if lo <= hi else (lo, hi)
    if g["half"]:
        return (1, 2) if g["half"] == "上" else (3, 4)
    return (cn_number(g["one"] or g["q"]),)


def _segments(doc: SourceDoc, body: list[Line]) -> list[dict]:
    """One segment per quarter label: the quarters it names, where its label and text are, and how it was written."""
    segments: list[dict] = []
    for line in body:
        m = QUARTER.match(doc.folded, line.start, line.end)
        if m:
            segments.append({"quarters": quarters_of(m), "line": line, "label": (line.start, m.end()),
                             "start": m.end(), "end": line.end, "inline_after": None})
        elif segments:
            segments[-1]["end"] = line.end      # a wrapped line continues its quarter
        else:
            continue
        for i in INLINE.finditer(doc.folded, m.end() if m else line.start, line.end):
            previous = segments[-1]
            previous["end"] = i.start()
            segments.append({"quarters": quarters_of(i), "line": line, "label": (i.start(), i.end()), "start": i.end(),
                             "end": line.end, "inline_after": previous})
    for seg in segments:
        if any(s["inline_after"] is seg for s in segments):
            # 第一季度:…；第二季度:… — the ；/， between two quarters on one line is part of neither
            while seg["end"] > seg["start"] and (doc.folded[seg["end"] - 1].isspace() or doc.folded[seg["end"] - 1] in ";,"):
                seg["end"] -= 1
    return segments


def _label_text(doc: SourceDoc, seg: dict) -> str:
    return doc.span(*seg["label"]).strip().rstrip(":：").strip()


def milestones(doc: SourceDoc, task_id: str, label: str, ln: Line, body: list[Line], plan_year: int) -> list[dict]:
    """Rows of `milestones`, one per quarter 1‥4, from a task's lines from its first quarter label on.

    text_zh is None where the paper gives no line, an empty one or a placeholder (—, 无, …); a line written for several
    quarters gives each of them its text, the same span. Each such reading gets a quality note.
    WhitepaperError when a quarter is named twice.
    """
    by_quarter: dict[int, dict] = {}
    for seg in _segments(doc, body):
        for quarter in seg["quarters"]:
            if quarter in by_quarter:
                raise WhitepaperError(f"{doc.where(seg['line'])}: task {label} has a second {QUARTER_ZH[quarter]} line; "
                                      "expected each quarter once")
            by_quarter[quarter] = seg
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
        seg = by_quarter[quarter]
        start, end, label_start = seg["start"], seg["end"], seg["label"][0]
        text = doc.span(start, end).strip() or None
        if text is not None and PLACEHOLDER.match(doc.folded[start:end].strip()):
            doc.note("milestones", row["milestone_id"], "empty_milestone", f"task {label} {QUARTER_ZH[quarter]} holds only "
                     f"the placeholder {text!r} in the source: nothing planned", label_start, end)
            text = None
        elif text is None:
            doc.note("milestones", row["milestone_id"], "empty_milestone", f"task {label} {QUARTER_ZH[quarter]} is empty in the source",
                     label_start, end)
        _how_written(doc, row["milestone_id"], label, quarter, seg)
        rows.append({**row, "text_zh": text, "source_start": label_start if text is None else start, "source_end": end})
    return rows


def _how_written(doc: SourceDoc, milestone_id: str, label: str, quarter: int, seg: dict) -> None:
    if len(seg["quarters"]) > 1:
        named = "、".join(QUARTER_ZH[q] for q in seg["quarters"])
        doc.note("milestones", milestone_id, "milestone_for_several_quarters",
                 f"task {label} writes one milestone for {named} (labelled {_label_text(doc, seg)!r}, line {seg['line'].number}); "
                 f"the same text is recorded for each of them, {QUARTER_ZH[quarter]} included", seg["label"][0], seg["end"])
    if seg["inline_after"] is not None and quarter == seg["quarters"][0]:
        doc.note("milestones", milestone_id, "quarters_on_one_line",
                 f"task {label} writes {_label_text(doc, seg)!r} inside the line of "
                 f"{_label_text(doc, seg['inline_after'])!r} (line {seg['line'].number}); read from its label on",
                 seg["label"][0], seg["end"])


def milestone_notes(doc: SourceDoc, label: str, rows: list[dict]) -> None:
    """Notes on milestones that read oddly: two items in one quarter, a quarter repeating another's text."""
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
            # 第一、二季度:… gives two rows one span: one statement, noted as milestone_for_several_quarters, no repeat
            if earlier["text_zh"] == row["text_zh"] and earlier["source_start"] != row["source_start"]:
                doc.note("milestones", row["milestone_id"], "duplicate_milestone_text",
                         f"task {label} {q} repeats the text of {QUARTER_ZH[earlier['quarter']]} word for word",
                         row["source_start"], row["source_end"])
                break
