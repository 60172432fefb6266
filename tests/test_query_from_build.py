"""`query --from-build`: the build's tables answer exactly as the CSV files do, and only while every
CSV file the query reads still has the SHA-256 the build recorded."""

from __future__ import annotations

import itertools
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, copy_package, generate_package, pin_today, run_cli
from test_query_columns import param_sets

from commitment_tracker import database
from commitment_tracker.datapackage import schema
from commitment_tracker.publish import build as build_mod
from commitment_tracker.publish import buildrecord
from commitment_tracker.query import from_build, named

pinned_today = pin_today("2026-01-01")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real package with its build in ROOT/dist (the package is valid: test_build.py
    shows the build validating it; here the database constraints still apply)."""
    root = copy_package(tmp_path_factory.mktemp("from-build") / "pkg")
    build_mod.build(root, root / "dist", validate_first=False)
    return root


@pytest.fixture
def built_copy(built: Path, tmp_path: Path) -> Path:
    """A copy of the built package that a test may change."""
    root = tmp_path / "pkg"
    shutil.copytree(built, root, symlinks=True)
    return root


def example_params(query: named.NamedQuery) -> list[str]:
    """The --param options of the query's first example, which selects rows of the real package."""
    words = shlex.split(query.examples[0])
    pairs = itertools.pairwise(words)
    return [arg for flag, value in pairs if flag in ("--param", "-p") for arg in (flag, value)]


def run_query(root: Path, name: str, *args: str):
    return run_cli("query", name, "--root", str(root), "--format", "csv", "--max-rows", "0", *args)


QUERIES = named.discover(named.queries_dir(REPO))


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_named_query_answers_as_from_the_csv_files(built, name):
    params = example_params(QUERIES[name])
    from_csv = run_query(built, name, *params)
    from_db = run_query(built, name, *params, "--from-build")
    assert from_csv.exit_code == 0, from_csv.output
    assert from_db.exit_code == 0, from_db.output
    assert from_db.output == from_csv.output
    assert from_csv.output.count("\n") > 1, "the example selects no row: the comparison would prove little"


@pytest.mark.subprocess
def test_the_console_command_answers_as_the_cli_does(built):
    """`python cli.py` (``main``, which leaves the query's connection open to os._exit) prints what
    the click command prints and exits 0, the truncation notice on standard error."""
    args = ["query", "agreements", "--root", str(built), "--from-build", "--max-rows", "2"]
    done = subprocess.run([sys.executable, "cli.py", *args], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    in_process = run_cli(*args)
    assert in_process.exit_code == 0
    assert (done.stdout, done.stderr) == (in_process.stdout, in_process.stderr)
    assert "showing the first 2 of" in done.stderr


def table_rows(con: duckdb.DuckDBPyConnection, resource: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM {database.quote_ident(resource)}").fetchall()


@pytest.mark.parametrize("which", ["built", "generated_build"])
def test_every_table_lists_its_rows_in_the_csv_order(request, which):
    # A statement without ORDER BY lists rows in the order the CSV path gives them, the
    # self-referencing commitments table included, whose stored order is parents first.
    built = request.getfixturevalue(which)
    package = schema.load_package(built)
    for resource in package.resources:
        sql = f"SELECT * FROM {database.quote_ident(resource.name)}"
        csv_con = database.connect(built, sql=sql)
        build_con = from_build.connect(built, sql)
        try:
            assert table_rows(build_con, resource.name) == table_rows(csv_con, resource.name), resource.name
        finally:
            csv_con.close()
            build_con.close()
    stored = duckdb.connect(str(built / from_build.BUILD_FILE), read_only=True)
    try:
        csv_con = database.connect(built, sql="SELECT * FROM commitments")
        # Not trivially true: the build stores this table in another order.
        assert table_rows(stored, "commitments") != table_rows(csv_con, "commitments")
    finally:
        stored.close()
        csv_con.close()


def change_one_byte_keeping_size_and_mtime(path: Path) -> None:
    before = path.stat()
    data = bytearray(path.read_bytes())
    at = data.rindex(b"2")  # a digit in the last rows: the file stays valid CSV of the same size
    data[at] = ord("3")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_changed_csv_file_is_refused_though_size_and_mtime_are_the_same(built_copy):
    change_one_byte_keeping_size_and_mtime(built_copy / "data" / "claims.csv")
    result = run_query(built_copy, "search-quotes", "--param", "text=emploi", "--from-build")
    assert result.exit_code == 1
    assert "Error: --from-build: data/claims.csv has changed since the build" in result.output
    assert "Hint: run `commitments build --root" in result.output
    # Without the option the query reads the CSV files as always.
    assert run_query(built_copy, "search-quotes", "--param", "text=emploi").exit_code == 0


def test_a_file_the_query_does_not_read_may_change(built_copy):
    change_one_byte_keeping_size_and_mtime(built_copy / "data" / "claims.csv")
    # `stale` reads commitments and status_updates only: only those files are hashed and compared.
    args = ("--param", "days=90", "--param", "today=2025-12-31")
    from_csv = run_query(built_copy, "stale", *args)
    from_db = run_query(built_copy, "stale", *args, "--from-build")
    assert (from_db.exit_code, from_db.output) == (0, from_csv.output)
    assert run_query(built_copy, "sectors", "--from-build").exit_code == 1  # reads claims


def test_a_descriptor_that_reads_the_file_otherwise_is_refused(built_copy):
    # Same bytes in data/sectors.csv, another missing value: the CSV path would read "NA" as empty.
    path = built_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    (sectors,) = [r for r in descriptor["resources"] if r["name"] == "sectors"]
    sectors["schema"]["missingValues"] = ["", "NA"]
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    result = run_query(built_copy, "sectors", "--from-build")
    assert result.exit_code == 1
    assert "datapackage.json now reads data/sectors.csv differently" in result.output


def test_no_build_is_a_clear_error(built_copy):
    shutil.rmtree(built_copy / "dist")
    result = run_query(built_copy, "sectors", "--from-build")
    assert result.exit_code == 1
    assert "there is no build of the package (dist/commitments.duckdb does not exist)" in result.output
    assert "leave out --from-build to read the CSV files" in result.output


@pytest.mark.parametrize("record", ["none", "other columns"])
def test_a_build_without_the_hashes_is_refused(built_copy, record):
    # What a build of an earlier version looks like: the tables without the build_record schema,
    # or a record of other columns.
    con = duckdb.connect(str(built_copy / from_build.BUILD_FILE))
    if record == "none":
        con.execute(f"DROP SCHEMA {buildrecord.SCHEMA} CASCADE")
    else:
        con.execute(f"ALTER TABLE {buildrecord.SCHEMA}.{buildrecord.FILES_TABLE} DROP COLUMN reader")
    con.close()
    result = run_query(built_copy, "sectors", "--from-build")
    assert result.exit_code == 1
    assert "was written by an older version of the tools" in result.output


@pytest.mark.parametrize("planted", ["record", "table"])
def test_a_build_whose_views_read_outside_the_package_reads_nothing(built_copy, tmp_path, planted):
    """The build file comes with a pull request like any file: views planted in it, in the record
    the query reads first or in a table it answers from, run on the locked connection."""
    secret = tmp_path / "secret.txt"
    secret.write_text("outside-the-package")
    con = duckdb.connect(str(built_copy / from_build.BUILD_FILE))
    if planted == "record":
        table, columns = f"{buildrecord.SCHEMA}.{buildrecord.FILES_TABLE}", buildrecord.FILES_COLUMNS
        planted_sql = ", ".join(
            f"(SELECT content FROM read_text('{secret}')) AS path" if c == "path" else c for c in columns
        )
    else:
        table = "status_updates"  # no foreign key points at it; the query reads its status
        planted_sql = f"* REPLACE ((SELECT content FROM read_text('{secret}')) AS status)"
    kept = f"{table.rpartition('.')[0] or 'main'}.kept"  # beside it: the view finds it once attached
    con.execute(f"CREATE TABLE {kept} AS SELECT * FROM {table}")
    con.execute(f"DROP TABLE {table}")
    con.execute(f"CREATE VIEW {table} AS SELECT {planted_sql} FROM {kept}")
    con.close()
    result = run_query(built_copy, "status-as-of", "--from-build")
    assert result.exit_code == 1, result.output
    assert "outside-the-package" not in result.output
    assert "Traceback" not in result.output


def test_a_build_file_linked_from_outside_the_package_is_refused(built_copy, tmp_path):
    outside = tmp_path / "elsewhere.duckdb"
    target = built_copy / from_build.BUILD_FILE
    shutil.move(target, outside)
    target.symlink_to(outside)
    result = run_query(built_copy, "sectors", "--from-build")
    assert result.exit_code == 1
    assert "dist/commitments.duckdb is a symbolic link leading outside the package" in result.output


def test_a_build_that_is_not_a_database_is_refused(built_copy):
    (built_copy / from_build.BUILD_FILE).write_bytes(b"not a database\n" * 100)
    result = run_query(built_copy, "sectors", "--from-build")
    assert result.exit_code == 1
    assert "dist/commitments.duckdb cannot be read as a DuckDB database" in result.output


def test_the_connection_is_locked_and_limited_like_the_csv_path(built):
    con = from_build.connect(built, "SELECT * FROM units", config={"memory_limit": "300MB"})
    try:
        (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
        assert limit in ("286.1 MiB", "300.0 MB")
        for refused in (
            f"SELECT * FROM read_csv('{built / 'data' / 'units.csv'}')",
            f"ATTACH '{built / 'other.duckdb'}' AS other",
            "SET memory_limit = '10GB'",
        ):
            with pytest.raises(duckdb.Error):
                con.execute(refused)
    finally:
        con.close()


def test_limits_and_formats_apply(built):
    result = run_cli("query", "sectors", "--root", str(built), "--from-build", "--max-rows", "2")
    assert result.exit_code == 0, result.output
    assert "showing the first 2 of" in result.output
    json_out = run_cli("query", "sectors", "--root", str(built), "--from-build", "--format", "json")
    assert json_out.output.lstrip().startswith("[")
    tiny = run_cli("query", "sectors", "--root", str(built), "--from-build", "--memory-limit", "1KB")
    assert tiny.exit_code == 1
    assert "needs more memory than the memory limit" in tiny.output
    assert "--memory-limit" in tiny.output


def test_the_build_refuses_a_file_changed_while_it_loads(package, monkeypatch):
    real_connect = build_mod.connect

    def connect_then_change(*args, **kwargs):
        con = real_connect(*args, **kwargs)
        change_one_byte_keeping_size_and_mtime(package / "data" / "claims.csv")
        return con

    monkeypatch.setattr(build_mod, "connect", connect_then_change)
    with pytest.raises(build_mod.BuildError, match=r"data/claims.csv changed while the build was reading it"):
        build_mod.build(package, package / "dist", validate_first=False)
    assert not (package / "dist" / "commitments.duckdb").exists()


@pytest.fixture(scope="module")
def generated_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated package of 2,000 claims (other ids, more rows per key), built into ROOT/dist."""
    root = generate_package(tmp_path_factory.mktemp("generated-build") / "pkg", 2000)
    build_mod.build(root, root / "dist", validate_first=False)
    return root


def answer(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> tuple[list, list]:
    try:
        cursor = con.execute(sql, params)
        return [(d[0], str(d[1])) for d in cursor.description], cursor.fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_named_query_answers_as_from_the_csv_files_on_a_generated_package(generated_build, name):
    # Values and types compared, not text; each parameter set test_query_columns.py uses.
    query = named.discover(generated_build / "queries")[name]
    answered = 0
    for given in param_sets(query, generated_build):
        params = query.bind(given)
        from_csv = answer(database.connect(generated_build, sql=query.sql, params=params), query.sql, params)
        from_db = answer(from_build.connect(generated_build, query.sql), query.sql, params)
        assert from_db == from_csv, (name, given)
        answered += len(from_csv[1])
    assert answered, f"{name} gives no row on the generated package: the comparison would prove nothing"
