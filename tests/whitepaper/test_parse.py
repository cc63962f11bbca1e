"""flows/whitepaper/parse.py: the seed end to end, and reading a paper from its file."""

import csv
import datetime as dt
import shutil

import pandas as pd
import pytest

from flows import paths
from flows.whitepaper.lookups import Lookups
from flows.whitepaper.parse import WhitepaperError, read_whitepaper, write_tables_csv
from schemas import TABLES
from tests.whitepaper.helpers import SZTB_PATH, TABLE_NAMES, assert_offsets_index_the_text, rows

SEED_PATH = paths.WHITEPAPERS / "szsti-2014.txt"


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


def test_a_web_page_with_quarter_columns_and_a_merged_division_cell(tmp_path):
    from tests.whitepaper.helpers import MINI
    before, after = MINI.split("工作任务 目标及进度 责任部门\n")
    after = after.split("\n\n四、")[1]
    row = "<tr><td>{}</td><td>完成{}。</td>" + "".join(f"<td>{{}}{n}。</td>" for n in "一二三四")
    table = ('<table><tr><td rowspan="2">工作任务</td><td rowspan="2">年度目标</td><td colspan="4">进度安排</td>'
             '<td rowspan="2">责任部门</td></tr><tr><td>第一季度</td><td>第二季度</td><td>第三季度</td><td>第四季度</td></tr>'
             + (row + '<td rowspan="2">科技处</td></tr>').format("（一）任务甲。", "甲", *"甲甲甲甲")
             + (row + "</tr>").format("（二）任务乙。", "乙", *"乙乙乙乙") + "</table>")
    page = "".join(f"<p>{ln}</p>" for ln in before.split("\n") if ln) + table + f"<p>四、{after.split(chr(10))[0]}</p>"
    path = tmp_path / "ftkc-2016.html"
    path.write_text(page + "".join(f"<p>{ln}</p>" for ln in after.split("\n")[1:] if ln), encoding="utf-8")
    parsed = read_whitepaper(path, lookups=Lookups())
    t = parsed.tables
    assert rows(t["tasks"], "title_zh", "target_zh") == [("任务甲。", "完成甲。"), ("任务乙。", "完成乙。")]
    assert rows(t["milestones"], "milestone_id", "text_zh")[4:] == [
        ("ftkc-2016-02-q1", "乙一。"), ("ftkc-2016-02-q2", "乙二。"), ("ftkc-2016-02-q3", "乙三。"), ("ftkc-2016-02-q4", "乙四。")]
    assert rows(t["task_departments"], "task_id", "role") == [("ftkc-2016-01", "lead"), ("ftkc-2016-02", "lead")]
    merged = t["quality_notes"][t["quality_notes"].flag == "merged_cell"]
    assert rows(merged, "table_name", "row_id") == [("task_departments", "ftkc-2016-02")]
    assert parsed.text[merged.source_start.iloc[0]:merged.source_end.iloc[0]] == "科技处"
    assert "unparsed_line" not in set(t["quality_notes"].flag)
    assert_offsets_index_the_text(parsed)
