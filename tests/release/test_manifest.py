"""Content hash and manifest.json checks."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.release.manifest import MANIFEST, ReleaseInfo, build_manifest, check_files, content_hash, describe_files, make_release_id

SHA_A, SHA_B = "a" * 64, "b" * 64


def test_content_hash_covers_data_and_sources_only_in_any_order():
    files = {"data/tasks.csv": SHA_A, "sources/szsti-2014.txt": SHA_B}
    others = {"README.md": "c" * 64, "whitepaper.duckdb": "d" * 64, MANIFEST: "e" * 64, "datapackage.json": "f" * 64}
    assert content_hash(files) == content_hash(dict(reversed(list({**files, **others}.items()))))
    assert content_hash(files) != content_hash({**files, "data/tasks.parquet": SHA_A})
    assert content_hash(files) != content_hash({"data/tasks.csv": SHA_B, "sources/szsti-2014.txt": SHA_A})


def test_release_id_is_the_as_of_date_and_the_hash_prefix():
    assert make_release_id(dt.date(2014, 10, 1), "31cce7e1" + "0" * 56) == "2014-10-01-31cce7e1"


@pytest.fixture()
def release(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/t.csv").write_bytes(b"a\r\n1\r\n")
    (tmp_path / "README.md").write_text("# r\n")
    outputs = describe_files(tmp_path, {"data/t.csv": 1})
    hashes = {e["path"]: e["sha256"] for e in outputs}
    info = ReleaseInfo("2014-10-01-x", dt.date(2014, 10, 1), dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                       content_hash(hashes))
    manifest = build_manifest(info, [{"path": "raw/x.txt", "sha256": SHA_A, "bytes": 3, "kind": "whitepaper"}],
                              outputs, "0.1.0+gabc")
    (tmp_path / MANIFEST).write_text("{}")
    return tmp_path, manifest


def test_manifest_describes_the_release(release):
    _, manifest = release
    assert manifest["created"] == "2026-01-01T00:00:00Z" and manifest["code_version"] == "0.1.0+gabc"
    assert [(e["path"], e.get("rows")) for e in manifest["outputs"]] == [("README.md", None), ("data/t.csv", 1)]


def test_check_files_passes_on_the_files_as_written(release):
    folder, manifest = release
    check_files(folder, manifest)


@pytest.mark.parametrize("change, message", [
    (lambda d: (d / "data/t.csv").write_bytes(b"a\r\n2\r\n"), r"data/t.csv: sha256 is .*manifest.json says"),
    (lambda d: (d / "README.md").unlink(), r"README.md is listed in manifest.json but missing"),
    (lambda d: (d / "extra.txt").write_text("x"), r"extra.txt is in the release but not listed"),
])
def test_check_files_names_every_changed_missing_or_unlisted_file(release, change, message):
    folder, manifest = release
    change(folder)
    with pytest.raises(ValueError, match=message):
        check_files(folder, manifest)
