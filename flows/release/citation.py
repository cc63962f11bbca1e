"""How to cite a release: plain text, BibTeX and CSL-JSON, from one set of facts.

The repository's address is written once, in pyproject.toml's [project.urls] (Homepage, else Repository); the
release README, datapackage.json (homepage) and the report all take it from here. Until the project has a
public address it is left out of the citation rather than printed as a placeholder: the release id and the
content hash identify the data on their own.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from flows import paths
from flows.release.manifest import ILLUSTRATIVE_NOTE_EN, ILLUSTRATIVE_NOTE_ZH, ReleaseInfo

URL_KEYS = ("Homepage", "Repository", "Source")


def project_url(pyproject: Path = paths.REPO / "pyproject.toml") -> str | None:
    """The project's public address from [project.urls]; from the installed metadata when there is no pyproject."""
    if Path(pyproject).exists():
        urls = tomllib.loads(Path(pyproject).read_text(encoding="utf-8")).get("project", {}).get("urls", {})
    else:
        try:
            pairs = metadata.metadata("whitepaper").get_all("Project-URL") or []
        except metadata.PackageNotFoundError:
            pairs = []
        urls = dict(p.split(", ", 1) for p in pairs if ", " in p)
    return next((urls[k] for k in URL_KEYS if urls.get(k)), None)


@dataclass(frozen=True)
class Citation:
    """The facts a citation of one release states."""

    publisher: str
    title_en: str
    title_zh: str
    version: str
    release_id: str
    as_of: dt.date
    created: dt.date
    content_hash: str
    url: str | None = None

    def text(self) -> str:
        """One paragraph, ready to paste."""
        url = f" {self.url}." if self.url else ""
        return (f"{self.publisher} ({self.created.year}). {self.title_en} ({self.title_zh}), version {self.version}, "
                f"release {self.release_id}, data as of {self.as_of.isoformat()}.{url} "
                f"Content hash sha256:{self.content_hash}.")

    def bibtex(self) -> str:
        """A @misc entry (BibTeX and biblatex read it; the Chinese title needs a UTF-8 engine such as biber)."""
        key = "whitepaper-" + self.release_id
        fields = [("author", "{" + self.publisher + "}"), ("title", f"{{{self.title_en} ({self.title_zh})}}"),
                  ("year", str(self.created.year)), ("version", self.version),
                  ("note", f"Release {self.release_id}, data as of {self.as_of.isoformat()}, "
                           f"content hash sha256:{self.content_hash}")]
        if self.url:
            fields.append(("url", self.url))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{key},\n{body}\n}}"

    def csl(self) -> dict:
        """A CSL-JSON item of type dataset (Zotero, Pandoc and citeproc read it)."""
        item = {"id": "whitepaper-" + self.release_id, "type": "dataset",
                "title": f"{self.title_en} ({self.title_zh})", "author": [{"literal": self.publisher}],
                "issued": {"date-parts": [[self.created.year, self.created.month, self.created.day]]},
                "version": self.version,
                "note": f"Release {self.release_id}, data as of {self.as_of.isoformat()}, "
                        f"content hash sha256:{self.content_hash}"}
        if self.url:
            item["URL"] = self.url
        return item

    def csl_json(self) -> str:
        return json.dumps([self.csl()], ensure_ascii=False, indent=2)


def release_citation(info: ReleaseInfo, version: str, metadata: dict) -> Citation:
    """The citation of a release from its identity, version and raw/lookups' release metadata (publisher, titles)."""
    return Citation(metadata["publisher"], metadata["title_en"], metadata["title_zh"], version, info.release_id,
                    info.as_of, info.created.date(), info.content_hash, metadata.get("repository_url"))


def provenance(info: ReleaseInfo, cite: Citation) -> tuple[list[list[str]], dict[str, str]]:
    """What a file travelling alone (the workbook, mailed on its own) says of the release it comes from: rows of
    (field, value) for a sheet, and document properties (title, subject, identifier, description, keywords).
    An illustrative release says first that it must not be cited."""
    note = f"{ILLUSTRATIVE_NOTE_ZH} {ILLUSTRATIVE_NOTE_EN}"
    rows = [["illustrative 示例数据", note + " " + ", ".join(info.illustrative)]] if info.is_illustrative else []
    rows += [["release_id 发布编号", info.release_id], ["as_of_date 数据截至", info.as_of.isoformat()],
             ["version 版本", cite.version], ["created_at 生成时间(UTC)", info.created_text],
             ["content_hash 内容哈希", f"sha256:{info.content_hash}"],
             ["citation 引用", ("Do not cite: illustrative data. " if info.is_illustrative else "") + cite.text()],
             ["files 文件", "This workbook is one file of the release; README.md in the release folder describes every "
                           "table and column, and data/*.csv and data/*.parquet hold every table whole."]]
    properties = {"title": f"{cite.title_zh} / {cite.title_en}",
                  "subject": f"Release {info.release_id}, data as of {info.as_of.isoformat()}, version {cite.version}",
                  "identifier": info.release_id, "keywords": f"content hash sha256:{info.content_hash}",
                  "created": info.created_text,
                  "description": note if info.is_illustrative else cite.text()}
    return rows, properties

