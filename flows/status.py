"""curated/status.json: what the last refresh did, for any monitor to read (written atomically)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path


def write_status(out_dir: Path, outcome: str, *, release_id: str | None = None, published: bool = False,
                 reason: str | None = None, as_of: dt.date | None = None, flow_run_id: str | None = None,
                 now: dt.datetime | None = None) -> Path:
    """Record the last run: when, outcome (completed/failed), the release it left as latest, why it failed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    latest = out_dir / "LATEST"
    status = {
        "last_run": (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
        "outcome": outcome,
        "published": published,
        "release_id": release_id,
        "latest_release_id": latest.read_text(encoding="utf-8").strip() if latest.exists() else None,
        "as_of": as_of.isoformat() if as_of else None,
        "reason": reason,
        "flow_run_id": flow_run_id,
    }
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".status-", suffix=".json")
    os.fchmod(fd, 0o644)  # mkstemp makes 0600; a monitor running as another user must read it, like every release file
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(status, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    target = out_dir / "status.json"
    os.replace(tmp, target)
    return target


def read_status(out_dir: Path) -> dict | None:
    path = Path(out_dir) / "status.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
