"""The release's README.md, rendered from templates/release_README.md.j2 and the codebook."""

from __future__ import annotations

from pathlib import Path

import jinja2

from flows.release.citation import release_citation
from flows.tables.codebook import TableSpec
from flows.release.manifest import ILLUSTRATIVE_NOTE_EN, ILLUSTRATIVE_NOTE_ZH, ReleaseInfo

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "release_README.md.j2"
EXAMPLE_TABLES = {"tasks", "milestones", "departments", "task_departments"}
"""The worked examples query these; a release without them gets a generic example instead."""


def render_readme(info: ReleaseInfo, specs: dict[str, TableSpec], *, version: str, row_counts: dict[str, int],
                  views: list[str], macros: list[str], metadata: dict, previous_release: str | None = None,
                  change_summary: str | None = None, xlsx_omitted: list[str] | None = None) -> str:
    """Markdown for the release: identity, changes, files, codebook of every table and column, examples, how to cite.

    change_summary (flows/release/change_summary.py) heads the README when the release has a changes table; xlsx_omitted
    names the tables too long for a sheet of whitepaper.xlsx, which were left out of it.
    """
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["cell"] = _table_cell
    env.filters["code"] = lambda text: f"`{text}`"
    cite = release_citation(info, version, metadata)
    return env.get_template(TEMPLATE).render(
        citation=cite, info=info, version=version, meta=metadata, tables=list(specs.values()), row_counts=row_counts,
        views=sorted(views), macros=sorted(macros), example_tables=EXAMPLE_TABLES <= set(specs),
        previous_release=previous_release, change_summary=change_summary, xlsx_omitted=xlsx_omitted or [],
        illustrative_zh=ILLUSTRATIVE_NOTE_ZH, illustrative_en=ILLUSTRATIVE_NOTE_EN,
    )


def _table_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, line breaks as spaces."""
    return " ".join(str(text).split()).replace("|", "\\|")
