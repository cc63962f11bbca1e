"""flows/whitepaper/word.py: a .docx is held to its budget (bytes unpacked, XML nodes) by streaming every part
before python-docx parses any, whatever the part's name or encoding; a white paper past it is quarantined by rule."""

import io
import zipfile

import pytest

from flows.updates import limits
from flows.updates.limits import OverBudget
from flows.whitepaper import word
from flows.whitepaper.parse import WhitepaperError, read_whitepaper
from flows.whitepaper.quarantine import rejection_of
from flows.whitepaper.word import docx_lines
from tests.whitepaper.seed_forms import word_document

BODY = "word/document.xml"
BUDGET = 60_000    # the seed paper as python-docx saves it has about 48,600 nodes, 45,000 of them its two style parts
SEED = word_document()   # built once, before a test takes python-docx away


def _paragraphs(n: int) -> bytes:
    return b"".join(b"<w:p><w:r><w:t>%d</w:t></w:r></w:p>" % (i % 10) for i in range(n))


def _rewrite(raw: bytes, change=lambda name, body: body, rename: dict[str, str] | None = None) -> bytes:
    """The document with its parts changed by change(name, body) and renamed by `rename`."""
    rename = rename or {}
    source, out = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(rename.get(info.filename, info.filename), change(info.filename, source.read(info.filename)))
    return out.getvalue()


def _longer(raw: bytes, paragraphs: int) -> bytes:
    return _rewrite(raw, lambda name, body: body.replace(b"<w:sectPr", _paragraphs(paragraphs) + b"<w:sectPr", 1)
                    if name == BODY else body)


def _moved(raw: bytes, part: str) -> bytes:
    """The body stored as word/<part>, the package's relationships and content types pointing there."""
    def point(name, body):
        return body.replace(b"word/document.xml", b"word/" + part.encode()) if name in ("_rels/.rels",
                                                                                     "[Content_Types].xml") else body
    return _rewrite(raw, point, {BODY: f"word/{part}", "word/_rels/document.xml.rels": f"word/_rels/{part}.rels"})


def _utf32(raw: bytes) -> bytes:
    return _rewrite(raw, lambda name, body: body.decode("utf-8").replace("encoding='UTF-8'", "encoding='UTF-32'")
                    .encode("utf-32") if name == BODY else body)


@pytest.fixture
def budget(monkeypatch):
    monkeypatch.setattr(limits, "MAX_WORD_ELEMENTS", BUDGET)


@pytest.fixture
def no_python_docx(monkeypatch):
    def explode(*args, **kwargs):
        raise AssertionError("python-docx must not parse a document past its budget")
    monkeypatch.setattr(word.docx, "Document", explode)


def test_the_seed_paper_is_read_within_the_test_budget(budget):
    assert "三、2014年度工作任务目标" in docx_lines(SEED, "x.docx")


def test_nodes_past_the_budget_are_refused_before_python_docx_parses_them(budget, no_python_docx):
    with pytest.raises(OverBudget) as over:
        docx_lines(_longer(SEED, 5_000), "x.docx")          # 15,000 nodes more
    assert over.value.code == "too_large_range"
    assert over.value.message.startswith("the Word document holds more than 60,000 XML elements and attributes")


# python-docx finds the body through _rels/.rels, whatever the part is called
@pytest.mark.parametrize("part", ["document2.xml", "BODY.XML", "body.bin"])
def test_a_body_under_any_part_name_is_counted(budget, monkeypatch, part):
    assert docx_lines(_moved(SEED, part), "x.docx") == docx_lines(SEED, "x.docx")
    monkeypatch.setattr(word.docx, "Document", None)
    with pytest.raises(OverBudget, match="more than 60,000 XML elements"):
        docx_lines(_moved(_longer(SEED, 5_000), part), "x.docx")


def test_a_body_in_utf32_is_counted_as_python_docx_reads_it(budget):
    # libxml2 reads UTF-32 after a byte-order mark from a whole buffer, as python-docx gives it, but not fed in pieces
    assert docx_lines(_utf32(SEED), "x.docx") == docx_lines(SEED, "x.docx")
    with pytest.raises(OverBudget, match="more than 60,000 XML elements"):
        docx_lines(_utf32(_longer(SEED, 5_000)), "x.docx")


def test_entity_references_after_a_doctype_are_counted(budget, no_python_docx):
    # python-docx leaves &e; unresolved: each one a node of its own that no parser event shows
    def refs(name, body):
        if name != BODY:
            return body
        body = body.replace(b"?>\n", b"?>\n<!DOCTYPE w:document [<!ENTITY e 'x'>]>", 1)
        return body.replace(b"<w:sectPr", b"<w:p><w:r><w:t>" + b"&e;" * 15_000 + b"</w:t></w:r></w:p><w:sectPr", 1)
    with pytest.raises(OverBudget, match="more than 60,000 XML elements"):
        docx_lines(_rewrite(SEED, refs), "x.docx")


def test_parts_that_are_not_xml_count_for_nothing(budget):
    buffer = io.BytesIO(SEED)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/media/image1.png", bytes(range(256)) * 400)   # a picture: not XML from its first byte
        archive.writestr("word/cut.xml", b"<w:p>" * 10)                     # XML cut short
    assert docx_lines(buffer.getvalue(), "x.docx") == docx_lines(SEED, "x.docx")


def test_a_white_paper_past_the_budget_is_quarantined_by_that_rule(budget, no_python_docx, tmp_path):
    path = tmp_path / "szsti-2014.docx"
    path.write_bytes(_longer(SEED, 5_000))
    with pytest.raises(WhitepaperError) as err:
        read_whitepaper(path, source_file="raw/whitepapers/szsti-2014.docx")
    assert err.value.rule == "too_large_range"
    assert str(err.value).startswith("raw/whitepapers/szsti-2014.docx: the Word document holds more than 60,000")
    rejection = rejection_of(path, "raw/whitepapers/szsti-2014.docx", err.value)
    assert (rejection.rule, rejection.document_id) == ("too_large_range", "szsti-2014")


def test_a_white_paper_that_unpacks_past_the_budget_is_a_zip_bomb(monkeypatch, no_python_docx, tmp_path):
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 100_000)    # the seed paper unpacks to about 850,000 bytes
    path = tmp_path / "szsti-2014.docx"
    path.write_bytes(SEED)
    with pytest.raises(WhitepaperError) as err:
        read_whitepaper(path, source_file="raw/whitepapers/szsti-2014.docx")
    assert err.value.rule == "zip_bomb" and "at most 100,000 bytes are accepted" in str(err.value)
