"""Fixtures of the white-paper tests: the second agency's paper, parsed once per session."""

import pytest

from flows.whitepaper.parse import read_whitepaper
from tests.whitepaper.helpers import SZTB_LOOKUPS, SZTB_PATH


@pytest.fixture(scope="session")
def sztb():
    return read_whitepaper(SZTB_PATH, lookups=SZTB_LOOKUPS)
