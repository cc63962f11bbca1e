"""The parse stage: white papers and update files read in a bounded number of batches, through the parse cache.

However many files there are, the work is split into at most `batches` lists (one per worker of a task
runner), so the number of Prefect task runs does not grow with the inputs. A batch is pure: paths in, parsed
papers and update-file columns out; its results do not depend on how the files were split.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from flows import parse_child
from flows.parse_cache import CACHE_DIR, ParseCache
from flows.tables.frames import to_frame
from flows.tables.validate import TableValidationError, validate_tables
from flows.updates.columns import UpdateColumns
from flows.updates.read import FileProblem
from flows.whitepaper import quarantine
from flows.whitepaper.forms import refused_entry
from flows.whitepaper.lookups import load_lookups
from flows.release.dirs import latest_release_dir
from flows.whitepaper.parse import NotAWhitepaper, ParsedWhitepaper, WhitepaperError
from flows.whitepaper.quarantine import NothingToPublish, PaperRejection, carry_forward, rejection_of, screen
from flows.whitepaper.settle import PaperFile, settle
from flows.whitepaper.sidecar import read_sidecar


class NoWhitepaper(NothingToPublish, WhitepaperError):
    """Not one file of raw/whitepapers/ is a white paper: nothing to publish, and a paper error naming every file."""


@dataclass
class Batch:
    """One batch's share of the inputs."""

    whitepapers: list[Path]
    source_names: dict[Path, str]
    updates: list[Path]
    lookups_dir: Path
    cache_dir: Path | None
    strict: bool = False     # a paper that cannot be parsed fails the batch instead of being quarantined


@dataclass
class Parsed:
    """What the parse stage hands on: papers in input order, each update file's rows, the files really parsed."""

    whitepapers: list[ParsedWhitepaper] = field(default_factory=list)
    updates: dict[Path, UpdateColumns | FileProblem] = field(default_factory=dict)
    parsed_files: list[Path] = field(default_factory=list)
    cache_entries: set[Path] = field(default_factory=set)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)   # the papers' tables combined, once validated
    paper_paths: list[Path] = field(default_factory=list)           # the file of each of whitepapers, in a batch
    not_papers: dict[Path, str] = field(default_factory=dict)       # readable files that are no white paper: why
    file_notes: list[dict] = field(default_factory=list)            # quality_notes rows on files (settle.py)
    rejected: list[PaperRejection] = field(default_factory=list)    # papers quarantined (flows/whitepaper/quarantine.py)
    sources: dict[str, str] = field(default_factory=dict)           # document_id → canonical text, carried ones included
    read_digests: dict[Path, str] = field(default_factory=dict)     # update file → SHA-256 of the bytes its rows come from

    def console_lines(self) -> list[str]:
        """What the run says about the files of raw/whitepapers/ that were refused or published once for two."""
        return [f"{note['flag'].replace('_', ' ')}: {note['detail']}" for note in self.file_notes]


def cache_dir(out_dir: Path | None) -> Path | None:
    return Path(out_dir) / CACHE_DIR if out_dir is not None else None


def split(inputs, batches: int, out_dir: Path | None, strict: bool = False) -> list[Batch]:
    """The inputs dealt round-robin into at most `batches` batches (fewer when there are fewer files)."""
    files = len(inputs.whitepapers) + len(inputs.updates)
    count = max(1, min(batches, files))
    names = {p: inputs.source_name(p) for p in inputs.whitepapers}
    return [Batch(inputs.whitepapers[i::count], {p: names[p] for p in inputs.whitepapers[i::count]},
                  inputs.updates[i::count], inputs.lookups_dir, cache_dir(out_dir), strict) for i in range(count)]


def parse_batch(batch: Batch) -> Parsed:
    """Parse one batch's white papers (without validating them) and read its update files, through the cache.

    On a night with much to parse, a second process shares the work (flows/parse_child.py); the result is the
    same either way.
    """
    cache = ParseCache(batch.cache_dir, batch.lookups_dir) if batch.cache_dir else None
    if parse_child.worth_it(batch, cache) and (child := parse_child.start(batch)) is not None:
        return parse_child.share(batch, cache, child)
    out = parse_papers(replace(batch, updates=[]), cache)
    read_updates(batch.updates, range(len(batch.updates)), cache, out)
    return recorded(out, cache)


def read_updates(paths: list[Path], order, cache: ParseCache | None, out: Parsed, take=None) -> None:
    """Read the update files paths[i], i in order, into out.updates (through cache); with take, only while
    take(i) says file i is this process's to read (flows/parse_child.py): the first refusal ends it."""
    for i in order:
        if take is not None and not take(i):
            return
        path = paths[i]
        if cache:
            out.updates[path] = cache.update_file(path)
        else:
            from flows.updates.columns import read_update_columns

            out.updates[path] = read_update_columns(path)
            out.parsed_files.append(path)


def recorded(out: Parsed, cache: ParseCache | None) -> Parsed:
    """out with what cache saw: the files it really parsed (in the order it parsed them), the entries it used and
    the update files' digests."""
    if cache:
        out.parsed_files += cache.parsed
        out.cache_entries = set(cache.used)
        out.read_digests = dict(cache.digests)
    return out


def parse_papers(batch: Batch, cache: ParseCache | None = None) -> Parsed:
    """The batch's white papers alone, parsed through `cache` (None: no cache; what a cache saw is added by
    recorded()); its update files are not read."""
    lookups = load_lookups(batch.lookups_dir)
    out = Parsed()
    for path in batch.whitepapers:
        name = batch.source_names[path]
        if (refused := screen(path, name)) is not None and not batch.strict:
            out.rejected.append(refused)
            continue
        try:
            if refused is not None:
                raise WhitepaperError(f"{name}: {refused.reason}")
            if cache:
                paper = cache.whitepaper(path, lookups, name)
            else:
                from flows.whitepaper.parse import read_whitepaper

                paper = read_whitepaper(path, lookups=lookups, source_file=name, validate=False, frames=False)
                out.parsed_files.append(path)
        except NotAWhitepaper as err:      # another document beside the papers: refused, the run goes on
            if batch.strict:
                raise
            out.not_papers[path] = str(err)
            continue
        except Exception as err:  # noqa: BLE001 - one paper's failure is that paper's quarantine, unless --strict
            if batch.strict:
                raise
            out.rejected.append(rejection_of(path, name, err))
            continue
        out.whitepapers.append(paper)
        out.paper_paths.append(path)
    return out


def merge(inputs, parts: list[Parsed]) -> Parsed:
    """The batches' results in input order, as one batch over everything would have given them."""
    papers = {path: p for part in parts for path, p in zip(part.paper_paths, part.whitepapers)}
    not_papers = {path: why for part in parts for path, why in part.not_papers.items()}
    updates = {path: read for part in parts for path, read in part.updates.items()}
    files = [PaperFile(inputs.source_name(path), papers[path], read_sidecar(path).get("document_id") is not None)
             for path in inputs.whitepapers if path in papers]
    # Every entry that is no paper is a document_rejections row (a researcher counts refusals there) and, as
    # before, a refused_file note and a console line.
    entries = [(p, *refused_entry(inputs.source_name(p), p)) for p in inputs.refused]
    entries += [(p, "not_a_whitepaper", not_papers[p]) for p in inputs.whitepapers if p in not_papers]
    refused = [(inputs.source_name(p), message) for p, _, message in entries]
    rejected = sorted((r for part in parts for r in part.rejected), key=lambda r: r.source_file)
    kept, notes = settle(files, refused)
    if not kept and not rejected:
        raise NoWhitepaper(f"{inputs.source_name(inputs.raw_dir / 'whitepapers')}: no file there is a white paper; "
                              + "; ".join(message for _, message in refused))
    rejected = sorted(rejected + [quarantine.refused(p, inputs.source_name(p), rule, message) for p, rule, message in entries],
                      key=lambda r: r.source_file)
    return Parsed([f.paper for f in kept], {path: updates[path] for path in inputs.updates},
                  [path for part in parts for path in part.parsed_files],
                  {entry for part in parts for entry in part.cache_entries}, file_notes=notes, rejected=rejected,
                  read_digests={path: d for part in parts for path, d in part.read_digests.items()})


def combine_tables(parsed: list[ParsedWhitepaper]) -> dict[str, pd.DataFrame]:
    """One frame per table across documents; a division named in several papers of an agency is one row.

    Papers parsed unframed (frames=False) are framed here, once per table for all of them.
    """
    if all(p.rows is not None for p in parsed):
        tables = {name: to_frame([r for p in parsed for r in p.rows[name]], name) for name in parsed[0].rows}
    else:
        tables = {name: pd.concat([paper_tables(p)[name] for p in parsed], ignore_index=True)
                  for name in paper_tables(parsed[0])}
    tables["departments"] = tables["departments"].drop_duplicates("department_id", ignore_index=True)
    return tables


def paper_tables(paper: ParsedWhitepaper) -> dict[str, pd.DataFrame]:
    """A paper's tables as frames, whether it was parsed framed or not."""
    return paper.tables if paper.rows is None else {name: to_frame(rows, name) for name, rows in paper.rows.items()}


def check_whitepapers(parsed: Parsed, out_dir: Path | None = None, strict: bool = False) -> Parsed:
    """Validate the papers' tables all at once (kept as parsed.tables, with document_rejections).

    A paper whose own tables fail is quarantined like one that cannot be parsed (strict: the first such paper is
    named and raised, as when each paper was validated on its own), then the previous release (latest under
    out_dir) gives back the rows of every quarantined paper it had. NothingToPublish when no paper is left.
    """
    papers = list(parsed.whitepapers)
    try:
        tables = validate_tables(combine_tables(papers)) if papers else {}
    except TableValidationError:
        good = []
        for paper in papers:
            own = paper_tables(paper)
            source_file = own["documents"]["source_file"].iloc[0]
            try:
                validate_tables(own, context=source_file)
                good.append(paper)
            except TableValidationError as err:
                if strict:
                    raise
                parsed.rejected.append(rejection_of(Path(source_file), source_file, err))
        papers = good
        tables = validate_tables(combine_tables(papers)) if papers else {}   # what fails now is across papers: raise
    parsed.whitepapers = papers
    previous = latest_release_dir(Path(out_dir)) if out_dir is not None else None
    tables, parsed.sources = carry_forward(tables, {p.document_id: p.text for p in papers}, parsed.rejected, previous)
    if parsed.file_notes and "quality_notes" in tables:   # notes on files, not on one paper: after carrying forward
        tables["quality_notes"] = pd.concat([tables["quality_notes"], to_frame(parsed.file_notes, "quality_notes")],
                                            ignore_index=True)
    parsed.tables = validate_tables(tables)
    return parsed


def source_texts(parsed: Parsed) -> dict[str, str]:
    """document_id → canonical text: sources/<document_id>.txt of the release (carried-forward papers' included)."""
    return parsed.sources or {p.document_id: p.text for p in parsed.whitepapers}


def originals(parsed: Parsed) -> dict[str, bytes]:
    """sources/<document_id>.<html|htm|docx> → the bytes of each paper whose canonical text was extracted from it."""
    out = {}
    for p in parsed.whitepapers:
        if p.original is not None:
            source_file = (p.rows["documents"][0] if p.rows is not None else p.tables["documents"].iloc[0])["source_file"]
            out[f"{p.document_id}{Path(source_file).suffix.lower()}"] = p.original
    return out


def remove_unused_entries(out_dir: Path | None, parsed: Parsed) -> int:
    """Drop the cache entries no batch of this run used (files since changed or removed); returns how many."""
    folder = cache_dir(out_dir)
    if folder is None or not folder.exists():
        return 0
    removed = 0
    for entry in folder.glob("*/*"):
        if entry.is_file() and entry not in parsed.cache_entries and not entry.name.startswith("."):
            try:
                entry.unlink(missing_ok=True)
            except OSError:   # a read-only cache only costs time (and space)
                continue
            removed += 1
    return removed


__all__ = ["Batch", "Parsed", "WhitepaperError", "check_whitepapers", "merge", "parse_batch", "parse_papers",
           "read_updates", "recorded", "remove_unused_entries", "split"]
