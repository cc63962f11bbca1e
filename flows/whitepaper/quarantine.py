"""A white paper that cannot be parsed is quarantined, not the night's failure.

Each file under raw/whitepapers/ that cannot be read or parsed — not in the template, undecodable, past its
size, a link or special file, a bad sidecar, tables that fail validation, anything a library raises — becomes
a row of `document_rejections` naming its file, line and rule. If the previous release had that document, its
rows in every white-paper table and its source text are carried forward unchanged, marked by that row and a
quality note (carried_forward); a new paper is left out. Every other entry there that is refused — no paper in
an accepted form (a .wps, a folder, a sidecar alone) or a document that is no white paper — is a row too
(`refused`), always left out: it never was a paper, so its name matching an earlier document carries nothing.
With nothing parsed or carried forward there is nothing to publish: NothingToPublish. Pure: the flow decides
what to log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flows.tables.frames import to_frame
from flows.tables.validate import TableValidationError
from flows.updates import limits
from flows.updates.limits import OverBudget
from flows.updates.raw import one_line
from flows.whitepaper.forms import SIDECAR
from flows.whitepaper.source_doc import WhitepaperError
from flows.whitepaper.text import SourceError

PAPER_TABLES = ("documents", "responsibilities", "review_sections", "indicators", "tasks", "milestones", "departments",
                "task_departments", "targets", "contacts", "quality_notes")
LINE = re.compile(r", line (\d+)")


class NothingToPublish(RuntimeError):
    """Not one white paper could be parsed or carried forward; the message lists why, file by file."""


@dataclass(frozen=True)
class PaperRejection:
    source_file: str          # raw/whitepapers/<file>
    document_id: str
    rule: str
    reason: str
    line: int | None = None
    carry: bool = True        # False for an entry that is no paper at all (forms.refused_entry, NotAWhitepaper):
    # its name matching an earlier document (szsti-2014.meta.yaml left beside a deleted paper) never keeps that alive


def screen(path: Path, source_file: str) -> PaperRejection | None:
    """Why a file under raw/whitepapers/ must not be opened (link, special, hidden, too large), or None."""
    path = Path(path)
    problem = limits.not_a_regular_file(path)
    if problem is None and path.stat().st_size > limits.MAX_WHITEPAPER_BYTES:
        problem = OverBudget("oversized", f"the file has {path.stat().st_size:,} bytes; a white paper may have at most "
                             f"{limits.MAX_WHITEPAPER_BYTES:,}")
    return None if problem is None else PaperRejection(source_file, limits.printable(path.stem), problem.code,
                                                       problem.message)


def refused(path: Path, source_file: str, rule: str, reason: str) -> PaperRejection:
    """The row of an entry of raw/whitepapers/ that is no paper (a form not read, a folder, a sidecar alone, a
    document that is no white paper): always left out, never carried forward."""
    name = Path(path).name
    stem = name[:-len(SIDECAR)] if name.lower().endswith(SIDECAR) else Path(path).stem
    return PaperRejection(source_file, limits.printable(stem), rule, reason, carry=False)


def rejection_of(path: Path, source_file: str, err: BaseException) -> PaperRejection:
    """The quarantine row for whatever parsing (or validating) one paper raised."""
    message = one_line(err, 400)
    if isinstance(err, OverBudget) or getattr(err, "rule", None):
        rule = getattr(err, "rule", None) or err.code
    elif isinstance(err, TableValidationError):
        rule = "invalid_tables"
    elif isinstance(err, WhitepaperError) and ("sidecar" in message or ".meta.yaml" in message):
        rule = "sidecar"
    elif isinstance(err, WhitepaperError):
        rule = "undecodable" if "UTF-8" in message or "GB18030" in message else "not_in_template"
    elif isinstance(err, SourceError):
        rule = "undecodable"
    else:
        rule, message = "parser_error", f"{source_file}: the parser stopped ({type(err).__name__}: {message})"
    line = LINE.search(message)
    return PaperRejection(source_file, Path(path).stem, rule, message, int(line.group(1)) if line else None)


def _read_previous(release_dir: Path | None) -> dict[str, pd.DataFrame]:
    if release_dir is None:
        return {}
    data = Path(release_dir) / "data"
    return {name: pd.read_parquet(data / f"{name}.parquet") for name in PAPER_TABLES if (data / f"{name}.parquet").exists()}


def carry_forward(tables: dict[str, pd.DataFrame], sources: dict[str, str], rejected: list[PaperRejection],
                  previous_release: Path | None) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The tables and source texts with every rejected paper's previous rows added back, and document_rejections.

    tables: the parsed papers' tables (white-paper tables only); sources: document_id → canonical text.
    NothingToPublish when the result has no document at all.
    """
    previous = _read_previous(previous_release) if any(r.carry for r in rejected) else {}
    known = set(previous["documents"]["document_id"]) if "documents" in previous else set()
    parsed_ids = set(tables["documents"]["document_id"]) if "documents" in tables else set()
    carried, rows, notes = [], [], []
    for r in sorted(rejected, key=lambda r: r.source_file):
        text_file = Path(previous_release or ".") / "sources" / f"{r.document_id}.txt"
        can_carry = r.carry and r.document_id in known and r.document_id not in parsed_ids and text_file.is_file()
        if can_carry and r.document_id not in carried:
            carried.append(r.document_id)
            sources = {**sources, r.document_id: text_file.read_text(encoding="utf-8")}
            notes.append({"note_id": f"{r.document_id}-carried-forward", "document_id": r.document_id,
                          "table_name": "documents", "row_id": r.document_id, "flag": "carried_forward",
                          "detail": f"{r.source_file} could not be parsed ({r.rule}); this document's rows are those of "
                                    f"release {Path(previous_release).name}, unchanged",
                          "source_start": None, "source_end": None})
        rows.append({"source_file": r.source_file, "document_id": r.document_id, "line": r.line, "rule": r.rule,
                     "reason": r.reason, "outcome": "carried_forward" if can_carry else "left_out",
                     "carried_from": Path(previous_release).name if can_carry else None})
    if carried:
        tables = _with_carried(tables, previous, carried)
        tables["quality_notes"] = pd.concat([tables["quality_notes"], to_frame(notes, "quality_notes")], ignore_index=True)
    if not len(tables.get("documents", [])):
        raise NothingToPublish("no white paper could be parsed or carried forward from the previous release: "
                               + "; ".join(f"{r.source_file}: {r.reason}" for r in rejected))
    return {**tables, "document_rejections": to_frame(rows, "document_rejections")}, sources


def _with_carried(tables: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame], carried: list[str]) -> dict:
    out = dict(tables)
    tasks = set(previous["tasks"]["task_id"][previous["tasks"]["document_id"].isin(carried)])
    for name in PAPER_TABLES:
        old = previous.get(name)
        if old is None:
            continue
        if name == "departments":     # the divisions the carried tasks name, unless a parsed paper names them too
            used = previous["task_departments"]["department_id"][previous["task_departments"]["task_id"].isin(tasks)]
            have = set(tables["departments"]["department_id"]) if "departments" in tables else set()
            part = old[old["department_id"].isin(set(used) - have)]
        elif name == "quality_notes":   # the papers' own notes; the others (updates-n…, workbook-n…, whitepapers-n…,
            # <id>-carried-forward) are made again by this run, and carried too they would repeat its note ids
            part = old[old["note_id"].str.fullmatch("(?:" + "|".join(map(re.escape, carried)) + r")-n\d+", na=False)]
        elif "document_id" in old.columns:
            part = old[old["document_id"].isin(carried)]
        else:                         # task_departments, targets: rows of the carried tasks
            part = old[old["task_id"].isin(tasks)]
        if name in out and len(out[name]):
            out[name] = pd.concat([out[name], part.astype(out[name].dtypes.to_dict(), errors="ignore")], ignore_index=True)
        else:
            out[name] = part.reset_index(drop=True)
    return out
