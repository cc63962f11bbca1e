"""A synthetic corpus for the benchmark: N white papers in the template and M progress-update rows.

Pure and seeded: the same CorpusSpec always writes the same papers and the same rows. Papers vary the way the
published ones do (task counts, categories present, missing or unknown, division patterns, wrapped lines,
UTF-8 / UTF-8 with BOM / GB18030 / CRLF); updates are split over .csv, .xlsx and .json files in
raw/updates/<document_id>/, a configurable share of them bad (one reason each, duplicates and conflicts
included). Never point it at the repository's raw/: the benchmark writes into a temporary or ignored folder.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

AGENCIES = ["科技创新委员会", "发展和改革委员会", "经济贸易和信息化委员会", "教育局", "公安局", "民政局", "司法局", "财政委员会",
            "人力资源和社会保障局", "规划和国土资源委员会", "人居环境委员会", "交通运输委员会", "水务局", "卫生和计划生育委员会",
            "文体旅游局", "市场监督管理局", "安全生产监督管理局", "城市管理局", "住房和建设局", "统计局"]
DISTRICTS = ["", "福田区", "罗湖区", "南山区", "盐田区", "宝安区", "龙岗区", "龙华区", "坪山区", "光明区"]
DIVISIONS = ["政策规划处", "综合计划处", "创新支撑处", "创新服务处", "社会发展处", "产业化处", "应用促进处", "高新区发展处",
             "办公室", "法规处", "财务处", "人事处", "信息中心", "监督检查科", "公共服务科", "行政审批科", "宣传教育处",
             "基础设施处", "统计分析处", "对外合作处", "安全监管处", "执法支队", "规划发展科", "综合管理科"]
CATEGORIES = ["市政府重点工作", "民生实事", None, None, "区政府重点工作"]   # None: no category; the last is unknown
ACTIONS = ["推进", "完善", "组织实施", "加快建设", "优化", "提升", "深化", "开展"]
OBJECTS = ["公共服务平台", "重点实验室建设", "创新载体", "信息化系统", "民生项目", "审批服务", "人才引进计划", "监督检查机制",
           "资金投入方式", "产业集聚区"]
STEPS = ["制定并发布申请指南", "受理项目申请,组织专家评审", "研究提出资助方案", "下达资金计划,完成拨款", "开展宣传推广",
         "组织现场考察", "完成年度总结"]
UNITS = ["个", "家", "项"]
STATUS_SPELLINGS = {"not_started": ["not_started", "未启动"], "in_progress": ["in_progress", "推进中", "进行中"],
                    "delayed": ["delayed", "滞后"], "completed": ["completed", "已完成"]}
HEADERS = {"en": ["task", "quarter", "department", "reported_on", "status", "percent_complete", "actual_value",
                  "evidence_url", "note"],
           "zh": ["任务", "季度", "责任部门", "报告日期", "状态", "完成比例", "实际值", "佐证链接", "备注"]}
BAD_KINDS = ["unknown_task", "bad_date", "date_in_future", "unknown_status", "unknown_department",
             "percent_contradicts_status", "duplicate", "conflict"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "crlf"]
CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class CorpusSpec:
    papers: int
    update_rows: int
    bad_share: float = 0.05
    seed: int = 2014
    as_of: dt.date = dt.date(2026, 12, 31)
    rows_per_file: int = 250
    formats: tuple[tuple[str, float], ...] = (("csv", 0.6), ("xlsx", 0.1), ("json", 0.3))
    encodings: tuple[str, ...] = ("utf-8", "utf-8-sig", "gb18030")   # of CSV files, one drawn per file


# The corpora `whitepaper bench` measures, as CorpusSpec fields beside the size: "csv" is the one of the speed
# targets (UTF-8 CSV files of 1,000 rows in the update template, which DuckDB reads as they are); "mixed" is
# what divisions send (CSV in UTF-8, with BOM or GB18030, XLSX and JSON files of 250 rows).
CORPORA: dict[str, dict] = {"csv": {"formats": (("csv", 1.0),), "encodings": ("utf-8",), "rows_per_file": 1000},
                            "mixed": {}}


@dataclass
class CorpusSummary:
    papers: int = 0
    files: dict[str, int] = field(default_factory=lambda: {"csv": 0, "xlsx": 0, "json": 0})
    rows: int = 0
    bad_rows: int = 0        # rows written to be rejected (a conflict makes its good twin bad too)

    @property
    def bad_share(self) -> float:
        return self.bad_rows / self.rows if self.rows else 0.0


@dataclass
class _Task:
    seq: int
    divisions: list[str]          # as printed, lead first
    unit: str | None              # unit of the task's one quantified target, if any
    empty: frozenset[int] = frozenset()   # quarters printed without text: intake refuses reports on them


def cn(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (as papers number their items)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else "") + (CN_DIGITS[ones] if ones else "")


def _division_line(rng: random.Random, names: list[str]) -> str:
    if len(names) == 1:
        return rng.choice([names[0], f"责任部门:{names[0]}"])
    lead, rest = names[0], names[1:]
    return rng.choice([f"{lead}牵头,{'、'.join(rest)}配合", f"{lead}负责,{'、'.join(rest)}协助", "、".join(names)])


def paper_text(rng: random.Random, agency: str, slug: str, year: int, divisions: list[str]) -> tuple[str, list[_Task]]:
    """One white paper in the template, and what its tasks are (for writing updates that refer to them)."""
    lines = [f"{agency}{year}年度公共服务白皮书", "", f"信息来源:{agency}", f"{year}年0{rng.randint(1, 4)}月{rng.randint(10, 28)}日", "",
             f"  根据市委市政府工作部署,{agency}制定了{year}年度公共服务白皮书,明确了{year}年度公共服务事项的目标及进度。", "",
             "一、 工作职责", ""]
    for i in range(1, rng.randint(3, 11) + 1):
        lines += [f"  ({cn(i)}){rng.choice(ACTIONS)}本部门{rng.choice(OBJECTS)}相关工作,研究起草相关政策。", ""]
    lines += [f"二、{year - 1}年度工作任务目标完成情况", "", f"  {year - 1}年,{agency}圆满完成了各项任务指标。", ""]
    for i in range(1, rng.randint(1, 4) + 1):
        lines += [f"  ({cn(i)}){rng.choice(ACTIONS)}{rng.choice(OBJECTS)} ", "",
                  f"  全年新增{rng.choice(OBJECTS)}{rng.randint(5, 300)}家,累计{rng.randint(300, 3000)}家。", ""]
    lines += [f"三、{year}年度工作任务目标", "", "工作任务 目标及进度 责任部门"]
    tasks = []
    for seq in range(1, rng.randint(5, 25) + 1):
        category = rng.choice(CATEGORIES)
        unit = rng.choice(UNITS) if rng.random() < 0.5 else None
        obj = rng.choice(OBJECTS)
        target = f"组织实施{obj}{rng.randint(10, 900)}{unit}以上" if unit else f"全面{rng.choice(ACTIONS)}{obj}"
        head = f"({cn(seq)}){rng.choice(ACTIONS)}{obj}。" + (f"({category})" if category else "")
        if rng.random() < 0.2:
            lines += [head, f"目标:{target}。"]   # a target wrapped onto its own line
        else:
            lines.append(f"{head} 目标:{target}。")
        lines.append("")
        empty = set()
        for quarter in range(1, 5):
            text = "" if rng.random() < 0.05 else rng.choice(STEPS) + "。"
            lines += [f"第{cn(quarter)}季度:{text}", ""]
            if not text:
                empty.add(quarter)
        names = rng.sample(divisions, k=min(len(divisions), rng.choice([1, 1, 2, 3, 4])))
        lines.append(_division_line(rng, names))
        tasks.append(_Task(seq, names, unit, frozenset(empty)))
    lines += ["", "四、公众参与、监督渠道", "", f"  公众可以选择以下方式,对{agency}白皮书事项进行咨询、投诉和提供相关建议:", "",
              f"  (一) 登录{agency}网站(www.{slug}.gov.cn)。", "", f"  (二) 发送电子邮件至webmaster@{slug}.gov.cn。", "",
              f"  (三) 拨打服务电话:8812{rng.randint(1000, 9999)}。", ""]
    return "\n".join(lines), tasks


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    return text.encode(encoding)


def _good_row(rng: random.Random, doc: str, task: _Task, quarter: int, division: str, day: dt.date, k: int, n: int) -> dict:
    stage = k / max(n - 1, 1)
    status = "not_started" if stage < 0.1 else "completed" if stage > 0.8 else rng.choice(["in_progress", "in_progress", "delayed"])
    percent = {"not_started": 0, "completed": 100}.get(status, rng.randint(5, 95))
    return {"task": rng.choice([str(task.seq), cn(task.seq), f"{doc}-{task.seq:02d}"]),
            "quarter": rng.choice([str(quarter), f"Q{quarter}", f"第{cn(quarter)}季度"]),
            "department": division + ("牵头" if rng.random() < 0.05 else ""),
            "reported_on": day, "status": rng.choice(STATUS_SPELLINGS[status]),
            "percent_complete": rng.choice([str(percent), f"{percent}%", ""]),
            "actual_value": f"{rng.randint(1, 999)}{rng.choice(['', task.unit])}" if task.unit and rng.random() < 0.3 else "",
            "evidence_url": f"https://example.org/{doc}/{task.seq}/{quarter}" if rng.random() < 0.2 else "",
            "note": rng.choice(["", "", "按计划推进", "示例数据(合成)"])}


def _bad_row(rng: random.Random, kind: str, good: dict, as_of: dt.date) -> dict:
    row = dict(good)
    if kind == "unknown_task":
        row["task"] = "99"
    elif kind == "bad_date":
        row["reported_on"] = f"{good['reported_on'].year}-02-30"
    elif kind == "date_in_future":
        row["reported_on"] = as_of + dt.timedelta(days=rng.randint(1, 90))
    elif kind == "unknown_status":
        row["status"] = "搞定了"
    elif kind == "unknown_department":
        row["department"] = "不存在的处室"
    elif kind == "percent_contradicts_status":
        row["status"], row["percent_complete"] = "completed", "60"
    elif kind == "conflict":
        row["status"], row["percent_complete"] = ("delayed", "10") if good["status"] not in STATUS_SPELLINGS["delayed"] \
            else ("in_progress", "20")
    return row


def paper_rows(rng: random.Random, doc: str, year: int, tasks: list[_Task], count: int, bad_share: float,
               as_of: dt.date) -> tuple[list[dict], int]:
    """count update rows for one paper, about bad_share of them bad; returns (rows, how many will be rejected)."""
    # good rows only on quarters with text: a report on an empty one is refused (empty_milestone)
    pairs = [(t, q, d) for t in tasks for q in range(1, 5) if q not in t.empty for d in t.divisions]
    per_pair = -(-count // len(pairs))
    start = dt.date(year, 1, 1)
    step = max(1, ((as_of - start).days + 1) // per_pair)
    if per_pair * step > (as_of - start).days + 1:
        raise ValueError(f"{doc}: {count} rows need more distinct report dates than {start}…{as_of} has")
    rows, bad, good_rows = [], 0, []
    for i in range(count):
        task, quarter, division = pairs[i % len(pairs)]
        k = i // len(pairs)
        good = _good_row(rng, doc, task, quarter, division, start + dt.timedelta(days=k * step), k, per_pair)
        if rng.random() < bad_share:
            kind = rng.choice(BAD_KINDS)
            if kind in ("duplicate", "conflict"):
                if not good_rows:
                    kind = "unknown_task"
                else:
                    twin = good_rows.pop(rng.randrange(len(good_rows)))
                    rows.append(dict(twin) if kind == "duplicate" else _bad_row(rng, kind, twin, as_of))
                    bad += 1 if kind == "duplicate" else 2
                    continue
            rows.append(_bad_row(rng, kind, good, as_of))
            bad += 1
        else:
            rows.append(good)
            good_rows.append(good)
    return rows, bad


def _cell(value, file_format: str):
    if isinstance(value, dt.date):
        if file_format == "xlsx":
            return dt.datetime(value.year, value.month, value.day)
        return [value.isoformat(), f"{value.year}/{value.month}/{value.day}", f"{value.year}年{value.month}月{value.day}日"][value.day % 3]
    return value


def write_update_file(path: Path, rows: list[dict], file_format: str, language: str, encoding: str = "utf-8") -> None:
    """rows (the English columns → values) as one .csv, .xlsx or .json update file with English or Chinese headers."""
    header = HEADERS[language]
    records = [[_cell(r[c], file_format) for c in HEADERS["en"]] for r in rows]
    if file_format == "json":
        items = [{h: v for h, v in zip(header, rec) if v != ""} for rec in records]
        for item, rec in zip(items, records):
            if rec[0].isdigit():
                item[header[0]] = int(rec[0])
        path.write_text(json.dumps(items, ensure_ascii=False, indent=0), encoding="utf-8")
    elif file_format == "xlsx":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("报告")
        sheet.append(header)
        for rec in records:
            sheet.append(rec)
        workbook.properties.created = workbook.properties.modified = dt.datetime(2026, 1, 1)
        workbook.save(path)
    else:
        import csv
        import io
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows([header, *records])
        path.write_bytes(buffer.getvalue().encode(encoding))


def write_corpus(spec: CorpusSpec, raw_dir: Path, floor_dir: Path | None = None) -> CorpusSummary:
    """Write raw_dir/whitepapers/<id>.txt and raw_dir/updates/<id>/*.{csv,xlsx,json}; return what was written.

    With floor_dir, every update file's rows are also written there as a UTF-8 CSV file with the same header
    (floor_dir/<id>/<file name>.csv): the same rows as CSV, for the benchmark's CSV floor.
    """
    rng = random.Random(spec.seed)
    raw_dir = Path(raw_dir)
    (raw_dir / "whitepapers").mkdir(parents=True, exist_ok=True)
    summary = CorpusSummary()
    years = min(20, spec.papers)
    formats, weights = zip(*spec.formats)
    for i in range(spec.papers):
        agency_no, year = divmod(i, years)
        district = DISTRICTS[agency_no // len(AGENCIES) % len(DISTRICTS)]
        agency = f"深圳市{district}{AGENCIES[agency_no % len(AGENCIES)]}"
        slug = f"sz{agency_no:03d}"
        year = spec.as_of.year - years + 1 + year
        doc = f"{slug}-{year}"
        divisions = random.Random(spec.seed + agency_no).sample(DIVISIONS, k=4 + agency_no % 7)
        text, tasks = paper_text(rng, agency, slug, year, divisions)
        (raw_dir / "whitepapers" / f"{doc}.txt").write_bytes(_encode(text, ENCODINGS[i % len(ENCODINGS)]))
        summary.papers += 1
        count = spec.update_rows // spec.papers + (1 if i < spec.update_rows % spec.papers else 0)
        if not count:
            continue
        rows, bad = paper_rows(rng, doc, year, tasks, count, spec.bad_share, spec.as_of)
        summary.rows, summary.bad_rows = summary.rows + len(rows), summary.bad_rows + bad
        folder = raw_dir / "updates" / doc
        folder.mkdir(parents=True, exist_ok=True)
        for n, first in enumerate(range(0, len(rows), spec.rows_per_file), start=1):
            file_format = rng.choices(formats, weights)[0]
            encoding = rng.choice(spec.encodings)
            part, language = rows[first:first + spec.rows_per_file], rng.choice(["en", "zh"])
            write_update_file(folder / f"{doc}-{n:03d}.{file_format}", part, file_format, language, encoding)
            if floor_dir is not None:
                (Path(floor_dir) / doc).mkdir(parents=True, exist_ok=True)
                write_update_file(Path(floor_dir) / doc / f"{doc}-{n:03d}.{file_format}.csv", part, "csv", language)
            summary.files[file_format] += 1
    return summary
