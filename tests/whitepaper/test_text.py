"""flows/whitepaper/text.py: decoding to canonical text, length-preserving folding, Chinese numerals."""

import codecs

import pytest

from flows.whitepaper.text import SourceError, canonical, cn_number, decode, fold, line_spans, strip_span

SAMPLE = "一、工作职责\n  （一）负责科技工作。\n第三季度：完成拨款。\n"


# --- decode: the encodings a white paper may come in ---------------------------------------

@pytest.mark.parametrize("raw, encoding", [
    (SAMPLE.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (SAMPLE.encode("gbk"), "gb18030"),
    (SAMPLE.encode("gb18030"), "gb18030"),
    (SAMPLE.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    (SAMPLE.replace("\n", "\r").encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + SAMPLE.replace("\n", "\r\n").encode("utf-8"), "utf-8-sig"),
    (SAMPLE.replace("\n", "\r\n").encode("gbk"), "gb18030"),
], ids=["utf8", "utf8-bom", "gbk", "gb18030", "crlf", "cr", "bom-crlf", "gbk-crlf"])
def test_decode_gives_the_same_canonical_text(raw, encoding):
    text, found = decode(raw, "x.txt")
    assert text == SAMPLE
    assert found == encoding


def test_decode_keeps_nbsp_and_full_width_characters():
    # Canonical text changes line endings and the BOM only: NBSP, ideographic space, （）： stay.
    source = "第二季度：完成受理与初审。\xa0\xa0完成专家评审。\u3000（一）"
    assert decode(source.encode("gb18030"), "x.txt")[0] == source
    assert decode(source.encode("utf-8"), "x.txt")[0] == source


def test_decode_gb18030_four_byte_characters():
    # NBSP is not in GBK; GB18030 encodes it in four bytes.
    raw = "完成。\xa0\xa0完成。".encode("gb18030")
    assert len(raw) == 6 + 4 + 4 + 6
    assert decode(raw, "x.txt") == ("完成。\xa0\xa0完成。", "gb18030")


@pytest.mark.parametrize("raw", [b"", b"   \r\n\n\t ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n\n"],
                         ids=["empty", "whitespace", "bom-only", "bom-and-newlines"])
def test_decode_rejects_an_empty_file_as_empty_not_undecodable(raw):
    with pytest.raises(SourceError, match=r"^empty\.txt: empty file \((0 bytes|\d+ bytes: only whitespace or a "
                       r"byte-order mark)\); expected a white paper's text$") as err:
        decode(raw, "empty.txt")
    assert err.value.rule == "empty"


@pytest.mark.parametrize("raw", [
    SAMPLE.encode("utf-16"),          # with its BOM
    SAMPLE.encode("utf-16-le"),       # no BOM: NUL bytes in the newlines
    SAMPLE.encode("utf-16-be"),
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    "Rapport annuel: société, été, café.\n".encode("latin-1"),
    b"\xff\xfe\xfd\xfc",
], ids=["utf16", "utf16le", "utf16be", "png", "latin1", "garbage"])
def test_decode_rejects_what_is_not_utf8_or_gb18030(raw):
    with pytest.raises(SourceError) as err:
        decode(raw, "raw/whitepapers/bad.txt")
    message = str(err.value)
    assert message.startswith("raw/whitepapers/bad.txt: ")
    assert "UTF-8" in message and "GB18030" in message  # says what would have been accepted


def test_decode_names_the_byte_after_a_bom_that_is_not_utf8():
    raw = codecs.BOM_UTF8 + "科技".encode("gbk")
    with pytest.raises(SourceError, match=r"x\.txt: starts with a UTF-8 byte-order mark but byte 3 is not valid UTF-8"):
        decode(raw, "x.txt")


def test_canonical_changes_only_line_endings_and_the_bom():
    assert canonical("\ufeffa\r\nb\rc\nd\xa0：") == "a\nb\nc\nd\xa0："
    assert canonical("a\r\r\nb") == "a\n\nb"


# --- fold: used for matching only, same length as the text ---------------------------------

@pytest.mark.parametrize("source, folded", [
    ("（一）", "(一)"),
    ("第一季度：", "第一季度:"),
    ("A牵头，B；C", "A牵头,B;C"),
    ("１２３４５６７８９０", "1234567890"),
    ("９．５％", "9.5%"),
    ("\xa0\u3000\u2002\u2003\u2009\u202f", "      "),
    ("2—3个", "2-3个"),
    ("2–3个", "2-3个"),
    ("2－3个", "2-3个"),
    ("2〜3个", "2~3个"),
    ("ｗｗｗ．ｓｚ．ｃｏｍ", "www.sz.com"),
])
def test_fold(source, folded):
    assert fold(source) == folded


def test_fold_leaves_chinese_punctuation_alone():
    # 、。“”《》 have no half-width twin: matching must not depend on them changing.
    assert fold("甲、乙。“丙”《丁》") == "甲、乙。“丙”《丁》"


def test_fold_preserves_length_over_the_seed(seed):
    assert len(fold(seed.text)) == len(seed.text)


# --- cn_number: numbering such as (十二) ------------------------------------------------------

@pytest.mark.parametrize("numeral, value", [
    ("一", 1), ("二", 2), ("两", 2), ("九", 9), ("十", 10), ("十一", 11), ("十二", 12), ("十九", 19),
    ("二十", 20), ("二十一", 21), ("三十五", 35), ("九十九", 99), ("一百", 100), ("一百零五", 105),
    ("一百二十", 120), ("零", 0), ("〇", 0), ("3", 3), ("12", 12), ("１２", 12), (" 十三 ", 13),
])
def test_cn_number(numeral, value):
    assert cn_number(numeral) == value


@pytest.mark.parametrize("numeral", ["", "  ", "abc", "十a", "第三", "Ⅳ"])
def test_cn_number_rejects_what_is_not_a_numeral(numeral):
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        cn_number(numeral)


# --- lines ---------------------------------------------------------------------------------

def test_line_spans_exclude_the_newline():
    text = "ab\n\ncd\n"
    assert line_spans(text) == [(0, 2), (3, 3), (4, 6), (7, 7)]


def test_strip_span_drops_nbsp_and_ideographic_space():
    text = "\xa0\u3000 （一）负责。\xa0 "
    start, end = strip_span(text, 0, len(text))
    assert text[start:end] == "（一）负责。"
    assert strip_span("   ", 0, 3)[0] == strip_span("   ", 0, 3)[1]
