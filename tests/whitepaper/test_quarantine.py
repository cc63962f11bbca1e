"""A white paper that cannot be parsed is quarantined: the night publishes, the paper's last rows carried forward."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from flows import paths
from flows.pipeline import refresh_without_prefect
from flows.whitepaper.parse import WhitepaperError
from flows.whitepaper.quarantine import NothingToPublish

AS_OF = dt.date(2014, 12, 31)
# A second agency's paper in the template, its divisions unknown to the lookups and homophones (法制处/法治处).
OTHER = """示例局2014年度公共服务白皮书
信息来源：示例局
2014-04-02
一、工作职责
（一）负责示例工作。
二、2013年度工作任务目标完成情况
（一）示例
完成示例项目10个。
三、2014年度工作任务目标
工作任务 目标及进度 责任部门
（一）推进法治建设。 目标：完成3项。
第一季度：启动。
第二季度：推进。
第三季度：推进。
第四季度：完成。
法制处牵头，法治处配合
四、公众参与、监督渠道
（一）登录示例局网站（www.example.gov.cn）。
"""


def _table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / "latest" / "data" / f"{name}.parquet")


def _raw_copy(folder: Path) -> Path:
    shutil.copytree(paths.RAW, folder, ignore=shutil.ignore_patterns("updates"))
    return folder


@pytest.fixture(scope="module")
def _example_night(tmp_path_factory):
    """raw with OTHER beside the seed as example-2014.txt and its night, run once per module; tests copy or only read."""
    base = tmp_path_factory.mktemp("example-night")
    (_raw_copy(base / "raw") / "whitepapers" / "example-2014.txt").write_text(OTHER, encoding="utf-8")
    return base, refresh_without_prefect(base / "raw", base / "curated", AS_OF)


def test_a_new_paper_with_unknown_homophone_divisions_is_published_with_distinct_valid_ids(_example_night):
    base, result = _example_night
    out = base / "curated"
    assert result.published
    departments = _table(out, "departments")
    ours = departments[departments["agency_id"] == "example"]
    assert sorted(ours["name_zh"]) == ["法制处", "法治处"] and ours["department_id"].is_unique
    assert not any("None" in d for d in ours["department_id"])


def test_a_bad_paper_is_quarantined_carried_forward_then_left_out_when_new(raw, tmp_path):
    out = tmp_path / "curated"
    seed = raw / "whitepapers" / "szsti-2014.txt"
    first = refresh_without_prefect(raw, out, AS_OF)
    before = {t: _table(out, t) for t in ("tasks", "milestones", "task_departments", "documents")}
    # the seed damaged (its section 三 heading gone), its sidecar removed, and a new paper beside it damaged the same
    # way (a file that is no white paper at all is refused: a refused_file quality note, and a row left out)
    text = seed.read_text(encoding="utf-8").replace("三、2014年度工作任务目标", "三、")
    seed.write_text(text, encoding="utf-8")
    (raw / "whitepapers" / "szsti-2014.meta.yaml").unlink()
    (raw / "whitepapers" / "broken-2014.txt").write_text(text.replace("2014年度公共服务白皮书", "2015年度公共服务白皮书", 1),
                                                         encoding="utf-8")
    (raw / "whitepapers" / "notes.txt").write_text("这不是白皮书\n", encoding="utf-8")
    second = refresh_without_prefect(raw, out, AS_OF)
    assert second.published and second.release_id != first.release_id
    rejections = _table(out, "document_rejections").sort_values("source_file")
    rejections["carried_from"] = rejections["carried_from"].fillna("")
    assert rejections[["source_file", "rule", "outcome", "carried_from"]].values.tolist() == [
        ["raw/whitepapers/broken-2014.txt", "not_in_template", "left_out", ""],
        ["raw/whitepapers/notes.txt", "not_a_whitepaper", "left_out", ""],
        ["raw/whitepapers/szsti-2014.txt", "not_in_template", "carried_forward", first.release_id]]
    assert rejections["reason"].str.contains("szsti-2014.txt|broken-2014.txt|notes.txt").all()
    notes = _table(out, "quality_notes")
    assert notes.loc[notes["flag"] == "refused_file", "detail"].str.contains("notes.txt").any()
    for name, frame in before.items():   # carried forward unchanged
        pd.testing.assert_frame_equal(_table(out, name), frame, check_dtype=False)
    notes = _table(out, "quality_notes")
    assert notes[notes["flag"] == "carried_forward"]["document_id"].tolist() == ["szsti-2014"]
    assert (out / "latest" / "sources" / "szsti-2014.txt").read_text(encoding="utf-8") != text


def test_a_paper_quarantined_night_after_night_beside_update_files_is_carried_with_its_own_notes_only(raw, tmp_path):
    # the update files' notes (updates-n001…) and the carried-forward note are made again every night: carried as well,
    # their ids repeated and the night failed
    import shutil

    from flows import paths

    shutil.copytree(paths.REPO / "examples" / "updates", raw / "updates")
    out = tmp_path / "curated"
    first = refresh_without_prefect(raw, out, AS_OF)
    own = _table(out, "quality_notes")
    own = sorted(own.loc[own["note_id"].str.startswith("szsti-2014-n"), "note_id"])
    assert own and _table(out, "quality_notes")["note_id"].str.startswith("updates-n").any()
    seed = raw / "whitepapers" / "szsti-2014.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("三、2014年度工作任务目标", "三、"), encoding="utf-8")
    for night in (1, 2):
        result = refresh_without_prefect(raw, out, AS_OF + dt.timedelta(days=night))
        notes = _table(out, "quality_notes")
        assert notes["note_id"].is_unique and _table(out, "document_rejections")["outcome"].tolist() == ["carried_forward"]
        assert sorted(notes.loc[notes["note_id"].str.startswith("szsti-2014-n"), "note_id"]) == own
        assert notes["flag"].tolist().count("carried_forward") == 1
    assert result.row_counts["updates"] == first.row_counts["updates"]


def test_nothing_parseable_fails_the_run_and_leaves_latest_untouched(raw, tmp_path):
    out = tmp_path / "curated"
    for path in (raw / "whitepapers").iterdir():
        path.unlink()
    (raw / "whitepapers" / "broken-2014.txt").write_text("这不是白皮书\n", encoding="utf-8")
    with pytest.raises(NothingToPublish, match="broken-2014.txt"):
        refresh_without_prefect(raw, out, AS_OF)
    assert not (out / "latest").exists()


def test_strict_keeps_failing_fast_naming_the_file(raw, tmp_path):
    (raw / "whitepapers" / "broken-2014.txt").write_text("这不是白皮书\n", encoding="utf-8")
    with pytest.raises(WhitepaperError, match=r"raw/whitepapers/broken-2014\.txt"):
        refresh_without_prefect(raw, tmp_path / "curated", AS_OF, strict=True)


def test_links_special_and_oversized_papers_are_rejections_naming_their_path_under_raw(raw, tmp_path, monkeypatch):
    from flows.updates import limits

    folder = raw / "whitepapers"
    (folder / "linked-2014.txt").symlink_to("/etc/passwd")
    (folder / ".hidden-2014.txt").write_text(OTHER, encoding="utf-8")
    (folder / "big-2014.txt").write_text(OTHER * 100, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_WHITEPAPER_BYTES", len((folder / "szsti-2014.txt").read_bytes()) + 1)
    out = tmp_path / "curated"
    assert refresh_without_prefect(raw, out, AS_OF).published
    rejections = _table(out, "document_rejections").sort_values("source_file")
    assert rejections[["source_file", "rule", "outcome"]].values.tolist() == [
        ["raw/whitepapers/.hidden-2014.txt", "hidden_file", "left_out"],
        ["raw/whitepapers/big-2014.txt", "oversized", "left_out"],
        ["raw/whitepapers/linked-2014.txt", "symlink", "left_out"]]
    notes = _table(out, "quality_notes")   # a hidden file is refused before it is read: a row and a note, never silence
    assert notes.loc[notes["flag"] == "refused_file", "detail"].str.contains(r"\.hidden-2014\.txt").any()
    published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (out / "latest").rglob("*")
                        if p.is_file() and p.suffix in (".csv", ".json", ".md", ".html"))
    assert "root:x:" not in published and str(tmp_path) not in published


def test_every_entry_that_is_no_paper_is_a_rejection_row_as_well_as_a_note(raw, tmp_path):
    # A researcher counts refusals in document_rejections: a .wps, a folder, a sidecar alone, a Word owner file
    # and a link to a folder were only refused_file notes there.
    folder = raw / "whitepapers"
    (folder / "szsti-2015.wps").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    (folder / "drafts").mkdir()
    (folder / "old-2013.meta.yaml").write_text("document_id: old-2013\n", encoding="utf-8")
    (folder / "~$szsti-2014.docx").write_bytes(b"owner")
    (folder / "elsewhere").symlink_to(tmp_path)
    out = tmp_path / "curated"
    assert refresh_without_prefect(raw, out, AS_OF).published
    rejections = _table(out, "document_rejections").sort_values("source_file")
    assert rejections[["source_file", "document_id", "rule", "outcome"]].values.tolist() == [
        ["raw/whitepapers/drafts", "drafts", "folder", "left_out"],
        ["raw/whitepapers/elsewhere", "elsewhere", "symlink", "left_out"],
        ["raw/whitepapers/old-2013.meta.yaml", "old-2013", "orphan_sidecar", "left_out"],
        ["raw/whitepapers/szsti-2015.wps", "szsti-2015", "unsupported_format", "left_out"],
        ["raw/whitepapers/~$szsti-2014.docx", "~$szsti-2014", "temporary_file", "left_out"]]
    for source_file, reason in zip(rejections["source_file"], rejections["reason"]):
        assert reason.startswith(f"{source_file}: refused, ") and "a white paper is read from page text (.txt" in reason
    assert "a WPS Writer .wps file; open it in WPS and save it as .docx" in rejections["reason"].iloc[3]
    assert rejections["line"].isna().all() and rejections["carried_from"].isna().all()
    notes = _table(out, "quality_notes")    # the README's refused_file note stays, one per entry
    assert sorted(notes.loc[notes["flag"] == "refused_file", "detail"].str.split(":").str[0]) == list(rejections["source_file"])
    assert _table(out, "documents")["document_id"].tolist() == ["szsti-2014"]


def test_an_entry_that_is_no_paper_never_carries_an_earlier_document_forward(_example_night, tmp_path):
    # example-2014.txt published, then replaced by example-2014.wps: refused and left out, not kept alive by its name
    base, first = _example_night
    raw, out = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(base / "raw", raw, symlinks=True)
    shutil.copytree(base / "curated", out, symlinks=True)
    folder = raw / "whitepapers"
    assert first.published and "example-2014" in _table(out, "documents")["document_id"].tolist()
    (folder / "example-2014.txt").rename(folder / "example-2014.wps")
    assert refresh_without_prefect(raw, out, AS_OF).published
    rejections = _table(out, "document_rejections")
    assert rejections[["source_file", "document_id", "rule", "outcome"]].values.tolist() == [
        ["raw/whitepapers/example-2014.wps", "example-2014", "unsupported_format", "left_out"]]
    assert _table(out, "documents")["document_id"].tolist() == ["szsti-2014"]


# One night with every empty paper beside the seed (distinct names: each is its own document), each case asserted alone.
EMPTY = [("blank-2014.txt", b""), ("bom-2014.txt", b"\xef\xbb\xbf\r\n  \n"), ("blank-2014.html", b""),
         ("newline-2014.htm", b"\n"), ("blank-2014.docx", b"")]


@pytest.fixture(scope="module")
def _empty_papers_night(tmp_path_factory):
    base = tmp_path_factory.mktemp("empty-papers")
    raw = _raw_copy(base / "raw")
    for name, content in EMPTY:
        (raw / "whitepapers" / name).write_bytes(content)
    result = refresh_without_prefect(raw, base / "curated", AS_OF)
    return result, _table(base / "curated", "document_rejections")


@pytest.mark.parametrize("name, content", EMPTY)
def test_an_empty_paper_is_rejected_as_empty_not_undecodable(_empty_papers_night, name, content):
    result, rejections = _empty_papers_night
    assert result.published
    # one rejection per empty paper and no other: no case's row hides or replaces another's
    assert sorted(rejections["source_file"]) == sorted(f"raw/whitepapers/{n}" for n, _ in EMPTY), name
    rejection = rejections[rejections["source_file"] == f"raw/whitepapers/{name}"].iloc[0]
    assert (rejection["source_file"], rejection["rule"], rejection["outcome"]) == (f"raw/whitepapers/{name}", "empty", "left_out")
    assert re.match(rf"^raw/whitepapers/{re.escape(name)}: empty file \((0 bytes|\d+ bytes: only whitespace or a "
                    r"byte-order mark)\); expected a white paper's text in this ", rejection["reason"]), rejection["reason"]
    assert f"empty file ({len(content)} bytes" in rejection["reason"], (name, rejection["reason"])   # this case's own bytes


def test_a_web_page_nested_too_deep_for_lxml_is_rejected_as_such(raw, tmp_path):
    from tests.whitepaper.seed_forms import web_page

    page = web_page().decode("utf-8").replace("<body>", "<body>" + "<div>" * 300).replace("</body>", "</div>" * 300 + "</body>")
    (raw / "whitepapers" / "deep-2014.html").write_text(page, encoding="utf-8")
    out = tmp_path / "curated"
    assert refresh_without_prefect(raw, out, AS_OF).published
    rejection = _table(out, "document_rejections").iloc[0]
    assert (rejection["source_file"], rejection["rule"]) == ("raw/whitepapers/deep-2014.html", "html_too_deep")
    assert "nested more than 256 deep" in rejection["reason"] and rejection["line"] >= 1
