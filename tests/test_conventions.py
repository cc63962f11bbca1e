"""Convention tests: cheap walks over the code that fail on a pattern the project has ruled out."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from flows import paths
from schemas import TABLES

FLOW_MODULES = {"refresh.py", "serve.py", "refresh_runners.py"}  # where Prefect may be imported
README = (paths.REPO / "README.md").read_text(encoding="utf-8")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", sorted((paths.REPO / "flows").glob("*.py")) + sorted((paths.REPO / "schemas").glob("*.py")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_only_flow_modules_import_prefect(module):
    if module.name in FLOW_MODULES:
        return
    assert "prefect" not in _imports(module), f"{module.name} imports prefect: keep logic in plain functions"


def test_paths_module_imports_nothing_from_the_project():
    assert not _imports(paths.REPO / "flows" / "paths.py") & {"flows", "schemas"}


@pytest.mark.parametrize("sql_file", sorted(paths.SQL.rglob("*.sql")), ids=lambda p: p.relative_to(paths.SQL).as_posix())
def test_each_sql_file_is_one_select(sql_file):
    text = sql_file.read_text(encoding="utf-8")
    statements = duckdb.extract_statements(text)
    assert len(statements) == 1, f"{sql_file.name}: {len(statements)} statements, expected one SELECT"
    assert statements[0].type == duckdb.StatementType.SELECT, f"{sql_file.name} is not a SELECT"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_and_column_is_described_in_both_languages(name):
    model = TABLES[name]
    meta = model.Config.metadata
    assert model.Config.name == name
    assert meta["zh"] and meta["en"] and meta["primary_key"], f"{name}: table metadata needs zh, en and a primary key"
    for column, spec in model.to_schema().columns.items():
        assert re.search(r"[\u4e00-\u9fff]", spec.metadata["zh"]), f"{name}.{column}: no Chinese description"
        assert spec.metadata["en"] and spec.description == spec.metadata["en"], f"{name}.{column}: no English description"
    assert set(meta["primary_key"]) <= set(model.to_schema().columns), f"{name}: primary key names unknown columns"


def _quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:sh|bash)\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    commands = _quick_start()
    assert len(commands) == 2, commands
    assert "whitepaper refresh" in commands[0] and "pytest" in commands[1]
    ci = (paths.REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci, ".ci/run must run the README's test command as written"


def test_readme_names_every_command_of_the_cli():
    from typer.main import get_command

    from flows.cli import app

    for name in get_command(app).commands:
        assert f"whitepaper {name}" in README, f"README does not show `whitepaper {name}`"


def test_readme_names_every_table():
    for name in TABLES:
        assert f"`{name}`" in README, f"README does not mention the table `{name}`"
