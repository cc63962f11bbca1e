"""The nightly deployment on a real Prefect server: schedule, one run at a time, artifact, status.json."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flows import paths
from tests.servers import free_port, healthy, stop_group, wait_for

REPO = paths.REPO


def test_next_400_runs_are_one_a_day_at_two_in_shanghai():
    from prefect.server.schemas.schedules import CronSchedule

    from flows.serve import nightly_schedule

    schedule = nightly_schedule()
    server_side = CronSchedule(cron=schedule.cron, timezone=schedule.timezone)
    start = dt.datetime(2026, 12, 31, 19, 0, tzinfo=dt.timezone.utc)
    runs = asyncio.run(server_side.get_dates(n=400, start=start))
    local = [r.astimezone(ZoneInfo("Asia/Shanghai")) for r in runs]
    assert len(local) == 400
    assert all((t.hour, t.minute, t.second) == (2, 0, 0) for t in local)
    days = [t.date() for t in local]
    assert len(set(days)) == 400
    assert all((b - a).days == 1 for a, b in zip(days, days[1:]))


def test_concurrency_cancels_a_second_run():
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy

    from flows.serve import one_at_a_time

    limit = one_at_a_time()
    assert (limit.limit, limit.collision_strategy) == (1, ConcurrencyLimitStrategy.CANCEL_NEW)


@pytest.fixture
def prefect_server(tmp_path):
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}",
           "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: healthy(url), 90, "prefect server /api/health", proc, log)
        yield url, env
    finally:
        stop_group(proc)


async def _runs_of(url: str, deployment_name: str):
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        deployment = await client.read_deployment_by_name(f"refresh/{deployment_name}")
        runs = await client.read_flow_runs()
        return deployment, [r for r in runs if r.deployment_id == deployment.id]


@pytest.mark.integration
def test_nightly_refresh_served_triggered_and_completed(prefect_server, tmp_path):
    url, env = prefect_server
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw, ignore=shutil.ignore_patterns("updates"))
    out = tmp_path / "curated"
    env = {**env, "PREFECT_API_URL": url}
    log = tmp_path / "serve.log"
    with log.open("w") as fh:
        serve = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--raw", str(raw), "--out", str(out)],
                                 env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            _trigger_twice_and_check(serve, log, out)
    finally:
        code = stop_group(serve)
    assert code is not None


def _trigger_twice_and_check(serve: subprocess.Popen, log: Path, out: Path) -> None:
    if True:
        from prefect.client.orchestration import get_client
        from prefect.deployments import run_deployment

        async def deployment_exists():
            async with get_client() as client:
                try:
                    return await client.read_deployment_by_name("refresh/nightly-refresh")
                except Exception:  # noqa: BLE001 - not registered yet
                    return None

        deployment = wait_for(lambda: asyncio.run(deployment_exists()), 120, "deployment refresh/nightly-refresh", serve, log)
        assert deployment.schedules and deployment.schedules[0].schedule.cron == "0 2 * * *"
        assert deployment.schedules[0].schedule.timezone == "Asia/Shanghai"

        first = run_deployment("refresh/nightly-refresh", timeout=0)
        wait_for(lambda: asyncio.run(_state_of(first.id)) in ("RUNNING", "COMPLETED"), 120, "first run to start", serve, log)
        second = run_deployment("refresh/nightly-refresh", timeout=0)
        final_first = wait_for(lambda: _final(asyncio.run(_state_of(first.id))), 300, "first run to finish", serve, log)
        final_second = wait_for(lambda: _final(asyncio.run(_state_of(second.id))), 300, "second run to finish", serve, log)
        assert final_first == "COMPLETED", log.read_text(errors="replace")[-3000:]
        releases = [p for p in (out / "releases").iterdir() if not p.name.startswith(".")]
        assert len(releases) == 1, "two triggers must not publish twice"
        assert (out / "LATEST").read_text().strip() == releases[0].name
        assert final_second in ("CANCELLED", "COMPLETED")
        if final_second == "COMPLETED":  # ran after the first finished: same content, so nothing new
            assert len(releases) == 1
        status = json.loads((out / "status.json").read_text())
        assert status["outcome"] == "completed" and status["latest_release_id"] == releases[0].name

        async def artifacts():
            from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

            async with get_client() as client:
                return await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["release-summary"])))

        found = asyncio.run(artifacts())
        assert any(releases[0].name in (a.data or "") for a in found)


def _final(state: str | None) -> str | None:
    return state if state in ("COMPLETED", "FAILED", "CANCELLED", "CRASHED") else None


async def _state_of(flow_run_id):
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        run = await client.read_flow_run(flow_run_id)
        return run.state.type.value if run.state else None


def test_a_lost_server_is_one_line_with_its_reason_and_its_return_is_logged(caplog):
    import logging

    from websockets.exceptions import ConnectionClosedError
    from websockets.frames import Close

    from flows.serve import OBSERVERS, one_line_server_loss

    one_line_server_loss()
    one_line_server_loss()  # idempotent: serving twice in one process adds no second filter
    logger = logging.getLogger(OBSERVERS[0])
    assert len(logger.filters) == 1 and logger.getEffectiveLevel() == logging.INFO
    try:
        raise ConnectionClosedError(Close(1012, ""), Close(1012, ""), True)  # as a stopped server closes it
    except ConnectionClosedError as err:
        error = err
    # caplog listens at the root; once Prefect's logging is set up (by an earlier test in this process) its
    # loggers do not propagate there, so the handler listens on the logger itself, for this test only.
    propagate = logger.propagate
    logger.propagate = False
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger=OBSERVERS[0]):
            # What prefect/_internal/_observation_delivery.py logs when the websocket drops, and when it is back.
            logger.warning("The %s websocket failed with an exception. Switching to polling mode until it reconnects.",
                           "FlowRunCancellingObserver", exc_info=error)
            logger.info("%s reconnected to the events stream and stopped polling.", "FlowRunCancellingObserver")
    finally:
        logger.removeHandler(caplog.handler)
        logger.propagate = propagate
    lost, back = caplog.records
    assert lost.getMessage() == ("Prefect server connection lost (ConnectionClosedError: received 1012 (service restart); "
                                 "then sent 1012 (service restart)); polling until it is back")
    assert lost.exc_info is None and "\n" not in caplog.text.strip().splitlines()[0]
    assert len(caplog.text.strip().splitlines()) == 2 and "reconnected" in back.getMessage()
