"""Fixtures of the report tests: the demo release (examples/, ILLUSTRATIVE) built once per module, and its page."""

import pytest

from tests.demo_release import demo_release


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return demo_release(tmp_path_factory)


@pytest.fixture(scope="module")
def html(release):
    return (release / "report" / "index.html").read_text(encoding="utf-8")
