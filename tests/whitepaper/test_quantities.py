"""flows/whitepaper/quantities.py: numbers with units in Chinese prose, their qualifier and comparator."""

import re

import pytest

from flows.whitepaper.quantities import find_quantities
from flows.whitepaper.text import fold


def found(text: str, **kwargs):
    """(text as written, value, value_max, unit, qualifier, comparator) of every quantity in `text`."""
    return [(text[q.start:q.end], q.value, q.value_max, q.unit, q.qualifier, q.comparator)
            for q in find_quantities(fold(text), **kwargs)]


@pytest.mark.parametrize("text, expected", [
    # The seed's own wording.
    ("研发投入占GDP比重提高到4%", [("4%", 4.0, None, "%", "exact", "=")]),
    ("产值约1.4万亿元", [("约1.4万亿元", 1.4e12, None, "元", "approx", "=")]),
    ("同比增长9.5%", [("9.5%", 9.5, None, "%", "exact", "=")]),
    ("增加值占GDP比重超过33%", [("超过33%", 33.0, None, "%", "over", ">")]),
    ("创新载体总数超过1000家", [("超过1000家", 1000.0, None, "家", "over", ">")]),
    ("组织实施50个以上重大技术攻关项目", [("50个以上", 50.0, None, "个", "at_least", ">=")]),
    ("引进10个海外高层次创新团队", [("10个", 10.0, None, "个", "exact", "=")]),
    ("改造2-3个传统产业项目", [("2-3个", 2.0, 3.0, "个", "exact", "between")]),
    ("引进“海归”人才接近5万人", [("接近5万人", 50000.0, None, "人", "nearly", "<")]),
    ("引进了34 个国家和地区的56 家境外科技商务机构", [("34 个", 34.0, None, "个", "exact", "="),
                                                  ("56 家", 56.0, None, "家", "exact", "=")]),
    ("76名海外高层次人才", [("76名", 76.0, None, "名", "exact", "=")]),
    ("组织重大技术攻关项目66项", [("66项", 66.0, None, "项", "exact", "=")]),
    # Other wording the template allows.
    ("不少于20家", [("不少于20家", 20.0, None, "家", "at_least", ">=")]),
    ("资助1000万元", [("1000万元", 1e7, None, "元", "exact", "=")]),
    ("投入3亿元", [("3亿元", 3e8, None, "元", "exact", "=")]),
    ("服务5000人次", [("5000人次", 5000.0, None, "人次", "exact", "=")]),
    ("新建公交专用道约120公里", [("约120公里", 120.0, None, "公里", "approx", "=")]),
    ("改造2至3个项目", [("2至3个", 2.0, 3.0, "个", "exact", "between")]),
    ("改造2～3个项目", [("2～3个", 2.0, 3.0, "个", "exact", "between")]),
    ("改造2—3个项目", [("2—3个", 2.0, 3.0, "个", "exact", "between")]),
    ("占比10.5%左右", [("10.5%左右", 10.5, None, "%", "approx", "=")]),
    ("不超过5个", [("不超过5个", 5.0, None, "个", "exact", "<=")]),
    # Full-width digits and punctuation are read, and kept as written.
    ("超过１０００家", [("超过１０００家", 1000.0, None, "家", "over", ">")]),
    ("同比增长９．５％", [("９．５％", 9.5, None, "%", "exact", "=")]),
    ("引进了34\xa0个国家", [("34\xa0个", 34.0, None, "个", "exact", "=")]),
])
def test_quantity(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "组织实施若干重大应用示范工程",       # 若干 is not a number
    "4G技术、3D显示等领域",              # a digit inside a name
    "完成2014年度科技应用示范项目",       # a year
    "落实“1+10”政策文件",               # numbers with no unit
    "提前达到“十二五”规划目标",           # Chinese numerals are numbering, not quantities
    "形成一批高质量的核心自主知识产权",
    "新增" + "9" * 400 + "家",                # more digits than a float holds: text, never infinity
])
def test_no_quantity(text):
    assert found(text) == []


def test_offsets_index_the_text_and_respect_the_range():
    text = "甲：新增176家，累计955家。乙：超过400个。"
    folded = fold(text)
    start = text.index("乙")
    assert [(q.start, q.end) for q in find_quantities(folded)] == [(4, 8), (11, 15), (18, 24)]
    assert [text[q.start:q.end] for q in find_quantities(folded, start)] == ["超过400个"]
    assert [text[q.start:q.end] for q in find_quantities(folded, 0, start)] == ["176家", "955家"]


def test_skip_clause_leaves_context_out():
    # 继获…等10个奖项之后,又有9项: the 10 awards are earlier years', only 9 is a figure.
    text = "继获国家技术发明一等奖、科技进步一等奖等10个奖项之后,又有9项科研成果获国家科技大奖。"
    skip = re.compile(r"^\s*继.*之后")
    assert found(text, skip_clause=skip) == [("9项", 9.0, None, "项", "exact", "=")]
    assert [row[0] for row in found(text)] == ["10个", "9项"]


@pytest.mark.parametrize("text, metrics", [
    ("全年新认定国家高新技术企业591家,累计超过3000家。", ["全年新认定国家高新技术企业", "累计国家高新技术企业"]),
    ("高新技术产品产值约1.4万亿元,同比增长9.5%", ["高新技术产品产值", "高新技术产品产值同比增长"]),
    ("组建5家以上教育、医疗类民生重点实验室或工程中心,实施35个以上民生科技研发项目。",
     ["教育、医疗类民生重点实验室或工程中心", "民生科技研发项目"]),
    ("新引进海外高层次创新团队10个,累计引进45个团队", ["新引进海外高层次创新团队", "累计引进团队"]),
])
def test_metric_names_the_thing_counted(text, metrics):
    assert [q.metric for q in find_quantities(fold(text))] == metrics


def test_cumulative_only_when_the_clause_says_so():
    quantities = find_quantities(fold("全年新增创新载体176家,累计955家。"))
    assert [q.is_cumulative for q in quantities] == [False, True]


def test_thousands_separator_is_not_misread():
    rows = found("累计超过3,000家")
    assert all(value != 0.0 for _, value, *_ in rows)
    assert rows == [("超过3,000家", 3000.0, None, "家", "over", ">")]


def test_measure_words_of_other_agencies():
    assert found("新开通公交线路85条,推广新能源公交车1000辆") == [
        ("85条", 85.0, None, "条", "exact", "="), ("1000辆", 1000.0, None, "辆", "exact", "=")]
