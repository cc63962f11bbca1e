"""The Prefect flow `refresh`: raw/ → a validated, published release in curated/.

Each task is a thin wrapper over a stage in flows/pipeline.py; a task per stage (the parse stage: one per
batch, `batches` of them), never per file or row, so the number of task runs stays the same however many
inputs there are. No task uses Prefect's cache (NO_CACHE): its default policy hashes every input, pickling a
million-row frame whole; unchanged files are skipped by the parse cache instead (flows/parse_cache.py). The
tables and the list of inputs are passed quote()d: Prefect would otherwise walk every element of them looking
for futures (the 6,000 paths of the inputs alone cost a nothing-new night 0.15 s).
"""


import datetime as dt
from contextlib import ExitStack
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run as prefect_runtime_flow_run
from prefect.utilities.annotations import quote

from flows import parse_stage, pipeline
from flows.memory import release_free_memory
from flows.release import fingerprint
from flows.release.publish import PublishResult
from flows.run_report import artifact_markdown
from flows.release.lock import ReleaseLockBusy, release_lock
from flows.release.state import StateCheck
from flows.status import note_refused, read_status, write_status


def _say(line: str) -> None:
    print(f"  {line}", flush=True)


@task(name="check-state", cache_policy=NO_CACHE)
def check_state(out_dir: Path) -> StateCheck:
    """Verify the release latest points at against its manifest; repair latest, LATEST, releases.json, index.html."""
    return pipeline.check_state(out_dir)


@task(name="ingest", cache_policy=NO_CACHE)
def ingest(raw_dir: Path) -> pipeline.Inputs:
    """List the raw inputs."""
    return pipeline.discover_inputs(raw_dir)


@task(name="fingerprint", cache_policy=NO_CACHE)
def fingerprint_run(inputs: pipeline.Inputs, as_of: dt.date, out_dir: Path) -> str:
    """Hash the inputs, the code and the as-of date: equal to the last run's means nothing new."""
    return fingerprint.run_key(inputs, as_of, out_dir=out_dir)


@task(name="parse", cache_policy=NO_CACHE)
def parse(batch: parse_stage.Batch) -> parse_stage.Parsed:
    """Parse one batch of white papers and read its update files, through the parse cache."""
    return parse_stage.parse_batch(batch)


@task(name="check-papers", cache_policy=NO_CACHE)
def check_papers(inputs: pipeline.Inputs, parts: list, out_dir: Path, strict: bool = False) -> parse_stage.Parsed:
    """Put the batches together in input order, validate the papers' tables, carry quarantined papers forward."""
    parsed = parse_stage.merge(inputs, parts)
    parse_stage.remove_unused_entries(out_dir, parsed)
    return parse_stage.check_whitepapers(parsed, out_dir, strict)


@task(name="updates", cache_policy=NO_CACHE)
def updates(tables: dict, inputs: pipeline.Inputs, as_of: dt.date, reads: dict | None = None,
            out_dir: Path | None = None, read_digests: dict | None = None) -> tuple:
    """Take in the divisions' progress updates; rejected rows become update_rejections."""
    return pipeline.add_updates(tables, inputs, as_of, reads, out_dir, read_digests)


@task(name="summaries", cache_policy=NO_CACHE)
def summaries(tables: dict, as_of: dt.date, lookups_dir: Path) -> dict:
    """Summaries of targets against completion, as of the release date."""
    return pipeline.add_summaries(tables, as_of, lookups_dir)


@task(name="validate", cache_policy=NO_CACHE)
def validate(tables: dict) -> dict:
    """Validate every table with its Pandera model and the references between tables."""
    return pipeline.validate_tables(tables)


@task(name="changes", cache_policy=NO_CACHE)
def changes(tables: dict, out_dir: Path) -> dict:
    """Compare the tables with the release latest points at: the changes table."""
    return pipeline.add_changes(tables, out_dir)


@task(name="publish", cache_policy=NO_CACHE)
def publish(bundle: pipeline.Bundle, out_dir: Path, as_of: dt.date, lock_timeout: float | None,
            allow_breaking: bool = False) -> PublishResult:
    """Write the release into a staging folder and switch curated/latest to it."""
    return pipeline.publish(bundle, out_dir, as_of, lock_timeout, allow_breaking)


def _record_failure(flow, flow_run, state) -> None:
    """on_failure/on_crashed hook: a failed or timed-out run still tells monitors why, in status.json.

    A run refused at the lock never held it: its refusal was added to the holder's record, not written over it.
    """
    if str(flow_run.id) in _REFUSED:
        return
    params = flow_run.parameters
    out_dir = params.get("out_dir") or pipeline.paths.CURATED
    running = read_status(out_dir) or {}     # the run's own "running" record says when it started
    started = running.get("started") if running.get("flow_run_id") == str(flow_run.id) else None
    _status(out_dir, "failed", reason=state.message, as_of=_as_date(params.get("as_of")), flow_run_id=str(flow_run.id),
            started=started)


_REFUSED: set[str] = set()
"""Flow runs of this process refused at the lock (see _record_failure)."""


def _status(out_dir, outcome: str, **fields) -> None:
    """write_status, told rather than raised when the output folder cannot be written (the run's outcome stands)."""
    try:
        write_status(out_dir, outcome, **fields)
    except OSError as err:
        _say(f"status: {Path(out_dir) / 'status.json'} could not be written ({err})")


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@flow(name="refresh", log_prints=False, on_failure=[_record_failure], on_crashed=[_record_failure])
def refresh(raw_dir: Path = pipeline.paths.RAW, out_dir: Path = pipeline.paths.CURATED, as_of: dt.date | None = None,
            lock_timeout: float = 0, allow_breaking: bool = False, batches: int = 1, strict: bool = False) -> PublishResult:
    """Lock → check the output root → ingest → parse → updates → summaries → validate → changes → publish.

    as_of defaults to today in Asia/Shanghai. The run holds the output folder's lock from start to end, waiting up
    to lock_timeout seconds for it: a run that will be refused is refused before reading anything, and one that
    waited publishes on top of whatever latest the other run left. allow_breaking publishes a release that removes
    or retypes a column of the previous one (a new major version). A white paper that cannot be parsed is
    quarantined (document_rejections) unless strict, which fails the run. The parse work is split into `batches`
    tasks run by the flow's task runner (one per worker of a Dask cluster). A run with the inputs, code and as-of
    date of the release latest points at stops after hashing them, unless the check found that release damaged.
    """
    as_of = as_of or pipeline.today_in_shanghai()
    with ExitStack() as held:
        try:
            held.enter_context(release_lock(Path(out_dir), lock_timeout))
        except ReleaseLockBusy as err:
            _REFUSED.add(str(_run_id()))
            try:
                note_refused(out_dir, str(err), as_of=as_of, flow_run_id=_run_id())
            except OSError:
                pass
            raise
        return _locked_run(Path(raw_dir), Path(out_dir), as_of, allow_breaking, batches, strict)


def _locked_run(raw_dir: Path, out_dir: Path, as_of: dt.date, allow_breaking: bool, batches: int,
                strict: bool) -> PublishResult:
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    _status(out_dir, "running", as_of=as_of, flow_run_id=_run_id(), started=started)
    state = check_state(out_dir)
    found = state.summary()
    if found:
        _say(f"state: {found}")
    inputs = ingest(raw_dir)
    _say(f"ingest: {len(inputs.whitepapers)} white paper(s), {len(inputs.updates)} update file(s)")
    key = fingerprint_run(quote(inputs), as_of, out_dir)
    unchanged = None if state.rebuild else pipeline.nothing_new(out_dir, key)
    if unchanged is not None:
        _say(f"publish: {unchanged.message}")
        _status(out_dir, "completed", release_id=None, published=False, as_of=as_of, flow_run_id=_run_id(),
                started=started, state=found)
        _artifact(unchanged, as_of)
        return unchanged
    parts = [future.result() for future in parse.map(parse_stage.split(inputs, batches, out_dir, strict))]
    parsed = check_papers(quote(inputs), quote(parts), out_dir, strict)
    for r in parsed.rejected:
        if not r.carry:   # an entry that is no paper: said once, below, by its refused_file note
            continue
        _say(f"quarantined: {r.source_file}: {r.reason.removeprefix(f'{r.source_file}: ')}")   # most reasons name it
    _say(f"parse: {len(parsed.whitepapers)} white paper(s) and {len(inputs.updates)} update file(s), "
         f"{len(parsed.parsed_files)} of them parsed, the rest unchanged since the last run")
    for line in parsed.console_lines():   # refused files and duplicates: also quality notes of the release
        _say(f"parse: {line}")
    for part in parts:   # parsed.updates holds every file's cells now; the updates task lets each go as it reads it
        part.updates.clear()
    tables, update_files = updates(quote(parsed.tables), quote(inputs), as_of, quote(parsed.updates), out_dir,
                                   parsed.read_digests)
    parsed.updates.clear()   # the update files' cells are in the tables now; Prefect keeps task results
    release_free_memory()
    _say(f"updates: {len(tables['updates'])} accepted, {len(tables['update_rejections'])} rejected")
    tables = summaries(quote(tables), as_of, inputs.lookups_dir)
    tables = validate(quote(tables))
    validated = frozenset(tables)
    _say(f"validate: {len(tables)} tables, {sum(len(t) for t in tables.values())} rows")
    tables = changes(quote(tables), out_dir)
    _say(f"changes: {len(tables['changes'])} against the latest release")
    bundle = pipeline.bundle_of(tables, parsed, inputs, update_files, validated)
    result = publish(quote(bundle), out_dir, as_of, None, allow_breaking)
    _say(f"publish: {result.message}")
    fingerprint.remember(out_dir, key, result.content_hash, result.row_counts)
    _status(out_dir, "completed", release_id=result.release_id, published=result.published, as_of=as_of,
            flow_run_id=_run_id(), started=started, state=found)
    _artifact(result, as_of, tables.get("update_rejections"))
    return result


def _run_id() -> str | None:
    """This flow run's id, so status.json points an operator at the run in the Prefect UI."""
    run_id = prefect_runtime_flow_run.id
    return str(run_id) if run_id else None


def _artifact(result: PublishResult, as_of: dt.date, rejections=None) -> None:
    create_markdown_artifact(key="release-summary", markdown=artifact_markdown(result, as_of, rejections),
                             description="Release id, row counts and rejections of this refresh")
