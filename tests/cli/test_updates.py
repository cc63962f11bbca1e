"""`whitepaper check` and `whitepaper template`: what a division runs before sending a file."""

import pytest
from typer.testing import CliRunner

from flows import cli, paths
from flows.cli import updates as update_commands
from tests.updates.fixtures import DOC, paper_tables, report, write_updates

runner = CliRunner()


@pytest.fixture()
def tiny_paper(monkeypatch):
    monkeypatch.setattr(update_commands, "_paper_tables", lambda document, raw: paper_tables())


def test_check_prints_each_rejected_row_with_its_reasons_and_exits_1(tmp_path, tiny_paper, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_updates(tmp_path / "elsewhere", "csv", [report(), report(task=9, quarter=6)], name="q1")
    result = runner.invoke(cli.app, ["check", "elsewhere/q1.csv", "--document", DOC, "--as-of", "2015-01-31"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("elsewhere/q1.csv:row 3: unknown task '9'") and "quarter out of range" in lines[0]
    assert lines[-1] == "elsewhere/q1.csv: 2 rows read, 1 accepted, 1 rejected"


def test_check_of_a_good_file_exits_0(tmp_path, tiny_paper, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_updates(tmp_path, "json", [report()], name="q1")
    result = runner.invoke(cli.app, ["check", "q1.json", "--document", DOC, "--as-of", "2015-01-31"])
    assert (result.exit_code, result.output) == (0, "q1.json: 1 rows read, 1 accepted, 0 rejected\n")


def test_check_of_an_unreadable_file_names_the_file_level_reason(tmp_path, tiny_paper, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q1.csv").write_text("task,status\n1,completed\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["check", "q1.csv", "--document", DOC, "--as-of", "2015-01-31"])
    assert result.exit_code == 1 and result.output.startswith("q1.csv: required column missing: quarter (季度)")


def test_check_uses_as_of_for_future_dates(tmp_path, tiny_paper, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_updates(tmp_path, "csv", [report(reported_on="2014-06-30")], name="q1")
    assert runner.invoke(cli.app, ["check", "q1.csv", "--document", DOC, "--as-of", "2014-06-29"]).exit_code == 1
    assert runner.invoke(cli.app, ["check", "q1.csv", "--document", DOC, "--as-of", "2014-06-30"]).exit_code == 0


def test_template_writes_a_sheet_that_check_then_reads(tmp_path, tiny_paper, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["template", DOC, "--out", "t.xlsx"])
    assert result.exit_code == 0 and result.output.split() == ["18", "t.xlsx"]  # task 1's empty third quarter × 2 divisions left out
    assert runner.invoke(cli.app, ["template", DOC, "--out", "t.txt"]).exit_code == 2


def test_check_against_the_seed_paper_with_an_illustrative_file():
    path = paths.EXAMPLES / "updates" / "szsti-2014" / "ILLUSTRATIVE-2014-q3.xlsx"
    result = runner.invoke(cli.app, ["check", str(path), "--document", "szsti-2014", "--as-of", "2015-01-31"])
    assert result.exit_code == 1
    assert [line.split(": ", 1)[0].rsplit(":", 1)[-1] for line in result.output.splitlines()[:2]] == ["row 11", "row 12"]


def test_check_of_an_unknown_document_exits_2(tmp_path):
    result = runner.invoke(cli.app, ["check", str(paths.RAW / "updates" / "README.md"), "--document", "szsti-2099"])
    assert result.exit_code == 2 and "szsti-2014" in result.output


def test_check_of_a_progress_report_shows_what_each_item_became(tmp_path, monkeypatch):
    from tests.updates.reports.fixtures import NARRATIVE, write_report

    monkeypatch.chdir(tmp_path)
    write_report(tmp_path, NARRATIVE, "text", name="q2")
    result = runner.invoke(cli.app, ["check", "q2.txt", "--document", "szsti-2014", "--raw", str(paths.RAW),
                                     "--as-of", "2015-01-31"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 8 and lines[-1] == "q2.txt: 7 rows read, 4 accepted, 3 rejected"
    assert lines[0].startswith("q2.txt:row 1: «（三）强化重大科技基础设施和创新载体开放运行、资源共享。（主办单位：创新支撑处）» → "
                               "szsti-2014-03-q2-szsti-innovation-support-20140710: task szsti-2014-03 (number+wording, "
                               "wording 100), quarter 2, 创新支撑处 (named in the report), reported 2014-07-10, 按进度完成 → completed")
    assert "政策规划处 (not named: the task's lead division)" in lines[1]
    assert lines[5].startswith("q2.txt:row 6: «（七）优化高新区的产业和空间布局。（主办单位：高新区发展处）» → rejected: unknown status '稳中有进'")


def test_check_reads_the_paper_in_the_form_it_was_published(tmp_path):
    import html
    import shutil

    (tmp_path / "whitepapers").mkdir()
    shutil.copytree(paths.RAW / "lookups", tmp_path / "lookups")
    text = (paths.RAW / "whitepapers" / "szsti-2014.txt").read_text(encoding="utf-8")
    page = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    (tmp_path / "whitepapers" / "szsti-2014.html").write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
    path = paths.EXAMPLES / "updates" / "szsti-2014" / "ILLUSTRATIVE-2014-q3.xlsx"
    result = runner.invoke(cli.app, ["check", str(path), "--document", "szsti-2014", "--raw", str(tmp_path),
                                     "--as-of", "2015-01-31"])
    assert result.exit_code == 1 and "no white paper" not in result.output, result.output
    assert [line.split(": ", 1)[0].rsplit(":", 1)[-1] for line in result.output.splitlines()[:2]] == ["row 11", "row 12"]
    unknown = runner.invoke(cli.app, ["check", str(path), "--document", "szsti-2099", "--raw", str(tmp_path)])
    assert unknown.exit_code == 2 and "must be one of: szsti-2014" in unknown.output
