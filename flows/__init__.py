"""The pipeline: raw/ → a validated, published release in curated/, one subpackage per stage of the data.

    whitepaper/  papers parsed into tables          updates/   progress reports checked and settled
    summaries/   targets against completion (SQL)   release/   the release written, verified, switched
    report/      the release's HTML page            tables/    frames, validation, codebook (shared)
    bench/       measuring the whole

What stays at this level orchestrates them: pipeline.py (the stages as plain functions, open it first),
parse_stage.py and parse_cache.py (parsing in batches, through a cache), refresh.py (the Prefect flow),
serve.py (the nightly deployment), status.py and run_report.py (what a run tells), cli/ (the command), paths.py.
"""

from flows import source_code as _source_code  # noqa: E402,F401 - the code's digests, taken as it is imported
