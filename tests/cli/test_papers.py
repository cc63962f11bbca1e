"""`whitepaper parse PATH --out DIR` (flows/cli/papers.py): one CSV per table, a readable error on bad input."""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows import paths
from flows.cli import app
from schemas import TABLES

SEED_PATH = paths.WHITEPAPERS / "szsti-2014.txt"
WHITEPAPER_BIN = Path(sys.executable).with_name("whitepaper")
TABLE_ROWS = {"documents": 1, "responsibilities": 11, "review_sections": 4, "indicators": 19, "tasks": 10, "milestones": 40,
              "departments": 8, "task_departments": 28, "targets": 12, "contacts": 3, "quality_notes": 6}
DUPLICATED_QUARTER = SEED_PATH.read_text(encoding="utf-8").replace(
    "第二季度:实现科技创新资源共享平台网站数据入库。", "第二季度:实现科技创新资源共享平台网站数据入库。\n\n第二季度:再来一次。")

runner = CliRunner()


def parse(*args: str):
    return runner.invoke(app, ["parse", *map(str, args)])


def test_parse_writes_one_csv_per_table(tmp_path):
    out = tmp_path / "szsti"
    result = parse(SEED_PATH, "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.csv" for name in TABLE_ROWS)
    for name, n in TABLE_ROWS.items():
        raw = (out / f"{name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            table = list(csv.reader(fh))
        assert table[0] == list(TABLES[name].to_schema().columns), name
        assert len(table) == 1 + n, name
        assert f"{n:>6}  {out / (name + '.csv')}" in result.stdout
    with (out / "contacts.csv").open(encoding="utf-8", newline="") as fh:
        assert [row["value"] for row in csv.DictReader(fh)] == ["www.szsti.gov.cn", "webmaster@szsti.gov.cn", "88128897"]


def test_parse_takes_a_document_id(tmp_path):
    shutil.copy(SEED_PATH, tmp_path / "copy.txt")
    result = parse(tmp_path / "copy.txt", "--out", tmp_path / "out", "--document-id", "szsti-2014")
    assert result.exit_code == 0, result.output
    with (tmp_path / "out" / "tasks.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.DictReader(fh))["task_id"] == "szsti-2014-01"


@pytest.mark.parametrize("content, message", [
    (b"", "empty file (0 bytes); expected a white paper's text in this page text (.txt)"),
    ("一、工作职责\n".encode("utf-16"), "and not GB18030/GBK"),
    ("深圳市某局2016年度公共服务白皮书\n\n一、工作职责\n".encode(), "no section heading like"),
], ids=["empty", "utf16", "not-the-template"])
def test_bad_input_exits_non_zero_with_a_message_and_writes_nothing(tmp_path, content, message):
    path = tmp_path / "bad-2016.txt"
    path.write_bytes(content)
    result = parse(path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a handled error, not a crash
    assert result.stderr.startswith(f"error: {path.as_posix()}: ")
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_file_exits_non_zero(tmp_path):
    result = parse(tmp_path / "nope.txt", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: ") and "nope.txt" in result.stderr


def test_a_copy_that_differs_from_its_sidecar_is_refused(tmp_path):
    (tmp_path / "szsti-2014.txt").write_bytes(SEED_PATH.read_bytes() + b"\n")
    shutil.copy(SEED_PATH.with_name("szsti-2014.meta.yaml"), tmp_path)
    result = parse(tmp_path / "szsti-2014.txt", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "but szsti-2014.meta.yaml records f217a0e4" in result.stderr
    assert not (tmp_path / "out").exists()


def test_help_shows_an_example():
    result = runner.invoke(app, ["parse", "--help"])
    assert result.exit_code == 0
    assert "whitepaper parse raw/whitepapers/szsti-2014.txt --out" in result.stdout


def run_console_script(tmp_path, name: str, text: str) -> subprocess.CompletedProcess:
    (tmp_path / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "PREFECT_SERVER_EPHEMERAL_ENABLED": "false", "DO_NOT_TRACK": "1", "NO_COLOR": "1"}
    return subprocess.run([str(WHITEPAPER_BIN), "parse", name, "--out", "out"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not WHITEPAPER_BIN.exists(), reason="console script not installed")
def test_console_script_reports_a_bad_file_in_one_line(tmp_path):
    done = run_console_script(tmp_path, "szsti-2014.txt", "")
    assert done.returncode == 1
    assert done.stderr == ("error: szsti-2014.txt: empty file (0 bytes); "
                           "expected a white paper's text in this page text (.txt)\n")
    assert done.stdout == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not WHITEPAPER_BIN.exists(), reason="console script not installed")
def test_console_script_reports_a_template_error_without_a_traceback(tmp_path):
    done = run_console_script(tmp_path, "szsti-2014.txt", DUPLICATED_QUARTER)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr == ("error: szsti-2014.txt, line 79: task (三) has a second 第二季度 line; "
                           "expected each quarter once\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("form, name, says", [
    ("text-laiyuan-fabushijian", "SZSTI-2014.txt", "as page text (.txt), utf-8: document szsti-2014"),
    ("html-gbk-spans", "szsti_2014.htm", "as web page (.html/.htm), gb18030: document szsti-2014"),
    ("docx", "科创委2014.docx", "as Word document (.docx), utf-8: document ke-chuang-wei-2014"),
])
def test_parse_reads_every_form_and_says_which(tmp_path, form, name, says):
    from tests.whitepaper.seed_forms import FORMS

    (tmp_path / name).write_bytes(FORMS[form][1]())
    result = parse(tmp_path / name, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"read {tmp_path / name} {says}" in result.stdout
    assert ("skipped the web page's chrome" in result.stdout) is (form != "docx")
    assert f"{10:>6}  {tmp_path / 'out' / 'tasks.csv'}" in result.stdout


@pytest.mark.parametrize("name, why", [("szsti-2014.doc", "a legacy Word .doc"), ("szsti-2014.pdf", "a PDF"),
                                       ("szsti-2014.wps", "a WPS Writer .wps file")])
def test_parse_refuses_other_file_types_naming_the_accepted_forms(tmp_path, name, why):
    (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0")
    result = parse(tmp_path / name, "--out", tmp_path / "out")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"error: {(tmp_path / name).as_posix()}: refused, {why}")
    assert "a white paper is read from page text (.txt" in result.stderr and "Word (.docx)" in result.stderr
    assert not (tmp_path / "out").exists()
