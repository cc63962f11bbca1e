"""A tiny, valid set of white-paper tables and their source text, for the release-writer tests.

Rows are written out by hand from a shortened szsti-2014 paper; offsets point into TEXT.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd

DOC = "szsti-2014"
TEXT = (
    "深圳市科技创新委员会2014年度公共服务白皮书\n\n信息来源:深圳科技创新委员会\n2014年04月02日\n\n"
    "一、 工作职责\n\n  (一)贯彻执行国家、省、市有关科学技术的法律、法规。\n\n  (二)研究提出本市科技体制改革的政策和措施。\n\n"
    "二、2013年度工作任务目标完成情况\n\n  2013年,全社会研发投入占GDP比重提高到4%,约1.4万亿元。\n\n"
    "  (一)创新载体建设\n\n  新增创新载体50个以上。\n\n"
    "三、2014年度工作任务\n\n  (一)推进科技体制改革(市政府重点工作)\n  目标:出台政策2个。\n"
    "  第一季度:制定方案。第三季度:出台政策2个。\n  责任部门:政策规划处(牵头),创新支撑处\n\n"
    "  (二)建设创新载体\n  第一季度:。第三季度:新增载体50个以上。\n  责任部门:创新支撑处\n\n"
    "四、公众参与监督渠道\n\n  (一)网站:http://www.szsti.gov.cn\n"
)
TEXT_SHA256 = hashlib.sha256(TEXT.encode()).hexdigest()
RAW_SHA256 = hashlib.sha256(b"raw bytes of szsti-2014.txt").hexdigest()


def span(passage: str) -> tuple[int, int]:
    start = TEXT.index(passage)
    return start, start + len(passage)


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Every white-paper table, one to four rows each, valid against schemas.TABLES (fresh frames each call)."""
    r1, r2 = span("贯彻执行国家、省、市有关科学技术的法律、法规。"), span("研究提出本市科技体制改革的政策和措施。")
    s0, s1 = span("2013年,全社会研发投入占GDP比重提高到4%,约1.4万亿元。"), span("(一)创新载体建设\n\n  新增创新载体50个以上。")
    t1, t2 = span("(一)推进科技体制改革"), span("(二)建设创新载体")
    q11, q13, q21, q23 = span("第一季度:制定方案。"), span("第三季度:出台政策2个。"), span("第一季度:。"), span("第三季度:新增载体50个以上。")
    lead1, sup1, lead2 = span("政策规划处(牵头)"), span(",创新支撑处"), span("责任部门:创新支撑处\n\n")
    contact = span("网站:http://www.szsti.gov.cn")
    return {
        "documents": pd.DataFrame([{
            "document_id": DOC, "agency_id": "szsti", "title_zh": "深圳市科技创新委员会2014年度公共服务白皮书",
            "title_en": "Shenzhen Science, Technology and Innovation Commission 2014 Public Service White Paper",
            "agency_zh": "深圳市科技创新委员会", "publisher_zh": "深圳科技创新委员会", "published_date": dt.date(2014, 4, 2),
            "plan_year": 2014, "review_year": 2013, "source_file": f"raw/whitepapers/{DOC}.txt",
            "source_sha256": RAW_SHA256, "source_format": "text", "source_encoding": "utf-8", "text_sha256": TEXT_SHA256, "text_chars": len(TEXT),
            "source_url": None, "retrieved_date": None, "license_note": None, "source_start": 0, "source_end": len(TEXT),
        }]),
        "responsibilities": pd.DataFrame([
            {"responsibility_id": f"{DOC}-r2", "document_id": DOC, "responsibility_seq": 2,
             "text_zh": "研究提出本市科技体制改革的政策和措施。", "source_start": r2[0], "source_end": r2[1]},
            {"responsibility_id": f"{DOC}-r1", "document_id": DOC, "responsibility_seq": 1,
             "text_zh": "贯彻执行国家、省、市有关科学技术的法律、法规。", "source_start": r1[0], "source_end": r1[1]},
        ]),
        "review_sections": pd.DataFrame([
            {"section_id": f"{DOC}-s0", "document_id": DOC, "section_seq": 0, "heading_zh": None,
             "text_zh": "2013年,全社会研发投入占GDP比重提高到4%,约1.4万亿元。", "source_start": s0[0], "source_end": s0[1]},
            {"section_id": f"{DOC}-s1", "document_id": DOC, "section_seq": 1, "heading_zh": "创新载体建设",
             "text_zh": "新增创新载体50个以上。\n\n第二段。", "source_start": s1[0], "source_end": s1[1]},
        ]),
        "indicators": pd.DataFrame([
            {"indicator_id": f"{DOC}-i1", "document_id": DOC, "section_id": f"{DOC}-s0", "section_seq": 0,
             "indicator_seq": 1, "metric_zh": "研发投入占GDP比重", "metric_en": "R&D spending as a share of GDP", "value": 4.0, "unit_zh": "%", "qualifier": "exact",
             "is_cumulative": False, "value_text_zh": "4%", "source_start": s0[0], "source_end": s0[1]},
            {"indicator_id": f"{DOC}-i2", "document_id": DOC, "section_id": f"{DOC}-s0", "section_seq": 0,
             "indicator_seq": 2, "metric_zh": "研发投入", "metric_en": None, "value": 1.4e12, "unit_zh": "元", "qualifier": "approx",
             "is_cumulative": True, "value_text_zh": "约1.4万亿元", "source_start": s0[0], "source_end": s0[1]},
        ]),
        "tasks": pd.DataFrame([
            {"task_id": f"{DOC}-01", "document_id": DOC, "task_seq": 1, "title_zh": "推进科技体制改革", "title_en": "Reform the science and technology system",
             "category_zh": "市政府重点工作", "category_en": "key task of the municipal government",
             "target_zh": "出台政策2个。", "target_en": "Issue 2 policies.", "source_start": t1[0], "source_end": t1[1]},
            {"task_id": f"{DOC}-02", "document_id": DOC, "task_seq": 2, "title_zh": "建设创新载体", "title_en": None,
             "category_zh": None, "category_en": None, "target_zh": None, "target_en": None, "source_start": t2[0], "source_end": t2[1]},
        ]),
        "milestones": pd.DataFrame([
            {"milestone_id": f"{DOC}-01-q3", "task_id": f"{DOC}-01", "document_id": DOC, "quarter": 3,
             "due_date": dt.date(2014, 9, 30), "text_zh": "出台政策2个。", "text_en": "Issue 2 policies.", "source_start": q13[0], "source_end": q13[1]},
            {"milestone_id": f"{DOC}-01-q1", "task_id": f"{DOC}-01", "document_id": DOC, "quarter": 1,
             "due_date": dt.date(2014, 3, 31), "text_zh": "制定方案。", "text_en": "Draw up the plan.", "source_start": q11[0], "source_end": q11[1]},
            {"milestone_id": f"{DOC}-02-q1", "task_id": f"{DOC}-02", "document_id": DOC, "quarter": 1,
             "due_date": dt.date(2014, 3, 31), "text_zh": None, "text_en": None, "source_start": q21[0], "source_end": q21[1]},
            {"milestone_id": f"{DOC}-02-q3", "task_id": f"{DOC}-02", "document_id": DOC, "quarter": 3,
             "due_date": dt.date(2014, 9, 30), "text_zh": "新增载体50个以上。", "text_en": None, "source_start": q23[0], "source_end": q23[1]},
        ]),
        "departments": pd.DataFrame([
            {"department_id": "szsti-policy-planning", "agency_id": "szsti", "name_zh": "政策规划处",
             "name_en": "Policy and Planning Division"},
            {"department_id": "szsti-innovation-support", "agency_id": "szsti", "name_zh": "创新支撑处",
             "name_en": None},
        ]),
        "task_departments": pd.DataFrame([
            {"task_id": f"{DOC}-01", "department_id": "szsti-policy-planning", "role": "lead", "department_seq": 1,
             "source_start": lead1[0], "source_end": lead1[1]},
            {"task_id": f"{DOC}-01", "department_id": "szsti-innovation-support", "role": "support",
             "department_seq": 2, "source_start": sup1[0], "source_end": sup1[1]},
            {"task_id": f"{DOC}-02", "department_id": "szsti-innovation-support", "role": "lead", "department_seq": 1,
             "source_start": lead2[0], "source_end": lead2[1]},
        ]),
        "targets": pd.DataFrame([
            {"target_id": f"{DOC}-01-t1", "task_id": f"{DOC}-01", "milestone_id": None, "metric_zh": "出台政策",
             "comparator": "=", "target_value": 2.0, "target_value_max": float("nan"), "unit_zh": "个", "value_text_zh": "2个",
             "source_start": t1[0], "source_end": t1[1]},
            {"target_id": f"{DOC}-02-q3-t1", "task_id": f"{DOC}-02", "milestone_id": f"{DOC}-02-q3",
             "metric_zh": "新增载体", "comparator": ">=", "target_value": 50.0, "target_value_max": float("nan"),
             "unit_zh": "个", "value_text_zh": "50个以上", "source_start": q23[0], "source_end": q23[1]},
        ]),
        "contacts": pd.DataFrame([
            {"contact_id": f"{DOC}-c1", "document_id": DOC, "contact_seq": 1, "channel": "website",
             "value": "http://www.szsti.gov.cn", "text_zh": "网站:http://www.szsti.gov.cn",
             "source_start": contact[0], "source_end": contact[1]},
        ]),
        "quality_notes": pd.DataFrame({
            "note_id": [f"{DOC}-n1", f"{DOC}-n2"], "document_id": [DOC, DOC],
            "table_name": ["milestones", "documents"], "row_id": [f"{DOC}-02-q1", None],
            "flag": ["empty_milestone", "missing_sidecar"],
            "detail": ["第一季度 has no text: \"第一季度:。\"", "No sidecar metadata: source_url is null."],
            "source_start": pd.array([q21[0], None], dtype="Int64"),
            "source_end": pd.array([q21[1], None], dtype="Int64"),
        }),
    }


def tiny_sources() -> dict[str, str]:
    return {DOC: TEXT}


def tiny_inputs():
    from flows.release.publish import InputFile

    return [
        InputFile(f"raw/whitepapers/{DOC}.txt", RAW_SHA256, 12887, "whitepaper"),
        InputFile("raw/lookups/departments.csv", "0" * 64, 610, "lookup"),
    ]


def publish_tiny(out_root, tables=None, as_of=dt.date(2014, 10, 1), **kwargs):
    """publish_release with the tiny tables, sources and inputs unless given."""
    from flows.release.publish import publish_release

    return publish_release(tiny_tables() if tables is None else tables, sources=kwargs.pop("sources", tiny_sources()),
                           inputs=kwargs.pop("inputs", tiny_inputs()), out_root=out_root, as_of=as_of, **kwargs)
