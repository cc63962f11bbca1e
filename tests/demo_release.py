"""A demo release built once per test session from the seed and the illustrative updates (examples/README.md).

Shared by tests/report/test_build.py and tests/report/test_build_browser.py: the refresh takes several seconds, so both
modules reuse the one release this builds.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from flows import paths

AS_OF = dt.date(2015, 1, 31)
_BUILT: dict[str, Path] = {}


def demo_raw_dir(root: Path) -> Path:
    """raw/whitepapers + raw/lookups + examples/updates as updates/, as examples/README.md tells."""
    raw = root / "demo-raw"
    shutil.copytree(paths.WHITEPAPERS, raw / "whitepapers")
    shutil.copytree(paths.LOOKUPS, raw / "lookups")
    shutil.copytree(paths.EXAMPLES / "updates", raw / "updates")
    return raw


def demo_release(tmp_path_factory) -> Path:
    """The release folder of the demo release (built on first use in this session)."""
    if "release" not in _BUILT:
        from flows.pipeline import refresh_without_prefect

        root = tmp_path_factory.mktemp("demo")
        result = refresh_without_prefect(demo_raw_dir(root), root / "curated", AS_OF)
        assert result.published, result.message
        _BUILT["release"] = result.release_dir
    return _BUILT["release"]
