"""The SQL shell on a release (flows/release/shell.py): statements in order, boxed results, read-only."""

from __future__ import annotations

import io

import pytest

from flows.release.shell import ShellError, connect_readonly, interactive, render, run_script
from tests.release.fixtures import publish_tiny


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    release = publish_tiny(tmp_path_factory.mktemp("curated"))
    connection = connect_readonly(release.release_dir / "whitepaper.duckdb")
    yield connection
    connection.close()


def test_statements_run_in_order_and_print_as_boxed_tables(con):
    text = render(con, "SELECT task_id FROM tasks ORDER BY task_id; SELECT count(*) AS n FROM milestones;")
    lines = text.splitlines()
    assert "│ szsti-2014-01 │" in lines and "│ szsti-2014-02 │" in lines
    assert text.index("│ szsti-2014-02 │") < text.index("│   n   │") < text.index("│     4 │")


def test_the_database_is_read_only(con):
    with pytest.raises(ShellError, match="DELETE FROM tasks.*read-only"):
        render(con, "DELETE FROM tasks;")


def test_a_script_mixes_statements_and_dot_commands_and_stops_at_quit(con):
    out = io.StringIO()
    run_script(con, "SELECT 1 AS one;\n.tables\n.quit\nSELECT 2 AS two;\n", out)
    text = out.getvalue()
    assert "one" in text and "│ milestones " in text and "│ tasks " in text and "two" not in text


def test_a_script_fails_naming_the_statement(con):
    with pytest.raises(ShellError, match=r"^SELECT nope FROM tasks;: Binder Error"):
        run_script(con, "SELECT nope FROM tasks;", io.StringIO())


def test_interactive_reads_until_semicolon_and_goes_on_after_an_error(con):
    lines = iter(["SELECT task_id", "FROM tasks WHERE task_seq = 2;", "SELECT nope;", ".help", ".quit"])
    prompts, out, err = [], io.StringIO(), io.StringIO()

    def read(prompt):
        prompts.append(prompt)
        return next(lines)

    interactive(con, out, err, read=read)
    assert prompts == ["D ", "· ", "D ", "D ", "D "]
    assert "│ szsti-2014-02 │" in out.getvalue() and ".tables" in out.getvalue()
    assert "Error: SELECT nope;: Binder Error" in err.getvalue()


def test_a_missing_database_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="whitepaper.duckdb: no such database"):
        connect_readonly(tmp_path / "whitepaper.duckdb")
