"""The report's part on what the pipeline refused: white papers it could not parse, update rows it rejected, and
quality notes. Pure: release tables in, plain rows for the template out."""

from __future__ import annotations

from pathlib import PurePosixPath

import pandas as pd

from flows.report.limits import LIST_LIMIT, Shown, first
from flows.report.sections import optional_text


def paper_rows(rejections: pd.DataFrame, limit: int = LIST_LIMIT) -> Shown:
    """The white papers that could not be parsed, by file (over `limit`, the first): each carried forward from an
    earlier release or left out, so a reader of the page knows which documents are not this run's parse."""
    shown = rejections.sort_values("source_file").head(limit)
    rows = [{"source_file": r.source_file, "rule": r.rule, "outcome": r.outcome, "reason": r.reason,
             "carried_from": optional_text(r.carried_from)} for r in shown.itertuples()]
    return Shown(rows, len(rejections))


def rejection_summary(rejections: pd.DataFrame, updates: pd.DataFrame, limit: int = LIST_LIMIT) -> dict:
    """Rows accepted and refused per update file, refusals per reason code (with one reason as written), the refusals.

    Over `limit` files, the files with the most refused rows are listed; over `limit` refusals, the first in
    file and row order. The counts always cover every row.
    """
    by_code: dict[str, dict] = {}
    for codes_text, reasons_text in zip(rejections["reason_codes"].tolist(), rejections["reasons"].tolist()):
        codes, reasons = codes_text.split(";"), reasons_text.split("; ")
        for i, code in enumerate(codes):
            entry = by_code.setdefault(code, {"code": code, "rows": 0, "example": ""})
            entry["rows"] += 1
            if not entry["example"]:
                entry["example"] = reasons[i] if len(reasons) == len(codes) else reasons_text
    # value_counts, not a Counter: iterating a million Arrow-backed strings one by one took seconds.
    accepted, refused = _counts(updates["source_file"]), _counts(rejections["source_file"])
    files = pd.DataFrame({"source_file": sorted(set(accepted) | set(refused))})
    files = files.assign(accepted=files["source_file"].map(accepted).fillna(0).astype(int),
                         rejected=files["source_file"].map(refused).fillna(0).astype(int))
    chosen = first(files, limit, ["rejected", "accepted"], [False, False]).sort_values("source_file")
    file_rows = [{"source_file": f, "name": PurePosixPath(f).name, "accepted": a, "rejected": r, "read": a + r}
                 for f, a, r in zip(chosen["source_file"], chosen["accepted"].tolist(), chosen["rejected"].tolist())]
    shown = rejections.sort_values(["source_file", "source_row"], na_position="first", kind="stable").head(limit)
    rows = [{"rejection_id": r.rejection_id, "file": PurePosixPath(r.source_file).name, "source_file": r.source_file,
             "row": None if pd.isna(r.source_row) else int(r.source_row), "level": r.level, "reasons": r.reasons,
             "reason_codes": r.reason_codes.split(";")}
            for r in shown.itertuples()]
    return {"accepted": len(updates), "rejected": len(rejections), "files": Shown(file_rows, len(files)),
            "by_code": sorted(by_code.values(), key=lambda e: (-e["rows"], e["code"])),
            "rows": Shown(rows, len(rejections))}


def quality_rows(notes: pd.DataFrame, limit: int = LIST_LIMIT) -> dict:
    """Every quality note (over `limit`, the first in note order), and how many there are of each kind."""
    shown = notes.sort_values("note_id").head(limit)
    rows = [{"note_id": r.note_id, "document_id": r.document_id, "table_name": r.table_name, "row_id": optional_text(r.row_id),
             "flag": r.flag, "detail": r.detail} for r in shown.itertuples()]
    return {"rows": Shown(rows, len(notes)),
            "by_flag": sorted(_counts(notes["flag"]).items(), key=lambda kv: (-kv[1], kv[0]))}


def _counts(values: pd.Series) -> dict:
    """How often each value occurs, as plain Python keys and ints."""
    return {k: int(n) for k, n in values.value_counts(sort=False).items()}
