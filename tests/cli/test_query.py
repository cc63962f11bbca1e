"""`whitepaper sql` and `whitepaper browse` (flows/cli/query.py) on the demo release: piped SQL, and the Datasette
site in headless Chromium (a table, a facet, a canned query, a full-text search; nothing leaves 127.0.0.1)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.demo_release import demo_release
from tests.servers import free_port, stop_group

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
runner = CliRunner()


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return demo_release(tmp_path_factory).parent.parent


def test_sql_runs_piped_statements_on_the_latest_release(out):
    result = runner.invoke(app, ["sql", "--out", str(out)],
                           input="SELECT task_id, title_en FROM tasks WHERE task_seq = 5;\n.tables\n")
    assert result.exit_code == 0, result.output
    assert "│ szsti-2014-05 │ Carry out the Peacock Plan" in result.output and "task_progress" in result.output


def test_sql_exits_1_naming_the_failing_statement(out):
    result = runner.invoke(app, ["sql", "--out", str(out)], input="SELECT 1;\nSELECT nope FROM tasks;\n")
    assert result.exit_code == 1 and "SELECT nope FROM tasks;: Binder Error" in result.output


def test_sql_without_a_release_says_how_to_make_one(tmp_path):
    result = runner.invoke(app, ["sql", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "run `whitepaper refresh --out" in result.output


def start_browse(out) -> tuple[subprocess.Popen, str]:
    """`whitepaper browse` on a free port in a session of its own, once Datasette answers: (process, base URL)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "flows.cli", "browse", "--out", str(out), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                return server, base
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "datasette did not answer within 120 s"
                time.sleep(0.5)
    except BaseException:
        stop_group(server, signal.SIGKILL, 5)
        raise


@pytest.fixture(scope="module")
def site(out):
    """`whitepaper browse` running on a free port; always stopped, and checked to be stopped."""
    server, base = start_browse(out)
    try:
        yield base
    finally:
        assert stop_group(server, signal.SIGINT, 20) is not None


@pytest.mark.integration
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
def test_browse_serves_tables_facets_canned_queries_and_search_offline(site):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (the test extra)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems: list[str] = []
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
            page.on("request", lambda r: None if r.url.startswith((site + "/", "data:")) else problems.append(f"request: {r.url}"))

            page.goto(site + "/whitepaper/tasks", wait_until="networkidle")
            assert "Carry out the Peacock Plan" in page.content() and "非官方译文" in page.content()

            page.goto(site + "/whitepaper/milestone_status", wait_until="networkidle")
            facet = page.locator(".facet-info[data-column='status']")
            assert facet.count() == 1, "no status facet"
            facet.locator("a", has_text="completed").first.click()
            page.wait_for_load_state("networkidle")
            assert "status=completed" in page.url and "not_reported" not in page.locator("table.rows-and-columns").inner_text()

            page.goto(site + "/whitepaper/late_completions", wait_until="networkidle")
            rows = page.locator("table.rows-and-columns tbody tr")
            assert rows.count() == 5 and "szsti-2014-05-q2" in rows.first.inner_text()   # as README.md shows

            page.goto(site + "/whitepaper/milestones?_search=%E7%8E%B0%E5%9C%BA%E8%80%83%E5%AF%9F", wait_until="networkidle")
            assert page.locator("table.rows-and-columns tbody tr").count() == 6  # 现场考察: six milestones

            page.goto(site + "/whitepaper/tasks?_search=Peacock", wait_until="networkidle")
            assert page.locator("table.rows-and-columns tbody tr").count() == 1
            assert problems == []
        finally:
            browser.close()


@pytest.mark.integration
def test_browse_refuses_to_write(site):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(site + "/whitepaper.json?sql=DELETE+FROM+tasks", timeout=10).read()
    assert refused.value.code == 400
    count = urllib.request.urlopen(site + "/whitepaper.json?sql=SELECT+count(*)+AS+n+FROM+tasks&_shape=array", timeout=10)
    assert count.read() == b'[{"n": 10}]'


@pytest.mark.integration
def test_browse_stopped_by_sigterm_stops_datasette_too(out):
    """A plain kill of `whitepaper browse` (a service manager, a closed terminal) must not leave Datasette serving."""
    server, base = start_browse(out)
    base += "/-/versions.json"
    try:
        server.send_signal(signal.SIGTERM)        # the browse process alone, not its group
        server.wait(timeout=20)
        with pytest.raises(OSError):
            urllib.request.urlopen(base, timeout=2).read()
    finally:
        stop_group(server, signal.SIGKILL, 5)     # the group: Datasette too, had it been orphaned
