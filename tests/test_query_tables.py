"""The query path loads only the tables a statement reads, and says so clearly when one is unknown.

At 10^6 claims loading every CSV was most of a query's time; ``load.tables_read_by`` picks the
resources from DuckDB's parse tree. These tests break the files a query does not read and show the
answer is unchanged, and that anything the parse tree cannot vouch for still loads every table.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, run_cli

from commitment_tracker.database import VIEWS, LoadError, UnknownTableError, connect, tables_read_by
from commitment_tracker.datapackage import schema
from commitment_tracker.query import named as queries

PACKAGE = schema.load_package(REPO)
NAMED = queries.discover()
# Not UTF-8 and not a CSV with the right header: any read of the file fails.
GARBAGE = b"\xff\xfe\x00 this is not the claims table\n\x00\x01,,,\n"


def read_by(sql: str) -> list[str] | None:
    return tables_read_by(duckdb.connect(), sql, PACKAGE)


def example_params(query: queries.NamedQuery) -> list[str]:
    """The --param values of the query's first documented example."""
    words = shlex.split(query.examples[0])
    return [words[i + 1] for i, word in enumerate(words[:-1]) if word in ("--param", "-p")]


def query_json(name: str, params: list[str], root: Path):
    args = ["query", name, "--format", "json", "--root", str(root)]
    for p in params:
        args += ["--param", p]
    return run_cli(*args)


def break_file(root: Path, resource: str) -> None:
    (root / PACKAGE.resource(resource).path).write_bytes(GARBAGE)


# --- named queries -------------------------------------------------------------------------------


def test_due_by_answers_without_sources_while_evidence_trail_names_the_broken_file(package):
    # due-by reads claims since issue 15 (a disputed target's range), but never the sources
    break_file(package, "sources")
    due = query_json("due-by", [], package)
    assert due.exit_code == 0, due.output
    assert json.loads(due.output) == json.loads(query_json("due-by", [], REPO).output) != []

    trail = query_json("evidence-trail", ["commitment=digital-jobs-2030"], package)
    assert trail.exit_code == 1
    assert trail.output.startswith("Error: data/sources.csv cannot be read: 'utf-8' codec can't decode"), (
        trail.output
    )
    assert trail.output.endswith("; run `commitments validate`\n")


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_query_gives_the_same_rows_when_every_file_it_does_not_read_is_broken(package, name):
    query = NAMED[name]
    wanted = read_by(query.sql)
    assert wanted, f"{name}: its tables could not be told from its SQL"
    for resource in PACKAGE.resource_names:
        if resource not in wanted:
            break_file(package, resource)
    params = example_params(query)
    broken = query_json(name, params, package)
    assert broken.exit_code == 0, broken.output
    assert json.loads(broken.output) == json.loads(query_json(name, params, REPO).output)


def test_a_file_the_query_reads_is_still_checked(package):
    wanted = read_by(NAMED["status-as-of"].sql)
    assert wanted == ["commitments", "status_updates"]
    break_file(package, "status_updates")
    result = query_json("status-as-of", [], package)
    assert result.exit_code == 1
    assert result.output.startswith("Error: data/status_updates.csv cannot be read: ")


# --- what the parse tree says --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ("SELECT count(*) FROM Claims", ["claims"]),  # DuckDB names are case-insensitive
        ("FROM memory.main.units", ["units"]),
        (
            "WITH known AS (SELECT * FROM status_updates) "
            "SELECT * FROM commitments c LEFT JOIN known USING (commitment_id) WHERE c.deadline_year <= $y",
            ["commitments", "status_updates"],
        ),
        (
            "SELECT (SELECT count(*) FROM events), * FROM sectors WHERE sector_id IN (SELECT sector_id "
            "FROM indicators)",
            ["events", "sectors", "indicators"],
        ),
        ("WITH claims AS (SELECT 1 AS x) SELECT * FROM claims", ["claims"]),  # one extra table, harmless
        ("DESCRIBE sources", ["sources"]),
        ("SUMMARIZE actors", ["actors"]),
        ("SELECT 42", []),
    ],
)
def test_tables_read_by_a_select(sql, tables):
    assert read_by(sql) == tables


@pytest.mark.parametrize(
    "sql",
    [
        "SHOW TABLES",
        "SELECT * FROM duckdb_tables()",  # a table function may read anything
        "SELECT * FROM query('SELECT * FROM claims')",
        "SELECT * FROM duckdb_tables",  # a catalog view
        "SELECT * FROM information_schema.tables",
        "SELECT * FROM '/etc/passwd'",  # a file: the lock refuses it, after loading as before
        "EXPLAIN SELECT * FROM claims",  # not a SELECT: json_serialize_sql cannot serialize it
        "COPY claims TO 'x.csv'",
        "SELECT * FROM",  # does not parse: the read-only check reports it
    ],
)
def test_every_table_is_loaded_when_the_parse_tree_cannot_vouch_for_the_statement(sql):
    assert read_by(sql) is None


def test_catalog_statements_still_see_every_table():
    result = run_cli("sql", "SHOW TABLES", "--format", "json")
    assert result.exit_code == 0, result.output
    names = sorted(row["name"] for row in json.loads(result.output))
    assert names == sorted([*PACKAGE.resource_names, *VIEWS])  # the resources and the derived views


def test_unknown_table_lists_the_resources_before_reading_anything(package):
    break_file(package, "claims")  # proves nothing was loaded: the error is about the name
    result = run_cli("sql", "SELECT * FROM claimz", "--root", str(package))
    assert result.exit_code == 1
    assert result.output == (
        'Error: Table with name claimz does not exist! Did you mean "claims"? The tables are the '
        f"package's resources: {', '.join(PACKAGE.resource_names)}, and the views {', '.join(VIEWS)} "
        '(`commitments sql "DESCRIBE <table>"` lists its columns)\n'
    )
    with pytest.raises(UnknownTableError):
        connect(package, sql="SELECT * FROM commitments JOIN nothing_like_it USING (x)")
    assert issubclass(UnknownTableError, LoadError)


def test_partial_connection_is_locked_and_holds_only_what_was_asked():
    con = connect(REPO, sql="SELECT * FROM units")
    assert con.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("units",)]
    for statement in ("SELECT * FROM read_csv('/etc/passwd')", "SET enable_external_access = true"):
        with pytest.raises(duckdb.Error, match=r"disabled|locked"):
            con.execute(statement)
