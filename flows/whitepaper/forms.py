"""The forms in which agencies publish a white paper, and the document id a file gets.

A paper in raw/whitepapers/ is read as
  - page text (.txt): the paper, or a copy of its web page with the site's chrome, decoded by text.py;
  - the web page itself (.html, .htm): html_page.py;
  - Word (.docx): word.py.
Each gives the canonical text the offsets index: for a web page or a Word document, its text as extracted,
one paragraph or table cell per line, and its task table in the template's lines, read by its header
(task_table.py). Any other file there (.doc, .pdf, .wps, …) is refused: `refusal` says why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from flows.whitepaper.html_page import html_lines
from flows.whitepaper.lookups import pinyin_slug
from flows.whitepaper.task_table import TaskTables
from flows.whitepaper.text import SourceError, check_not_empty, decode
from flows.whitepaper.word import docx_lines

FORMS = {".txt": "text", ".html": "html", ".htm": "html", ".docx": "docx"}
FORM_NAMES = {"text": "page text (.txt)", "html": "web page (.html/.htm)", "docx": "Word document (.docx)"}
ACCEPTED = "page text (.txt, UTF-8 or GBK/GB18030), the web page (.html/.htm, UTF-8 or GBK) or Word (.docx)"
SIDECAR = ".meta.yaml"
TEMPORARY = ("~$", ".")         # Word's owner file ~$szsti-2014.docx, .~lock.szsti-2014.docx#, .DS_Store…
DOC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Why a kind of file is refused, where something more useful than "not accepted" can be said.
REFUSED_WHY = {
    ".doc": "a legacy Word .doc (not Office Open XML); open it in Word or WPS and save it as .docx",
    ".wps": "a WPS Writer .wps file; open it in WPS and save it as .docx",
    ".pdf": "a PDF, whose text and table cannot be read reliably; save the agency's web page (.html) instead",
    ".rtf": "an RTF file; save it as .docx",
}


def form_of(path: Path) -> str | None:
    """'text', 'html' or 'docx' for a paper in an accepted form, else None."""
    return FORMS.get(Path(path).suffix.lower())


def is_sidecar(path: Path) -> bool:
    return Path(path).name.lower().endswith(SIDECAR)


def find_paper_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(papers in an accepted form, every other entry) of folder, each sorted; a sidecar beside a paper is neither."""
    entries = sorted(Path(folder).iterdir()) if Path(folder).is_dir() else []
    papers = [p for p in entries if p.is_file() and form_of(p) and not p.name.startswith(TEMPORARY)]
    chosen, stems = set(papers), {p.stem for p in papers}   # a set: 1,000 papers against a list took half a second
    return papers, [p for p in entries if p not in chosen and not (is_sidecar(p) and p.name[:-len(SIDECAR)] in stems)]


def refusal(source_file: str, path: Path) -> str:
    """The message for an entry of raw/whitepapers/ that is neither a paper in an accepted form nor its sidecar."""
    return refused_entry(source_file, path)[1]


def refused_entry(source_file: str, path: Path) -> tuple[str, str]:
    """(rule, message) of an entry of raw/whitepapers/ that is neither a paper in an accepted form nor its sidecar.

    The rule is document_rejections.rule: symlink, not_a_file, hidden_file (as flows/updates/limits.py names
    them), folder, temporary_file, orphan_sidecar or unsupported_format. The message names the entry and the
    forms accepted. Never follows a link nor opens the entry.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_symlink():       # first: a link to a folder or to a .wps is a link, never looked through
        rule, what = "symlink", "a symbolic link, which is never followed (put the paper itself there)"
    elif path.name.startswith("."):
        rule, what = "hidden_file", ("a hidden or temporary file (its name starts with '.': .DS_Store, LibreOffice's "
                                 ".~lock.…#)")
    elif path.name.startswith(TEMPORARY):
        rule, what = "temporary_file", ("a hidden or temporary file (Word writes ~$<name>.docx while a "
                                    "document is open)")
    elif path.is_dir():
        rule, what = "folder", "a folder (papers are read from raw/whitepapers/ itself, not from folders in it)"
    elif path.exists() and not path.is_file():
        rule, what = "not_a_file", "not a regular file (a named pipe, a socket or a device), which is never opened"
    elif is_sidecar(path):
        rule, what = "orphan_sidecar", f"a sidecar with no paper {path.name[:-len(SIDECAR)]}.<txt|html|htm|docx> beside it"
    else:
        rule = "unsupported_format"
        what = REFUSED_WHY.get(suffix) or (f"a {suffix} file" if suffix else "a file without an extension")
    return rule, f"{source_file}: refused, {what}; a white paper is read from {ACCEPTED}"


@dataclass(frozen=True)
class PaperText:
    """A paper's canonical text, its encoding, and what the table reader noted about the source (task_table.py):
    (table_name, flag, detail, source_start, source_end) with offsets into text; aside, the (start, end) of the
    lines of a task table that are no part of any task (a group row, a 备注 cell), which the task parser passes by."""

    text: str
    encoding: str
    notes: list[tuple[str, str, str, int, int]] = field(default_factory=list)
    aside: list[tuple[int, int]] = field(default_factory=list)


def read_text(raw: bytes, form: str, source_file: str) -> tuple[str, str]:
    """(canonical text, encoding) of a paper's bytes in the given form; SourceError naming the file if unreadable."""
    paper = read_paper(raw, form, source_file)
    return paper.text, paper.encoding


def read_paper(raw: bytes, form: str, source_file: str) -> PaperText:
    """PaperText of a paper's bytes in the given form, a task table read by its header (task_table.TaskTables);
    SourceError naming the file if unreadable or its task table's header is not understood (rule empty for a file
    of no bytes or only whitespace, in any form: lxml and python-docx would call it no page or no zip)."""
    check_not_empty(raw, source_file, f"a white paper's text in this {FORM_NAMES.get(form, form)}")
    if form == "text":
        return PaperText(*decode(raw, source_file))
    if form == "html":
        lines, encoding = html_lines(raw, source_file, TaskTables(source_file))
    elif form == "docx":
        lines, encoding = docx_lines(raw, source_file, TaskTables(source_file)), "utf-8"
    else:
        raise SourceError(f"{source_file}: unknown form {form!r}; a white paper is read from {ACCEPTED}")
    if not lines:
        raise SourceError(f"{source_file}: the {FORM_NAMES[form]} holds no text; expected a white paper")
    # Only \n separates lines of the canonical text (text.canonical): a \r or \x0b inside a paragraph ends one too.
    pieces = [re.sub(r"[\r\x0b\x0c]", "\n", ln) for ln in lines]
    notes, aside, at = [], [], 0
    for line, piece in zip(lines, pieces):
        notes += [(*note, at, at + len(piece)) for note in getattr(line, "notes", ())]
        aside += [(at, at + len(piece))] if getattr(line, "aside", False) else []
        at += len(piece) + 1
    return PaperText("\n".join(pieces), encoding, notes, aside)


def id_from_name(path: Path) -> str:
    """The file name made into a document id: lower case, ASCII, hyphens; Chinese becomes its pinyin.

    SZSTI-2014.txt → szsti-2014, szsti_2014.docx → szsti-2014, 科创委2014.html → ke-chuang-wei-2014.
    Returns '' when nothing of the name is left (the caller names the file).
    """
    stem = Path(path).name
    for suffix in (SIDECAR, Path(path).suffix):
        if suffix and stem.lower().endswith(suffix.lower()):
            stem = stem[: -len(suffix)]
            break
    words = []
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+|[^\u3400-\u9fff\uf900-\ufaff]+", unicodedata.normalize("NFKC", stem)):
        if re.match(r"[\u3400-\u9fff\uf900-\ufaff]", run):
            words.append(pinyin_slug(run))
        else:
            ascii_run = unicodedata.normalize("NFKD", run).encode("ascii", "ignore").decode().lower()
            words.append(re.sub(r"[^a-z0-9]+", "-", ascii_run))
    return re.sub(r"-{2,}", "-", "-".join(words)).strip("-")
