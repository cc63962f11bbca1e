"""Decoding a raw file into canonical text, and the length-preserving folding used only for matching.

The canonical text is what every source_start/source_end offset indexes: decoded, BOM removed,
line endings turned into \\n, nothing else changed. Matching runs on `fold(text)`, which has the same
length, so an offset found in the folded text is an offset into the canonical text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata


class SourceError(ValueError):
    """A source file that cannot be used; the message names the file and what was expected.

    rule, when set, is the document_rejections rule it is (empty, html_too_deep); else the caller decides.
    """

    def __init__(self, message: str, rule: str | None = None):
        super().__init__(message)
        self.rule = rule


BLANK = b" \t\r\n\xef\xbb\xbf"
"""Bytes that hold no text whatever the form: ASCII whitespace and a UTF-8 byte-order mark."""


def is_empty(raw: bytes) -> bool:
    """No bytes, or only whitespace and a byte-order mark."""
    return not raw.strip(BLANK)


def check_not_empty(raw: bytes, source_file: str, expected: str = "a white paper's text") -> None:
    """SourceError (rule empty) naming the file when raw is_empty: such a file is empty, not undecodable."""
    if is_empty(raw):
        size = "0 bytes" if not raw else f"{len(raw)} bytes: only whitespace or a byte-order mark"
        raise SourceError(f"{source_file}: empty file ({size}); expected {expected}", rule="empty")


def decode(raw: bytes, source_file: str) -> tuple[str, str]:
    """Return (canonical text, encoding name) for UTF-8, UTF-8 with BOM or GB18030 (which covers GBK) bytes.

    SourceError naming the file when they are not text; rule empty when there is none (check_not_empty).
    """
    check_not_empty(raw, source_file)
    if raw.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", raw[len(codecs.BOM_UTF8):]
    else:
        encoding, body = "utf-8", raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as utf8_err:
        if encoding == "utf-8-sig":
            raise SourceError(f"{source_file}: starts with a UTF-8 byte-order mark but byte {utf8_err.start + 3} "
                              "is not valid UTF-8") from None
        try:
            encoding, text = "gb18030", body.decode("gb18030")
        except UnicodeDecodeError as gb_err:
            raise SourceError(f"{source_file}: not UTF-8 (invalid at byte {utf8_err.start}) and not GB18030/GBK "
                              f"(invalid at byte {gb_err.start}); expected text in one of those encodings") from None
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]", text)
    if bad:
        raise SourceError(f"{source_file}: character {bad.start()} is the control character {bad.group()!r}; "
                          "this looks like a binary or UTF-16 file, expected plain text in UTF-8 or GB18030")
    return canonical(text), encoding


def canonical(text: str) -> str:
    """Line endings to \\n and a leading BOM removed; the only changes the canonical text allows."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _fold_table() -> dict[int, str]:
    """Full-width ASCII, ideographic space, NBSP and dashes mapped one character to one character."""
    table = {}
    for code in range(0xFF01, 0xFF5F):
        table[code] = unicodedata.normalize("NFKC", chr(code))
    for code in (0x00A0, 0x3000, 0x2002, 0x2003, 0x2009, 0x202F):
        table[code] = " "
    for code in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE63):
        table[code] = "-"
    table[0x301C] = "~"  # 〜 wave dash, as in 2〜3个
    return {k: v for k, v in table.items() if len(v) == 1}


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Same length as `text`, with full-width punctuation and digits, NBSP and dashes folded for matching."""
    return text.translate(_FOLD)


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千"


def cn_number(numeral: str) -> int:
    """Chinese numerals as used for numbering (一, 十一, 二十三, 一百零五) or plain digits, to an int."""
    numeral = numeral.strip()
    if numeral.isdigit():
        return int(numeral)
    if not numeral or any(ch not in _DIGITS and ch not in _UNITS for ch in numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    total, digit = 0, None
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, end excluding the \\n."""
    spans, start = [], 0
    for match in re.finditer("\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow (start, end) to exclude surrounding whitespace (NBSP and ideographic space included)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
