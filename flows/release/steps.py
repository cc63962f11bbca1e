"""Publishing's failures, one paragraph each, naming the step that failed (flows/release/publish.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.tables.validate import TableValidationError


class PublishError(RuntimeError):
    """Publishing stopped; the message names the step and the table, file or rule, in one paragraph."""


@contextmanager
def step(name: str, out_root: Path) -> Iterator[None]:
    """Turn any failure inside a step into one PublishError paragraph naming the step."""
    try:
        yield
    except PublishError:
        raise
    except Exception as err:
        raise PublishError(f"publishing into {out_root} failed at step '{name}': {one_paragraph(err)} "
                           "Nothing was published: latest, LATEST and earlier releases are unchanged.") from err


def one_paragraph(err: Exception) -> str:
    """The error's lines joined into one sentence; its type named unless it is a validation or value error."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    text = "; ".join(lines).replace(":; ", ": ") or repr(err)
    if not isinstance(err, (TableValidationError, ValueError)):
        text = f"{type(err).__name__}: {text}"
    return text if re.search(r"[.!?]$", text) else text + "."
