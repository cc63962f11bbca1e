"""flows/whitepaper/parse.py: other agencies and years in the same template, numbering past ten."""

import datetime as dt

import pandas as pd
import pytest

from flows import paths
from flows.whitepaper.lookups import Lookups
from flows.whitepaper.parse import parse_whitepaper
from tests.whitepaper.helpers import (
    MINI,
    SZTB_LOOKUPS,
    SZTB_PATH,
    TABLE_NAMES,
    assert_offsets_index_the_text,
    folded,
    rows,
)

SEED_PATH = paths.WHITEPAPERS / "szsti-2014.txt"


# --- another agency and year in the same template -------------------------------------------------

SZTB_2016 = SZTB_PATH.read_bytes().decode("utf-8")


def test_other_agency_document(sztb):
    assert rows(sztb.tables["documents"], "document_id", "agency_id", "title_zh", "agency_zh", "publisher_zh",
                "published_date", "plan_year", "review_year", "source_file", "source_encoding", "source_url") == [
        ("sztb-2016", "sztb", "深圳市交通运输委员会2016年度公共服务白皮书", "深圳市交通运输委员会", "深圳市交通运输委员会",
         dt.date(2016, 3, 15), 2016, 2015, "tests/whitepaper/data/sztb-2016.txt", "utf-8", None)]


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
        ("sztb-jian-she-chu-2ca8980d", "sztb", "建设处", None),
        ("sztb-yun-shu-chu-1138218f", "sztb", "运输处", None),
        ("sztb-zong-he-chu-e33db120", "sztb", "综合处", None),
    ]
    assert rows(sztb.tables["task_departments"], "task_id", "department_id", "role", "department_seq") == [
        ("sztb-2016-01", "sztb-planning", "lead", 1),        # 规划处牵头，建设处、运输处配合
        ("sztb-2016-01", "sztb-jian-she-chu-2ca8980d", "support", 2),
        ("sztb-2016-01", "sztb-yun-shu-chu-1138218f", "support", 3),
        ("sztb-2016-02", "sztb-yun-shu-chu-1138218f", "lead", 1),     # 运输处牵头;综合处配合
        ("sztb-2016-02", "sztb-zong-he-chu-e33db120", "support", 2),
        ("sztb-2016-03", "sztb-jian-she-chu-2ca8980d", "lead", 1),    # 建设处, the only one named
        ("sztb-2016-04", "sztb-zong-he-chu-e33db120", "lead", 1),
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
        ("departments", "sztb-jian-she-chu-2ca8980d", "unknown_department"),
        ("departments", "sztb-yun-shu-chu-1138218f", "unknown_department"),
        ("departments", "sztb-zong-he-chu-e33db120", "unknown_department"),
        ("milestones", "sztb-2016-02-q3", "missing_milestone"),
        ("tasks", "sztb-2016-03", "unknown_category"),
        ("milestones", "sztb-2016-03-q2", "empty_milestone"),
        ("targets", "sztb-2016-04-q1", "unquantified_target"),
        ("documents", "sztb-2016", "untranslated_text"),  # raw/lookups/translations.csv has only the seed's texts
    ], key=str)
    assert list(notes.note_id) == [f"sztb-2016-n{n:02d}" for n in range(1, 9)]
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
        ("sztb-gui-hua-chu-c4e827cf", None), ("sztb-jian-she-chu-2ca8980d", None), ("sztb-yun-shu-chu-1138218f", None), ("sztb-zong-he-chu-e33db120", None)]


@pytest.mark.parametrize("variant", ["gb18030", "crlf", "half-width"])
def test_other_agency_in_other_encodings(sztb, variant):
    # This paper is written with full-width punctuation: the variant goes the other way.
    half_width = SZTB_2016.translate(str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"}))
    raw = {"gb18030": SZTB_2016.encode("gb18030"), "crlf": SZTB_2016.replace("\n", "\r\n").encode(),
           "half-width": half_width.encode()}[variant]
    parsed = parse_whitepaper(raw, "sztb-2016", "tests/whitepaper/data/sztb-2016.txt", lookups=SZTB_LOOKUPS)
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
        ("futian-kjcxj-ke-ji-chu-67915ae9", "科技处", None), ("futian-kjcxj-chan-ye-chu-7de9f6bb", "产业处", None)]
    assert rows(t["task_departments"], "task_id", "department_id", "role")[11:13] == [
        ("futian-kjcxj-2017-12", "futian-kjcxj-ke-ji-chu-67915ae9", "lead"), ("futian-kjcxj-2017-12", "futian-kjcxj-chan-ye-chu-7de9f6bb", "support")]
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


# --- tasks numbered like the section headings (jyj-2015 as one site printed it) -------------------------------

TWO_TASKS_LIKE_HEADINGS = ("一、任务甲。（民生实事） 目标：完成甲。\n第一季度：甲一。\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。\n科技处\n"
                           "二、任务乙。 目标：完成乙。\n第一季度：乙一。\n第二季度：乙二。\n第三季度：乙三。\n第四季度：乙四。\n科技处\n")


def test_tasks_numbered_like_headings_stay_in_section_three():
    # 一、新建、改扩建中小学，增加公办学位供给。（民生实事） 目标：… — was taken for a section heading, which left
    # section 三 with no task ('section 三 has no numbered task'); a 四、 task would have been dropped unseen
    text = MINI.replace("（一）任务甲。 目标：完成甲。\n第一季度：甲一。\n第二季度：甲二。\n第三季度：甲三。\n第四季度：甲四。\n科技处\n",
                        TWO_TASKS_LIKE_HEADINGS)
    parsed = parse_whitepaper(text.encode(), "x-2016", "x.txt", lookups=Lookups())
    assert rows(parsed.tables["tasks"], "task_id", "title_zh", "category_zh", "target_zh") == [
        ("x-2016-01", "任务甲。", "民生实事", "完成甲。"), ("x-2016-02", "任务乙。", None, "完成乙。")]
    assert rows(parsed.tables["milestones"], "milestone_id", "text_zh")[4:6] == [("x-2016-02-q1", "乙一。"), ("x-2016-02-q2", "乙二。")]
    assert rows(parsed.tables["contacts"], "channel", "value") == [("phone", "88000000")]
    assert ("tasks", None, "task_numbering_style") in rows(parsed.tables["quality_notes"], "table_name", "row_id", "flag")
    assert_offsets_index_the_text(parsed)


def test_a_heading_after_template_tasks_still_ends_section_three():
    # (一) tasks, then 五、… : section 三 ends there as before, and 四、公众参与 still starts section 四
    text = MINI.replace("科技处\n\n四、", "科技处\n\n五、其他说明\n\n  本表如有调整另行公布。\n\n四、")
    parsed = parse_whitepaper(text.encode(), "x-2016", "x.txt", lookups=Lookups())
    assert rows(parsed.tables["task_departments"], "task_id", "role") == [("x-2016-01", "lead")]
    assert [m for (m,) in rows(parsed.tables["milestones"], "text_zh")] == ["甲一。", "甲二。", "甲三。", "甲四。"]
