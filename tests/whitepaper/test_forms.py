"""flows/whitepaper/forms.py: the seed rebuilt in every form agencies publish it in gives the seed's tables."""

import re

import pandas as pd
import pytest

from flows.whitepaper.forms import FORMS as ACCEPTED_SUFFIXES
from flows.whitepaper.forms import find_paper_files, form_of, id_from_name, read_text, refusal, refused_entry
from flows.whitepaper.parse import NotAWhitepaper, WhitepaperError, parse_whitepaper, read_whitepaper
from flows.whitepaper.text import SourceError
from tests.whitepaper.helpers import TABLE_NAMES, assert_offsets_index_the_text
from tests.whitepaper.seed_forms import FORMS, PUBLISHER, SEED, TEXT_CHROME

# What describes the file rather than the paper: its name, bytes, form, encoding and extracted length.
FILE_COLUMNS = ["source_file", "source_sha256", "source_format", "source_encoding", "text_sha256", "text_chars"]
FORM = {"txt": "text", "html": "html", "htm": "html", "docx": "docx"}


@pytest.fixture(scope="module")
def seed_tables():
    return parse_whitepaper(SEED.encode("utf-8"), "szsti-2014", "raw/whitepapers/szsti-2014.txt").tables


def comparable(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table without offsets and file columns; a note's "line N" is an offset too."""
    df = df.drop(columns=[c for c in ["source_start", "source_end", *FILE_COLUMNS] if c in df.columns])
    if name == "quality_notes":
        df = df.assign(detail=df["detail"].str.replace(r"\bline \d+", "line N", regex=True))
    return df.reset_index(drop=True)


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_gives_the_seed_tables(seed_tables, form, tmp_path):
    suffix, make = FORMS[form]
    path = tmp_path / f"szsti-2014.{suffix}"
    path.write_bytes(make())
    parsed = read_whitepaper(path)
    assert list(parsed.tables) == TABLE_NAMES
    doc = parsed.tables["documents"].iloc[0]
    assert (doc.document_id, doc.source_format, doc.publisher_zh, str(doc.published_date)) == (
        "szsti-2014", FORM[suffix], PUBLISHER, "2014-04-02")
    if suffix == "htm":
        assert doc.source_encoding == "gb18030"
    notes = parsed.tables["quality_notes"]
    extra = notes[notes.flag == "site_chrome"]
    kept = notes[notes.flag != "site_chrome"]
    for name in TABLE_NAMES:
        got = kept if name == "quality_notes" else parsed.tables[name]
        pd.testing.assert_frame_equal(comparable(name, got), comparable(name, seed_tables[name]), obj=f"{form}: {name}")
    chrome = form != "docx"         # every other fixture adds a breadcrumb, page controls or a footer
    assert len(extra) >= 1 if chrome else extra.empty
    assert_offsets_index_the_text(parsed)
    for start, end in zip(extra.source_start, extra.source_end):     # a chrome note points at the chrome
        assert re.search(r"首页|字体|字号|打印|版权|上一篇|分享", parsed.text[start:end])
    if FORM[suffix] != "text":
        assert parsed.original == path.read_bytes()


@pytest.mark.parametrize("kind", list(TEXT_CHROME))
def test_chrome_is_not_in_any_table(kind, tmp_path):
    path = tmp_path / "szsti-2014.txt"
    path.write_bytes(FORMS[f"text-{kind}"][1]())
    tables = read_whitepaper(path).tables
    text = " ".join(str(v) for name, df in tables.items() if name != "quality_notes" for v in df.to_numpy().ravel())
    for word in ("您现在的位置", "字号", "视力保护色", "关闭窗口", "版权所有", "上一篇", "浏览次数"):
        assert word not in text


@pytest.mark.parametrize("name, form", [("a.txt", "text"), ("a.TXT", "text"), ("a.html", "html"), ("a.HTM", "html"),
                                        ("a.docx", "docx"), ("a.doc", None), ("a.pdf", None), ("a.wps", None),
                                        ("a.meta.yaml", None), ("README", None)])
def test_form_of(name, form):
    assert form_of(name) == form


@pytest.mark.parametrize("name, message", [
    ("szsti-2014.doc", r"^raw/whitepapers/szsti-2014\.doc: refused, a legacy Word \.doc .*save it as \.docx; a white paper is read from page text \(\.txt"),
    ("szsti-2014.pdf", r"^raw/whitepapers/szsti-2014\.pdf: refused, a PDF"),
    ("szsti-2014.wps", r"^raw/whitepapers/szsti-2014\.wps: refused, a WPS"),
    ("notes.xlsx", r"^raw/whitepapers/notes\.xlsx: refused, a \.xlsx file; a white paper is read from .*\.html/\.htm.*\.docx"),
    ("LICENSE", r"^raw/whitepapers/LICENSE: refused, a file without an extension"),
])
def test_refusal_names_the_file_and_the_accepted_forms(name, message):
    assert re.match(message, refusal(f"raw/whitepapers/{name}", name))


def test_read_whitepaper_refuses_a_form_not_accepted(tmp_path):
    path = tmp_path / "szsti-2014.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(SourceError, match=r"szsti-2014\.pdf: refused, a PDF"):
        read_whitepaper(path)


@pytest.mark.parametrize("name, document_id", [
    ("szsti-2014.txt", "szsti-2014"), ("SZSTI-2014.txt", "szsti-2014"), ("szsti_2014.docx", "szsti-2014"),
    ("szsti 2014 (1).html", "szsti-2014-1"), ("科创委2014.txt", "ke-chuang-wei-2014"),
    ("深圳市科技创新委员会2014年度公共服务白皮书.htm", "shen-zhen-shi-ke-ji-chuang-xin-wei-yuan-hui-2014-nian-du-gong-gong-fu-wu-bai-pi-shu"),
    ("Ｓｚｓｔｉ－２０１４.txt", "szsti-2014"), ("——.txt", ""),
])
def test_id_from_name(name, document_id):
    assert id_from_name(name) == document_id


def test_each_accepted_suffix_has_a_reader():
    assert set(ACCEPTED_SUFFIXES.values()) == {"text", "html", "docx"}
    with pytest.raises(SourceError, match="holds no text"):
        read_text(b"<html><body><script>x()</script></body></html>", "html", "x.html")


def test_find_paper_files_sorts_papers_from_everything_else(tmp_path):
    for name in ["szsti-2014.txt", "szsti-2014.meta.yaml", "SZSTI-2015.HTML", "科创委2016.docx", "~$创委2016.docx",
                 ".DS_Store", "scan.pdf", "orphan.meta.yaml", "README"]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "old").mkdir()
    papers, others = find_paper_files(tmp_path)
    assert [p.name for p in papers] == ["SZSTI-2015.HTML", "szsti-2014.txt", "科创委2016.docx"]
    assert sorted(p.name for p in others) == sorted([".DS_Store", "README", "old", "orphan.meta.yaml", "scan.pdf", "~$创委2016.docx"])
    why = {p.name: refusal(f"raw/whitepapers/{p.name}", p) for p in others}
    assert "a folder" in why["old"] and "a sidecar with no paper orphan.<txt|html|htm|docx>" in why["orphan.meta.yaml"]
    assert "hidden or temporary" in why["~$创委2016.docx"] and "hidden or temporary" in why[".DS_Store"]
    rules = {p.name: refused_entry(f"raw/whitepapers/{p.name}", p)[0] for p in others}
    assert rules == {".DS_Store": "hidden_file", "README": "unsupported_format", "old": "folder",
                     "orphan.meta.yaml": "orphan_sidecar", "scan.pdf": "unsupported_format", "~$创委2016.docx": "temporary_file"}


def test_a_link_is_refused_as_a_link_whatever_it_points_at(tmp_path):
    (tmp_path / "drafts").mkdir()
    (tmp_path / "to-folder").symlink_to(tmp_path / "drafts")
    (tmp_path / "to-nothing.wps").symlink_to(tmp_path / "gone.wps")
    for name in ("to-folder", "to-nothing.wps"):
        rule, message = refused_entry(f"raw/whitepapers/{name}", tmp_path / name)
        assert rule == "symlink" and message.startswith(f"raw/whitepapers/{name}: refused, a symbolic link"), message


@pytest.mark.parametrize("text", [
    "关于召开2014年第一季度工作会议的通知\n各处室：定于4月10日召开会议。\n",
    "关于2014年度公共服务白皮书编制工作的说明\n一、编制依据\n二、主要内容\n",        # names 白皮书, no heading of the template
    "一、工作职责\n负责会议组织。\n",                                                  # one heading, no 白皮书
])
def test_another_document_is_not_a_white_paper(text):
    with pytest.raises(NotAWhitepaper, match=r"^x\.txt: not a white paper: .*expected a white paper in the template"):
        parse_whitepaper(text.encode(), "x", "x.txt")


@pytest.mark.parametrize("text, message", [
    ("深圳市某局2016年度公共服务白皮书\n\n一、工作职责\n", "no section heading like"),
    ("一、工作职责\n二、2015年度工作任务目标完成情况\n", "no section heading like"),
])
def test_a_broken_paper_is_still_a_paper_whose_error_is_told(text, message):
    with pytest.raises(WhitepaperError, match=message) as err:
        parse_whitepaper(text.encode(), "x", "x.txt")
    assert not isinstance(err.value, NotAWhitepaper)


def test_a_fifo_named_like_a_paper_is_refused_as_what_it_is(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.txt")
    papers, refused = find_paper_files(tmp_path)
    assert papers == [] and refused == [tmp_path / "pipe.txt"]
    rule, message = refused_entry("raw/whitepapers/pipe.txt", tmp_path / "pipe.txt")
    assert rule == "not_a_file" and "not a regular file" in message and "a .txt file" not in message
