"""flows/whitepaper/sidecar.py: the document id from the sidecar or the file name, and when they disagree."""

import pytest

from flows.whitepaper.sidecar import document_id_for, read_meta
from flows.whitepaper.source_doc import WhitepaperError


def paper(tmp_path, name: str, sidecar: str | None = None):
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    if sidecar is not None:
        path.with_name(path.stem + ".meta.yaml").write_text(sidecar, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, sidecar, document_id", [
    ("szsti-2014.txt", None, "szsti-2014"),                              # the name is the id
    ("SZSTI-2014.txt", None, "szsti-2014"),                              # the name made into an id
    ("科创委2014.docx", None, "ke-chuang-wei-2014"),
    ("科创委2014.docx", "document_id: szsti-2014\n", "szsti-2014"),        # a name that is no id gives way to the sidecar
    ("szsti_2014 (1).html", "document_id: szsti-2014\n", "szsti-2014"),
    ("szsti-2014.txt", "document_id: szsti-2014\n", "szsti-2014"),        # both agree
    ("szsti-2014.txt", "title: 深圳市科技创新委员会2014年度公共服务白皮书\n", "szsti-2014"),   # no document_id in it
])
def test_document_id(tmp_path, name, sidecar, document_id):
    assert document_id_for(paper(tmp_path, name, sidecar), f"raw/whitepapers/{name}") == document_id


def test_a_file_named_by_one_id_and_a_sidecar_giving_another_is_an_error_naming_both(tmp_path):
    path = paper(tmp_path, "szsti-2014.txt", "document_id: szsti-2015\n")
    with pytest.raises(WhitepaperError, match=r"^raw/whitepapers/szsti-2014\.txt: the file name is the document id "
                       r"'szsti-2014' but its sidecar szsti-2014\.meta\.yaml says document_id 'szsti-2015'; rename the file "
                       r"to szsti-2015\.txt or correct the sidecar"):
        document_id_for(path, "raw/whitepapers/szsti-2014.txt")


@pytest.mark.parametrize("sidecar, message", [
    ("document_id: SZSTI 2014\n", r"gives document_id 'SZSTI 2014', which is not an id; expected lower-case ASCII"),
    ("- a list\n", r"the sidecar is a list, expected a YAML mapping"),
    ("document_id: [unclosed\n", r"the sidecar cannot be read"),
])
def test_a_sidecar_that_gives_no_usable_id_is_an_error_naming_it(tmp_path, sidecar, message):
    with pytest.raises(WhitepaperError, match=message):
        document_id_for(paper(tmp_path, "科创委2014.txt", sidecar), "raw/whitepapers/科创委2014.txt")


def test_a_name_with_nothing_to_make_an_id_of_is_an_error(tmp_path):
    with pytest.raises(WhitepaperError, match=r"^raw/whitepapers/——\.txt: no document id can be made from the file name"):
        document_id_for(paper(tmp_path, "——.txt"), "raw/whitepapers/——.txt")


def test_the_sidecar_of_a_web_page_or_word_paper_is_beside_it_under_its_stem(tmp_path):
    path = paper(tmp_path, "SZSTI-2014.docx", "document_id: szsti-2014\nsource_url: http://www.szsti.gov.cn/\n")
    assert read_meta(path)["source_url"] == "http://www.szsti.gov.cn/"
    assert document_id_for(path) == "szsti-2014"
