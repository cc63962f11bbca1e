"""A progress report as a web page (.html/.htm): the white paper's page reader, with the tables' grids kept.

The text is flows/whitepaper/html_page.py's (one paragraph or table cell per line; scripts, navigation and
hidden elements left out), so a report's canonical text is made exactly as a paper's page is. The grids are
that reader's own rows of cells (merged cells with their spans) for each table not inside another.
"""

from __future__ import annotations

from flows.updates.reports.forms import ReportText
from flows.updates.reports.grid import report_text
from flows.whitepaper import html_page


def read_web_page(raw: bytes, source_file: str) -> ReportText:
    """ReportText of a saved web page; SourceError (naming the file) when it is not one, rule html_too_deep when it
    nests deeper than lxml reads (html_page.MAX_DEPTH)."""
    lines, _ = html_page.html_lines(raw, source_file)
    root, _ = html_page.parse_html(raw, source_file)   # a page nested too deep is refused by html_lines already
    tables = [html_page._table_rows(t) for t in root.iter("table")
              if html_page._owning_table(t) is None and not any(html_page._hidden(a) for a in t.iterancestors())]
    return report_text(lines, tables)
