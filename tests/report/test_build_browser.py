"""The demo release's report in headless Chromium: no console error, nothing fetched from outside the file, the
headline figures equal to the DuckDB views, readable at phone width; screenshots at 1280 and 390 px.

Needs Debian's chromium at /usr/bin/chromium (.ci/run installs it) and the playwright Python package; Playwright's
own browser download is never used. SAVE_SCREENSHOTS=DIR also copies the screenshots to DIR.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": 1280, "phone": 390}

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install -y chromium; .ci/run installs it)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (the test extra)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def views(release):
    con = duckdb.connect(str(release / "whitepaper.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT sum(milestones_completed), sum(milestones_on_time), sum(milestones_overdue), "
                          "sum(milestones_unreported_past_due), sum(milestones_not_reported) FROM quarter_summary").fetchone()
        as_of = con.execute("SELECT as_of_date FROM release_info").fetchone()[0]
    finally:
        con.close()
    return dict(zip(("completed", "on_time", "overdue", "unreported", "not_reported"), map(int, row))), as_of.isoformat()


OVERLAPS = """() => {
  // Every pair of text boxes of a visible chart (SVG <text>) that intersect by more than 1 px both ways.
  const found = [];
  for (const svg of document.querySelectorAll("figure svg[role=img]")) {
    if (!svg.getBoundingClientRect().width) continue;
    const boxes = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim())
      .map(t => [t.textContent.trim(), t.getBoundingClientRect()]).filter(([, r]) => r.width && r.height);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, r] = boxes[i], [b, s] = boxes[j];
      const x = Math.min(r.right, s.right) - Math.max(r.left, s.left), y = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
      if (x > 1 && y > 1) found.push(`${a} ∩ ${b}`);
    }
  }
  return found;
}"""
HIDDEN_COLUMNS = """() => [...document.querySelectorAll(".scroll")]
  .filter(d => d.scrollWidth > d.clientWidth + 1)
  .filter(d => (getComputedStyle(d).backgroundImage.match(/radial-gradient/g) || []).length < 2)
  .map(d => d.getAttribute("aria-label"))"""


def open_report(browser, release: Path, width: int):
    """A page at this width with the report loaded; console errors, page errors and outside requests collected."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on("request", lambda r: None if r.url.startswith(("file://", "data:")) else problems.append(f"request: {r.url}"))
    page.goto((release / "report" / "index.html").as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, problems


@pytest.mark.parametrize("name", list(WIDTHS))
def test_the_report_opens_offline_without_errors_and_shows_the_views_figures(browser, release, views, name,
                                                                             tmp_path_factory):
    page, problems = open_report(browser, release, WIDTHS[name])
    try:
        assert problems == []
        figures, as_of = views
        for key, value in figures.items():
            text = page.locator(f'[data-figure="{key}"]').inner_text()
            assert int(text.split("/")[0].strip()) == value, (key, text)
        assert page.locator('[data-field="as_of"]').inner_text() == as_of
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[name], "no sideways scrolling of the page"
        charts = page.locator("figure svg[role=img]")
        visible = [charts.nth(i).is_visible() for i in range(charts.count())]
        assert sum(visible) == 3, "one chart of each kind at each width"
        assert page.evaluate(OVERLAPS) == [], "text of a chart drawn over other text"
        assert page.evaluate(HIDDEN_COLUMNS) == [], "a table wider than the screen without a cue that it scrolls"
        assert page.locator("h1").count() == 1
        shots = tmp_path_factory.mktemp("screenshots")
        path = shots / f"report-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        if os.environ.get("SAVE_SCREENSHOTS"):
            target = Path(os.environ["SAVE_SCREENSHOTS"])
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / path.name)
    finally:
        page.close()


def test_the_quarterly_plan_opens_and_links_to_the_release_files(browser, release):
    page, problems = open_report(browser, release, WIDTHS["desktop"])
    try:
        first = page.locator("tr[data-task] details").first
        first.locator("summary").click()
        assert first.locator("ol.plan li").count() == 4
        href = page.locator('tr[data-path="data/task_progress.parquet"] a').get_attribute("href")
        assert (release / "report" / href).resolve() == (release / "data" / "task_progress.parquet").resolve()
        assert problems == []
    finally:
        page.close()
