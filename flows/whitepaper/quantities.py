"""Numbers with units in Chinese prose: 约1.4万亿元, 超过33%, 50个以上, 2-3个, 接近5万人.

Works on folded text (see flows.text.fold) and returns offsets into it, which are offsets into the
canonical text too. Values come out in base units; the words as written stay in the source.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MULTIPLIERS = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
# Longer units first so 人次 wins over 人.
UNITS = ["%", "万元", "亿元", "元", "人次", "户次", "家次", "人", "户", "家", "个", "项", "名", "件", "篇", "所", "套", "台", "辆", "条",
         "座", "批", "款", "种", "场", "份", "宗", "倍", "平方米", "公顷", "亩", "公里", "千米", "吨"]
BEFORE = {  # words before a number and what they make of it: (qualifier, comparator)
    "大约": ("approx", "="), "约": ("approx", "="), "将近": ("nearly", "<"), "接近": ("nearly", "<"),
    "超过": ("over", ">"), "多于": ("over", ">"), "逾": ("over", ">"),
    "不少于": ("at_least", ">="), "不低于": ("at_least", ">="), "至少": ("at_least", ">="),
    "不超过": ("exact", "<="), "不高于": ("exact", "<="),
}
AFTER = {"以上": ("at_least", ">="), "以下": ("exact", "<="), "以内": ("exact", "<="), "左右": ("approx", "=")}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"  # 3,000 is three thousand
_PATTERN = re.compile(
    r"(?P<before>" + "|".join(sorted(BEFORE, key=len, reverse=True)) + r")?"
    r"(?<![\dA-Za-z.])(?P<num>" + _NUM + r")"
    r"(?:\s*[-~至到]\s*(?P<num2>" + _NUM + r"))?"
    r"\s*(?P<mult>万亿|亿|万|千)?"
    r"\s*(?P<unit>" + "|".join(re.escape(u) for u in UNITS) + r")"
    r"(?P<after>" + "|".join(AFTER) + r")?"
)
CLAUSE_BREAK = re.compile(r"[,;。:!?，；：！？\n]")
# Verbs and qualifiers that sit between a metric's name and its number: 占GDP比重提高到4%.
_TRAILING_WORDS = re.compile(r"(?:提高到|提高至|提升到|提升至|增长到|增至|达到|达|为|共|合计|总计|"
                             + "|".join(sorted(BEFORE, key=len, reverse=True)) + r")+$")
_LEADING_WORDS = re.compile(r"^(?:的|了|和|及|并|共|又有|其中|计划|包括)+")
_NEW_IN_YEAR = re.compile(r"^(?:全年新增|全年新认定|全年新引进|全年|新增|新认定|新引进)")
_RELATIVE = ("同比增长", "同比下降", "同比", "增长", "下降")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    qualifier: str
    comparator: str
    metric: str
    is_cumulative: bool


def _base_value(number: str, mult: str | None) -> float:
    value = float(number.replace(",", "")) * MULTIPLIERS.get(mult or "", 1.0)
    return float(round(value, 6))


def find_quantities(folded: str, start: int = 0, end: int | None = None, skip_clause: re.Pattern | None = None) -> list[Quantity]:
    """Every number-with-unit in folded[start:end], with the metric it measures taken from its clause.

    A quantity whose clause matches `skip_clause` is left out (it is context, not a figure).
    """
    end = len(folded) if end is None else end
    matches = list(_PATTERN.finditer(folded, start, end))
    found: list[Quantity] = []
    previous_metric = ""
    for i, m in enumerate(matches):
        clause_start = max((b.end() for b in CLAUSE_BREAK.finditer(folded, start, m.start())), default=start)
        next_break = CLAUSE_BREAK.search(folded, m.end(), end)
        clause_end = next_break.start() if next_break else end
        if skip_clause and skip_clause.search(folded[clause_start:clause_end]):
            continue
        left = max(clause_start, matches[i - 1].end() if i else start)
        right = min(clause_end, matches[i + 1].start() if i + 1 < len(matches) else end)
        prefix, suffix = folded[left:m.start()].strip(), folded[m.end():right].strip()
        qualifier, comparator = "exact", "="
        if m.group("before"):
            qualifier, comparator = BEFORE[m.group("before")]
        if m.group("after"):
            qualifier, comparator = AFTER[m.group("after")]
        if m.group("num2"):
            qualifier, comparator = "exact", "between"
        metric, cumulative = _metric(prefix, suffix, previous_metric, folded[clause_start:m.start()])
        previous_metric = metric
        value = _base_value(m.group("num"), m.group("mult"))
        value_max = _base_value(m.group("num2"), m.group("mult")) if m.group("num2") else None
        if not math.isfinite(value) or (value_max is not None and not math.isfinite(value_max)):
            continue   # digits beyond what a float holds: no figure anyone can compare with, left as text
        found.append(Quantity(
            start=m.start(), end=m.end(), value=value, value_max=value_max,
            unit=m.group("unit"), qualifier=qualifier, comparator=comparator,
            metric=metric, is_cumulative=cumulative,
        ))
    return found


def _metric(prefix: str, suffix: str, previous: str, clause_head: str) -> tuple[str, bool]:
    """Name what a number counts: the noun after it (34个国家和地区) or, failing that, the words before it."""
    cumulative = "累计" in clause_head
    # 35个以上民生科技研发项目的立项工作: the thing counted ends at 的.
    suffix = _LEADING_WORDS.sub("", suffix).split("的")[0].rstrip("、")
    prefix = _TRAILING_WORDS.sub("", _LEADING_WORDS.sub("", prefix)).strip()
    metric = suffix if re.search(r"[\u4e00-\u9fff]", suffix) else prefix
    if metric == suffix and len(suffix) <= 2 and prefix:
        metric = prefix + suffix  # 累计引进45个团队: 团队 alone says too little
    bare = metric.replace("累计", "").strip()
    if not bare and previous:
        # 累计955家 follows 新增…创新载体176家: the same thing, counted since the start.
        metric = "累计" + _NEW_IN_YEAR.sub("", previous.replace("累计", ""))
    elif metric.startswith(_RELATIVE) and previous:
        # 同比增长9.5% follows 产值约1.4万亿元: growth of that figure.
        metric = previous + metric
    return metric or "(unnamed)", cumulative
