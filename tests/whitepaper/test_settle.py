"""flows/whitepaper/settle.py: one paper, one document; a note for each file that is no paper."""

import pytest

from flows.whitepaper.parse import parse_whitepaper
from flows.whitepaper.settle import PaperFile, settle
from flows.whitepaper.source_doc import WhitepaperError
from tests.whitepaper.helpers import MINI


def paper(document_id: str, text: str = MINI, source_file: str | None = None, sidecar: bool = False) -> PaperFile:
    parsed = parse_whitepaper(text.encode(), document_id, source_file or f"raw/whitepapers/{document_id}.txt", frames=False)
    return PaperFile(source_file or f"raw/whitepapers/{document_id}.txt", parsed, sidecar)


def test_different_papers_are_all_kept_in_input_order():
    a, b = paper("futian-2016"), paper("nanshan-2016", MINI.replace("福田区", "南山区"))
    kept, notes = settle([a, b], [])
    assert kept == [a, b] and notes == []


def test_the_same_text_under_two_names_is_one_document_and_a_note_on_it():
    first = paper("futian-2016", source_file="raw/whitepapers/futian-2016.txt")
    copy = paper("futian-2016-copy", source_file="raw/whitepapers/futian-2016 copy.txt")
    kept, notes = settle([first, copy], [])
    assert kept == [first]
    [note] = notes
    assert (note["note_id"], note["document_id"], note["flag"]) == ("whitepapers-n001", "futian-2016", "duplicate_document")
    assert note["detail"].startswith("raw/whitepapers/futian-2016 copy.txt has the same text (sha256 ")
    assert note["detail"].endswith("as raw/whitepapers/futian-2016.txt; published once, as futian-2016; remove one of the two files")


def test_of_two_copies_the_one_whose_sidecar_names_it_is_kept():
    plain = paper("a-2016", source_file="raw/whitepapers/a-2016.txt")
    named = paper("futian-2016", source_file="raw/whitepapers/福田2016.txt", sidecar=True)
    kept, notes = settle([plain, named], [])
    assert kept == [named] and notes[0]["document_id"] == "futian-2016"


def test_two_texts_under_one_id_are_one_error_naming_both_files():
    a = paper("futian-2016", source_file="raw/whitepapers/futian-2016.txt")
    b = paper("futian-2016", MINI.replace("88000000", "88000001"), source_file="raw/whitepapers/FUTIAN_2016.html")
    with pytest.raises(WhitepaperError, match=r"^raw/whitepapers/futian-2016\.txt and raw/whitepapers/FUTIAN_2016\.html are "
                       r"both document 'futian-2016' but hold different texts"):
        settle([a, b], [])


def test_refused_files_are_notes_with_no_document():
    kept, notes = settle([paper("futian-2016")], [("raw/whitepapers/x.pdf", "raw/whitepapers/x.pdf: refused, a PDF")])
    assert len(kept) == 1
    assert notes == [{"note_id": "whitepapers-n001", "document_id": None, "table_name": "documents", "row_id": None,
                      "flag": "refused_file", "detail": "raw/whitepapers/x.pdf: refused, a PDF", "source_start": None,
                      "source_end": None}]


def test_the_same_paper_in_two_forms_is_one_document():
    from tests.whitepaper.seed_forms import SEED, web_page

    text = PaperFile("raw/whitepapers/szsti-2014.txt", parse_whitepaper(SEED.encode(), "szsti-2014", frames=False))
    page = PaperFile("raw/whitepapers/深圳科创委2014.htm",
                     parse_whitepaper(web_page("gbk", spans=True), "shen-zhen-ke-chuang-wei-2014", form="html"))
    kept, [note] = settle([page, text], [])
    assert kept == [text]
    assert note["detail"].startswith("raw/whitepapers/深圳科创委2014.htm holds the same paper (title, duties, review, tasks, "
                                     "milestones, divisions and contacts word for word) as raw/whitepapers/szsti-2014.txt")


def test_a_paper_differing_in_one_milestone_is_another_document():
    from tests.whitepaper.seed_forms import SEED

    a = PaperFile("raw/whitepapers/szsti-2014.txt", parse_whitepaper(SEED.encode(), "szsti-2014", frames=False))
    changed = SEED.replace("第一季度:发布项目申请指南。", "第一季度:发布项目申请指南并受理。")
    b = PaperFile("raw/whitepapers/szsti-2014b.txt", parse_whitepaper(changed.encode(), "szsti-2014b", frames=False))
    kept, notes = settle([a, b], [])
    assert kept == [a, b] and notes == []
