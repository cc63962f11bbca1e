"""A release's report/index.html: a static, bilingual page built from the release's own files.

Pure: build_report reads data/*.parquet, whitepaper.duckdb (release_info), datapackage.json and the file list
(manifest.json, or the files themselves while the release is being staged) and writes one self-contained HTML
file: CSS inline, charts as inline SVG, no script, nothing loaded from the network. The publisher builds it in
the staging folder before the manifest, so manifest.json hashes the page too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
import pyarrow.parquet as pq
from markupsafe import Markup

from flows.report import charts
from flows.report import limits
from flows.report import refused
from flows.report import sections
from flows.release.citation import Citation
from flows.release.manifest import MANIFEST, ReleaseInfo, describe_files, read_json
from flows.tables.codebook import table_spec
from flows.release.files import read_parquet
from schemas import TABLES

REPORT_DIR = "report"
REPORT_FILE = "index.html"
CHART_MAX_ROWS = 2000
"""A chart of more rows is left out of the report. The charts are given at most limits.CHART_LIMIT rows
(summed over the papers), so this only guards against a chart that forgets to be."""
TEMPLATES = Path(__file__).parent / "templates"
DUCKDB_FILE = "whitepaper.duckdb"
DATAPACKAGE_FILE = "datapackage.json"
SECTION_TABLES = {
    "progress": ("milestone_status", "task_progress", "status_rules", "departments"),
    "scorecard": ("department_scorecard",),
    "quarters": ("quarter_summary",),
    "targets": ("target_attainment", "tasks"),
    "refused": ("updates", "update_rejections"),
    "quality": ("quality_notes",),
}
"""The tables each section of the page is drawn from; a release without them gets a line saying so instead."""
CHANGES_TABLE = "changes"
LEAN_COLUMNS = {"updates": ["source_file"]}
"""Tables of which the report reads only these columns: it counts accepted updates per file, and a million
updates' other columns took a second to read for nothing. Their row counts and column lists stay whole."""


@dataclass(frozen=True)
class Release:
    """What the report is built from, all read from one release folder."""

    release_id: str
    as_of: dt.date
    created: str
    content_hash: str
    package: dict
    tables: dict[str, pd.DataFrame]


def build_report(release_dir: Path) -> Path:
    """Write <release_dir>/report/index.html from the release's own files; return its path."""
    return staged_report(release_dir)()


def staged_report(release_dir: Path, info: ReleaseInfo | None = None) -> Callable[[], Path]:
    """The report in two steps: the tables are read and every section and chart drawn now; the function returned
    lists the release's files as they are when it is called, then writes the page and returns its path.

    The publisher draws the page while DuckDB is still writing its file (info: the release's identity, which
    is otherwise read from whitepaper.duckdb) and lists the files once every one is written.
    """
    release_dir = Path(release_dir)
    with charts.engine_starting():
        release = load_release(release_dir, info)
    context = report_context(release)

    def write_page() -> Path:
        page = render_page(context, release_files(release_dir))
        out = release_dir / REPORT_DIR / REPORT_FILE
        out.parent.mkdir(exist_ok=True)
        out.write_text(page, encoding="utf-8", newline="\n")
        return out

    return write_page


def load_release(release_dir: Path, info: ReleaseInfo | None = None) -> Release:
    """Read a (possibly still staged) release: its tables, identity and package descriptor (info: the identity
    as the publisher holds it, else read from whitepaper.duckdb's release_info)."""
    data = release_dir / "data"
    tables = {p.stem: pq.read_table(p, columns=LEAN_COLUMNS[p.stem]).to_pandas() if p.stem in LEAN_COLUMNS
              else read_parquet(p) for p in sorted(data.glob("*.parquet"))}
    if info is None:
        con = duckdb.connect(str(release_dir / DUCKDB_FILE), read_only=True)
        try:
            info = ReleaseInfo(*con.execute(
                "SELECT release_id, as_of_date, created_at, content_hash FROM release_info").fetchone())
        finally:
            con.close()
    package = read_json(release_dir / DATAPACKAGE_FILE)
    if package is None:
        raise ValueError(f"{release_dir / DATAPACKAGE_FILE}: missing or not JSON; the report takes its title, "
                         "version and licence from it")
    return Release(info.release_id, info.as_of, f"{info.created:%Y-%m-%dT%H:%M:%SZ}", info.content_hash, package, tables)


def release_files(release_dir: Path) -> list[dict]:
    """The files the page lists: manifest.json's outputs, or the files themselves while the release is staged;
    the report's own folder left out."""
    manifest = read_json(release_dir / MANIFEST)
    files = manifest["outputs"] if manifest else describe_files(release_dir)
    return [f for f in files if not f["path"].startswith(f"{REPORT_DIR}/")]


def render_page(context: dict, files: list[dict]) -> str:
    """The HTML page: report_context's sections and the release's files."""
    return _environment().get_template("index.html.j2").render(**context, **file_context(files))


def file_context(files: list[dict]) -> dict:
    """The download tables: the release's files but data/, and data/."""
    return {"files": _capped(_files(files, data=False)), "data_files": _capped(_files(files, data=True))}


def report_context(release: Release) -> dict:
    """Everything the template shows but the file tables (file_context), as plain values; a section whose tables
    the release lacks is None."""
    t = release.tables
    has = {name: all(table in t for table in tables) for name, tables in SECTION_TABLES.items()}
    targets = sections.target_rows(t["target_attainment"], t["tasks"], limits.LIST_LIMIT) if has["targets"] else None
    scorecard = sections.scorecard_rows(t["department_scorecard"], limits.LIST_LIMIT) if has["scorecard"] else None
    quarters = sections.quarter_rows(t["quarter_summary"], limits.LIST_LIMIT) if has["quarters"] else None
    documents = t["documents"].sort_values("document_id") if "documents" in t else pd.DataFrame({"document_id": []})
    title_zh, _, title_en = release.package.get("title", "").partition(" / ")
    progress = has["progress"]
    return {
        "release": release,
        "title_zh": title_zh,
        "title_en": title_en or title_zh,
        "version": release.package.get("version", ""),
        "documents": limits.Shown(documents.head(limits.DOCUMENT_LIMIT).to_dict("records"), len(documents)),
        "multiple_documents": documents["document_id"].nunique() > 1,
        "illustrative": bool(release.package.get("x-illustrative-inputs"))
        or ("updates" in t and sections.is_illustrative(t["updates"])),
        "missing": {name: [table for table in tables if table not in t] for name, tables in SECTION_TABLES.items()},
        "headline": sections.headline(t["milestone_status"]) if progress else None,
        "ratings": sections.rating_counts(t["task_progress"], t["status_rules"]) if progress else None,
        "tasks": sections.task_rows(t["task_progress"], t["milestone_status"], t["departments"],
                                    limits.LIST_LIMIT) if progress else None,
        "scorecard": scorecard,
        **_scorecard_chart(t["department_scorecard"] if scorecard else None),
        "quarters": quarters,
        "quarter_svg": _both(charts.quarter_chart, limits.quarter_chart_rows(t["quarter_summary"])) if quarters else None,
        "targets": targets,
        "target_counts": sections.target_counts(t["target_attainment"]) if targets else None,
        **_targets_chart(targets, t["target_attainment"] if targets else None),
        "rejections": refused.rejection_summary(t["update_rejections"], t["updates"], limits.LIST_LIMIT)
        if has["refused"] else None,
        "quality": refused.quality_rows(t["quality_notes"], limits.LIST_LIMIT) if has["quality"] else None,
        "papers": refused.paper_rows(t["document_rejections"], limits.LIST_LIMIT) if "document_rejections" in t else None,
        "changes": sections.changes_section(t.get(CHANGES_TABLE)),
        "overview": sections.table_overview(t),
        "manifest_file": MANIFEST,
        "citation": citation(release),
        "licenses": release.package.get("licenses", []),
        "outcomes": charts.OUTCOMES,
    }


def citation(release: Release) -> Citation:
    """How to cite the release, from its datapackage.json: publisher, title, version, release, dates, address, hash."""
    p = release.package
    publisher = next((c.get("title") for c in p.get("contributors", []) if "publisher" in c.get("roles", [])), "")
    zh, _, en = p.get("title", "").partition(" / ")
    return Citation(publisher, en or zh, zh, p.get("version", ""), release.release_id, release.as_of,
                    dt.date.fromisoformat(release.created[:10]), release.content_hash, p.get("homepage"))


def file_description(path: str) -> tuple[str, str]:
    """What a file of the release is, in Chinese and English."""
    parts = Path(path)
    if parts.parent.as_posix() == "data":
        zh = table_spec(parts.stem).zh if parts.stem in TABLES else parts.stem
        fmt = {".parquet": "Parquet", ".csv": "CSV"}.get(parts.suffix, parts.suffix)
        return f"{zh}（{fmt}）", f"table {parts.stem} as {fmt}"
    if parts.parent.as_posix() == "sources" and parts.suffix != ".txt":
        return f"白皮书原始文件 {parts.name}", f"the white paper as published ({parts.suffix[1:]}), byte for byte"
    if parts.parent.as_posix() == "sources":
        return f"白皮书规范文本 {parts.stem}", "canonical text of the white paper (UTF-8)"
    known = {
        DUCKDB_FILE: ("DuckDB 数据库：全部表、视图与中英文注释", "DuckDB database: every table, the views, bilingual comments"),
        "whitepaper.xlsx": ("Excel 工作簿：每表一页，另含字段说明页", "spreadsheet: one sheet per table after a codebook sheet"),
        DATAPACKAGE_FILE: ("数据包描述（Frictionless）", "Frictionless Data Package descriptor of the CSV files"),
        "README.md": ("说明文件：字段说明与查询示例", "README: codebook and query examples"),
    }
    return known.get(path, ("", ""))


def _files(files: list[dict], *, data: bool) -> list[dict]:
    """The release's files for the download tables: data/ files, or the others with the main downloads first."""
    chosen = [f for f in files if f["path"].startswith("data/") == data]
    first = {DUCKDB_FILE: 0, "whitepaper.xlsx": 1, "README.md": 2, DATAPACKAGE_FILE: 3}
    chosen.sort(key=lambda f: (first.get(f["path"], len(first)), f["path"]))
    return [{**f, "href": f"../{f['path']}", "what": file_description(f["path"])} for f in chosen]


def human_bytes(n: int) -> str:
    """1536 → '1.5 KB' (powers of 1024, one decimal above bytes)."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _scorecard_chart(scorecard: pd.DataFrame | None) -> dict:
    """The scorecard chart (lead rows summed per division over the papers) and how many divisions it leaves out."""
    if scorecard is None:
        return {"scorecard_svg": None, "scorecard_chart": None}
    rows, divisions = limits.scorecard_chart_rows(scorecard, limits.CHART_LIMIT)
    return {"scorecard_svg": _both(charts.scorecard_chart, rows),
            "scorecard_chart": limits.Shown(rows["department_id"].tolist(), divisions)}


def _targets_chart(targets: limits.Shown | None, attainment: pd.DataFrame | None) -> dict:
    """The targets chart: of the listed targets, a quarter's repeating its task's drawn once, at most CHART_LIMIT."""
    if not targets:
        return {"targets_svg": None, "targets_chart": None}
    rows = limits.target_chart_rows(sections.distinct_targets(targets.rows), limits.CHART_LIMIT)
    return {"targets_svg": _both(charts.targets_chart, pd.DataFrame(rows)),
            "targets_chart": limits.Shown([r["target_id"] for r in rows], limits.distinct_target_count(attainment))}


def _capped(files: list[dict]) -> limits.Shown:
    """A file table of at most LIST_LIMIT rows (a release of 1,000 papers has 1,000 source texts); manifest.json lists all."""
    return limits.Shown(files[:limits.LIST_LIMIT], len(files))


def _both(chart, rows: pd.DataFrame) -> dict[str, Markup] | None:
    """A chart at desktop and at phone width (the page's CSS shows one), or None when it has nothing to draw.

    Nor is one drawn for more than CHART_MAX_ROWS rows: such a figure cannot be read, Altair refuses 5,000 rows
    and Vega's renderer runs out of stack near that.
    """
    if len(rows) > CHART_MAX_ROWS:
        return None
    wide, narrow = chart(rows), chart(rows, narrow=True)
    return None if wide is None else {"wide": Markup(wide), "narrow": Markup(narrow)}


def _number(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"


def _pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.0f}%"


def _date(value) -> str:
    return "—" if value is None or pd.isna(value) else value.isoformat()


def _break_after_underscores(name: str) -> Markup:
    """A snake_case name that may wrap after each underscore in a narrow table header."""
    return Markup("_<wbr>").join(str(name).split("_"))


def _column(table: str, name: str) -> dict:
    """A column's Chinese label and English description from its Pandera model (empty when it has none)."""
    return next(iter(sections.column_labels(table, [name])))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(number=_number, pct=_pct, date=_date, bytes=human_bytes, wbr=_break_after_underscores)
    env.globals["column"] = _column
    return env
