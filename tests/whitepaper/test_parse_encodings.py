"""flows/whitepaper/parse.py: the same paper in every accepted encoding, and input that is not a white paper."""

import datetime as dt
import hashlib

import pandas as pd
import pytest

from flows import paths
from flows.whitepaper.lookups import Lookups
from flows.whitepaper.parse import WhitepaperError, parse_whitepaper
from flows.whitepaper.text import SourceError
from tests.whitepaper.helpers import MINI, TABLE_NAMES, assert_offsets_index_the_text, folded, rows, variants

SEED_PATH = paths.WHITEPAPERS / "szsti-2014.txt"


# --- the same paper in every accepted encoding and punctuation --------------------------------------

VARIANT_ENCODING = {"utf-8-bom": "utf-8-sig", "gb18030": "gb18030", "gbk": "gb18030", "gbk-crlf-full-width": "gb18030"}
SAME_TEXT = {"utf-8-bom", "crlf", "cr", "gb18030"}  # the canonical text itself is unchanged
VARIANT_NAMES = list(variants(""))


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_every_accepted_input_gives_identical_tables(seed, seed_raw, variant):
    raw = variants(seed_raw.decode("utf-8"))[variant]
    parsed = parse_whitepaper(raw, "szsti-2014", "raw/whitepapers/szsti-2014.txt",
                              meta={"title_en": seed.tables["documents"].title_en.iloc[0],
                                    "source_url": "http://www.szsti.gov.cn/", "retrieved_date": dt.date(2026, 11, 26),
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

def test_mini_paper_parses():
    parsed = parse_whitepaper(MINI.encode(), "futian-kjcxj-2016", "mini.txt", lookups=Lookups())
    assert {name: len(df) for name, df in parsed.tables.items()} == {
        "documents": 1, "responsibilities": 1, "review_sections": 1, "indicators": 0, "tasks": 1, "milestones": 4,
        "departments": 1, "task_departments": 1, "targets": 0, "contacts": 1, "quality_notes": 2}


@pytest.mark.parametrize("raw, message", [
    (b"", r"^raw/whitepapers/x-2016\.txt: empty file \(0 bytes\); expected a white paper's text in this page text"),
    (b"\n\r\n  \n", r"^raw/whitepapers/x-2016\.txt: empty file \(6 bytes: only whitespace"),
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
