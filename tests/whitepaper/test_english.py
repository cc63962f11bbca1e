"""English beside the Chinese (flows/whitepaper/english.py): reviewed translations matched to the source text."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from flows import paths
from flows.whitepaper.english import FILE, add_english, load_translations
from flows.whitepaper.lookups import load_lookups
from flows.whitepaper.parse import parse_whitepaper, read_meta
from tests.whitepaper.helpers import FULL_WIDTH

SEED = paths.WHITEPAPERS / "szsti-2014.txt"
ENGLISH = {"tasks": ["title_en", "target_en"], "milestones": ["text_en"], "indicators": ["metric_en"]}


def parse_seed(text: str):
    return parse_whitepaper(text.encode("utf-8"), "szsti-2014", "raw/whitepapers/szsti-2014.txt", read_meta(SEED))


def untranslated_notes(parsed):
    notes = parsed.tables["quality_notes"]
    return notes[notes.flag == "untranslated_text"]


def test_every_task_target_milestone_and_indicator_of_the_seed_has_english(seed):
    tables = seed.tables
    assert tables["documents"].title_en.tolist() == [
        "Shenzhen Science, Technology and Innovation Commission 2014 Public Service White Paper"]
    for table, columns in ENGLISH.items():
        for en in columns:
            zh = en.replace("_en", "_zh")
            has_chinese = tables[table][zh].notna()
            assert tables[table].loc[has_chinese, en].notna().all(), f"{table}.{en} has gaps"
            assert tables[table].loc[~has_chinese, en].isna().all(), f"{table}.{en} translates nothing"
    milestones = tables["milestones"].set_index("milestone_id")
    assert milestones.text_en["szsti-2014-05-q1"] == "Publish the project application guidelines."
    assert milestones.text_en.isna().sum() == 1  # 05-q3, which the paper leaves empty
    assert untranslated_notes(seed).empty


def test_a_changed_source_line_is_null_with_one_note_per_document_and_no_failure():
    text = SEED.read_text(encoding="utf-8")
    changed = text.replace("发布项目申请指南。", "发布项目申请指南和实施细则。", 1).replace("突出创新增效", "突出创新提质增效", 1)
    parsed = parse_seed(changed)
    milestones = parsed.tables["milestones"].set_index("milestone_id")
    tasks = parsed.tables["tasks"].set_index("task_id")
    assert milestones.text_zh["szsti-2014-05-q1"] == "发布项目申请指南和实施细则。"
    assert milestones.text_en.isna().sum() == 2 and pd.isna(milestones.text_en["szsti-2014-05-q1"])
    assert tasks.title_en.isna().tolist() == [False] * 8 + [True, False]
    notes = untranslated_notes(parsed)
    assert len(notes) == 1
    note = notes.iloc[0]
    assert (note.table_name, note.row_id, note.document_id) == ("documents", "szsti-2014", "szsti-2014")
    assert note.detail.startswith("2 text(s) have no reviewed English translation in raw/lookups/translations.csv")
    assert "szsti-2014-09 title_zh" in note.detail and "szsti-2014-05-q1 text_zh" in note.detail


def test_the_same_words_in_full_width_punctuation_keep_their_translation(seed):
    parsed = parse_seed(SEED.read_text(encoding="utf-8").translate(FULL_WIDTH))
    assert parsed.tables["tasks"].title_zh.tolist() != seed.tables["tasks"].title_zh.tolist()
    assert parsed.tables["tasks"].title_en.tolist() == seed.tables["tasks"].title_en.tolist()
    assert untranslated_notes(parsed).empty


def test_every_reviewed_row_is_used_by_the_seed(seed):
    """A row no paper uses is a translation of words the source no longer has: the reviewer should drop or fix it."""
    used = set()
    for table, columns in ENGLISH.items():
        for en in columns:
            used |= set(seed.tables[table][en.replace("_en", "_zh")].dropna())
    with (paths.LOOKUPS / FILE).open(encoding="utf-8", newline="") as fh:
        reviewed = [row["text_zh"] for row in csv.DictReader(fh)]
    assert sorted(set(reviewed) - used) == []
    assert len(reviewed) == len(set(reviewed)) == len(used)


def test_translations_file_rules(tmp_path):
    assert load_translations(tmp_path) == {}
    (tmp_path / FILE).write_text("text_zh,text_en,used_in\n发布指南。,Publish the guidelines.,x\n完成评审。,,y\n",
                                 encoding="utf-8-sig")
    found = load_translations(tmp_path)
    assert found == {"发布指南。": "Publish the guidelines."}  # an empty text_en is no translation
    rows = {"milestones": [{"milestone_id": "a-01-q1", "text_zh": "发布指南。"}, {"milestone_id": "a-01-q2", "text_zh": "完成评审。"},
                           {"milestone_id": "a-01-q3", "text_zh": None}]}
    assert add_english(rows, found) == ["a-01-q2 text_zh"]
    assert [r["text_en"] for r in rows["milestones"]] == ["Publish the guidelines.", None, None]
    (tmp_path / FILE).write_text("text_zh,text_en\n发布指南。,A\n发布指南。,B\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"translations.csv, line 3: '发布指南。' is translated twice"):
        load_translations(tmp_path)


def test_the_reviewed_file_is_read_with_the_other_lookups():
    assert len(load_lookups().translations) == len(load_translations(paths.LOOKUPS)) > 60
