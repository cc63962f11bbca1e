"""Fixtures shared by the test modules: the seed white paper, read once per session."""

import pytest

from flows import paths

SEED_PATH = paths.WHITEPAPERS / "szsti-2014.txt"


@pytest.fixture(scope="session")
def seed_raw() -> bytes:
    """The seed's bytes exactly as committed."""
    return SEED_PATH.read_bytes()


@pytest.fixture(scope="session")
def seed():
    """The seed parsed once (ParsedWhitepaper); tests must not mutate its frames in place."""
    from flows.whitepaper import read_whitepaper

    return read_whitepaper(SEED_PATH)
