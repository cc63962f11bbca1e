"""A release step on its own thread: given the release later, stopped when nothing is published."""

from __future__ import annotations

import threading

import pytest

import flows.release.publish as publish
from flows.release.background import Background, BuildStopped
from flows.release.publish import PublishError
from tests.release.fixtures import publish_tiny, tiny_tables


def _threads(prefix: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(prefix) and t.is_alive()]


def test_the_step_waits_for_the_release_and_returns_what_it_built():
    seen = []

    def run(info, stop):
        seen.append("tables")
        return ("built with", info())

    step = Background(run, name="bg-test")
    step.give("2014-10-01-abcdef12")
    assert step.result() == ("built with", "2014-10-01-abcdef12") and seen == ["tables"]


def test_an_error_of_the_step_is_raised_where_its_result_is_asked():
    step = Background(lambda info, stop: 1 / 0, name="bg-test")
    with pytest.raises(ZeroDivisionError):
        step.result()


def test_stop_ends_a_step_waiting_for_the_release_and_waits_for_its_thread():
    ended = []

    def run(info, stop):
        try:
            info()
        except BuildStopped:
            ended.append("stopped")
            raise

    step = Background(run, name="bg-test-wait")
    step.stop()
    assert ended == ["stopped"] and not _threads("bg-test-wait")


def test_stop_ends_a_step_between_its_statements():
    started, ended = threading.Event(), []

    def run(info, stop):
        started.set()
        while True:   # a long build: each statement checks the flag first
            try:
                stop.check()
            except BuildStopped:
                ended.append("stopped")
                raise
            threading.Event().wait(0.01)

    step = Background(run, name="bg-test-loop")
    started.wait(5)
    step.stop()
    assert ended == ["stopped"] and not _threads("bg-test-loop")


def _recording(calls):
    real = publish.write_duckdb

    def write(path, *args, **kwargs):
        try:
            real(path, *args, **kwargs)
            calls.append("written")
        except BuildStopped:
            calls.append("stopped")
            raise
    return write


def test_nothing_new_stops_the_database_build_and_leaves_no_staging(tmp_path, monkeypatch):
    publish_tiny(tmp_path)
    calls = []
    monkeypatch.setattr(publish, "write_duckdb", _recording(calls))
    again = publish_tiny(tmp_path)
    assert not again.published and calls == ["stopped"] and not _threads("write-duckdb")
    assert [p.name for p in (tmp_path / "releases").iterdir() if p.name.startswith(".")] == []


def test_a_step_failing_while_the_database_builds_stops_it_before_the_staging_goes(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(publish, "write_duckdb", _recording(calls))

    def failing_csv(df, spec, path):
        raise OSError("disk full (injected)")

    monkeypatch.setattr(publish, "write_csv", failing_csv)
    with pytest.raises(PublishError, match=r"step 'write data/\w+\.csv'.*disk full"):
        publish_tiny(tmp_path, tables=tiny_tables())
    assert calls == ["stopped"] and not _threads("write-duckdb")
    assert list((tmp_path / "releases").iterdir()) == []
