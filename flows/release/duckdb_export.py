"""Build the release's DuckDB file: base tables with keys and bilingual comments, release_info, macros, views.

`duckdb whitepaper.duckdb -readonly` then `SELECT * FROM duckdb_columns()` explains every table, view and
column from the same Pandera metadata as the other formats. Views are created from sql/<name>.sql and must
give exactly the rows published as data/<name>.parquet.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from flows.memory import duckdb_connection
from flows.release.background import BuildStopped, Stopper
from flows.release.duckdb_patch import MAX_FREE_SHARE, Base, NotPatchable, changed_tables, copy_base, free_share
from flows.tables.codebook import TableSpec, table_spec
from flows.release.manifest import ILLUSTRATIVE_NOTE_EN, ILLUSTRATIVE_NOTE_ZH, ReleaseInfo
from schemas import TABLES

# Readable by DuckDB 1.2 and later, not only by the version that wrote it; 16 kB blocks instead of 256 kB keep
# a file of a few hundred rows per table under a megabyte rather than over ten.
STORAGE_VERSION = "v1.2.0"
BLOCK_SIZE = 16384
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}
INSERT_BATCH_ROWS = 200_000
RELEASE_INFO = "release_info"
RELEASE_INFO_COMMENT = ("发布信息 — One row describing this release: its id, as-of date, creation time, content hash and "
                        "whether it is made of illustrative inputs.")
RELEASE_INFO_COLUMNS = (
    ("release_id", "VARCHAR", "发布编号 — Release id: <as-of date>-<first 8 hex digits of content_hash>."),
    ("as_of_date", "DATE", "数据截至日期 — Date the release describes; progress summaries are measured against it."),
    ("created_at", "TIMESTAMP", "生成时间(UTC) — When the release was written, in UTC."),
    ("content_hash", "VARCHAR", "内容哈希 — SHA-256 over the sorted (path, SHA-256) pairs of the data files and "
                                "source texts but the changes and the five summary tables (which are the other tables "
                                "seen from the as-of date): equal hashes mean the same papers and reports; the summaries "
                                "are equal only when the as-of dates are too (the release id joins both)."),
    ("is_illustrative", "BOOLEAN", "示例数据 — True when an input of the release is marked ILLUSTRATIVE in its file name "
                                   "(examples/): made-up data, never to be cited; false for real inputs only."),
)


def write_duckdb(path: Path, parquet_files: dict[str, Path], info: ReleaseInfo | Callable[[], ReleaseInfo], *,
                 views: dict[str, str] | None = None, macros: dict[str, str] | None = None,
                 stop: Stopper | None = None, base: Base | None = None) -> None:
    """Create the DuckDB file at path from the staged Parquet files (table name -> file).

    Names that are also in views become views made from their SQL (after the base tables, release_info and
    macros exist); their Parquet rows are only used to check the view gives the same rows. info may be a
    callable, called once the base tables are in: the publisher starts this before it knows the release id
    (flows/release/background.py) and waits for nothing while a million rows go in. stop: checked between
    statements and given the connection to interrupt; a stopped build raises BuildStopped. base: the previous
    release's file, patched instead when it can be (flows/release/duckdb_patch.py); whatever fails there is a
    full build.
    """
    views, macros, stop = views or {}, macros or {}, stop or Stopper()
    if base is not None:
        try:
            return _patch(path, base, parquet_files, info, views, macros, stop)
        except BuildStopped:
            raise
        except Exception:  # noqa: BLE001 - a base that cannot be patched (damaged, other tables…) costs a full build
            for leftover in (path, Path(f"{path}.wal")):
                leftover.unlink(missing_ok=True)
    tables = {name: table_spec(name) for name in parquet_files if name not in views}
    con = duckdb_connection()
    try:
        stop.watch(con)
        con.execute(f"ATTACH {_literal(str(path))} AS release "
                    f"(STORAGE_VERSION '{STORAGE_VERSION}', BLOCK_SIZE {BLOCK_SIZE})")
        con.execute("USE release")
        for name in _creation_order(tables):
            stop.check()
            con.execute(table_ddl(tables[name], tables))
            insert_rows(con, name, parquet_files[name], stop)
            _comment_relation(con, "TABLE", tables[name])
        stop.check()
        _finish(con, info, parquet_files, views, macros, stop)
    except duckdb.InterruptException:
        stop.check()   # interrupted by stop(): say so rather than DuckDB's words
        raise
    finally:
        stop.watch(None)
        con.close()
    _no_wal(path)


def _patch(path: Path, base: Base, parquet_files: dict[str, Path], info, views: dict[str, str],
           macros: dict[str, str], stop: Stopper) -> None:
    """The previous release's file, copied, with each changed table made again from its Parquet file as a full build
    makes it, release_info, the macros and the views made again (flows/release/duckdb_patch.py)."""
    specs = {name: table_spec(name) for name in parquet_files if name not in views}
    changed = changed_tables(base, parquet_files, specs)
    copy_base(base, path)
    con = duckdb_connection()
    try:
        stop.watch(con)
        con.execute(f"ATTACH {_literal(str(path))} AS release")
        con.execute("USE release")
        tables = {row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'release' AND schema_name = 'main'").fetchall()}
        if tables != set(specs) | {RELEASE_INFO}:
            raise NotPatchable("the previous file holds other tables")
        for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE database_name = 'release' "
                                   "AND schema_name = 'main' AND NOT internal").fetchall():
            con.execute(f"DROP VIEW {_ident(name)}")
        for name, kind in con.execute(
                "SELECT DISTINCT function_name, function_type FROM duckdb_functions() WHERE database_name = 'release' "
                "AND schema_name = 'main' AND function_type IN ('macro', 'table_macro') AND NOT internal").fetchall():
            con.execute(f"DROP MACRO {'TABLE ' if kind == 'table_macro' else ''}{_ident(name)}")
        for name in changed:   # dropped, not emptied: a table's deleted rows keep their blocks, a dropped one's are reused
            stop.check()
            con.execute(f"DROP TABLE {_ident(name)}")
            con.execute(table_ddl(specs[name], specs))
            insert_rows(con, name, parquet_files[name], stop)
            _comment_relation(con, "TABLE", specs[name])
        con.execute(f"DROP TABLE {RELEASE_INFO}")
        _finish(con, info, parquet_files, views, macros, stop, before_detach=_not_bloated)
    except duckdb.InterruptException:
        stop.check()
        raise
    finally:
        stop.watch(None)
        con.close()
    _no_wal(path)


def _not_bloated(con: duckdb.DuckDBPyConnection) -> None:
    if free_share(con) > MAX_FREE_SHARE:
        raise NotPatchable("the patched file is mostly free blocks")


def _finish(con: duckdb.DuckDBPyConnection, info, parquet_files: dict[str, Path], views: dict[str, str],
            macros: dict[str, str], stop: Stopper, before_detach=None) -> None:
    """release_info, the macros and the views (each checked against its Parquet rows), a checkpoint, detached."""
    _write_release_info(con, info() if callable(info) else info)
    _create_all(con, "macro", macros)
    _create_all(con, "view", {name: f"CREATE VIEW {_ident(name)} AS\n{_select_body(sql)}\n"
                              for name, sql in views.items()})
    for name in sorted(views):
        stop.check()
        if name in TABLES:
            _comment_relation(con, "VIEW", table_spec(name))
        if name in parquet_files:
            check_view_rows(con, name, parquet_files[name])
    con.execute("CHECKPOINT release")
    if before_detach is not None:
        before_detach(con)
    con.execute("USE memory")
    con.execute("DETACH release")


def _no_wal(path: Path) -> None:
    wal = Path(f"{path}.wal")
    if wal.exists():
        raise RuntimeError(f"{wal.name} was left next to the DuckDB file after closing it")


def insert_rows(con: duckdb.DuckDBPyConnection, name: str, parquet_file: Path, stop: Stopper | None = None) -> None:
    """Copy a staged Parquet file into its table, INSERT_BATCH_ROWS rows per statement, in file order.

    One statement holds all its rows in memory until it commits: a million updates in one took 430 MB more,
    in batches of 200,000 about 180 MB, and no longer.
    """
    rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(parquet_file)]).fetchall()[0][0]
    for start in range(0, max(rows, 1), INSERT_BATCH_ROWS):
        if stop is not None:
            stop.check()
        con.execute(f"INSERT INTO {_ident(name)} BY NAME SELECT * EXCLUDE (file_row_number) "
                    "FROM read_parquet(?, file_row_number = true) WHERE file_row_number >= ? AND file_row_number < ?",
                    [str(parquet_file), start, start + INSERT_BATCH_ROWS])


def table_ddl(spec: TableSpec, known: dict[str, TableSpec]) -> str:
    """CREATE TABLE with NOT NULL, PRIMARY KEY, UNIQUE and the FOREIGN KEYs whose target table is in the file."""
    lines = [f"    {_ident(c.name)} {DUCKDB_TYPES[c.type]}{'' if c.nullable else ' NOT NULL'}" for c in spec.columns]
    keys = _keys(spec)
    if spec.primary_key:
        lines.append(f"    PRIMARY KEY ({_idents(spec.primary_key)})")
    for cols in keys[1:]:
        lines.append(f"    UNIQUE ({_idents(cols)})")
    for fk in spec.foreign_keys:
        ref, ref_cols = fk["reference"]["resource"], tuple(fk["reference"]["fields"])
        # DuckDB only references a primary key or UNIQUE columns of a table created before.
        if ref in known and ref != spec.name and ref_cols in _keys(known[ref]):
            lines.append(f"    FOREIGN KEY ({_idents(fk['fields'])}) REFERENCES {_ident(ref)} ({_idents(ref_cols)})")
    return f"CREATE TABLE {_ident(spec.name)} (\n" + ",\n".join(lines) + "\n)"


def _keys(spec: TableSpec) -> list[tuple[str, ...]]:
    """The primary key first, then every other unique column set, each once."""
    keys = [tuple(spec.primary_key)] if spec.primary_key else []
    for cols in [*spec.unique, *((c.name,) for c in spec.columns if c.unique)]:
        if tuple(cols) not in keys:
            keys.append(tuple(cols))
    return keys


def _creation_order(specs: dict[str, TableSpec]) -> list[str]:
    """Referenced tables before the tables referencing them; otherwise by name."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in path:
            raise ValueError(f"foreign keys form a cycle: {' -> '.join(path + (name,))}")
        for fk in specs[name].foreign_keys:
            ref = fk["reference"]["resource"]
            if ref in specs and ref != name:
                visit(ref, path + (name,))
        order.append(name)

    for name in sorted(specs):
        visit(name, ())
    return order


def _comment_relation(con: duckdb.DuckDBPyConnection, kind: str, spec: TableSpec) -> None:
    con.execute(f"COMMENT ON {kind} {_ident(spec.name)} IS {_literal(spec.description)}")
    present = {row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'release' AND schema_name = 'main' "
        "AND table_name = ?", [spec.name]).fetchall()}
    for c in spec.columns:
        if c.name in present:
            con.execute(f"COMMENT ON COLUMN {_ident(spec.name)}.{_ident(c.name)} IS {_literal(c.description)}")


def _write_release_info(con: duckdb.DuckDBPyConnection, info: ReleaseInfo) -> None:
    columns = ",\n".join(f"    {name} {kind} NOT NULL" for name, kind, _ in RELEASE_INFO_COLUMNS)
    con.execute(f"CREATE TABLE {RELEASE_INFO} (\n{columns},\n    PRIMARY KEY (release_id)\n)")
    con.execute(f"INSERT INTO {RELEASE_INFO} VALUES (?, ?, ?, ?, ?)",
                [info.release_id, info.as_of, info.created.replace(tzinfo=None), info.content_hash, info.is_illustrative])
    note = f"{ILLUSTRATIVE_NOTE_ZH} {ILLUSTRATIVE_NOTE_EN} " if info.is_illustrative else ""
    con.execute(f"COMMENT ON TABLE {RELEASE_INFO} IS {_literal(note + RELEASE_INFO_COMMENT)}")
    for name, _, comment in RELEASE_INFO_COLUMNS:
        con.execute(f"COMMENT ON COLUMN {RELEASE_INFO}.{name} IS {_literal(comment)}")


def _create_all(con: duckdb.DuckDBPyConnection, kind: str, statements: dict[str, str]) -> None:
    """Run CREATE statements that may depend on each other: retry until every one binds or none progresses."""
    pending = dict(sorted(statements.items()))
    while pending:
        errors = {}
        for name, sql in pending.items():
            try:
                con.execute(sql)
            except duckdb.Error as err:  # a missing dependency may be created later in this loop
                errors[name] = err
        if len(errors) == len(pending):
            detail = "; ".join(f"{kind} {name}: {' '.join(str(err).split())}" for name, err in errors.items())
            raise ValueError(f"could not create {len(errors)} {kind}(s) from their SQL: {detail}")
        pending = {name: pending[name] for name in errors}


def check_view_rows(con: duckdb.DuckDBPyConnection, name: str, parquet_file: Path) -> None:
    """Fail unless the view gives exactly the rows of its published Parquet file (as a multiset).

    One pass: every row counted +1 from the view and -1 from the file, grouped by all columns (NULLs group together,
    as EXCEPT ALL compares them); a group left non-zero is a row one side has more often. Two EXCEPT ALLs computed
    the view twice (2.3 s for the five summaries at a million update rows, this 0.9 s).
    """
    cols = _idents(table_spec(name).column_names) if name in TABLES else None
    if cols is None:
        cols = _idents(row[0] for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = ? "
            "ORDER BY column_index", [name]).fetchall())
    only_view, only_data = con.execute(
        "SELECT coalesce(sum(n) FILTER (WHERE n > 0), 0), coalesce(-sum(n) FILTER (WHERE n < 0), 0) FROM ("
        f"SELECT sum(side) AS n FROM (SELECT {cols}, 1 AS side FROM {_ident(name)} "
        f"UNION ALL SELECT {cols}, -1 AS side FROM read_parquet(?)) GROUP BY {cols} HAVING sum(side) <> 0)",
        [str(parquet_file)]).fetchone()
    if only_view or only_data:
        raise ValueError(f"view {name}: its SQL gives {only_view} row(s) not in data/{name}.parquet and misses "
                         f"{only_data} row(s) of it; the published rows must be what the view computes")


def _select_body(sql: str) -> str:
    return sql.strip().rstrip(";").rstrip()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _idents(names) -> str:
    return ", ".join(_ident(n) for n in names)


def _literal(text: str) -> str:
    # COMMENT ON takes no bound parameters, so the text is quoted as an SQL string literal.
    return "'" + text.replace("'", "''") + "'"
