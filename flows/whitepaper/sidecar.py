"""A paper's citation sidecar (<stem>.meta.yaml) and the document id the paper is published under.

The id is the sidecar's `document_id` when it has one, else the file name made into an id (forms.id_from_name).
A file name that is not an id (SZSTI-2014.txt, 科创委2014.docx) gives way to the sidecar; a file name that already
is an id and a sidecar naming another are a contradiction, and an error naming both (which one is right cannot
be known). Two papers under one id are found later, across files (flows/parse_stage.py). A sidecar is read
small, safe and never through a link: within MAX_SIDECAR_BYTES, with a loader that refuses anchors and aliases.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import yaml

from flows.updates.limits import MAX_SIDECAR_BYTES, MAX_WHITEPAPER_BYTES, OverBudget, read_capped
from flows.updates.raw import one_line
from flows.whitepaper.forms import DOC_ID, SIDECAR, id_from_name
from flows.whitepaper.source_doc import WhitepaperError


class _SidecarLoader(yaml.SafeLoader):
    """yaml's safe loader without anchors and aliases: a sidecar needs none, and nested aliases are a YAML bomb."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            raise yaml.YAMLError("anchors and aliases (&name, *name) are not accepted in a sidecar; write each value out")
        return super().compose_node(parent, index)


def sidecar_path(path: Path) -> Path:
    """<stem>.meta.yaml beside the paper, the stem being the name without its last extension."""
    return Path(path).with_name(Path(path).stem + SIDECAR)


def read_sidecar(path: Path) -> dict:
    """The sidecar's fields as written, {} without one; WhitepaperError naming it if it cannot be read as a mapping."""
    sidecar = sidecar_path(path)
    if not os.path.lexists(sidecar):
        return {}
    try:
        meta = yaml.load(read_capped(sidecar, MAX_SIDECAR_BYTES).decode("utf-8"), Loader=_SidecarLoader) or {}
    except (OverBudget, UnicodeDecodeError, yaml.YAMLError) as err:
        raise WhitepaperError(f"{sidecar.name}: the sidecar cannot be read ({one_line(getattr(err, 'message', err))}); "
                              "expected a small UTF-8 YAML mapping of the citation fields document_id, title, publisher, "
                              "published_date, source_url, sha256, license") from None
    if not isinstance(meta, dict):
        raise WhitepaperError(f"{sidecar.name}: the sidecar is a {type(meta).__name__}, expected a YAML mapping "
                              "('document_id: …' and the other citation fields, one per line)")
    return meta


def read_meta(path: Path) -> dict:
    """The sidecar beside a white paper as documents columns (empty if absent); its sha256 must be the file's."""
    path = Path(path)
    meta = read_sidecar(path)
    if not meta:
        return {}
    recorded = meta.get("sha256")
    actual = hashlib.sha256(read_capped(path, MAX_WHITEPAPER_BYTES)).hexdigest()
    if recorded and recorded != actual:
        raise WhitepaperError(f"{path.name}: sha256 is {actual} but {sidecar_path(path).name} records {recorded}; "
                              "raw files are frozen copies: restore the original or record the new copy in the sidecar")
    return {"title_en": meta.get("title_en"), "source_url": meta.get("source_url"), "retrieved_date": meta.get("retrieved_date"),
            "license_note": meta.get("license")}


def document_id_for(path: Path, source_file: str | None = None) -> str:
    """The paper's document id (see the module's rule); WhitepaperError naming the file (and sidecar) when none fits."""
    path = Path(path)
    source_file = source_file or path.as_posix()
    declared = read_sidecar(path).get("document_id")
    stem = path.stem
    if declared is not None:
        declared = str(declared).strip()
        if not DOC_ID.match(declared):
            raise WhitepaperError(f"{source_file}: its sidecar {sidecar_path(path).name} gives document_id {declared!r}, "
                                  "which is not an id; expected lower-case ASCII letters and digits joined by hyphens, "
                                  "e.g. szsti-2014")
        if DOC_ID.match(stem) and stem != declared:
            raise WhitepaperError(f"{source_file}: the file name is the document id {stem!r} but its sidecar "
                                  f"{sidecar_path(path).name} says document_id {declared!r}; rename the file to "
                                  f"{declared}{path.suffix} or correct the sidecar")
        return declared
    made = id_from_name(path)
    if not made:
        raise WhitepaperError(f"{source_file}: no document id can be made from the file name; name it "
                              "<agency>-<year> (e.g. szsti-2014) or give document_id in a sidecar")
    return made
