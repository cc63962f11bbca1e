"""The nightly deployment: the `refresh` flow served as `nightly-refresh` at 02:00 Asia/Shanghai.

Needs a Prefect server (PREFECT_API_URL); schedules do not exist in Prefect's local mode.
"""

from __future__ import annotations

from pathlib import Path

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.schedules import Cron, Schedule

from flows import paths
from flows.refresh import refresh

DEPLOYMENT = "nightly-refresh"
CRON = "0 2 * * *"
TIMEZONE = "Asia/Shanghai"


def nightly_schedule() -> Schedule:
    """02:00 every day in Shenzhen's time zone (no daylight saving there, so exactly once a day)."""
    return Cron(CRON, timezone=TIMEZONE)


def one_at_a_time() -> ConcurrencyLimitConfig:
    """A run that starts while another is running is cancelled: never two refreshes publishing."""
    return ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)


def serve_nightly(raw_dir: Path = paths.RAW, out_dir: Path = paths.CURATED, timeout_s: int = 3600,
                  retries: int = 2, lock_wait_s: float = 900) -> None:
    """Serve until stopped. Restarting the server keeps the schedule active (pause_on_shutdown=False)."""
    nightly = refresh.with_options(timeout_seconds=timeout_s, retries=retries, retry_delay_seconds=120)
    nightly.serve(
        name=DEPLOYMENT,
        schedule=nightly_schedule(),
        global_limit=one_at_a_time(),
        parameters={"raw_dir": str(Path(raw_dir).resolve()), "out_dir": str(Path(out_dir).resolve()),
                    "lock_timeout": lock_wait_s},
        description="Nightly refresh of the white-paper open data: parse, validate, publish into curated/.",
        tags=["nightly", "open-data"],
        pause_on_shutdown=False,
        print_starting_message=True,
    )
