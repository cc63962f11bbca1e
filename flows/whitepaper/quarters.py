"""The quarter lines of a task in section 三: its four milestones.

The template gives each quarter its own line, after the task's title and target:
    第一季度:发布项目申请指南。
    第二季度:完成受理与初审。
Other papers label a quarter 一季度, 第1季度 or Q1, write one line for several quarters
(第一、二季度:制定督导评估方案,完成自评。 第一季度—第二季度:… — the milestone of the last quarter named, due by its
end, as 1-6月: is; the quarters before it get none), run all four into one line
(一季度:完成前期工作。二季度:做好开工准备。三季度:…), fill a quarter with a placeholder (二季度:—, 本季度无计划, …),
label by months (1-3月:, 1-6月: — the quarter the range ends in, as a quarter's milestone is due by its end), or add
a line for the whole year (全年:…), which is no quarter's milestone (whole_year_lines; tasks.py reads it).
"""

from __future__ import annotations

import datetime as dt
import re

from flows.whitepaper.source_doc import Line, SourceDoc, WhitepaperError
from flows.whitepaper.text import cn_number

QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
QUARTER_ZH = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}

_Q = r"[一二三四1-4]"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DASH = r"(?:至|到|-+|~)"
# Matched on folded text (full-width ：，、 and dashes already folded). The alternatives naming several quarters come
# first, so that 第一、二季度 is not read as a 第一 … line.
_LABEL = (rf"(?:第?\s*(?P<list>{_Q}(?:\s*(?:[、,]|和|及|与)\s*第?\s*{_Q})+)\s*季度"       # 第一、二季度  一、二季度
          rf"|第?\s*(?P<lo>{_Q})\s*(?:季度)?\s*{_DASH}\s*第?\s*(?P<hi>{_Q})\s*季度"      # 第一至二季度  1-2季度  第一季度—第二季度
          r"|(?P<qlist>[Qq][1-4](?:\s*[、,/]\s*[Qq][1-4])+)"                              # Q1、Q2
          rf"|[Qq](?P<qlo>[1-4])\s*{_DASH}\s*[Qq]?(?P<qhi>[1-4])"                        # Q1-Q2
          rf"|(?P<mlo>{_MONTH})\s*(?:月份?)?\s*{_DASH}\s*(?P<mhi>{_MONTH})\s*月份?(?=\s*:)"  # 1-3月:  1-6月:  (with its colon)
          rf"|第?\s*(?P<one>{_Q})\s*季度|[Qq](?P<q>[1-4])"                               # 第一季度  一季度  Q1
          r"|(?P<half>[上下])半年(?=\s*:)"                                               # 上半年:  (with its colon only)
          r"|(?P<year>全年度?)(?=\s*:))")                                                # 全年:  no quarter's: whole_year_lines
QUARTER = re.compile(rf"{_LABEL}\s*:?\s*")             # used with .match only
# A label inside a line, after the end of the previous quarter's sentence and with its colon:
#   一季度:完成年度项目前期工作,落实建设用地。二季度:做好开工准备。三季度:…
INLINE = re.compile(rf"(?<=[。;,\s])\s*{_LABEL}\s*:\s*")
# What papers print in a quarter that plans nothing: 二季度:— , 第一季度:无 (folding makes —/－ '-', （无） '(无)').
# Also 本季度无计划, 暂不安排, … (an ellipsis for an empty cell).
PLACEHOLDER = re.compile(r"^(?:-+|/+|…+|\.{3,}|。{3,}|无|暂无|\(无\)|\(暂无\)"
                         r"|(?:本季度|该季度)(?:暂无|无)|(?:本季度|该季度)?(?:暂无|无|暂不|不)(?:计划|安排|任务|工作安排|工作计划|工作任务))[。.]?$")


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
    if g["year"]:
        return ()
    if g["mhi"]:
        return ((cn_number(g["mhi"]) - 1) // 3 + 1,)     # 1-6月: by the end of June, 第二季度 (month_range_label)
    return (cn_number(g["one"] or g["q"]),)


def months_of(m: re.Match) -> tuple[int, int] | None:
    """The months a label 1-6月 names, (1, 6); None for a label naming quarters."""
    return (cn_number(m.group("mlo")), cn_number(m.group("mhi"))) if m.group("mhi") else None


def _segments(doc: SourceDoc, body: list[Line]) -> list[dict]:
    """One segment per quarter label: the quarters it names, where its label and text are, and how it was written."""
    segments: list[dict] = []
    for line in body:
        m = QUARTER.match(doc.folded, line.start, line.end)
        if m:
            segments.append({"quarters": quarters_of(m), "months": months_of(m), "line": line, "label": (line.start, m.end()),
                             "start": m.end(), "end": line.end, "inline_after": None})
        elif segments:
            segments[-1]["end"] = line.end      # a wrapped line continues its quarter
        else:
            continue
        for i in INLINE.finditer(doc.folded, m.end() if m else line.start, line.end):
            previous = segments[-1]
            previous["end"] = i.start()
            segments.append({"quarters": quarters_of(i), "months": months_of(i), "line": line, "label": (i.start(), i.end()),
                             "start": i.end(), "end": line.end, "inline_after": previous})
    for seg in segments:
        if any(s["inline_after"] is seg for s in segments):
            # 第一季度:…；第二季度:… — the ；/， between two quarters on one line is part of neither
            while seg["end"] > seg["start"] and (doc.folded[seg["end"] - 1].isspace() or doc.folded[seg["end"] - 1] in ";,"):
                seg["end"] -= 1
    return segments


def whole_year_lines(doc: SourceDoc, body: list[Line]) -> list[tuple[Line, int, int, int]]:
    """(line, label start, text start, end) of each 全年: line among a task's quarter lines: no quarter's milestone, so
    milestones() leaves it out (it ends the quarter before it); tasks.py reads it as the target or notes it."""
    return [(seg["line"], seg["label"][0], seg["start"], seg["end"]) for seg in _segments(doc, body) if not seg["quarters"]]


def _label_text(doc: SourceDoc, seg: dict) -> str:
    return doc.span(*seg["label"]).strip().rstrip(":：").strip()


def milestones(doc: SourceDoc, task_id: str, label: str, ln: Line, body: list[Line], plan_year: int) -> list[dict]:
    """Rows of `milestones`, one per quarter 1‥4, from a task's lines from its first quarter label on.

    text_zh is None where the paper gives no line, an empty one or a placeholder (—, 无, …). A line written for several
    quarters (第一、二季度:X) is the milestone of the last of them, due by its end, as a label 1-6月: is; the quarters
    before it get no text from it (nothing due, as an empty quarter). Each such reading gets a quality note.
    WhitepaperError when a quarter is named twice.
    """
    by_quarter: dict[int, dict] = {}
    for seg in _segments(doc, body):
        for quarter in seg["quarters"]:      # none for a 全年: line (whole_year_lines)
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
        if quarter != max(seg["quarters"]):
            text = None      # 第一、二季度:X — X is due by the end of 第二季度; 第一季度 plans nothing of its own
        elif text is not None and PLACEHOLDER.match(doc.folded[start:end].strip()):
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
        final = max(seg["quarters"])        # the last named: 第一、二季度 → 第二季度, Q1-Q3 → 第三季度
        earlier = "、".join(QUARTER_ZH[q] for q in seg["quarters"] if q != final)
        one = len(seg["quarters"]) == 2
        doc.note("milestones", milestone_id, "milestone_for_several_quarters",
                 f"task {label} writes {doc.span(seg['label'][0], seg['end']).strip()!r} (line {seg['line'].number}): "
                 f"written for {earlier} and {QUARTER_ZH[final]}: due at the end of {QUARTER_ZH[final]}; {earlier} "
                 f"{'has' if one else 'have'} no milestone of {'its' if one else 'their'} own", seg["label"][0], seg["end"])
    last = QUARTER_END[quarter][0]
    if seg["months"] and seg["months"] != (last - 2, last):      # 4-6月 is 第二季度 in other words: no note
        lo, hi = seg["months"]
        due = "by the end of it, as the source says" if hi == last else f"by its end, where the source says by the end of {hi}月"
        before = "; the quarters before it get no text of their own from this line" if lo <= last - 3 else ""
        doc.note("milestones", milestone_id, "month_range_label",
                 f"task {label} labels a milestone {_label_text(doc, seg)!r} (months {lo} to {hi}, line {seg['line'].number}): "
                 f"read as the milestone of {QUARTER_ZH[quarter]}, the quarter the range ends in, due {due}{before}",
                 seg["label"][0], seg["end"])
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
            if earlier["text_zh"] == row["text_zh"] and earlier["source_start"] != row["source_start"]:
                doc.note("milestones", row["milestone_id"], "duplicate_milestone_text",
                         f"task {label} {q} repeats the text of {QUARTER_ZH[earlier['quarter']]} word for word",
                         row["source_start"], row["source_end"])
                break
