"""How publish_release checks the changes table it is given (flows/release/changes.py, checked_changes_summary):
trusted when it records comparing with the release latest points at, computed again otherwise."""

from __future__ import annotations

import pandas as pd
import pytest

from flows.release import changes as changes_module
from flows.release.publish import PublishError
from tests.release.fixtures import publish_tiny, tiny_tables
from tests.release.test_changes import with_changes
from tests.release.test_publish import snapshot


def test_a_changes_table_against_a_release_that_is_no_longer_latest_is_refused(tmp_path):
    publish_tiny(tmp_path, tables=with_changes(tmp_path, tiny_tables()))
    tables = tiny_tables()
    tables["tasks"].loc[0, "title_zh"] = "改过的标题"
    stale = with_changes(tmp_path, tables)
    other = tiny_tables()
    other["contacts"].loc[0, "value"] = "https://www.szsti.gov.cn"
    publish_tiny(tmp_path, tables=with_changes(tmp_path, other))  # another refresh published meanwhile
    before = snapshot(tmp_path)
    with pytest.raises(PublishError, match=r"step 'compare with the previous release': the changes table given is "
                                           r"not the list of changes against release 2014-10-01-\w{8}.*run the refresh again"):
        publish_tiny(tmp_path, tables=stale)
    assert snapshot(tmp_path) == before


def _second_version(out_root):
    publish_tiny(out_root, tables=with_changes(out_root, tiny_tables()))
    tables = tiny_tables()
    tables["tasks"].loc[0, "title_zh"] = "改过的标题"
    return with_changes(out_root, tables)


def test_changes_computed_against_latest_are_published_without_diffing_the_release_again(tmp_path, monkeypatch):
    tables = _second_version(tmp_path)
    monkeypatch.setattr(changes_module, "diff_tables", lambda *a: pytest.fail("the changes were computed twice"))
    result = publish_tiny(tmp_path, tables=tables)
    published = pd.read_parquet(result.release_dir / "data/changes.parquet")
    assert result.published and result.change_summary and len(published) == len(tables["changes"]) > 0
    assert set(published["row_key"]) == set(tables["changes"]["row_key"])


def test_a_changes_table_that_does_not_say_what_it_was_compared_with_is_computed_again(tmp_path):
    tables = _second_version(tmp_path)
    forged = tables["changes"].iloc[:0].copy()
    forged.attrs.clear()      # made by other code: nothing says which release it is against
    before = snapshot(tmp_path)
    with pytest.raises(PublishError, match="not the list of changes against release"):
        publish_tiny(tmp_path, tables={**tables, "changes": forged})
    assert snapshot(tmp_path) == before
