"""Fixtures shared by the test modules: the seed white paper, read once per session; Prefect's test harness."""

import os
import tempfile

# Before anything imports prefect: no telemetry, quiet logs, a throwaway Prefect home, and no accidental
# temporary server — a test that needs Prefect asks for the harness below (or a real server) explicitly.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="whitepaper-tests-prefect-"))
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_ENABLED", "false")

import pytest  # noqa: E402

from flows import paths

SEED_PATH = paths.WHITEPAPERS / "szsti-2014.txt"


@pytest.fixture(scope="session")
def seed_raw() -> bytes:
    """The seed's bytes exactly as committed."""
    return SEED_PATH.read_bytes()


@pytest.fixture(scope="session")
def seed():
    """The seed parsed once (ParsedWhitepaper); tests must not mutate its frames in place."""
    from flows.whitepaper.parse import read_whitepaper

    return read_whitepaper(SEED_PATH)


@pytest.fixture
def raw(tmp_path):
    """A copy of the repository's raw/ in tmp_path, without update files (there are none, and none may be invented)."""
    import shutil

    copy = tmp_path / "raw"
    shutil.copytree(paths.RAW, copy, ignore=shutil.ignore_patterns("updates"))
    return copy


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session (starting one takes 10-15 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
