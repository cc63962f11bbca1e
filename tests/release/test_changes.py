"""The changes table (flows/release/changes.py): rows added, removed and changed against the previous release, schema
changes, the breaking-change refusal, and how publish_release carries the table without hashing it."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from pandera.typing import Series

import schemas
from tests.release.fixtures import DOC, publish_tiny, tiny_tables
from flows.release.changes import BreakingChangeError, compute_changes, diff_releases, diff_tables, refuse_breaking, value_text
from flows.tables.codebook import table_spec
from flows.release.publish import PublishError
from flows.release.dirs import latest_release_dir
from schemas._fields import field
from schemas.release import Changes
from schemas.whitepaper import Tasks
from tests.release.test_publish import snapshot

COLUMNS = ["table_name", "row_key", "change_type", "column_name", "old_value", "new_value"]


def rows(changes: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in changes[COLUMNS].itertuples(index=False)]


def with_changes(out_root, tables):
    """The tables plus their changes table against the release latest points at, as the pipeline adds it."""
    return {**tables, "changes": compute_changes(latest_release_dir(out_root), tables)}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    out_root = tmp_path_factory.mktemp("curated")
    return publish_tiny(out_root, tables=with_changes(out_root, tiny_tables()))


def test_the_first_release_has_an_empty_changes_table(first):
    changes = pd.read_parquet(first.release_dir / "data/changes.parquet")
    assert list(changes.columns) == COLUMNS and changes.empty
    assert compute_changes(None, tiny_tables()).empty
    Changes.validate(compute_changes(None, tiny_tables()), lazy=True)
    assert first.change_summary == "first release"


def test_an_unchanged_rerun_has_no_changes(first):
    assert compute_changes(first.release_dir, tiny_tables()).empty


def test_rows_added_removed_and_changed_are_listed_by_primary_key(first):
    tables = tiny_tables()
    tables["responsibilities"] = tables["responsibilities"][tables["responsibilities"]["responsibility_seq"] == 1]
    tables["contacts"] = pd.concat([tables["contacts"], tables["contacts"].assign(
        contact_id=f"{DOC}-c2", contact_seq=2, channel="email", value="kjc@szsti.gov.cn", text_zh="邮箱:kjc@szsti.gov.cn")])
    tables["tasks"].loc[tables["tasks"]["task_id"] == f"{DOC}-02", "title_zh"] = "建设创新载体(修订)"
    tables["departments"].loc[1, "name_en"] = "Innovation Support Division"
    tables["indicators"].loc[1, "value"] = 1.5e12
    tables["task_departments"].loc[1, "department_seq"] = 3

    changes = compute_changes(first.release_dir, tables)

    Changes.validate(changes, lazy=True)
    start, end = tables["contacts"].iloc[1][["source_start", "source_end"]]
    assert rows(changes) == [
        ("contacts", f"{DOC}-c2", "added", "*", None, json.dumps(
            {"contact_id": f"{DOC}-c2", "document_id": DOC, "contact_seq": "2", "channel": "email",
             "value": "kjc@szsti.gov.cn", "text_zh": "邮箱:kjc@szsti.gov.cn", "source_start": str(start),
             "source_end": str(end)}, ensure_ascii=False, separators=(",", ":"))),
        ("departments", "szsti-innovation-support", "changed", "name_en", None, "Innovation Support Division"),
        ("indicators", f"{DOC}-i2", "changed", "value", "1400000000000", "1500000000000"),
        ("responsibilities", f"{DOC}-r2", "removed", "*", changes.iloc[3]["old_value"], None),
        ("task_departments", f'["{DOC}-01","szsti-innovation-support"]', "changed", "department_seq", "2", "3"),
        ("tasks", f"{DOC}-02", "changed", "title_zh", "建设创新载体", "建设创新载体(修订)"),
    ]
    assert json.loads(changes.iloc[3]["old_value"])["text_zh"] == "研究提出本市科技体制改革的政策和措施。"


def test_tables_and_columns_added_removed_or_retyped_are_listed_once_not_per_row():
    old = {"tasks": pd.DataFrame({"task_id": ["a", "b"], "task_seq": [1, 2], "note": ["x", "y"]}),
           "gone": pd.DataFrame({"k": ["1", "2", "3"]})}
    new = {"tasks": pd.DataFrame({"task_id": ["a", "b"], "task_seq": ["1", "2"], "title_zh": ["甲", "乙"]}),
           "fresh": pd.DataFrame({"k": ["1"]})}

    def package(tables, types):
        return {"resources": [{"name": t, "schema": {"fields": [{"name": c, "type": types.get(c, "string")}
                                                                 for c in df.columns]}} for t, df in tables.items()]}

    changes = diff_tables(old, new, {"tasks": ["task_id"], "fresh": ["k"], "gone": ["k"]},
                          package(old, {"task_seq": "integer"}), package(new, {}))
    assert rows(changes) == [
        ("fresh", "*", "added", "*", None, "1 row"),
        ("gone", "*", "removed", "*", "3 rows", None),
        ("tasks", "*", "removed", "note", "string", None),
        ("tasks", "*", "changed", "task_seq", "integer", "string"),
        ("tasks", "*", "added", "title_zh", None, "string"),
    ]


@pytest.mark.parametrize("value, text", [
    (None, None), (float("nan"), None), (pd.NA, None), (np.float64("nan"), None),
    ("建设", "建设"), ("=SUM(A1)", "=SUM(A1)"), (True, "true"), (np.bool_(False), "false"),
    (3, "3"), (np.int64(3), "3"), (4.0, "4"), (1.4e12, "1400000000000"), (0.5, "0.5"),
    (dt.date(2014, 9, 30), "2014-09-30"), (pd.Timestamp("2014-09-30"), "2014-09-30"),
])
def test_values_are_compared_as_the_text_a_reader_sees(value, text):
    assert value_text(value) == text


def test_diff_of_two_releases_equals_the_changes_table_of_the_later(tmp_path):
    first = publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()))
    tables = tiny_tables()
    tables["tasks"].loc[0, "target_zh"] = None
    second = publish_tiny(tmp_path, tables=with_changes(tmp_path, tables))
    published = pd.read_parquet(second.release_dir / "data/changes.parquet")
    assert rows(published) == [("tasks", f"{DOC}-01", "changed", "target_zh", "出台政策2个。", None)]
    assert rows(diff_releases(first.release_dir, second.release_dir)) == rows(published)
    assert rows(diff_releases(second.release_dir, first.release_dir)) == [
        ("tasks", f"{DOC}-01", "changed", "target_zh", None, "出台政策2个。")]
    assert second.change_summary == "tasks: 1 row changed; no schema change"
    manifest = json.loads((second.release_dir / "manifest.json").read_text())
    assert manifest["previous_release"] == first.release_id and manifest["change_summary"] == second.change_summary
    readme = (second.release_dir / "README.md").read_text()
    assert f"**Changes since release `{first.release_id}`:** tasks: 1 row changed; no schema change." in readme


def test_the_changes_files_are_published_but_not_hashed(tmp_path):
    plain = publish_tiny(tmp_path / "plain")
    carried = publish_tiny(tmp_path / "carried", tables=with_changes(tmp_path / "carried", tiny_tables()))
    assert carried.content_hash == plain.content_hash and carried.release_id == plain.release_id
    files = {e["path"] for e in json.loads((carried.release_dir / "manifest.json").read_text())["outputs"]}
    assert {"data/changes.csv", "data/changes.parquet"} <= files
    assert (carried.release_dir / "data/changes.csv").read_bytes() == (
        b"table_name,row_key,change_type,column_name,old_value,new_value\r\n")


def test_a_rerun_with_the_same_data_publishes_nothing(tmp_path):
    publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()))
    tables = tiny_tables()
    tables["tasks"].loc[0, "title_zh"] = "改过的标题"
    second = publish_tiny(tmp_path, tables=with_changes(tmp_path, tables))
    before = snapshot(tmp_path)
    again = publish_tiny(tmp_path, tables=with_changes(tmp_path, tables), as_of=dt.date(2014, 12, 31))
    assert not again.published and again.content_hash == second.content_hash and again.change_summary == "no change"
    assert snapshot(tmp_path) == before


@pytest.fixture
def use_model(monkeypatch):
    """Register a model under its table name for one test; schemas cached by table name are dropped around it."""
    from flows.tables import frames

    clear = getattr(getattr(frames, "table_schema", None), "cache_clear", lambda: None)

    def use(model):
        monkeypatch.setitem(schemas.TABLES, model.Config.name, model)
        clear()

    yield use
    monkeypatch.undo()
    clear()


class TasksWithNote(Tasks):
    note_zh: Series[str] = field("备注", "A column a later release drops (test only).", nullable=True)

    class Config:
        name = "tasks"
        strict = True
        metadata = Tasks.Config.metadata


def test_removing_a_published_column_is_refused_unless_allowed(tmp_path, use_model):
    use_model(TasksWithNote)
    tables = tiny_tables()
    tables["tasks"]["note_zh"] = ["旧列", None]
    first = publish_tiny(tmp_path, tables=with_changes(tmp_path, tables))
    use_model(Tasks)
    before = snapshot(tmp_path)

    with pytest.raises(PublishError) as err:
        publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()))
    message = str(err.value)
    assert "failed at step 'compare with the previous release': column tasks.note_zh removed: readers of release " \
           f"{first.release_id} (version 1.0.0) would lose or misread this" in message
    assert "`whitepaper refresh --allow-breaking`" in message and "Nothing was published" in message
    assert snapshot(tmp_path) == before

    allowed = publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()), allow_breaking=True)
    assert json.loads((allowed.release_dir / "datapackage.json").read_text())["version"] == "2.0.0"
    changes = pd.read_parquet(allowed.release_dir / "data/changes.parquet")
    assert rows(changes) == [("tasks", "*", "removed", "note_zh", "string", None)]
    assert allowed.change_summary == "schema: column tasks.note_zh removed (breaking)"


def test_refuse_breaking_names_every_removed_table_and_retyped_column(tmp_path):
    spec = table_spec("tasks")
    package = {"version": "1.4.2", "resources": [
        {"name": "tasks", "schema": {"fields": [{"name": c.name, "type": "string" if c.name == "task_seq" else c.type}
                                                for c in spec.columns]}},
        {"name": "contacts", "schema": {"fields": [{"name": "contact_id", "type": "string"}]}}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    with pytest.raises(BreakingChangeError, match=r"^tasks.task_seq retyped from string to integer; table contacts "
                                                  r"removed: readers of release \S+ \(version 1.4.2\) would lose or misread these"):
        refuse_breaking(tmp_path, {"tasks": spec}, allow_breaking=False)
    refuse_breaking(tmp_path, {"tasks": spec}, allow_breaking=True)
    refuse_breaking(None, {"tasks": spec}, allow_breaking=False)


class TasksRedefined(Tasks):
    title_zh: Series[str] = field("工作任务", "The same name and type with a new meaning (test only).", meaning=2)

    class Config:
        name = "tasks"
        strict = True
        metadata = Tasks.Config.metadata


def test_a_column_whose_meaning_changes_is_a_breaking_change(tmp_path, use_model):
    first = publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()))
    use_model(TasksRedefined)
    before = snapshot(tmp_path)
    with pytest.raises(PublishError) as err:
        publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()))
    assert "tasks.title_zh redefined (string, meaning 1 → string, meaning 2): readers of release " \
           f"{first.release_id} (version 1.0.0) would lose or misread this" in str(err.value)
    assert snapshot(tmp_path) == before

    allowed = publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()), allow_breaking=True)
    package = json.loads((allowed.release_dir / "datapackage.json").read_text())
    assert package["version"] == "2.0.0"
    title = next(f for r in package["resources"] if r["name"] == "tasks" for f in r["schema"]["fields"] if f["name"] == "title_zh")
    assert title["meaningVersion"] == 2
    assert allowed.change_summary == "schema: column tasks.title_zh redefined (string, meaning 1 → string, meaning 2) (breaking)"


def test_adding_a_column_is_not_breaking(tmp_path, use_model):
    first = publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()))
    use_model(TasksWithNote)
    tables = tiny_tables()
    tables["tasks"]["note_zh"] = [None, "新列"]
    second = publish_tiny(tmp_path, tables=with_changes(tmp_path, tables))
    assert second.published and second.release_id != first.release_id
    assert json.loads((second.release_dir / "datapackage.json").read_text())["version"] == "1.1.0"
    assert second.change_summary == "schema: column tasks.note_zh added"



def test_frictionless_validates_a_release_with_changes(tmp_path):
    from tests.release.test_datapackage import frictionless_validate

    publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()))
    tables = tiny_tables()
    tables["contacts"] = pd.concat([tables["contacts"], tables["contacts"].assign(
        contact_id=f"{DOC}-c2", contact_seq=2, text_zh='电话:"0755-88102000"', value="0755-88102000", channel="phone")])
    tables["tasks"].loc[0, "title_zh"] = "=改过的标题"
    second = publish_tiny(tmp_path, tables=with_changes(tmp_path, tables))
    report = frictionless_validate(second.release_dir)
    assert report["valid"], json.dumps(report, ensure_ascii=False)[:2000]
    assert report["stats"]["tasks"] == 12


def test_release_tables_are_read_one_at_a_time_when_looked_up():
    from flows.release.changes import LazyTables

    loaded = []
    tables = LazyTables(["tasks", "updates"], lambda name: loaded.append(name) or pd.DataFrame({"n": [1]}))
    assert "updates" in tables and "targets" not in tables and list(tables) == ["tasks", "updates"]
    assert loaded == []
    assert len(tables["updates"]) == 1 and loaded == ["updates"]
    with pytest.raises(KeyError):
        tables["targets"]
