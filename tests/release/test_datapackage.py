"""datapackage.json: Table Schemas from the Pandera models, versioning, and `frictionless validate` offline."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.release.fixtures import publish_tiny
from flows.tables.codebook import table_spec
from flows.release.datapackage import field_descriptor, next_version, table_schema, table_schema_pattern

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
# A proxy nobody listens on: any attempt to fetch a profile over HTTP fails instead of reaching the network.
OFFLINE = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "NO_PROXY": ""}


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    return publish_tiny(tmp_path_factory.mktemp("curated")).release_dir


def frictionless_validate(package_dir: Path) -> dict:
    done = subprocess.run([str(FRICTIONLESS), "validate", "datapackage.json", "--json"], cwd=package_dir, env=OFFLINE,
                          capture_output=True, text=True, timeout=60)
    return json.loads(done.stdout)


def test_frictionless_validates_the_release_offline(release_dir):
    report = frictionless_validate(release_dir)
    assert report["valid"], json.dumps(report, ensure_ascii=False)[:2000]
    assert report["stats"]["tasks"] == 11


def test_frictionless_catches_a_csv_that_breaks_its_schema(release_dir, tmp_path):
    copy = shutil.copytree(release_dir, tmp_path / "copy")
    csv = copy / "data/milestones.csv"
    csv.write_bytes(csv.read_bytes().replace(b",3,2014-09-30,", b",7,2014-09-30,", 1))
    errors = {e["type"] for task in frictionless_validate(copy)["tasks"] for e in task["errors"]}
    assert {"constraint-error", "hash-count"} <= errors


def test_package_metadata_and_resources(release_dir):
    package = json.loads((release_dir / "datapackage.json").read_text())
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["version"] == "1.0.0" and "深圳" in package["title"] and "Shenzhen" in package["title"]
    assert package["sources"] == [{"title": "深圳市科技创新委员会2014年度公共服务白皮书",
                                   "path": "raw/whitepapers/szsti-2014.txt", "sha256": package["sources"][0]["sha256"]}]
    tasks = next(r for r in package["resources"] if r["name"] == "tasks")
    data = (release_dir / "data/tasks.csv").read_bytes()
    assert tasks["path"] == "data/tasks.csv" and tasks["bytes"] == len(data)
    assert tasks["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert (tasks["format"], tasks["mediatype"], tasks["encoding"]) == ("csv", "text/csv", "utf-8")


def test_field_constraints_come_from_the_pandera_checks():
    fields = {f["name"]: f for f in table_schema(table_spec("milestones"), {"milestones"})["fields"]}
    assert fields["quarter"] == {"name": "quarter", "type": "integer", "title": "季度",
                                 "description": "季度 — Quarter of the plan year, 1-4 (第一季度 = 1).",
                                 "constraints": {"required": True, "enum": [1, 2, 3, 4]}}
    assert fields["milestone_id"]["constraints"] == {"required": True, "unique": True, "pattern": "[a-z0-9-]+-q[1-4]"}
    assert fields["due_date"]["type"] == "date" and "constraints" not in fields["text_zh"]
    documents = {f["name"]: f for f in table_schema(table_spec("documents"), set())["fields"]}
    assert documents["plan_year"]["constraints"] == {"required": True, "minimum": 1990, "maximum": 2100}


def test_enum_values_are_spelled_as_in_the_csv():
    comparator = field_descriptor(next(c for c in table_spec("targets").columns if c.name == "comparator"))
    assert comparator["constraints"]["enum"] == [">", ">=", "'=", "<", "<=", "between"]


def test_keys_are_kept_only_towards_tables_in_the_package():
    schema = table_schema(table_spec("task_departments"), {"tasks", "task_departments"})
    assert schema["primaryKey"] == ["task_id", "department_id"]
    assert schema["foreignKeys"] == [{"fields": ["task_id"], "reference": {"resource": "tasks", "fields": ["task_id"]}}]
    assert schema["uniqueKeys"] == [["task_id", "department_id"]]


@pytest.mark.parametrize("regex, pattern", [
    (r"^[a-z0-9]+(?:-[a-z0-9]+)*$", r"[a-z0-9]+(?:-[a-z0-9]+)*"),
    (r"^[0-9a-f]{64}$", r"[0-9a-f]{64}"),
    (r"abc", r"(?:abc).*"),
    (r"^price \$", r"(?:price \$).*"),
])
def test_table_schema_pattern(regex, pattern):
    assert table_schema_pattern(regex) == pattern


def _meaning(package, n):
    """The package with its first field given meaning version n."""
    package["resources"][0]["schema"]["fields"][0]["meaningVersion"] = n
    return package


def _package(version, **fields):
    return {"version": version, "resources": [
        {"name": name, "schema": {"fields": [{"name": c, "type": t} for c, t in cols.items()]}}
        for name, cols in fields.items()]}


@pytest.mark.parametrize("previous, current, expected", [
    (None, _package("0.0.0", t={"a": "string"}), "1.0.0"),
    (None, _meaning(_package("0.0.0", t={"a": "string"}), 2), "2.0.0"),
    (_package("1.2.3", t={"a": "string"}), _package("0.0.0", t={"a": "string"}), "1.2.4"),
    (_package("1.2.3", t={"a": "string"}), _package("0.0.0", t={"a": "string", "b": "date"}), "1.3.0"),
    (_package("1.2.3", t={"a": "string"}), _package("0.0.0", t={"a": "string"}, u={"x": "integer"}), "1.3.0"),
    (_package("1.2.3", t={"a": "string", "b": "date"}), _package("0.0.0", t={"a": "string"}), "2.0.0"),
    (_package("1.2.3", t={"a": "string"}), _package("0.0.0", t={"a": "integer"}), "2.0.0"),
    # the same name and type with a new meaning version; a field without one is meaning 1
    (_package("1.2.3", t={"a": "string"}), _meaning(_package("0.0.0", t={"a": "string"}), 2), "2.0.0"),
    (_meaning(_package("1.2.3", t={"a": "string"}), 2), _meaning(_package("0.0.0", t={"a": "string"}), 2), "1.2.4"),
    (_meaning(_package("1.2.3", t={"a": "string"}), 1), _package("0.0.0", t={"a": "string"}), "1.3.0"),
])
def test_next_version(previous, current, expected):
    assert next_version(previous, current) == expected


def test_schema_changes_name_each_table_and_column_and_whether_it_breaks():
    from flows.release.datapackage import schema_changes

    found = schema_changes(_package("1.0.0", t={"a": "string", "b": "date", "c": "integer"}, gone={"x": "string"}),
                           _package("0.0.0", t={"a": "string", "c": "number", "d": "boolean"}, new={"y": "string"}))
    assert [(str(c), c.is_breaking) for c in found] == [
        ("column t.b removed", True), ("t.c retyped from integer to number", True), ("column t.d added", False),
        ("table gone removed", True), ("table new added", False)]
    assert schema_changes(None, _package("0.0.0", t={"a": "string"})) == []


def test_the_csv_encoding_and_the_formula_guard_are_described_with_how_to_undo_it(release_dir):
    import re

    from flows.release.files import neutralise_formula

    package = json.loads((release_dir / "datapackage.json").read_text())
    assert "whitepaper.xlsx" in package["description"] and "RFC 4180" in package["description"]
    resources = {r["name"]: r for r in package["resources"]}
    guard = resources["targets"]["x-formula-guard"]
    assert "comparator" in guard["fields"] and "target_value" not in guard["fields"]
    assert "Formula guard (CSV only)" in resources["targets"]["description"]
    undo = re.search(r're\.sub\(r"(.+?)", "", cell\)', resources["targets"]["description"]).group(1)
    for original in ["=SUM(A1)", "'=x", "''+1", "-5 万", "@home", "\tx", "plain", "'quoted"]:
        written = neutralise_formula(original)
        assert re.fullmatch(guard["pattern"] + ".*", written, flags=re.S) or written == original
        assert re.sub(undo, "", written) == original
    csv_text = (release_dir / "data/targets.csv").read_text(encoding="utf-8")
    assert "'=" in csv_text  # the comparator = is guarded in this release, as the descriptor says
