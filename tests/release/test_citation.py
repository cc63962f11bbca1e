"""How to cite a release (flows/release/citation.py): one address, three ready-to-paste forms."""

from __future__ import annotations

import datetime as dt
import json

from flows import paths
from flows.release.citation import Citation, project_url

CITE = Citation("whitepaper project contributors", "Shenzhen Public Service White Papers as data", "深圳市公共服务白皮书数据集",
                "1.2.0", "2015-01-31-58c34740", dt.date(2015, 1, 31), dt.date(2026, 11, 30), "ab" * 32)


def test_the_address_is_read_from_project_urls(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n\n[project.urls]\nRepository = "https://example.org/repo"\n'
                         'Homepage = "https://example.org/home"\n', encoding="utf-8")
    assert project_url(pyproject) == "https://example.org/home"
    pyproject.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert project_url(pyproject) is None


def test_the_project_has_no_address_yet_so_none_is_invented():
    assert project_url(paths.REPO / "pyproject.toml") is None


def test_plain_text_names_release_dates_version_and_hash():
    assert CITE.text() == (
        "whitepaper project contributors (2026). Shenzhen Public Service White Papers as data (深圳市公共服务白皮书数据集), "
        "version 1.2.0, release 2015-01-31-58c34740, data as of 2015-01-31. Content hash sha256:" + "ab" * 32 + ".")
    with_url = Citation(**{**CITE.__dict__, "url": "https://example.org/home"})
    assert "data as of 2015-01-31. https://example.org/home. Content hash" in with_url.text()


def test_bibtex_entry():
    assert CITE.bibtex() == (
        "@misc{whitepaper-2015-01-31-58c34740,\n"
        "  author = {{whitepaper project contributors}},\n"
        "  title = {{Shenzhen Public Service White Papers as data (深圳市公共服务白皮书数据集)}},\n"
        "  year = {2026},\n"
        "  version = {1.2.0},\n"
        "  note = {Release 2015-01-31-58c34740, data as of 2015-01-31, content hash sha256:" + "ab" * 32 + "}\n"
        "}")


def test_csl_json_item():
    [item] = json.loads(CITE.csl_json())
    assert item == {"id": "whitepaper-2015-01-31-58c34740", "type": "dataset",
                    "title": "Shenzhen Public Service White Papers as data (深圳市公共服务白皮书数据集)",
                    "author": [{"literal": "whitepaper project contributors"}], "issued": {"date-parts": [[2026, 11, 30]]},
                    "version": "1.2.0",
                    "note": "Release 2015-01-31-58c34740, data as of 2015-01-31, content hash sha256:" + "ab" * 32}
