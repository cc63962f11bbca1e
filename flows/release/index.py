"""<out_root>/index.html: every release of an output root, newest first, each with a link to its report.

Rebuilt by the publisher after latest is switched, from the releases' own manifest.json, datapackage.json and
milestone_status; it links to report/index.html inside each release folder, so it works on any static host.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import jinja2
import pandas as pd
import pyarrow.parquet as pq

from flows.release.manifest import read_json, read_manifest
from flows.release.dirs import RELEASES, latest_release_dir
from flows.release.history import damage, no_manifest, release_folders
from flows.report.build import REPORT_DIR, REPORT_FILE, TEMPLATES
from flows.report.sections import HEADLINE_COLUMNS, headline

INDEX_FILE = "index.html"
TEMPLATE = "releases.html.j2"


def release_entries(out_root: Path) -> list[dict]:
    """One entry per release folder releases.json lists, newest as-of date first (then newest created); one without a
    readable manifest last, marked damaged with its problem, as releases.json lists it: a reader of the page sees every
    release folder there is, and what is wrong with it."""
    latest = latest_release_dir(Path(out_root))
    entries = []
    for release in release_folders(Path(out_root)):   # the folders releases.json lists
        is_latest = latest is not None and release.resolve() == latest.resolve()
        manifest = read_manifest(release)
        if manifest is None:
            # nothing in the folder is vouched for: no headline, no version, a link to the folder itself
            entries.append({"release_id": release.name, "as_of": "", "created": "", "version": "", "title": "",
                            "href": f"{RELEASES}/{release.name}/", "has_report": False, "folder": f"{RELEASES}/{release.name}/",
                            "is_latest": is_latest, "headline": None, "illustrative": False,
                            "damaged": [no_manifest(release)]})
            continue
        package = read_json(release / "datapackage.json")
        fields = package if isinstance(package, dict) else {}   # damage() below tells what is wrong with it
        has_report = (release / REPORT_DIR / REPORT_FILE).is_file()
        status = release / "data" / "milestone_status.parquet"
        entries.append({
            # as text: a damaged manifest may hold a number there, which would not sort beside the dates
            "release_id": release.name, "as_of": str(manifest.get("as_of") or ""), "created": str(manifest.get("created") or ""),
            "version": str(fields.get("version") or ""), "title": str(fields.get("title") or ""),
            "href": f"{RELEASES}/{release.name}/{REPORT_DIR}/{REPORT_FILE}" if has_report
            else f"{RELEASES}/{release.name}/README.md",
            "has_report": has_report, "folder": f"{RELEASES}/{release.name}/",
            "is_latest": is_latest,
            "headline": headline(_headline_columns(status)) if status.is_file() else None,
            "illustrative": bool(manifest.get("illustrative_inputs")),
            "damaged": damage(release, manifest, package),
        })
    return sorted(entries, key=lambda e: (e["as_of"], e["created"], e["release_id"]), reverse=True)


def _headline_columns(path: Path) -> pd.DataFrame:
    """The columns of a milestone_status file headline() reads (a fifth of the time of the whole file: every
    release is read on every night, nothing-new ones included). One missing fails in headline(), as before."""
    names = pq.ParquetFile(path).schema_arrow.names
    return pq.read_table(path, columns=[c for c in HEADLINE_COLUMNS if c in names]).to_pandas()


def render_release_index(entries: list[dict]) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    title = next((e["title"] for e in entries if e["title"]), "")
    return env.get_template(TEMPLATE).render(entries=entries, title_zh=title.partition(" / ")[0],
                                             title_en=title.partition(" / ")[2])


def write_release_index(out_root: Path) -> Path:
    """Rewrite <out_root>/index.html in one rename, so a reader never sees half a page."""
    path = Path(out_root) / INDEX_FILE
    tmp = path.with_name(f".{INDEX_FILE}-{secrets.token_hex(6)}")
    try:
        tmp.write_text(render_release_index(release_entries(Path(out_root))), encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def refresh_release_index(out_root: Path) -> str:
    """write_release_index after a publish: '' when done, else a clause for the publish message.

    The index is a convenience page derived from the releases: failing to write it must neither undo nor hide
    a release that is already published and pointed at by latest.
    """
    try:
        write_release_index(out_root)
    except (OSError, ValueError, KeyError, jinja2.TemplateError) as err:
        return (f"; {INDEX_FILE} was not rebuilt ({type(err).__name__}: {err}); rebuild it with "
                f"`python -c 'from flows.release.index import write_release_index as w; w(\"{out_root}\")'`")
    return ""
