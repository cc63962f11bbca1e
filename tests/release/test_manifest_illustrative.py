"""A release built from inputs marked ILLUSTRATIVE (examples/) says so in every output, and says not to cite it;
a release of real inputs says neither. Every release's workbook names its release (a file mailed on its own)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile

import duckdb
import openpyxl
import pytest

from flows import paths
from flows.pipeline import refresh_without_prefect
from flows.release.manifest import illustrative_inputs

AS_OF = dt.date(2015, 1, 31)


def test_illustrative_inputs_are_named_so_in_their_file_name_in_any_case():
    names = ["raw/updates/szsti-2014/ILLUSTRATIVE-2014-q3.xlsx", "raw/updates/szsti-2014/q4-illustrative.json",
             "raw/updates/illustrative-folder/real.csv", "raw/whitepapers/szsti-2014.txt"]
    assert illustrative_inputs(names + names[:1]) == ("raw/updates/szsti-2014/ILLUSTRATIVE-2014-q3.xlsx",
                                                      "raw/updates/szsti-2014/q4-illustrative.json")


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """(illustrative release folder, real release folder, the illustrative one's output root)."""
    root = tmp_path_factory.mktemp("illustrative")
    built = []
    for name, example in (("demo", True), ("real", False)):
        raw = root / name / "raw"
        shutil.copytree(paths.RAW, raw, ignore=shutil.ignore_patterns("updates"))
        if example:
            (raw / "updates" / "szsti-2014").mkdir(parents=True)
            shutil.copy(paths.EXAMPLES / "updates" / "szsti-2014" / "ILLUSTRATIVE-2014-q1-q2.csv", raw / "updates" / "szsti-2014")
        result = refresh_without_prefect(raw, root / name / "curated", AS_OF)
        assert result.published, result.message
        built.append(result.release_dir)
    return built[0], built[1], root / "demo" / "curated"


def _workbook(release):
    with zipfile.ZipFile(release / "whitepaper.xlsx") as z:
        return z.read("xl/workbook.xml").decode(), z.read("docProps/core.xml").decode()


def test_every_output_of_an_illustrative_release_says_do_not_cite(releases):
    demo, _, out = releases
    marked = ["raw/updates/szsti-2014/ILLUSTRATIVE-2014-q1-q2.csv"]
    assert json.loads((demo / "manifest.json").read_text())["illustrative_inputs"] == marked
    package = json.loads((demo / "datapackage.json").read_text())
    assert package["description"].startswith("示例数据（虚构）") and package["x-illustrative-inputs"] == marked
    readme = (demo / "README.md").read_text()
    assert readme.index("ILLUSTRATIVE DATA, MADE UP") < readme.index("Release `") and "**Do not cite this release" in readme
    assert "```text\nDO NOT CITE" in readme and "```bibtex\n% DO NOT CITE" in readme
    assert json.loads((out / "releases.json").read_text())["releases"][-1]["illustrative"] is True
    con = duckdb.connect(str(demo / "whitepaper.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT is_illustrative FROM release_info").fetchone() == (True,)
        comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'release_info'").fetchone()[0]
        assert comment.startswith("示例数据（虚构）")
    finally:
        con.close()
    book = openpyxl.load_workbook(demo / "whitepaper.xlsx", read_only=True)
    sheet = book["_release"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert rows[1][0].startswith("illustrative") and "Do not cite" in rows[1][1]
    workbook, core = _workbook(demo)
    assert re.search(r'activeTab="(\d+)"', workbook).group(1) == str(book.sheetnames.index("_release"))
    assert "Do not cite" in core
    assert 'data-field="illustrative"' in (out / "index.html").read_text()
    assert "示例数据（虚构）" in (demo / "report" / "index.html").read_text()


def test_a_release_of_real_inputs_is_not_marked_and_its_workbook_names_it(releases):
    _, real, _ = releases
    assert json.loads((real / "manifest.json").read_text())["illustrative_inputs"] == []
    package = json.loads((real / "datapackage.json").read_text())
    assert "示例数据" not in package["description"] and "x-illustrative-inputs" not in package
    readme = (real / "README.md").read_text()
    assert "ILLUSTRATIVE DATA" not in readme and "DO NOT CITE" not in readme and "Cite the release you used" in readme
    con = duckdb.connect(str(real / "whitepaper.duckdb"), read_only=True)
    try:
        release_id, content_hash, marked = con.execute(
            "SELECT release_id, content_hash, is_illustrative FROM release_info").fetchone()
    finally:
        con.close()
    assert marked is False and release_id == real.name
    book = openpyxl.load_workbook(real / "whitepaper.xlsx", read_only=True)
    assert book.sheetnames[0] == "_codebook" and book.sheetnames[-1] == "_release"
    fields = dict(book["_release"].iter_rows(min_row=2, values_only=True))
    assert fields["release_id 发布编号"] == release_id and fields["content_hash 内容哈希"] == f"sha256:{content_hash}"
    assert fields["citation 引用"].startswith("Shenzhen") or release_id in fields["citation 引用"]
    workbook, core = _workbook(real)
    assert "activeTab" not in workbook
    assert f"<dc:identifier>{release_id}</dc:identifier>" in core and content_hash in core
    props = openpyxl.load_workbook(real / "whitepaper.xlsx").properties
    assert props.identifier == release_id and props.title.startswith("深圳")
    created = json.loads((real / "manifest.json").read_text())["created"]
    assert props.created.strftime("%Y-%m-%dT%H:%M:%SZ") == created
    assert json.loads((real.parent.parent / "releases.json").read_text())["releases"][-1]["illustrative"] is False


def test_the_same_data_with_and_without_a_made_up_input_are_two_releases(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(paths.RAW, raw, ignore=shutil.ignore_patterns("updates"))
    real = refresh_without_prefect(raw, out, AS_OF)
    extra = raw / "lookups" / "ILLUSTRATIVE-extra.csv"          # read by nothing: the data stay the same
    extra.write_text("a,b\n1,2\n", encoding="utf-8")
    marked = refresh_without_prefect(raw, out, AS_OF)
    assert marked.published and marked.release_id != real.release_id
    assert json.loads((marked.release_dir / "manifest.json").read_text())["illustrative_inputs"] == [
        "raw/lookups/ILLUSTRATIVE-extra.csv"]
    extra.unlink()
    again = refresh_without_prefect(raw, out, AS_OF)
    assert again.release_id == real.release_id and (out / "LATEST").read_text().strip() == real.release_id
    assert json.loads((out / "latest" / "manifest.json").read_text())["illustrative_inputs"] == []
