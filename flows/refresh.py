"""The Prefect flow `refresh`: raw/ → a validated, published release in curated/.

Each task is a thin wrapper over a stage in flows/pipeline.py; a task per stage, never per file or
row, so the number of task runs stays the same however many inputs there are.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task

from flows import pipeline
from flows.publish import PublishResult


def _say(line: str) -> None:
    print(f"  {line}", flush=True)


@task(name="ingest")
def ingest(raw_dir: Path) -> pipeline.Inputs:
    """List the raw inputs."""
    return pipeline.discover_inputs(raw_dir)


@task(name="parse")
def parse(inputs: pipeline.Inputs) -> list:
    """Parse every white paper."""
    return pipeline.parse_whitepapers(inputs)


@task(name="updates")
def updates(tables: dict, inputs: pipeline.Inputs, as_of: dt.date) -> tuple:
    """Take in the divisions' progress updates; rejected rows become update_rejections."""
    return pipeline.add_updates(tables, inputs, as_of)


@task(name="summaries")
def summaries(tables: dict, as_of: dt.date) -> dict:
    """Summaries of targets against completion, as of the release date."""
    return pipeline.add_summaries(tables, as_of)


@task(name="validate")
def validate(tables: dict) -> dict:
    """Validate every table with its Pandera model and the references between tables."""
    return pipeline.validate_tables(tables)


@task(name="publish")
def publish(bundle: pipeline.Bundle, out_dir: Path, as_of: dt.date, lock_timeout: float) -> PublishResult:
    """Write the release into a staging folder and switch curated/latest to it."""
    return pipeline.publish(bundle, out_dir, as_of, lock_timeout)


@flow(name="refresh", log_prints=False)
def refresh(raw_dir: Path, out_dir: Path, as_of: dt.date, lock_timeout: float = 0) -> PublishResult:
    """Ingest → parse → updates → summaries → validate → publish."""
    inputs = ingest(raw_dir)
    _say(f"ingest: {len(inputs.whitepapers)} white paper(s), {len(inputs.updates)} update file(s)")
    parsed = parse(inputs)
    _say(f"parse: {', '.join(p.document_id for p in parsed)}")
    tables, update_files = updates(pipeline.combine(parsed), inputs, as_of)
    _say(f"updates: {len(tables['updates'])} accepted, {len(tables['update_rejections'])} rejected")
    tables = summaries(tables, as_of)
    tables = validate(tables)
    _say(f"validate: {len(tables)} tables, {sum(len(t) for t in tables.values())} rows")
    bundle = pipeline.Bundle(tables, {p.document_id: p.text for p in parsed},
                             pipeline.input_files(inputs) + update_files)
    result = publish(bundle, out_dir, as_of, lock_timeout)
    _say(f"publish: {result.message}")
    return result
