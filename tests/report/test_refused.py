"""The report's list of white papers that could not be parsed (document_rejections): a reader of the page learns
which documents are carried forward from an earlier release and which are left out, not only from the data; and
the refused update rows counted per reason and per file."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from flows.pipeline import refresh_without_prefect
from flows.report import refused

AS_OF = dt.date(2014, 12, 31)


def _section(html: str) -> str:
    start = html.index('id="refused-h"')
    return html[start:html.index("Progress updates: accepted and refused", start)]


def test_a_release_whose_papers_all_parsed_says_so(html):
    assert "Every white paper was parsed." in _section(html)


def test_carried_forward_and_left_out_papers_are_listed_with_their_rule(raw, tmp_path):
    out = tmp_path / "curated"
    first = refresh_without_prefect(raw, out, AS_OF)
    seed = raw / "whitepapers" / "szsti-2014.txt"
    text = seed.read_text(encoding="utf-8").replace("三、2014年度工作任务目标", "三、")
    seed.write_text(text, encoding="utf-8")
    (raw / "whitepapers" / "szsti-2014.meta.yaml").unlink()
    (raw / "whitepapers" / "broken-2014.txt").write_text(text.replace("2014年度", "2015年度", 1), encoding="utf-8")
    assert refresh_without_prefect(raw, out, AS_OF).published
    section = _section((out / "latest" / "report" / "index.html").read_text(encoding="utf-8"))
    assert re.search(r'data-field="papers_rejected">2<', section)
    rows = re.findall(r"<tr><th scope=\"row\"><code>([^<]+)</code></th><td><code>([^<]+)</code></td>"
                      r"<td data-outcome=\"(\w+)\">(.*?)</td>", section)
    assert [(f, rule, outcome) for f, rule, outcome, _ in rows] == [
        ("raw/whitepapers/broken-2014.txt", "not_in_template", "left_out"),
        ("raw/whitepapers/szsti-2014.txt", "not_in_template", "carried_forward")]
    assert first.release_id in rows[1][3] and "left out" in rows[0][3]


def test_rejections_are_counted_per_reason_and_per_file():
    rejections = pd.DataFrame({
        "rejection_id": ["a.csv#3", "a.csv#4", "b.json#1"], "source_file": ["raw/updates/x/a.csv"] * 2 + ["raw/updates/x/b.json"],
        "source_row": [3, 4, 1], "level": ["row"] * 3,
        "reasons": ["unknown task '12': szsti-2014 has tasks 1–10; bad URL: 'x' is not an http(s) address",
                    "unknown task '99'", "date 2015-03-01 is in the future"],
        "reason_codes": ["unknown_task;bad_url", "unknown_task", "date_in_future"]})
    updates = pd.DataFrame({"source_file": ["raw/updates/x/a.csv"] * 5})
    out = refused.rejection_summary(rejections, updates)
    assert [(c["code"], c["rows"], c["example"]) for c in out["by_code"]] == [
        ("unknown_task", 2, "unknown task '12': szsti-2014 has tasks 1–10"),
        ("bad_url", 1, "bad URL: 'x' is not an http(s) address"),
        ("date_in_future", 1, "date 2015-03-01 is in the future")]
    assert [(f["name"], f["read"], f["accepted"], f["rejected"]) for f in out["files"]] == [
        ("a.csv", 7, 5, 2), ("b.json", 1, 0, 1)]
