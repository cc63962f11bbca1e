"""flows/updates/reports/word_doc.py: a progress report as .docx past its budget is that file's rejection by the
budget's own code, found before python-docx parses it; a report within it is parsed once."""

import io
import zipfile

import docx
import pytest

from flows.updates import limits
from flows.updates.columns import read_update_columns
from flows.updates.read import FileProblem
from flows.whitepaper import word
from tests.updates.reports.fixtures import NARRATIVE, write_report


def _longer(raw: bytes, paragraphs: int) -> bytes:
    """The report with `paragraphs` tiny paragraphs more (three XML elements each) before its section properties."""
    source, out = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    filler = b"".join(b"<w:p><w:r><w:t>%d</w:t></w:r></w:p>" % (i % 10) for i in range(paragraphs))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info.filename)
            archive.writestr(info.filename, body.replace(b"<w:sectPr", filler + b"<w:sectPr", 1)
                             if info.filename == "word/document.xml" else body)
    return out.getvalue()


@pytest.fixture
def report(tmp_path):
    return write_report(tmp_path / "raw" / "updates" / "szsti-2014", NARRATIVE, "docx")


@pytest.fixture
def no_python_docx(monkeypatch):
    def explode(*args, **kwargs):
        raise AssertionError("python-docx must not parse a report past its budget")
    monkeypatch.setattr(word.docx, "Document", explode)


def test_a_report_past_the_element_budget_is_rejected_by_that_rule(report, monkeypatch):
    monkeypatch.setattr(limits, "MAX_WORD_ELEMENTS", 60_000)        # the report has about 47,000, its styles most
    assert not isinstance(read_update_columns(report), FileProblem)
    report.write_bytes(_longer(report.read_bytes(), 5_000))
    monkeypatch.setattr(word.docx, "Document", None)
    problem = read_update_columns(report)
    assert problem.code == "too_large_range", problem
    assert problem.message.startswith("the Word document holds more than 60,000 XML elements and attributes (its "
                                      "paragraphs, runs, table cells and their formatting)")


def test_a_report_that_unpacks_past_the_budget_is_a_zip_bomb(report, monkeypatch, no_python_docx):
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 100_000)
    problem = read_update_columns(report)
    assert problem.code == "zip_bomb" and "at most 100,000 bytes are accepted (a zip bomb?)" in problem.message, problem


def test_a_report_within_budget_is_parsed_once(report, monkeypatch):
    opened, document = [], docx.Document

    def counted(*args, **kwargs):
        opened.append(args)
        return document(*args, **kwargs)
    monkeypatch.setattr(word.docx, "Document", counted)
    assert not isinstance(read_update_columns(report), FileProblem)
    assert len(opened) == 1
