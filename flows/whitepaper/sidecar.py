"""A white paper's citation sidecar, <stem>.meta.yaml: read small, safe and never through a link."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import yaml

from flows.updates.limits import MAX_SIDECAR_BYTES, MAX_WHITEPAPER_BYTES, OverBudget, read_capped
from flows.updates.raw import one_line
from flows.whitepaper.source_doc import WhitepaperError


class _SidecarLoader(yaml.SafeLoader):
    """yaml's safe loader without anchors and aliases: a sidecar needs none, and nested aliases are a YAML bomb."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            raise yaml.YAMLError("anchors and aliases (&name, *name) are not accepted in a sidecar; write each value out")
        return super().compose_node(parent, index)


def read_meta(path: Path) -> dict:
    """The citation sidecar <stem>.meta.yaml beside a white paper, as documents columns (empty if absent).

    Read within MAX_SIDECAR_BYTES, never through a link, with a loader that refuses anchors and aliases;
    WhitepaperError naming the sidecar otherwise.
    """
    sidecar = path.with_name(path.stem + ".meta.yaml")
    if not os.path.lexists(sidecar):
        return {}
    try:
        meta = yaml.load(read_capped(sidecar, MAX_SIDECAR_BYTES).decode("utf-8"), Loader=_SidecarLoader) or {}
    except (OverBudget, UnicodeDecodeError, yaml.YAMLError) as err:
        raise WhitepaperError(f"{sidecar.name}: the sidecar cannot be read ({one_line(getattr(err, 'message', err))}); "
                              "expected a small UTF-8 YAML mapping (title, source_url, sha256, …)") from None
    if not isinstance(meta, dict):
        raise WhitepaperError(f"{sidecar.name}: the sidecar is a {type(meta).__name__}, expected a YAML mapping")
    recorded = meta.get("sha256")
    actual = hashlib.sha256(read_capped(path, MAX_WHITEPAPER_BYTES)).hexdigest()
    if recorded and recorded != actual:
        raise WhitepaperError(f"{path.name}: sha256 is {actual} but {sidecar.name} records {recorded}; "
                              "raw files are frozen copies: restore the original or record the new copy in the sidecar")
    return {"title_en": meta.get("title_en"), "source_url": meta.get("source_url"), "retrieved_date": meta.get("retrieved_date"),
            "license_note": meta.get("license")}
