"""The nightly deployment: the `refresh` flow served as `nightly-refresh` at 02:00 Asia/Shanghai.

Needs a Prefect server (PREFECT_API_URL); schedules do not exist in Prefect's local mode.
"""

from __future__ import annotations

import logging
from pathlib import Path

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.schedules import Cron, Schedule

from flows import paths
from flows.refresh import refresh

DEPLOYMENT = "nightly-refresh"
# Prefect's runner watches the server over a websocket with these observers; when the server stops, they log a
# warning with a nine-line websockets traceback, and when it is back an INFO line that WARNING logging hides.
OBSERVERS = ("prefect.FlowRunCancellingObserver", "prefect.FlowRunSuspendingObserver")


class ServerLossInOneLine(logging.Filter):
    """A lost connection to the Prefect server as one line with its reason, instead of a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            reason = (str(error).splitlines() or [""])[0]
            record.msg = f"Prefect server connection lost ({type(error).__name__}: {reason}); polling until it is back"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


def one_line_server_loss() -> None:
    """Install the one-line filter, and let the observers' INFO line say when the server is back."""
    for name in OBSERVERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ServerLossInOneLine) for f in logger.filters):
            logger.addFilter(ServerLossInOneLine())
        logger.setLevel(logging.INFO)
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
    one_line_server_loss()
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
