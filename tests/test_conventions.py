"""Convention tests: cheap walks over the code that fail on a pattern the project has ruled out."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from flows import paths
from schemas import TABLES

FLOW_MODULES = {"flows/refresh.py", "flows/serve.py", "flows/refresh_runners.py"}  # where Prefect may be imported
MODULES = sorted([*(paths.REPO / "flows").rglob("*.py"), *(paths.REPO / "schemas").rglob("*.py")])
STAGES = sorted(p.parent.name for p in (paths.REPO / "flows").glob("*/__init__.py"))
README = (paths.REPO / "README.md").read_text(encoding="utf-8")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _rel(path: Path) -> str:
    return path.relative_to(paths.REPO).as_posix()


@pytest.mark.parametrize("module", MODULES, ids=_rel)
def test_only_flow_modules_import_prefect(module):
    if _rel(module) in FLOW_MODULES:
        return
    assert "prefect" not in _imports(module), f"{_rel(module)} imports prefect: keep logic in plain functions"


@pytest.mark.parametrize("module", MODULES, ids=_rel)
def test_modules_stay_small(module):
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= 300, f"{_rel(module)} has {lines} lines: split it by concern (STYLE.md: around 300 is a sign)"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_takes_gives_and_where_to_start(stage):
    doc = ast.get_docstring(ast.parse((paths.REPO / "flows" / stage / "__init__.py").read_text(encoding="utf-8")))
    assert doc and re.search(r"[Oo]pen \w+(\.py|/)", doc), f"flows/{stage}/__init__.py: say which module to open first"


def _mirrored(test: Path) -> bool:
    """tests/<stage>/test_<module>[_<concern>].py names a module flows/<stage>/<module>.py (or a package)."""
    folder = paths.REPO / "flows" / test.parent.relative_to(paths.REPO / "tests")
    words = test.stem.removeprefix("test_").split("_")
    return any((folder / f"{'_'.join(words[:n])}.py").exists() or (folder / "_".join(words[:n])).is_dir()
               for n in range(1, len(words) + 1))


def test_tests_mirror_the_modules():
    tests = sorted((paths.REPO / "tests").rglob("test_*.py"))
    stray = [_rel(t) for t in tests if not _mirrored(t) and t.name not in ("test_conventions.py", "test_examples.py", "test_readme_commands.py")]
    assert not stray, f"test files that name no module of flows/: {stray}"


def test_duckdb_is_opened_within_its_memory_budget_or_read_only():
    """An in-memory or written DuckDB spills past flows.memory.DUCKDB_MEMORY_LIMIT instead of growing to 80 % of
    the machine: only readers of a published file (read_only=True) and the benchmark's floor open one directly."""
    direct = []
    for module in MODULES:
        if _rel(module) == "flows/memory.py" or _rel(module).startswith("flows/bench/"):
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "duckdb"
                    and not any(k.arg == "read_only" for k in node.keywords)):
                direct.append(f"{_rel(module)}:{node.lineno}")
    assert not direct, f"duckdb.connect() outside flows.memory.duckdb_connection: {direct}"


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
    assert commands[1].rstrip().endswith(" -rs"), "the test command must show why a test was skipped"
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
