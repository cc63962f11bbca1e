"""curated/status.json (flows/status.py): what the last run did, readable by a monitor running as another user."""

from __future__ import annotations

import datetime as dt

from flows.status import read_status, write_status


def test_status_json_is_written_world_readable_and_read_back(tmp_path):
    (tmp_path / "LATEST").write_text("2014-10-01-abcdef12\n", encoding="utf-8")
    path = write_status(tmp_path, "completed", release_id="2014-10-01-abcdef12", published=True,
                        as_of=dt.date(2014, 10, 1), now=dt.datetime(2014, 10, 1, 18, tzinfo=dt.timezone.utc))
    assert path.stat().st_mode & 0o777 == 0o644
    assert read_status(tmp_path) == {
        "last_run": "2014-10-01T18:00:00+00:00", "outcome": "completed", "published": True,
        "release_id": "2014-10-01-abcdef12", "latest_release_id": "2014-10-01-abcdef12", "as_of": "2014-10-01",
        "reason": None, "flow_run_id": None}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".status-")] == []
