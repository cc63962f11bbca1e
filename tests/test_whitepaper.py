"""flows/whitepaper.py: one white paper end to end, the seed and papers of other agencies and years."""

import codecs
import csv
import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from flows import paths
from flows.lookups import Lookups
from flows.text import SourceError, fold
from flows.whitepaper import WhitepaperError, parse_whitepaper, read_whitepaper, write_tables_csv
from schemas import TABLES

SEED_PATH = paths.WHITEPAPERS / "szsti-2014.txt"
DATA = Path(__file__).resolve().parent / "data"

TABLE_NAMES = ["documents", "responsibilities", "review_sections", "indicators", "tasks", "milestones",
               "departments", "task_departments", "targets", "contacts", "quality_notes"]


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


# --- the seed, end to end -----------------------------------------------------------------------

def test_seed_table_sizes(seed):
    assert {name: len(df) for name, df in seed.tables.items()} == {
        "documents": 1, "responsibilities": 11, "review_sections": 4, "indicators": 19, "tasks": 10, "milestones": 40,
        "departments": 8, "task_departments": 28, "targets": 12, "contacts": 3, "quality_notes": 6}


def test_seed_tables_have_the_schema_columns(seed):
    assert list(seed.tables) == TABLE_NAMES
    for name, df in seed.tables.items():
        assert list(df.columns) == list(TABLES[name].to_schema().columns), name


def test_seed_document(seed, seed_raw):
    doc = seed.tables["documents"].iloc[0]
    assert (doc.document_id, doc.agency_id, doc.title_zh, doc.agency_zh, doc.publisher_zh) == (
        "szsti-2014", "szsti", "深圳市科技创新委员会2014年度公共服务白皮书", "深圳市科技创新委员会", "深圳科技创新委员会")
    assert (doc.published_date, doc.plan_year, doc.review_year) == (dt.date(2014, 4, 2), 2014, 2013)
    assert (doc.source_file, doc.source_encoding, doc.text_chars) == ("raw/whitepapers/szsti-2014.txt", "utf-8", 4740)
    assert doc.source_sha256 == "f217a0e4193c627756003d0255878fd92175e13565e4c2b2ff2914b48c1b83c2"
    assert doc.text_sha256 == doc.source_sha256  # the seed is already canonical: LF, no BOM
    assert (doc.source_url, doc.retrieved_date) == ("http://www.szsti.gov.cn/", dt.date(2026, 11, 26))
    assert doc.license_note.startswith("Government information published under the PRC Regulations")
    assert (seed.document_id, seed.encoding, seed.text) == ("szsti-2014", "utf-8", seed_raw.decode("utf-8"))


def test_seed_responsibilities(seed):
    r = seed.tables["responsibilities"]
    assert list(r.responsibility_id) == [f"szsti-2014-r{n:02d}" for n in range(1, 12)]
    assert list(r.responsibility_seq) == list(range(1, 12))
    assert r.text_zh.iloc[0].startswith("贯彻执行国家、省、市有关科学技术")
    assert r.text_zh.iloc[8] == "负责对外科技交流与合作、宣传推广、信息统计等工作。"
    assert r.text_zh.iloc[10] == "承办市政府和上级部门交办的其他事项。"


def test_seed_review_sections(seed):
    assert rows(seed.tables["review_sections"], "section_id", "section_seq", "heading_zh") == [
        ("szsti-2014-s0", 0, None), ("szsti-2014-s1", 1, "深化科技体制改革"),
        ("szsti-2014-s2", 2, "努力提升核心技术竞争力"), ("szsti-2014-s3", 3, "完善综合创新生态体系")]
    texts = list(seed.tables["review_sections"].text_zh)
    assert texts[0].startswith("2013年,市科技创新委") and texts[0].endswith("增加值占GDP比重超过33%。")
    assert texts[3].endswith("76名海外高层次人才入选国家“千人计划”。")


def test_seed_indicators(seed):
    # The 10个奖项 of the 继…之后 clause are earlier years' awards: context, not a figure.
    assert rows(seed.tables["indicators"], "indicator_id", "section_id", "value_text_zh", "value", "unit_zh", "qualifier",
                "is_cumulative") == [
        ("szsti-2014-i01", "szsti-2014-s0", "4%", 4.0, "%", "exact", False),
        ("szsti-2014-i02", "szsti-2014-s0", "约1.4万亿元", 1.4e12, "元", "approx", False),
        ("szsti-2014-i03", "szsti-2014-s0", "9.5%", 9.5, "%", "exact", False),
        ("szsti-2014-i04", "szsti-2014-s0", "超过33%", 33.0, "%", "over", False),
        ("szsti-2014-i05", "szsti-2014-s2", "176家", 176.0, "家", "exact", False),
        ("szsti-2014-i06", "szsti-2014-s2", "955家", 955.0, "家", "exact", True),
        ("szsti-2014-i07", "szsti-2014-s2", "591家", 591.0, "家", "exact", False),
        ("szsti-2014-i08", "szsti-2014-s2", "超过3000家", 3000.0, "家", "over", True),
        ("szsti-2014-i09", "szsti-2014-s2", "9项", 9.0, "项", "exact", False),
        ("szsti-2014-i10", "szsti-2014-s2", "66项", 66.0, "项", "exact", False),
        ("szsti-2014-i11", "szsti-2014-s3", "34 个", 34.0, "个", "exact", True),
        ("szsti-2014-i12", "szsti-2014-s3", "56 家", 56.0, "家", "exact", True),
        ("szsti-2014-i13", "szsti-2014-s3", "43家", 43.0, "家", "exact", False),
        ("szsti-2014-i14", "szsti-2014-s3", "超过400个", 400.0, "个", "over", True),
        ("szsti-2014-i15", "szsti-2014-s3", "16家", 16.0, "家", "exact", False),
        ("szsti-2014-i16", "szsti-2014-s3", "10个", 10.0, "个", "exact", False),
        ("szsti-2014-i17", "szsti-2014-s3", "45个", 45.0, "个", "exact", True),
        ("szsti-2014-i18", "szsti-2014-s3", "接近5万人", 50000.0, "人", "nearly", False),
        ("szsti-2014-i19", "szsti-2014-s3", "76名", 76.0, "名", "exact", False),
    ]
    assert list(seed.tables["indicators"].indicator_seq) == list(range(1, 20))


def test_seed_tasks(seed):
    assert rows(seed.tables["tasks"], "task_id", "task_seq", "category_zh", "category_en") == [
        (f"szsti-2014-{n:02d}", n, "市政府重点工作", "key task of the municipal government") for n in range(1, 10)
    ] + [("szsti-2014-10", 10, "民生实事", "people's livelihood project")]
    tasks = seed.tables["tasks"].set_index("task_id")
    assert tasks.loc["szsti-2014-03", "title_zh"] == "强化重大科技基础设施和创新载体开放运行、资源共享,更好地发挥公共技术平台对创新的支撑作用。"
    assert tasks.loc["szsti-2014-03", "target_zh"] == "建设深圳市科技创新资源共享平台。"
    assert tasks.loc["szsti-2014-05", "title_zh"] == "实施“孔雀计划”,引进海外高层次创新团队。"


def test_seed_milestones(seed):
    m = seed.tables["milestones"]
    assert len(m) == 40 and m.text_zh.notna().sum() == 39
    assert list(m.milestone_id[8:12]) == ["szsti-2014-03-q1", "szsti-2014-03-q2", "szsti-2014-03-q3", "szsti-2014-03-q4"]
    assert list(m.quarter) == [1, 2, 3, 4] * 10
    assert list(m.due_date[:4]) == [dt.date(2014, 3, 31), dt.date(2014, 6, 30), dt.date(2014, 9, 30), dt.date(2014, 12, 31)]
    assert set(m.due_date) == {dt.date(2014, 3, 31), dt.date(2014, 6, 30), dt.date(2014, 9, 30), dt.date(2014, 12, 31)}
    by_id = m.set_index("milestone_id")
    assert by_id.loc["szsti-2014-03-q2", "text_zh"] == "实现科技创新资源共享平台网站数据入库。"
    # Kept exactly as written, the two NBSPs between the run-together items included.
    assert by_id.loc["szsti-2014-05-q2", "text_zh"] == "完成受理与初审。\xa0\xa0完成专家评审并提出方案报市人才办。"
    assert pd.isna(by_id.loc["szsti-2014-05-q3", "text_zh"])
    q3 = by_id.loc["szsti-2014-05-q3"]
    assert seed.text[q3.source_start:q3.source_end] == "第三季度:"
    assert by_id.loc["szsti-2014-07-q4", "text_zh"] == "加速推进北区改造,成功置换、改造2-3个传统产业项目。"


def test_seed_departments(seed):
    assert rows(seed.tables["departments"], "department_id", "agency_id", "name_zh", "name_en") == [
        ("szsti-policy-planning", "szsti", "政策规划处", "Policy and Planning Division"),
        ("szsti-innovation-support", "szsti", "创新支撑处", "Innovation Support Division"),
        ("szsti-innovation-services", "szsti", "创新服务处", "Innovation Services Division"),
        ("szsti-social-development", "szsti", "社会发展处", "Social Development Division"),
        ("szsti-industrialisation", "szsti", "产业化处", "Industrialisation Division"),
        ("szsti-application-promotion", "szsti", "应用促进处", "Application Promotion Division"),
        ("szsti-general-planning", "szsti", "综合计划处", "General Planning Division"),
        ("szsti-high-tech-zone-development", "szsti", "高新区发展处", "High-Tech Zone Development Division"),
    ]


def test_seed_task_departments(seed):
    td = seed.tables["task_departments"]
    names = dict(rows(seed.tables["departments"], "department_id", "name_zh"))
    leads = {task: names[dep] for task, dep, role in rows(td, "task_id", "department_id", "role") if role == "lead"}
    assert leads == {
        "szsti-2014-01": "政策规划处", "szsti-2014-02": "创新支撑处", "szsti-2014-03": "创新支撑处", "szsti-2014-04": "综合计划处",
        "szsti-2014-05": "政策规划处", "szsti-2014-06": "创新服务处", "szsti-2014-07": "高新区发展处", "szsti-2014-08": "综合计划处",
        "szsti-2014-09": "应用促进处", "szsti-2014-10": "社会发展处"}
    assert len(td) == 28 and (td.role == "lead").sum() == 10
    support = {}
    for task, dep, role in rows(td, "task_id", "department_id", "role"):
        if role == "support":
            support.setdefault(task, []).append(names[dep])
    assert support == {
        "szsti-2014-02": ["创新服务处", "社会发展处", "产业化处", "应用促进处"],
        "szsti-2014-04": ["创新支撑处", "创新服务处", "社会发展处", "产业化处", "应用促进处"],
        "szsti-2014-08": ["创新支撑处", "创新服务处", "社会发展处", "产业化处", "应用促进处"],
        "szsti-2014-09": ["创新支撑处", "创新服务处", "社会发展处", "产业化处"],
    }
    assert list(td[td.task_id == "szsti-2014-04"].department_seq) == [1, 2, 3, 4, 5, 6]


def test_seed_targets(seed):
    # Task 9's 若干 is not a number: a quality note, no target row.
    assert rows(seed.tables["targets"], "target_id", "task_id", "milestone_id", "comparator", "target_value",
                "target_value_max", "unit_zh", "value_text_zh") == [
        ("szsti-2014-02-t1", "szsti-2014-02", None, ">", 1000.0, None, "家", "超过1000家"),
        ("szsti-2014-02-q4-t1", "szsti-2014-02", "szsti-2014-02-q4", ">", 1000.0, None, "家", "超过1000家"),
        ("szsti-2014-04-t1", "szsti-2014-04", None, ">=", 50.0, None, "个", "50个以上"),
        ("szsti-2014-05-t1", "szsti-2014-05", None, "=", 10.0, None, "个", "10个"),
        ("szsti-2014-05-q4-t1", "szsti-2014-05", "szsti-2014-05-q4", "=", 10.0, None, "个", "10个"),
        ("szsti-2014-07-q3-t1", "szsti-2014-07", "szsti-2014-07-q3", "=", 1.0, None, "个", "1个"),
        ("szsti-2014-07-q3-t2", "szsti-2014-07", "szsti-2014-07-q3", "=", 2.0, None, "个", "2个"),
        ("szsti-2014-07-q4-t1", "szsti-2014-07", "szsti-2014-07-q4", "between", 2.0, 3.0, "个", "2-3个"),
        ("szsti-2014-10-t1", "szsti-2014-10", None, ">=", 5.0, None, "家", "5家以上"),
        ("szsti-2014-10-t2", "szsti-2014-10", None, ">=", 35.0, None, "个", "35个以上"),
        ("szsti-2014-10-q4-t1", "szsti-2014-10", "szsti-2014-10-q4", ">=", 5.0, None, "家", "5家以上"),
        ("szsti-2014-10-q4-t2", "szsti-2014-10", "szsti-2014-10-q4", ">=", 35.0, None, "个", "35个以上"),
    ]


def test_seed_contacts(seed):
    assert rows(seed.tables["contacts"], "contact_id", "contact_seq", "channel", "value", "text_zh") == [
        ("szsti-2014-c1", 1, "website", "www.szsti.gov.cn", "登录深圳市科技创新委员会网站(www.szsti.gov.cn)。"),
        ("szsti-2014-c2", 2, "email", "webmaster@szsti.gov.cn", "发送电子邮件至webmaster@szsti.gov.cn。"),
        ("szsti-2014-c3", 3, "phone", "88128897", "拨打我委服务电话:88128897。"),
    ]


def test_seed_quality_notes(seed):
    notes = seed.tables["quality_notes"]
    assert sorted(rows(notes, "table_name", "row_id", "flag"), key=str) == sorted([
        ("milestones", "szsti-2014-01-q4", "duplicate_milestone_text"),
        ("milestones", "szsti-2014-03-q4", "duplicate_milestone_text"),
        ("milestones", "szsti-2014-05-q3", "empty_milestone"),
        ("milestones", "szsti-2014-05-q2", "multiple_items_in_milestone"),
        ("targets", "szsti-2014-09", "unquantified_target"),
        ("contacts", None, "stray_line"),
    ], key=str)
    assert list(notes.note_id) == [f"szsti-2014-n{n:02d}" for n in range(1, 7)]
    spans = {flag: seed.text[start:end] for flag, start, end in rows(notes, "flag", "source_start", "source_end")}
    assert spans["stray_line"] == "0"
    assert spans["unquantified_target"] == "若干"
    assert spans["empty_milestone"] == "第三季度:"


def test_seed_offsets_index_the_canonical_text(seed):
    assert_offsets_index_the_text(seed)


# --- the same paper in every accepted encoding and punctuation --------------------------------------

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


VARIANT_ENCODING = {"utf-8-bom": "utf-8-sig", "gb18030": "gb18030", "gbk": "gb18030", "gbk-crlf-full-width": "gb18030"}
SAME_TEXT = {"utf-8-bom", "crlf", "cr", "gb18030"}  # the canonical text itself is unchanged
VARIANT_NAMES = list(variants(""))


def folded(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(object).map(lambda v: fold(v) if isinstance(v, str) else v)


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_every_accepted_input_gives_identical_tables(seed, seed_raw, variant):
    raw = variants(seed_raw.decode("utf-8"))[variant]
    parsed = parse_whitepaper(raw, "szsti-2014", "raw/whitepapers/szsti-2014.txt",
                              meta={"source_url": "http://www.szsti.gov.cn/", "retrieved_date": dt.date(2026, 11, 26),
                                    "license_note": seed.tables["documents"].license_note.iloc[0]})
    assert list(parsed.tables) == TABLE_NAMES
    doc = parsed.tables["documents"].iloc[0]
    assert doc.source_encoding == VARIANT_ENCODING.get(variant, "utf-8")
    assert doc.source_sha256 == hashlib.sha256(raw).hexdigest()
    assert doc.text_sha256 == hashlib.sha256(parsed.text.encode("utf-8")).hexdigest()
    assert len(parsed.text) == 4740
    if variant in SAME_TEXT:
        assert parsed.text == seed.text
    ignore = ["source_sha256", "source_encoding", "text_sha256"]
    for name in TABLE_NAMES:
        expected, got = seed.tables[name], parsed.tables[name]
        if name == "documents":
            expected, got = expected.drop(columns=ignore), got.drop(columns=ignore)
        if variant in SAME_TEXT:
            pd.testing.assert_frame_equal(got, expected, obj=name)
        else:  # text_zh may differ only where the source's own characters differ
            pd.testing.assert_frame_equal(folded(got), folded(expected), obj=name)
    assert_offsets_index_the_text(parsed)


# --- input that is not a white paper ------------------------------------------------------------

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


def test_mini_paper_parses():
    parsed = parse_whitepaper(MINI.encode(), "futian-kjcxj-2016", "mini.txt", lookups=Lookups())
    assert {name: len(df) for name, df in parsed.tables.items()} == {
        "documents": 1, "responsibilities": 1, "review_sections": 1, "indicators": 0, "tasks": 1, "milestones": 4,
        "departments": 1, "task_departments": 1, "targets": 0, "contacts": 1, "quality_notes": 1}


@pytest.mark.parametrize("raw, message", [
    (b"", r"^raw/whitepapers/x-2016\.txt: the file is empty; expected a white paper in UTF-8"),
    (b"\n\r\n  \n", r"^raw/whitepapers/x-2016\.txt: the file is empty"),
    (MINI.encode("utf-16"), r"^raw/whitepapers/x-2016\.txt: .*UTF-8.*GB18030.*; expected"),
    (MINI.encode("utf-16-le"), r"^raw/whitepapers/x-2016\.txt: .*UTF-8.*GB18030.*; expected"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"^raw/whitepapers/x-2016\.txt: .*expected"),
    ("Rapport annuel: société, été, café.\n".encode("latin-1") * 3, r"^raw/whitepapers/x-2016\.txt: not UTF-8 \(invalid at byte \d+\) and not GB18030"),
    # Latin-1 that happens to decode as GB18030 still fails: it is not the template.
    (b"Cafe\xe9s du monde\n" * 3, r"^raw/whitepapers/x-2016\.txt.*expected"),
    (MINI.replace("四、公众参与、监督渠道", "公众参与、监督渠道").encode(),
     r"^raw/whitepapers/x-2016\.txt: no section heading like '四、公众参与、监督渠道'; expected the four numbered sections"),
    (MINI.replace("一、工作职责", "").encode(), r"no section heading like '一、工作职责'"),
    (MINI.replace("二、2015年度工作任务目标完成情况", "").encode(), r"no section heading like '二、<year>年度工作任务目标完成情况'"),
    (MINI.replace("三、2016年度工作任务目标", "").encode(), r"no section heading like '三、<year>年度工作任务目标'"),
    (MINI.replace("福田区科技创新局2016年度公共服务白皮书", "福田区科技创新局公共服务白皮书").encode(),
     r"^raw/whitepapers/x-2016\.txt, line 1: the title has no year; expected '<agency><year>年度公共服务白皮书'"),
    (MINI.replace("福田区科技创新局2016年度公共服务白皮书", "福田区科技创新局2016年度工作报告").encode(),
     r"^raw/whitepapers/x-2016\.txt, line 1: expected the title line '<agency><year>年度公共服务白皮书' first"),
    (MINI.replace("  （一）拨打电话：88000000。", "  拨打电话：88000000。").encode(),
     r"^raw/whitepapers/x-2016\.txt: section 四 lists no numbered channel; expected lines like"),
], ids=["empty", "blank", "utf16", "utf16le-no-bom", "binary", "latin1", "latin1-as-gb18030", "no-section-4",
        "no-section-1", "no-section-2", "no-section-3", "title-without-year", "no-title", "no-numbered-channel"])
def test_bad_input_is_a_whitepaper_error_naming_the_file(raw, message):
    with pytest.raises(WhitepaperError, match=message):
        parse_whitepaper(raw, "x-2016", "raw/whitepapers/x-2016.txt", lookups=Lookups())


SECTION_THREE_ERRORS = {
    "duplicated-quarter": (MINI.replace("第二季度：甲二。", "第二季度：甲二。\n第二季度：又一。"),
                           r"^raw/whitepapers/x-2016\.txt, line 20: task \(一\) has a second 第二季度 line; expected each quarter once"),
    "task-without-divisions": (MINI.replace("科技处\n", ""),
                               r"^raw/whitepapers/x-2016\.txt, line 21: task \(一\) ends without its responsible divisions; expected"),
    "no-numbered-task": (MINI.replace("（一）任务甲。", "任务甲。"),
                         r"^raw/whitepapers/x-2016\.txt: section 三 has no numbered task; expected"),
}


@pytest.mark.parametrize("case", list(SECTION_THREE_ERRORS))
def test_section_three_errors_name_the_file_line_and_what_was_expected(case):
    text, message = SECTION_THREE_ERRORS[case]
    with pytest.raises(SourceError, match=message):
        parse_whitepaper(text.encode(), "x-2016", "raw/whitepapers/x-2016.txt", lookups=Lookups())


@pytest.mark.parametrize("case", list(SECTION_THREE_ERRORS))
def test_section_three_errors_are_whitepaper_errors(case):
    text, _ = SECTION_THREE_ERRORS[case]
    with pytest.raises(WhitepaperError):
        parse_whitepaper(text.encode(), "x-2016", "raw/whitepapers/x-2016.txt", lookups=Lookups())


def test_duplicated_section_heading_is_an_error():
    text = MINI.replace("二、2015", "一、工作职责\n\n  （一）另一职责。\n\n二、2015")
    with pytest.raises(WhitepaperError, match=r"x-2016\.txt, line 10"):
        parse_whitepaper(text.encode(), "x-2016", "raw/whitepapers/x-2016.txt", lookups=Lookups())


@pytest.mark.parametrize("line, channel, value", [
    ("（一）拨打市民热线：12345。", "phone", "12345"),
    ("（一）拨打服务电话：0755-88128897。", "phone", "0755-88128897"),
    ("（一）登录网站（http://www.szft.gov.cn）。", "website", "http://www.szft.gov.cn"),
    ("（一）登录网站 http://www.sz.gov.cn/kjj/ 查询。", "website", "http://www.sz.gov.cn/kjj/"),
    ("（一）发送电子邮件至kjj@szft.gov.cn。", "email", "kjj@szft.gov.cn"),
    ("（一）来信寄至福田区深南大道1号，邮编518000。", "mail", "来信寄至福田区深南大道1号，邮编518000。"),
    ("（一）到政务服务大厅现场咨询。", "other", "到政务服务大厅现场咨询。"),
])
def test_contact_channels(line, channel, value):
    text = MINI.replace("（一）拨打电话：88000000。", line)
    parsed = parse_whitepaper(text.encode(), "x-2016", "x.txt", lookups=Lookups())
    assert rows(parsed.tables["contacts"], "channel", "value") == [(channel, value)]


def test_hotline_written_inline_is_a_phone():
    text = MINI.replace("（一）拨打电话：88000000。", "（一）拨打12345政务服务热线。")
    parsed = parse_whitepaper(text.encode(), "x-2016", "x.txt", lookups=Lookups())
    assert rows(parsed.tables["contacts"], "channel", "value") == [("phone", "12345")]


@pytest.mark.parametrize("line", ["（一）登录网站（http://www.sz.gov.cn/kjj/）。", "(一)登录网站(http://www.sz.gov.cn/kjj/)。"])
def test_website_with_a_path_in_brackets(line):
    text = MINI.replace("（一）拨打电话：88000000。", line)
    parsed = parse_whitepaper(text.encode(), "x-2016", "x.txt", lookups=Lookups())
    assert rows(parsed.tables["contacts"], "channel", "value") == [("website", "http://www.sz.gov.cn/kjj/")]


def test_year_in_section_three_differing_from_the_title_is_noted():
    parsed = parse_whitepaper(MINI.replace("三、2016", "三、2017").encode(), "x-2016", "x.txt", lookups=Lookups())
    notes = rows(parsed.tables["quality_notes"], "table_name", "row_id", "flag")
    assert ("documents", "x-2016", "year_mismatch") in notes
    assert parsed.tables["documents"].plan_year.iloc[0] == 2016


# --- another agency and year in the same template -------------------------------------------------

# A second agency and year, written for these tests: 3 duties, 4 tasks, one with no category, one with a category
# missing from the lookups, a missing and an empty quarter line, three ways of writing the divisions.
SZTB_PATH = DATA / "sztb-2016.txt"
SZTB_2016 = SZTB_PATH.read_bytes().decode("utf-8")
SZTB_LOOKUPS = Lookups(
    categories={"市政府重点工作": "key task of the municipal government", "民生实事": "people's livelihood project"},
    departments={("sztb", "规划处"): ("planning", "Planning Division")},
)


@pytest.fixture(scope="module")
def sztb():
    return read_whitepaper(SZTB_PATH, lookups=SZTB_LOOKUPS)


def test_other_agency_document(sztb):
    assert rows(sztb.tables["documents"], "document_id", "agency_id", "title_zh", "agency_zh", "publisher_zh",
                "published_date", "plan_year", "review_year", "source_file", "source_encoding", "source_url") == [
        ("sztb-2016", "sztb", "深圳市交通运输委员会2016年度公共服务白皮书", "深圳市交通运输委员会", "深圳市交通运输委员会",
         dt.date(2016, 3, 15), 2016, 2015, "tests/data/sztb-2016.txt", "utf-8", None)]


def test_other_agency_responsibilities(sztb):
    assert rows(sztb.tables["responsibilities"], "responsibility_id", "responsibility_seq", "text_zh") == [
        ("sztb-2016-r01", 1, "贯彻执行国家、省、市有关交通运输的法律、法规和政策；拟订全市综合交通发展战略和规划。"),
        ("sztb-2016-r02", 2, "负责道路运输、城市公共交通、出租汽车的行业管理；\n  组织协调重大节假日旅客运输。"),
        ("sztb-2016-r03", 3, "承办市政府交办的其他事项。"),
    ]


def test_other_agency_review(sztb):
    assert rows(sztb.tables["review_sections"], "section_id", "section_seq", "heading_zh", "text_zh") == [
        ("sztb-2016-s0", 0, None, "2015年，市交通运输委全面完成年度白皮书任务。全市公交分担率达到56%，新增公交专用道约120公里。"),
        ("sztb-2016-s1", 1, "提升公共交通服务水平", "新建公交场站32个，累计超过300个；日均客流接近1000万人次。"),
        ("sztb-2016-s2", 2, "推进交通综合治理", "完成治堵项目45项，同比增长12.5%。"),
    ]
    assert rows(sztb.tables["indicators"], "indicator_id", "section_id", "value_text_zh", "value", "unit_zh", "qualifier",
                "is_cumulative") == [
        ("sztb-2016-i01", "sztb-2016-s0", "56%", 56.0, "%", "exact", False),
        ("sztb-2016-i02", "sztb-2016-s0", "约120公里", 120.0, "公里", "approx", False),
        ("sztb-2016-i03", "sztb-2016-s1", "32个", 32.0, "个", "exact", False),
        ("sztb-2016-i04", "sztb-2016-s1", "超过300个", 300.0, "个", "over", True),
        ("sztb-2016-i05", "sztb-2016-s1", "接近1000万人次", 1e7, "人次", "nearly", False),
        ("sztb-2016-i06", "sztb-2016-s2", "45项", 45.0, "项", "exact", False),
        ("sztb-2016-i07", "sztb-2016-s2", "12.5%", 12.5, "%", "exact", False),
    ]


def test_other_agency_tasks(sztb):
    assert rows(sztb.tables["tasks"], "task_id", "task_seq", "title_zh", "category_zh", "category_en", "target_zh") == [
        ("sztb-2016-01", 1, "推进公交专用道建设，提升公交运行速度。", "市政府重点工作", "key task of the municipal government",
         "新建公交专用道不少于50公里。"),
        ("sztb-2016-02", 2, "优化出租汽车服务。", None, None, "推广网上预约出租汽车服务，覆盖全市80%以上的出租汽车。"),
        ("sztb-2016-03", 3, "建设交通运行指挥中心二期工程。", "区政府重点工作", None, "完成二期工程建设。"),
        ("sztb-2016-04", 4, "新建改造公交候车亭。", "民生实事", "people's livelihood project",
         "新建改造公交候车亭超过500个，新建2-3个公交枢纽。"),
    ]


def test_other_agency_milestones(sztb):
    q = [dt.date(2016, 3, 31), dt.date(2016, 6, 30), dt.date(2016, 9, 30), dt.date(2016, 12, 31)]
    assert rows(sztb.tables["milestones"], "milestone_id", "task_id", "quarter", "due_date", "text_zh") == [
        ("sztb-2016-01-q1", "sztb-2016-01", 1, q[0], "制定公交专用道年度建设计划。"),
        ("sztb-2016-01-q2", "sztb-2016-01", 2, q[1], "开工建设公交专用道20公里。"),
        ("sztb-2016-01-q3", "sztb-2016-01", 3, q[2], "累计建成公交专用道35公里。"),
        ("sztb-2016-01-q4", "sztb-2016-01", 4, q[3], "全年新建公交专用道不少于50公里。"),
        ("sztb-2016-02-q1", "sztb-2016-02", 1, q[0], "制定网上预约服务规范。"),
        ("sztb-2016-02-q2", "sztb-2016-02", 2, q[1], "开展试点。"),
        ("sztb-2016-02-q3", "sztb-2016-02", 3, q[2], None),  # no 第三季度 line at all
        ("sztb-2016-02-q4", "sztb-2016-02", 4, q[3], "完成全市推广。"),
        ("sztb-2016-03-q1", "sztb-2016-03", 1, q[0], "完成方案设计。"),
        ("sztb-2016-03-q2", "sztb-2016-03", 2, q[1], None),  # 第二季度： with nothing after it
        ("sztb-2016-03-q3", "sztb-2016-03", 3, q[2], "完成主体工程。"),
        ("sztb-2016-03-q4", "sztb-2016-03", 4, q[3], "投入试运行。"),
        ("sztb-2016-04-q1", "sztb-2016-04", 1, q[0], "召开若干场市民座谈会，确定选址。"),
        ("sztb-2016-04-q2", "sztb-2016-04", 2, q[1], "完成设计。"),
        ("sztb-2016-04-q3", "sztb-2016-04", 3, q[2], "开工建设。"),
        ("sztb-2016-04-q4", "sztb-2016-04", 4, q[3], "完成建设并投入使用。"),
    ]


def test_other_agency_divisions(sztb):
    assert rows(sztb.tables["departments"], "department_id", "agency_id", "name_zh", "name_en") == [
        ("sztb-planning", "sztb", "规划处", "Planning Division"),
        ("sztb-jian-she-chu", "sztb", "建设处", None),
        ("sztb-yun-shu-chu", "sztb", "运输处", None),
        ("sztb-zong-he-chu", "sztb", "综合处", None),
    ]
    assert rows(sztb.tables["task_departments"], "task_id", "department_id", "role", "department_seq") == [
        ("sztb-2016-01", "sztb-planning", "lead", 1),        # 规划处牵头，建设处、运输处配合
        ("sztb-2016-01", "sztb-jian-she-chu", "support", 2),
        ("sztb-2016-01", "sztb-yun-shu-chu", "support", 3),
        ("sztb-2016-02", "sztb-yun-shu-chu", "lead", 1),     # 运输处牵头;综合处配合
        ("sztb-2016-02", "sztb-zong-he-chu", "support", 2),
        ("sztb-2016-03", "sztb-jian-she-chu", "lead", 1),    # 建设处, the only one named
        ("sztb-2016-04", "sztb-zong-he-chu", "lead", 1),
        ("sztb-2016-04", "sztb-planning", "support", 2),
    ]


def test_other_agency_targets(sztb):
    assert rows(sztb.tables["targets"], "target_id", "task_id", "milestone_id", "comparator", "target_value",
                "target_value_max", "unit_zh", "value_text_zh") == [
        ("sztb-2016-01-t1", "sztb-2016-01", None, ">=", 50.0, None, "公里", "不少于50公里"),
        ("sztb-2016-01-q2-t1", "sztb-2016-01", "sztb-2016-01-q2", "=", 20.0, None, "公里", "20公里"),
        ("sztb-2016-01-q3-t1", "sztb-2016-01", "sztb-2016-01-q3", "=", 35.0, None, "公里", "35公里"),
        ("sztb-2016-01-q4-t1", "sztb-2016-01", "sztb-2016-01-q4", ">=", 50.0, None, "公里", "不少于50公里"),
        ("sztb-2016-02-t1", "sztb-2016-02", None, ">=", 80.0, None, "%", "80%以上"),
        ("sztb-2016-04-t1", "sztb-2016-04", None, ">", 500.0, None, "个", "超过500个"),
        ("sztb-2016-04-t2", "sztb-2016-04", None, "between", 2.0, 3.0, "个", "2-3个"),
    ]


def test_other_agency_contacts(sztb):
    assert rows(sztb.tables["contacts"], "contact_id", "channel", "value", "text_zh") == [
        ("sztb-2016-c1", "website", "www.sztb.gov.cn", "登录深圳市交通运输委员会网站（www.sztb.gov.cn）。"),
        ("sztb-2016-c2", "phone", "0755-83930000", "拨打交通服务热线：0755-83930000。"),
        ("sztb-2016-c3", "mail", "来信邮寄至深圳市福田区福中三路交通运输委员会，邮编518000。",
         "来信邮寄至深圳市福田区福中三路交通运输委员会，邮编518000。"),
    ]


def test_other_agency_quality_notes(sztb):
    notes = sztb.tables["quality_notes"]
    assert sorted(rows(notes, "table_name", "row_id", "flag"), key=str) == sorted([
        ("departments", "sztb-jian-she-chu", "unknown_department"),
        ("departments", "sztb-yun-shu-chu", "unknown_department"),
        ("departments", "sztb-zong-he-chu", "unknown_department"),
        ("milestones", "sztb-2016-02-q3", "missing_milestone"),
        ("tasks", "sztb-2016-03", "unknown_category"),
        ("milestones", "sztb-2016-03-q2", "empty_milestone"),
        ("targets", "sztb-2016-04-q1", "unquantified_target"),
    ], key=str)
    assert list(notes.note_id) == [f"sztb-2016-n{n:02d}" for n in range(1, 8)]
    assert set(notes.document_id) == {"sztb-2016"}


def test_other_agency_offsets(sztb):
    assert_offsets_index_the_text(sztb)
    assert sztb.text == SZTB_2016


def test_other_agency_with_the_reviewed_lookups():
    # raw/lookups knows the categories but no sztb division: null English names, pinyin ids, no failure.
    parsed = parse_whitepaper(SZTB_2016.encode("utf-8"), "sztb-2016", "sztb-2016.txt")
    assert rows(parsed.tables["tasks"], "category_en") == [
        ("key task of the municipal government",), (None,), (None,), ("people's livelihood project",)]
    assert rows(parsed.tables["departments"], "department_id", "name_en") == [
        ("sztb-gui-hua-chu", None), ("sztb-jian-she-chu", None), ("sztb-yun-shu-chu", None), ("sztb-zong-he-chu", None)]


@pytest.mark.parametrize("variant", ["gb18030", "crlf", "half-width"])
def test_other_agency_in_other_encodings(sztb, variant):
    # This paper is written with full-width punctuation: the variant goes the other way.
    half_width = SZTB_2016.translate(str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"}))
    raw = {"gb18030": SZTB_2016.encode("gb18030"), "crlf": SZTB_2016.replace("\n", "\r\n").encode(),
           "half-width": half_width.encode()}[variant]
    parsed = parse_whitepaper(raw, "sztb-2016", "tests/data/sztb-2016.txt", lookups=SZTB_LOOKUPS)
    for name in TABLE_NAMES:
        drop = ["source_sha256", "source_encoding", "text_sha256"] if name == "documents" else []
        pd.testing.assert_frame_equal(folded(parsed.tables[name].drop(columns=drop)),
                                      folded(sztb.tables[name].drop(columns=drop)), obj=name)


# --- a district paper with twelve duties and thirteen tasks: (十二), (十三) --------------------------

NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]


def futian_2017() -> str:
    duties = "\n".join(f"  （{n}）职责{n}。\n" for n in NUMERALS[:12])
    tasks = "".join(f"（{n}）任务{n}。（区政府重点工作） 目标：完成任务{n}。\n第一季度：{n}一。\n第二季度：{n}二。\n"
                    f"第三季度：{n}三。\n第四季度：{n}四。\n{'科技处牵头，产业处配合' if n == '十二' else '科技处'}\n"
                    for n in NUMERALS)
    return ("福田区科技创新局2017年度公共服务白皮书\n\n信息来源：福田区科技创新局\n2017年1月9日\n\n"
            "一、工作职责\n\n" + duties +
            "\n二、2016年度工作任务目标完成情况\n\n  2016年，新增科技企业孵化器3家。\n\n"
            "三、2017年度工作任务目标\n\n工作任务 目标及进度 责任部门\n" + tasks +
            "\n四、公众参与、监督渠道\n\n  （一）发送电子邮件至kjj@szft.gov.cn。\n")


def test_district_paper_with_numerals_past_ten():
    parsed = parse_whitepaper(futian_2017().encode("gbk"), "futian-kjcxj-2017", "futian-kjcxj-2017.txt", lookups=Lookups())
    t = parsed.tables
    assert rows(t["documents"], "agency_id", "agency_zh", "published_date", "plan_year", "review_year", "source_encoding") == [
        ("futian-kjcxj", "福田区科技创新局", dt.date(2017, 1, 9), 2017, 2016, "gb18030")]
    assert rows(t["responsibilities"], "responsibility_id", "text_zh")[9:] == [
        ("futian-kjcxj-2017-r10", "职责十。"), ("futian-kjcxj-2017-r11", "职责十一。"), ("futian-kjcxj-2017-r12", "职责十二。")]
    assert rows(t["tasks"], "task_id", "task_seq", "title_zh", "category_zh", "category_en")[10:] == [
        ("futian-kjcxj-2017-11", 11, "任务十一。", "区政府重点工作", None),
        ("futian-kjcxj-2017-12", 12, "任务十二。", "区政府重点工作", None),
        ("futian-kjcxj-2017-13", 13, "任务十三。", "区政府重点工作", None)]
    assert len(t["milestones"]) == 52
    assert rows(t["milestones"], "milestone_id", "due_date", "text_zh")[-1] == (
        "futian-kjcxj-2017-13-q4", dt.date(2017, 12, 31), "十三四。")
    assert rows(t["departments"], "department_id", "name_zh", "name_en") == [
        ("futian-kjcxj-ke-ji-chu", "科技处", None), ("futian-kjcxj-chan-ye-chu", "产业处", None)]
    assert rows(t["task_departments"], "task_id", "department_id", "role")[11:13] == [
        ("futian-kjcxj-2017-12", "futian-kjcxj-ke-ji-chu", "lead"), ("futian-kjcxj-2017-12", "futian-kjcxj-chan-ye-chu", "support")]
    assert rows(t["indicators"], "value_text_zh", "value", "unit_zh") == [("3家", 3.0, "家")]
    assert rows(t["contacts"], "channel", "value") == [("email", "kjj@szft.gov.cn")]
    flags = [flag for (flag,) in rows(t["quality_notes"], "flag")]
    assert "numbering_out_of_order" not in flags
    assert flags.count("unknown_category") == 13 and flags.count("unknown_department") == 2
    assert_offsets_index_the_text(parsed)


def test_numbering_out_of_order_is_noted_not_renumbered():
    text = MINI.replace("  （一）负责科技工作。", "  （一）负责科技工作。\n\n  （三）负责人才工作。")
    parsed = parse_whitepaper(text.encode(), "x-2016", "x.txt", lookups=Lookups())
    assert rows(parsed.tables["responsibilities"], "responsibility_id", "responsibility_seq", "text_zh") == [
        ("x-2016-r01", 1, "负责科技工作。"), ("x-2016-r02", 2, "负责人才工作。")]
    assert ("responsibilities", "x-2016-r02", "numbering_out_of_order") in rows(
        parsed.tables["quality_notes"], "table_name", "row_id", "flag")


# --- files: read_whitepaper and write_tables_csv --------------------------------------------------

def test_read_whitepaper_takes_the_id_from_the_stem_and_the_citation_from_the_sidecar(tmp_path):
    shutil.copy(SEED_PATH, tmp_path / "szsti-2014.txt")
    shutil.copy(SEED_PATH.with_name("szsti-2014.meta.yaml"), tmp_path / "szsti-2014.meta.yaml")
    parsed = read_whitepaper(tmp_path / "szsti-2014.txt", lookups=Lookups())
    doc = parsed.tables["documents"].iloc[0]
    assert (parsed.document_id, doc.source_url, doc.retrieved_date) == ("szsti-2014", "http://www.szsti.gov.cn/", dt.date(2026, 11, 26))
    assert doc.source_file == (tmp_path / "szsti-2014.txt").as_posix()


def test_read_whitepaper_without_sidecar_leaves_the_citation_null(sztb):
    assert not SZTB_PATH.with_name("sztb-2016.meta.yaml").exists()
    assert rows(sztb.tables["documents"], "document_id", "source_url", "retrieved_date", "license_note") == [
        ("sztb-2016", None, None, None)]


def test_read_whitepaper_refuses_a_copy_that_differs_from_its_sidecar(tmp_path):
    (tmp_path / "szsti-2014.txt").write_bytes(SEED_PATH.read_bytes().replace(b"88128897", b"88128898"))
    shutil.copy(SEED_PATH.with_name("szsti-2014.meta.yaml"), tmp_path / "szsti-2014.meta.yaml")
    with pytest.raises(WhitepaperError, match=r"szsti-2014\.txt: sha256 is [0-9a-f]{64} but szsti-2014\.meta\.yaml records "
                                              r"f217a0e4193c627756003d0255878fd92175e13565e4c2b2ff2914b48c1b83c2"):
        read_whitepaper(tmp_path / "szsti-2014.txt")


def test_write_tables_csv_round_trips(sztb, tmp_path):
    written = write_tables_csv(sztb.tables, tmp_path / "out")
    assert written == {name: len(df) for name, df in sztb.tables.items()}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{name}.csv" for name in TABLE_NAMES)
    raw = (tmp_path / "out" / "responsibilities.csv").read_bytes()
    assert raw.startswith(b"responsibility_id,document_id,responsibility_seq,text_zh,source_start,source_end\n")
    with (tmp_path / "out" / "responsibilities.csv").open(encoding="utf-8", newline="") as fh:
        back = list(csv.DictReader(fh))
    assert back[1]["text_zh"] == "负责道路运输、城市公共交通、出租汽车的行业管理；\n  组织协调重大节假日旅客运输。"
    with (tmp_path / "out" / "milestones.csv").open(encoding="utf-8", newline="") as fh:
        milestones = list(csv.DictReader(fh))
    assert (milestones[6]["milestone_id"], milestones[6]["text_zh"], milestones[6]["due_date"]) == ("sztb-2016-02-q3", "", "2016-09-30")
