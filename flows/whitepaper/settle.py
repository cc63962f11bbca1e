"""Across the files of raw/whitepapers/: one paper, one document, and a note for every file that is no paper.

- Two files with the same canonical text (the same paper saved twice, under two names or in two encodings), or
  saying the same paper word for word in two forms (the page text and the web page: PAPER_COLUMNS), are one
  document: one is kept (a file whose sidecar names its document_id first, then one whose file name is
  its id — szsti-2014.txt before SZSTI-2014.txt or szsti-2014 copy.txt —, then by name) and each other one
  is a duplicate_document note on it.
- Two different papers under one document id are an error naming both files: which one is meant cannot be known.
- A file refused before parsing (a form not accepted, a sidecar with no paper) or found not to be a white paper
  at all is a refused_file note with no document, and a line on the console; it never stops the run. (It is a
  row of document_rejections too, made by flows/parse_stage.py with quarantine.refused.)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

from flows.whitepaper.source_doc import WhitepaperError

NOTE_PREFIX = "whitepapers"     # note ids of notes on files rather than on one paper's text: whitepapers-n001…


@dataclass(frozen=True)
class PaperFile:
    """A parsed paper with the name it is published under and whether its sidecar gave its id."""

    source_file: str
    paper: object               # ParsedWhitepaper (kept loose: this module imports no parser)
    id_from_sidecar: bool = False


def settle(papers: list[PaperFile], refused: list[tuple[str, str]]) -> tuple[list[PaperFile], list[dict]]:
    """(the papers to publish, in input order; the quality_notes rows on the files) — see the module docstring.

    refused holds (source_file, message) of the files that are no paper. Raises WhitepaperError naming both
    files of a document id taken by two different papers.
    """
    notes: list[dict] = []
    for source_file, message in refused:
        notes.append(_note(None, "refused_file", message))
    kept: dict[str, PaperFile] = {}        # text sha256, and paper key, → the file kept for it
    order = sorted(papers, key=lambda p: (not p.id_from_sidecar, PurePosixPath(p.source_file).stem != p.paper.document_id,
                                          p.source_file))
    for p in order:
        text_sha, key = _text_sha(p.paper), _paper_key(p.paper)
        first = kept.get(text_sha) or kept.get(key)
        if first is None:
            kept[text_sha] = kept[key] = p
            continue
        same = (f"has the same text (sha256 {text_sha[:12]}…) as" if _text_sha(first.paper) == text_sha else
                "holds the same paper (title, duties, review, tasks, milestones, divisions and contacts word for word) as")
        notes.append(_note(first.paper.document_id, "duplicate_document",
                           f"{p.source_file} {same} {first.source_file}; published once, as {first.paper.document_id}; "
                           "remove one of the two files"))
    chosen = {id(p) for p in kept.values()}
    result = [p for p in papers if id(p) in chosen]
    by_id: dict[str, PaperFile] = {}
    for p in result:
        other = by_id.setdefault(p.paper.document_id, p)
        if other is not p:
            raise WhitepaperError(f"{other.source_file} and {p.source_file} are both document {p.paper.document_id!r} "
                                  "but hold different texts; give one of them another file name, or another "
                                  "document_id in its sidecar (<name>.meta.yaml)")
    for i, note in enumerate(notes, start=1):
        note["note_id"] = f"{NOTE_PREFIX}-n{i:03d}"
    return result, notes


def _text_sha(paper) -> str:
    documents = paper.rows["documents"][0] if paper.rows is not None else paper.tables["documents"].iloc[0]
    return documents["text_sha256"]


# What a paper says, whatever form it came in: the same paper as page text and as its web page has another
# canonical text (the page's lines, one cell per line) but these columns word for word.
PAPER_COLUMNS = {"documents": ("title_zh", "plan_year"), "responsibilities": ("text_zh",),
                 "review_sections": ("heading_zh", "text_zh"), "tasks": ("title_zh", "category_zh", "target_zh"),
                 "milestones": ("quarter", "text_zh"), "task_departments": ("task_id", "department_id", "role"),
                 "contacts": ("channel", "value", "text_zh")}


def _paper_key(paper) -> str:
    def rows(table: str) -> list[dict]:
        return paper.rows[table] if paper.rows is not None else paper.tables[table].to_dict("records")

    names = {d["department_id"]: d["name_zh"] for d in rows("departments")}
    digest = hashlib.sha256()
    for table, columns in PAPER_COLUMNS.items():
        for row in rows(table):
            values = [row[c] for c in columns]
            if table == "task_departments":     # ids carry the document's and agency's ids; the key holds the names
                values = [values[0].removeprefix(paper.document_id), names.get(values[1]), values[2]]
            digest.update(json.dumps([table, *map(_plain, values)], ensure_ascii=False).encode())
    return "paper:" + digest.hexdigest()


def _plain(value):
    """A cell as text, null as None, whether the paper was parsed into rows or frames (NaN, pd.NA)."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _note(document_id: str | None, flag: str, detail: str) -> dict:
    return {"note_id": None, "document_id": document_id, "table_name": "documents", "row_id": document_id,
            "flag": flag, "detail": detail, "source_start": None, "source_end": None}
