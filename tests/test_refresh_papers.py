"""The refresh with raw/whitepapers/ as people fill it: other file types beside the paper, copies, other forms."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
from pathlib import Path

import docx
import pandas as pd
import pytest

from flows.pipeline import build_bundle, discover_inputs, refresh_without_prefect
from flows.whitepaper.parse import WhitepaperError
from tests.whitepaper.seed_forms import web_page, word_document

AS_OF = dt.date(2014, 12, 31)


def _not_a_paper_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于召开2014年第一季度工作会议的通知")
    document.add_paragraph("各处室：定于4月10日召开会议，请准时参加。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Each beside the real paper: a legacy Word file (OLE header), a PDF, a Word document that is no white paper.
OTHERS = {
    "szsti-2014.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "refused, a legacy Word .doc"),
    "szsti-2014-scan.pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "refused, a PDF"),
    "meeting-notice.docx": (_not_a_paper_docx(), "not a white paper"),
}


def _add_others(raw: Path) -> None:
    for name, (content, _) in OTHERS.items():
        (raw / "whitepapers" / name).write_bytes(content)


def _notes(release: Path) -> pd.DataFrame:
    return pd.read_parquet(release / "data" / "quality_notes.parquet")


@pytest.mark.prefect
def test_refresh_publishes_the_paper_and_names_every_refused_file(prefect_harness, raw, tmp_path, capsys):
    from flows.refresh import refresh

    _add_others(raw)
    result = refresh(raw_dir=raw, out_dir=tmp_path / "curated", as_of=AS_OF)
    assert result.published and result.row_counts["tasks"] == 10 and result.row_counts["documents"] == 1
    notes = _notes(tmp_path / "curated" / "latest")
    refused = notes[notes.flag == "refused_file"]
    console = capsys.readouterr().out
    for name, (_, why) in OTHERS.items():
        detail = refused[refused.detail.str.startswith(f"raw/whitepapers/{name}: ")].detail
        assert len(detail) == 1 and why in detail.iloc[0], name
        assert "a white paper is read from" in detail.iloc[0] or "expected a white paper" in detail.iloc[0]
        assert any(name in line and why in line for line in console.splitlines()), (name, console)
    assert refused.document_id.isna().all()


def test_refused_files_are_listed_as_inputs_and_change_the_release(raw, tmp_path):
    first = refresh_without_prefect(raw, tmp_path / "curated", AS_OF)
    _add_others(raw)
    # .doc and .pdf are refused on sight; the .docx is a form read, and refused once read as no white paper
    assert sorted(p.name for p in discover_inputs(raw).refused) == ["szsti-2014-scan.pdf", "szsti-2014.doc"]
    second = refresh_without_prefect(raw, tmp_path / "curated", AS_OF)
    assert second.published and second.content_hash != first.content_hash   # the notes are new data
    manifest = (tmp_path / "curated" / "latest" / "manifest.json").read_text(encoding="utf-8")
    for name in OTHERS:
        assert f"raw/whitepapers/{name}" in manifest
    rejections = pd.read_parquet(tmp_path / "curated" / "latest" / "data" / "document_rejections.parquet")
    assert sorted(zip(rejections.source_file, rejections.rule, rejections.outcome)) == [
        ("raw/whitepapers/meeting-notice.docx", "not_a_whitepaper", "left_out"),
        ("raw/whitepapers/szsti-2014-scan.pdf", "unsupported_format", "left_out"),
        ("raw/whitepapers/szsti-2014.doc", "unsupported_format", "left_out")]


@pytest.mark.parametrize("copy_name", ["SZSTI-2014.txt", "szsti_2014_copy.txt"])
def test_the_same_paper_twice_is_one_document_and_a_note(raw, copy_name):
    shutil.copy(raw / "whitepapers" / "szsti-2014.txt", raw / "whitepapers" / copy_name)
    bundle = build_bundle(raw, AS_OF)
    assert list(bundle.tables["documents"].document_id) == ["szsti-2014"]
    assert len(bundle.tables["tasks"]) == 10
    notes = bundle.tables["quality_notes"]
    duplicate = notes[notes.flag == "duplicate_document"]
    assert list(duplicate.document_id) == ["szsti-2014"]
    assert duplicate.detail.iloc[0].startswith(f"raw/whitepapers/{copy_name} has the same text")
    assert "raw/whitepapers/szsti-2014.txt" in duplicate.detail.iloc[0]


def test_two_papers_under_one_id_are_one_error_naming_both(raw):
    changed = (raw / "whitepapers" / "szsti-2014.txt").read_text(encoding="utf-8").replace("88128897", "88128898")
    (raw / "whitepapers" / "SZSTI_2014.txt").write_text(changed, encoding="utf-8")
    with pytest.raises(WhitepaperError, match=r"^raw/whitepapers/SZSTI_2014\.txt and raw/whitepapers/szsti-2014\.txt "
                       r"are both document 'szsti-2014' but hold different texts; give one of them another file name"):
        build_bundle(raw, AS_OF)


def test_a_paper_as_a_web_page_keeps_its_original_in_the_release(raw, tmp_path):
    folder = raw / "whitepapers"
    (folder / "szsti-2014.txt").unlink()
    (folder / "szsti-2014.meta.yaml").unlink()   # its sha256 is the text file's
    (folder / "SZSTI-2014.htm").write_bytes(web_page("gbk", spans=True))
    result = refresh_without_prefect(raw, tmp_path / "curated", AS_OF)
    assert result.published
    release = tmp_path / "curated" / "latest"
    documents = pd.read_parquet(release / "data" / "documents.parquet")
    assert list(zip(documents.document_id, documents.source_format, documents.source_file)) == [
        ("szsti-2014", "html", "raw/whitepapers/SZSTI-2014.htm")]
    original = (folder / "SZSTI-2014.htm").read_bytes()
    assert (release / "sources" / "szsti-2014.htm").read_bytes() == original
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    outputs = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    assert outputs["sources/szsti-2014.htm"] == hashlib.sha256(original).hexdigest()
    text = (release / "sources" / "szsti-2014.txt").read_text(encoding="utf-8")
    milestones = pd.read_parquet(release / "data" / "milestones.parquet").dropna(subset=["text_zh"])
    assert len(milestones) == 39
    assert all(text[s:e] == t for s, e, t in zip(milestones.source_start, milestones.source_end, milestones.text_zh))


def test_a_word_paper_keeps_its_original_in_the_release(raw, tmp_path):
    folder = raw / "whitepapers"
    (folder / "szsti-2014.txt").unlink()
    (folder / "szsti-2014.meta.yaml").unlink()
    (folder / "科创委2014.docx").write_bytes(word_document())
    refresh_without_prefect(raw, tmp_path / "curated", AS_OF)
    release = tmp_path / "curated" / "latest"
    assert (release / "sources" / "ke-chuang-wei-2014.docx").read_bytes() == (folder / "科创委2014.docx").read_bytes()
    assert pd.read_parquet(release / "data" / "tasks.parquet").task_id.iloc[0] == "ke-chuang-wei-2014-01"


@pytest.mark.parametrize("name, document_id", [("SZSTI-2014.txt", "szsti-2014"), ("szsti_2014.txt", "szsti-2014"),
                                               ("科创委2014.txt", "ke-chuang-wei-2014")])
def test_a_paper_saved_under_another_name_is_published_under_that_name_made_an_id(raw, name, document_id):
    folder = raw / "whitepapers"
    (folder / "szsti-2014.txt").rename(folder / name)
    bundle = build_bundle(raw, AS_OF)
    assert list(bundle.tables["documents"].document_id) == [document_id]
    assert bundle.tables["tasks"].task_id.iloc[0] == f"{document_id}-01"
    notes = bundle.tables["quality_notes"]
    # its sidecar still bears the old name: no paper beside it, so it is refused and said so, not silently dropped
    assert list(notes[notes.flag == "refused_file"].detail.str[:42]) == ["raw/whitepapers/szsti-2014.meta.yaml: refu"]


def test_when_no_file_is_a_paper_the_run_fails_naming_each(raw):
    folder = raw / "whitepapers"
    (folder / "szsti-2014.meta.yaml").unlink()
    (folder / "szsti-2014.txt").write_text("关于召开工作会议的通知\n", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    with pytest.raises(WhitepaperError, match=r"^raw/whitepapers: no file there is a white paper; raw/whitepapers/scan\.pdf: "
                       r"refused, a PDF.*; raw/whitepapers/szsti-2014\.txt: not a white paper"):
        build_bundle(raw, AS_OF)
