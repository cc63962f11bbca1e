"""What the tests of flows/whitepaper/ share: tables as plain rows, the offsets check, the second agency's paper."""

import codecs
from pathlib import Path

import pandas as pd

from flows.whitepaper.lookups import Lookups
from flows.whitepaper.source_doc import SourceDoc
from flows.whitepaper.tasks import parse_tasks
from flows.whitepaper.text import fold

DATA = Path(__file__).resolve().parent / "data"
TABLE_NAMES = ["documents", "responsibilities", "review_sections", "indicators", "tasks", "milestones",
               "departments", "task_departments", "targets", "contacts", "quality_notes"]

# A second agency and year, written for these tests: 3 duties, 4 tasks, one with no category, one with a category
# missing from the lookups, a missing and an empty quarter line, three ways of writing the divisions.
SZTB_PATH = DATA / "sztb-2016.txt"
SZTB_LOOKUPS = Lookups(
    categories={"市政府重点工作": "key task of the municipal government", "民生实事": "people's livelihood project"},
    departments={("sztb", "规划处"): ("planning", "Planning Division")},
)


def rows(df: pd.DataFrame, *columns: str) -> list[tuple]:
    """The frame's rows as tuples of plain values, nulls as None."""
    out = []
    for values in df[list(columns)].astype(object).itertuples(index=False, name=None):
        out.append(tuple(None if (not isinstance(v, str) and pd.isna(v)) else v for v in values))
    return out


def assert_offsets_index_the_text(parsed) -> None:
    """Every row taken from the text points at its own words in the canonical text."""
    text, t = parsed.text, parsed.tables
    for table, column in [("responsibilities", "text_zh"), ("milestones", "text_zh"), ("contacts", "text_zh"),
                          ("indicators", "value_text_zh"), ("targets", "value_text_zh")]:
        for start, end, value in rows(t[table], "source_start", "source_end", column):
            if value is not None:
                assert text[start:end] == value, (table, start, end, value)
    for start, end, value, heading in rows(t["review_sections"], "source_start", "source_end", "text_zh", "heading_zh"):
        assert text[start:end].endswith(value)
        if heading is not None:
            assert heading in text[start:end]
    for start, end, title in rows(t["tasks"], "source_start", "source_end", "title_zh"):
        assert title in text[start:end]
    names = dict(rows(t["departments"], "department_id", "name_zh"))
    for start, end, department_id in rows(t["task_departments"], "source_start", "source_end", "department_id"):
        assert text[start:end] == names[department_id]
    for start, end, title in rows(t["documents"], "source_start", "source_end", "title_zh"):
        assert text[start:end] == title
    for start, end in rows(t["quality_notes"], "source_start", "source_end"):
        if start is not None:
            assert 0 <= start <= end <= len(text)


FULL_WIDTH = str.maketrans({":": "：", ",": "，", "(": "（", ")": "）", ";": "；", "-": "－"})


def variants(text: str) -> dict[str, bytes]:
    gbk_safe = text.replace("\xa0", "\u3000")  # NBSP is not in GBK; the ideographic space is
    return {
        "utf-8-bom": codecs.BOM_UTF8 + text.encode("utf-8"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "cr": text.replace("\n", "\r").encode("utf-8"),
        "gb18030": text.encode("gb18030"),
        "gbk": gbk_safe.encode("gbk"),
        "full-width": text.translate(FULL_WIDTH).encode("utf-8"),
        "nbsp": text.replace("  ", "\xa0\xa0").replace("34 个", "34\xa0个").encode("utf-8"),
        "ideographic-space": text.replace("  ", "\u3000\u3000").encode("utf-8"),
        "full-width-digits": text.replace("88128897", "８８１２８８９７").replace("超过1000家", "超过１０００家").encode("utf-8"),
        "gbk-crlf-full-width": gbk_safe.translate(FULL_WIDTH).replace("\n", "\r\n").encode("gbk"),
    }


def folded(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(object).map(lambda v: fold(v) if isinstance(v, str) else v)


MINI = """福田区科技创新局2016年度公共服务白皮书

信息来源：福田区科技创新局
2016年02月01日

一、工作职责

  （一）负责科技工作。

二、2015年度工作任务目标完成情况

  2015年完成全部任务。

三、2016年度工作任务目标

工作任务 目标及进度 责任部门
（一）任务甲。 目标：完成甲。
第一季度：甲一。
第二季度：甲二。
第三季度：甲三。
第四季度：甲四。
科技处

四、公众参与、监督渠道

  （一）拨打电话：88000000。
"""


# --- section 三 of sztb-2016 alone (tests/whitepaper/test_tasks*.py) ---------------------------------------

QUARTERS = "第一季度：甲一。\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。\n"


def tasks_of(text: str, lookups: Lookups = SZTB_LOOKUPS, year: int = 2016):
    """Parse `text` as the lines of section 三 of document sztb-2016; returns (doc, tables)."""
    doc = SourceDoc("sztb-2016", "raw/whitepapers/sztb-2016.txt", text)
    return doc, parse_tasks(doc, doc.lines, year, "sztb", lookups)


def notes(doc: SourceDoc) -> list[tuple]:
    """The doc's quality notes as (table_name, row_id, flag)."""
    return [(n["table_name"], n["row_id"], n["flag"]) for n in doc.notes]


def one_task(divisions: str = "建设处", head: str = "（一）任务甲。（市政府重点工作） 目标：完成甲。", quarters: str = QUARTERS) -> str:
    """Section 三 with its header row and one task."""
    return f"工作任务 目标及进度 责任部门\n{head}\n{quarters}{divisions}\n"
