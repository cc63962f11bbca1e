"""The update format: its columns in English and Chinese, and the spellings a cell may use for each value.

This is the contract divisions and scripts write to (raw/updates/README.md describes it for them). Pure:
text in, a value or the Problem with it out; nothing here needs the white paper.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import unicodedata
import urllib.parse
from pathlib import Path

from flows import paths
from flows.updates.read import FileProblem, Problem
from flows.whitepaper.text import cn_number

COLUMNS: dict[str, tuple[str, bool]] = {  # column: (Chinese header also accepted, required)
    "task": ("任务", True),
    "quarter": ("季度", True),
    "department": ("责任部门", True),
    "reported_on": ("报告日期", True),
    "status": ("状态", True),
    "percent_complete": ("完成比例", False),
    "actual_value": ("实际值", False),
    "evidence_url": ("佐证链接", False),
    "note": ("备注", False),
}
INFO_COLUMNS = {"task_title": "任务名称", "milestone_text": "进度内容", "role": "角色", "due_date": "到期日", "target": "量化目标"}
"""Read-only columns the template adds for the person filling it in; ignored when read back."""
MULTIPLIERS = {"万亿": 1e12, "亿": 1e8, "万": 1e4}
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                  r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>\.\d+)?)?"
                  r"(?:Z|[+-](?P<offset_hour>\d{2}):?(?P<offset_minute>\d{2}))?)?$")
"""A date as written; a time of day after it (2014-06-30 10:30, 2014-06-30T17:00:00+08:00 from a script) is
ignored once it is found to be a time that exists (time_problem): 2014-6-22 25:99 is no report's date."""
DATE_SPELLINGS = ("write 2014-06-30, 2014/6/30 or 2014年6月30日, optionally followed by a time of day (10:30, 10:30:00 "
                  "or 2014-06-30T10:30:00+08:00), which is ignored")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([^\d\s.]*)$")
QUARTER = re.compile(r"^(?:Q\s*(\d+)|第?\s*([一二三四五六七八九十\d]+)\s*(?:季度)?)$")


def folded(text: str) -> str:
    """Full-width digits, letters and punctuation made ASCII (５０％ → 50%), outer spaces removed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", folded(name).lower())


HEADER_NAMES = {**{header_key(c): c for c in COLUMNS}, **{header_key(zh): c for c, (zh, _) in COLUMNS.items()}}
INFO_NAMES = {header_key(n) for pair in INFO_COLUMNS.items() for n in pair}


def accepted_headers() -> str:
    return ", ".join(f"{c}/{zh}" for c, (zh, _) in COLUMNS.items())


def map_columns(header: list[str]) -> tuple[dict[str, str], list[str]] | FileProblem:
    """(column of the format → header as written, unknown headers), or why the header is not the update format's."""
    found: dict[str, str] = {}
    unknown = []
    for name in header:
        key = header_key(name)
        column = HEADER_NAMES.get(key)
        if column is None:
            if key and key not in INFO_NAMES:
                unknown.append(name)
            continue
        if column in found:
            return FileProblem("duplicate_column", f"columns {found[column]!r} and {name!r} both give {column}; keep one")
        found[column] = name
    if not found:
        shown = ", ".join(repr(h) for h in header[:6])
        filled = [h for h in header if h.strip()]
        title = "; it looks like a title: delete the rows above the header, so that the header is the first row" \
            if len(filled) == 1 else ""
        return FileProblem("not_a_table", f"the first row ({shown}) is not the update header{title}; expected the "
                           f"columns {accepted_headers()}")
    missing = [f"{c} ({zh})" for c, (zh, required) in COLUMNS.items() if required and c not in found]
    if missing:
        return FileProblem("missing_column", f"required column missing: {', '.join(missing)}; the header must name "
                           f"{', '.join(c for c, (_, r) in COLUMNS.items() if r)} (English or Chinese)")
    return found, unknown


def load_statuses(lookups: Path = paths.LOOKUPS) -> dict[str, str]:
    """Accepted spelling (folded, lower case, _ for spaces) → status code, from raw/lookups/statuses.csv."""
    with open(lookups / "statuses.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {header_key(spelling): row["code"] for row in rows if row["is_reportable"].strip() == "true"
            for spelling in row["accepted_values"].split("|") if spelling.strip()}


def parse_quarter(text: str) -> int | Problem:
    value = folded(text).upper()
    m = QUARTER.fullmatch(value)
    number = None
    if m:
        digits = m.group(1) or m.group(2)
        try:
            number = int(digits) if digits.isdigit() else cn_number(digits)
        except ValueError:   # digits and numerals mixed (一1): one bad cell, not a file that cannot be checked
            number = None
    if number is None:
        return Problem("bad_quarter", f"quarter {text.strip()!r} is not understood; write 1–4, Q1–Q4 or 第一季度…第四季度")
    if not 1 <= number <= 4:
        return Problem("quarter_out_of_range", f"quarter out of range: {text.strip()!r} is not a quarter 1–4")
    return number


def parse_date(text: str) -> dt.date | Problem:
    """The day a cell names (DATE or COMPACT_DATE), or Problem bad_date naming the text and the spellings accepted:
    not understood, a day not in the calendar, or a time of day after it that does not exist."""
    value = folded(text)
    m = DATE.fullmatch(value) or COMPACT_DATE.fullmatch(value)
    try:
        if m:
            day = dt.date(*map(int, m.groups()[:3]))
            if m.re is DATE and (wrong := time_problem(m)):
                return Problem("bad_date", f"date {text.strip()!r} has a time of day that does not exist ({wrong}); "
                               f"{DATE_SPELLINGS}")
            return day
    except ValueError:
        return Problem("bad_date", f"date {text.strip()!r} does not exist in the calendar")
    if serial := excel_serial_day(value):
        return Problem("bad_date", f"date {text.strip()!r} is not understood: it looks like an Excel date number "
                       f"({value} is {serial:%Y-%m-%d}), which a cell formatted as General or Number shows; format "
                       f"the cell as a date, or {DATE_SPELLINGS}")
    return Problem("bad_date", f"date {text.strip()!r} is not understood; {DATE_SPELLINGS}")


def excel_serial_day(value: str) -> dt.date | None:
    """The day an Excel date number names (41912 → 2014-09-30, counted from 1899-12-30), for numbers that are days
    of 1982–2064 (30000–60000): only to name it in the message, never to accept it, as the same digits in a CSV
    may be anything."""
    m = re.fullmatch(r"(\d{5})(?:\.\d+)?", value)
    if not m or not 30000 <= int(m.group(1)) <= 60000:
        return None
    return dt.date(1899, 12, 30) + dt.timedelta(days=int(m.group(1)))


def time_problem(m: re.Match) -> str | None:
    """What is impossible in the time of day a DATE match holds (hour 25, minute 99…), or None (no time, or one that
    exists: 00:00–23:59:59, 24:00 or 24:00:00 for the end of the day as ISO 8601 allows, an offset up to ±14:00)."""
    if m.group("hour") is None:
        return None
    hour, minute = int(m.group("hour")), int(m.group("minute"))
    second = int(m.group("second") or 0)
    fraction = float(m.group("fraction") or 0)
    wrong = [f"hour {hour}" if hour > 24 else None, f"minute {minute}" if minute > 59 else None,
             f"second {second}" if second > 59 else None]
    if hour == 24 and (minute, second, fraction) != (0, 0, 0.0):
        wrong.append("24:00 is the end of the day; nothing comes after it")
    if m.group("offset_hour") is not None:
        offset_hour, offset_minute = int(m.group("offset_hour")), int(m.group("offset_minute"))
        if offset_hour > 14 or offset_minute > 59 or (offset_hour == 14 and offset_minute):
            wrong.append(f"UTC offset {offset_hour:02d}:{offset_minute:02d}")
    return ", ".join(w for w in wrong if w) or None


def parse_number(text: str) -> tuple[float, str] | None:
    """'1,050' → (1050, ''); '60%' → (60, '%'); '1.2万家' → (12000, '家'); None when not a number, or when it is
    too large for a float (a 400-digit figure, or 1e308万, would be read as infinity)."""
    value = re.sub(r"(?<=\d)[,，](?=\d{3})", "", folded(text))
    m = NUMBER.fullmatch(value)
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    for word, factor in MULTIPLIERS.items():
        if unit.startswith(word):
            number, unit = number * factor, unit[len(word):]
            break
    return (number, unit) if math.isfinite(number) else None


def parse_url(text: str) -> str | Problem:
    value = text.strip()
    try:
        parts = urllib.parse.urlsplit(value) if not re.search(r"\s", value) else None
    except ValueError:   # an unbalanced [ or ] ("Invalid IPv6 URL"): one bad cell, not a file that cannot be checked
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return Problem("bad_url", f"bad URL: evidence_url {value!r} is not an http(s) address; write it in full, starting "
                       "with http:// or https://")
    return value
