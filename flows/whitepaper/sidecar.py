"""A paper's citation sidecar (<stem>.meta.yaml) and the document id the paper is published under.

The id is the sidecar's `document_id` when it has one, else the file name made into an id (forms.id_from_name).
A file name that is not an id (SZSTI-2014.txt, 科创委2014.docx) gives way to the sidecar; a file name that already
is an id and a sidecar naming another are a contradiction, and an error naming both (which one is right cannot
be known). Two papers under one id are found later, across files (flows/parse_stage.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from flows.whitepaper.forms import DOC_ID, SIDECAR, id_from_name
from flows.whitepaper.source_doc import WhitepaperError


def sidecar_path(path: Path) -> Path:
    """<stem>.meta.yaml beside the paper, the stem being the name without its last extension."""
    return Path(path).with_name(Path(path).stem + SIDECAR)


def read_sidecar(path: Path) -> dict:
    """The sidecar's fields as written, {} without one; WhitepaperError naming it if it is not a YAML mapping."""
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return {}
    try:
        meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise WhitepaperError(f"{sidecar}: not a YAML file in UTF-8 ({type(err).__name__}); expected the citation "
                              "fields document_id, title, publisher, published_date, source_url, sha256, license") from None
    if not isinstance(meta, dict):
        raise WhitepaperError(f"{sidecar}: holds a {type(meta).__name__}, not fields; expected 'document_id: …' and the "
                              "other citation fields, one per line")
    return meta


def read_meta(path: Path) -> dict:
    """The sidecar beside a white paper as documents columns (empty if absent); its sha256 must be the file's."""
    path = Path(path)
    meta = read_sidecar(path)
    if not meta:
        return {}
    recorded = meta.get("sha256")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if recorded and recorded != actual:
        raise WhitepaperError(f"{path}: sha256 is {actual} but {sidecar_path(path).name} records {recorded}; "
                              "raw files are frozen copies: restore the original or record the new copy in the sidecar")
    return {"source_url": meta.get("source_url"), "retrieved_date": meta.get("retrieved_date"),
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
