"""A white paper's web page (.html/.htm as a browser saves it) → its text, one paragraph or table cell per line.

Read from the HTML structure with lxml: block elements and <br> end a line, every table cell is its own line
(in the reading order of layout.py, row and column spans included), and scripts, styles, forms' controls,
navigation and hidden elements are not text. Whitespace is taken as a browser shows it, with one exception
kept for the parser: a run of plain spaces inside a line stays as written ("完成受理与初审。  完成专家评审…"
marks two items run together in one cell); a line break or tab in the HTML source counts as one space.
"""

from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html

from flows.whitepaper.layout import Cell, ReadTable, reading_order
from flows.whitepaper.table_header import carry_notes
from flows.whitepaper.text import SourceError

BLOCKS = {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div",
          "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
          "hr", "html", "li", "main", "ol", "p", "pre", "section", "summary", "table", "ul", "title"}
NOT_TEXT = {"script", "style", "noscript", "template", "nav", "iframe", "object", "embed", "select", "option", "button",
            "input", "textarea", "map", "area", "canvas", "svg", "audio", "video", "head", "link", "meta"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
MAX_DEPTH = 256
"""Elements libxml2's HTML parser nests without XML_PARSE_HUGE (lxml's huge_tree): <html> is 1, 257 is refused."""
SOURCE_BREAK = re.compile(r"[ \t\n\r\f]*[\t\n\r\f][ \t\n\r\f]*")   # a run of whitespace holding a line break or tab


def decode_html(raw: bytes, source_file: str) -> tuple[str, str]:
    """(markup, encoding): a BOM first, then the charset a <meta> tag declares, then UTF-8, then GB18030.

    GBK and GB2312 are read as GB18030, which contains both. Raises SourceError naming the file when the
    declared or guessed encoding does not fit the bytes.
    """
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        declared = META_CHARSET.search(raw[:4096])
        name = declared.group(1).decode("ascii").lower() if declared else None
        if name in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "gb18030"):
            candidates = ["gb18030"]
        elif name in (None, "utf-8", "utf8"):
            candidates = ["utf-8", "gb18030"] if name is None else ["utf-8"]
        else:   # Big5, Latin-1…: not how Shenzhen's sites publish, and not an encoding documents.source_encoding names
            raise SourceError(f"{source_file}: the page declares charset {name!r}; expected a web page in UTF-8, GBK "
                              "or GB18030 (save it again from the browser as UTF-8)")
    for encoding in candidates:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as err:
            problem = f"not {encoding} (invalid at byte {err.start})"
    raise SourceError(f"{source_file}: {problem}; expected a web page in UTF-8, GBK or GB18030 with its charset "
                      "in a <meta> tag")


def parse_html(raw: bytes, source_file: str):
    """(root element, encoding) of a saved web page; SourceError naming the file when lxml cannot read it whole.

    Elements nested deeper than MAX_DEPTH stop libxml2's HTML parser: it logs an error and returns the tree cut
    off there, so everything after the deep point (a paper's tasks, a report's items) would silently be missing.
    Such a page is refused (rule html_too_deep), not read with huge_tree: that option only moves the limit to
    2048 (the same silent cut past it), lifts libxml2's other safety limits too, and the readers walk the tree
    recursively (Python stops at 1,000 frames). Real pages nest a few dozen elements deep.
    """
    markup, encoding = decode_html(raw, source_file)
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup.lstrip("\ufeff"))   # lxml refuses a str with an XML declaration
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError) as err:
        raise SourceError(f"{source_file}: not a web page lxml can read ({err}); expected an .html file") from None
    for error in parser.error_log:
        if "Excessive depth" in error.message:
            raise SourceError(f"{source_file}, line {error.line}: elements nested more than {MAX_DEPTH} deep (<html> "
                              f"counts as 1), the most lxml's HTML parser (libxml2) reads; it stops there "
                              f"({error.message.strip()}), so the rest of the page would be lost; expected a web "
                              "page as a browser saves it (save it again, or save its text as .txt)",
                              rule="html_too_deep")
    return root, encoding


def html_lines(raw: bytes, source_file: str, read_table: ReadTable = reading_order) -> tuple[list[str], str]:
    """(text lines in reading order, encoding) of a saved web page; SourceError if it is not one (parse_html).

    read_table turns a table's rows of cells into its lines (a white paper's task table: task_table.TaskTables).
    """
    root, encoding = parse_html(raw, source_file)
    body = root.find("body")
    lines: list[str] = []
    _walk(body if body is not None else root, lines, [], read_table)
    return [ln for ln in (_clean(ln) for ln in lines) if ln], encoding


def _hidden(el) -> bool:
    return (el.get("hidden") is not None or el.get("role") == "navigation"
            or bool(HIDDEN_STYLE.search(el.get("style") or "")))


def _text(s: str | None) -> str:
    return SOURCE_BREAK.sub(" ", s) if s else ""


def _walk(el, lines: list[str], current: list[str], read_table: ReadTable = reading_order) -> None:
    """Append el's text to current (the line being built) and finished lines to lines."""
    tag = el.tag.lower() if isinstance(el.tag, str) else None
    if tag is None:                       # a comment or processing instruction: only its tail is text
        return
    if tag in NOT_TEXT or _hidden(el):
        return
    if tag == "br":
        _flush(lines, current)
        return
    if tag == "table":
        _flush(lines, current)
        lines += read_table(_table_rows(el, read_table))
        return
    block = tag in BLOCKS
    if block:
        _flush(lines, current)
    current.append(_text(el.text))
    for child in el:
        _walk(child, lines, current, read_table)
        current.append(_text(child.tail))
    if block:
        _flush(lines, current)


def _flush(lines: list[str], current: list[str]) -> None:
    if current:
        lines.append("".join(current))
        current.clear()


def _table_rows(table, read_table: ReadTable = reading_order) -> list[list[Cell]]:
    """The table's own rows (not those of tables nested in its cells), each a list of cells."""
    rows = []
    for tr in table.iter("tr"):
        if _owning_table(tr) is not table or _hidden(tr):
            continue
        cells = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            cell_lines: list[str] = []
            current: list[str] = []
            if not _hidden(td):
                current.append(_text(td.text))
                for child in td:
                    _walk(child, cell_lines, current, read_table)
                    current.append(_text(child.tail))
                _flush(cell_lines, current)
            cells.append(Cell(cell_lines, _span(td, "rowspan"), _span(td, "colspan")))
        rows.append(cells)
    return rows


def _owning_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _span(td, name: str) -> int:
    match = re.match(r"\s*(\d+)", td.get(name) or "")
    return min(max(int(match.group(1)), 1), 1000) if match else 1


def _clean(line: str) -> str:
    """A line without the HTML whitespace around it; NBSP and ideographic spaces inside are the page's own."""
    return carry_notes(line, line.strip(" \t\n\r\f")) if line.strip() else ""
