"""commitment_tracker.database: typed DuckDB tables, the lock, schema constraints, and load() -> polars."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import polars as pl
import pytest
from conftest import REPO, read_rows, run_cli, set_cell, write_rows

from commitment_tracker import load as load_function
from commitment_tracker.database import LoadError, connect, dependency_order
from commitment_tracker.datapackage import schema

PACKAGE = schema.load_package(REPO)


def test_load_is_exported_and_typed_from_the_schema():
    tables = load_function()
    assert list(tables) == PACKAGE.resource_names
    for resource in PACKAGE.resources:
        frame = tables[resource.name]
        assert isinstance(frame, pl.DataFrame)
        assert dict(frame.schema) == resource.polars_schema(), resource.name
        _, rows = read_rows(REPO, resource.name)
        assert frame.height == len(rows), resource.name
    commitments = tables["commitments"]
    assert commitments.schema["deadline_year"] == pl.Int64
    assert commitments.schema["announced_on"] == pl.Date


def test_tables_are_named_after_resources_and_typed():
    con = connect(REPO)
    names = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert names == set(PACKAGE.resource_names)
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'status_updates'"
        ).fetchall()
    )
    assert types["as_of"] == "DATE"
    assert types["actual_value"] == "DOUBLE"
    assert types["status"] == "VARCHAR"


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "file system operations are disabled"),
        ("COPY claims TO '/tmp/claims-leak.csv'", "file system operations are disabled"),
        ("ATTACH '/tmp/other.duckdb' AS other", "file system operations are disabled"),
        ("INSTALL httpfs", "disabled"),
        ("SET enable_external_access = true", "the configuration has been locked"),
        ("SET threads = 1", "the configuration has been locked"),
    ],
)
def test_query_connection_is_locked(sql, message):
    con = connect(REPO)
    with pytest.raises(duckdb.Error, match=message):
        con.execute(sql)


def test_dependency_order_puts_referenced_tables_first():
    order = [r.name for r in dependency_order(PACKAGE)]
    for resource in PACKAGE.resources:
        for fk in resource.foreign_keys:
            assert order.index(fk.resource) <= order.index(resource.name), (resource.name, fk)


def test_constraints_are_enforced_on_real_tables():
    con = connect(REPO, constraints=True, lock_connection=False)
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        con.execute(
            "INSERT INTO claims (claim_id, source_id, quote, quote_start, quote_end) "
            "VALUES ('c-new', 'no-such-source', 'q', 0, 1)"
        )
    with pytest.raises(duckdb.ConstraintException, match="CHECK"):
        con.execute("INSERT INTO units VALUES ('kwh', 'kilowatt-hour', 'not-a-dimension')")
    with pytest.raises(duckdb.ConstraintException, match="CHECK"):
        con.execute("INSERT INTO units VALUES ('Bad Id', 'bad', 'count')")
    with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
        con.execute("INSERT INTO units VALUES ('kwh', NULL, 'energy')")
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        con.execute(
            "INSERT INTO commitments "
            "(commitment_id, title_fr, title_en, kind, sector_id, parent_commitment_id) "
            "VALUES ('orphan', 't', 't', 'target', 'energie', 'no-such-parent')"
        )


def test_children_listed_before_their_parent_still_load(package):
    # ai-public-administration sorts before its parent maroc-digital-2030: the real data covers this.
    con = connect(package, constraints=True)
    children = con.execute(
        "SELECT count(*) FROM commitments WHERE parent_commitment_id = 'maroc-digital-2030'"
    ).fetchone()[0]
    assert children >= 1


def test_missing_parent_is_refused_with_constraints(package):
    header, rows = read_rows(package, "commitments")
    rows[0][header.index("parent_commitment_id")] = "no-such-parent"
    write_rows(package, "commitments", header, rows)
    with pytest.raises(LoadError, match=r"data/commitments.csv: .*foreign key"):
        connect(package, constraints=True)


def test_bad_enum_refused_with_constraints_but_queryable_without(package):
    set_cell(package, "units", 2, "dimension", "mass")
    with pytest.raises(LoadError, match=r"data/units.csv: .*CHECK"):
        connect(package, constraints=True)
    assert connect(package).execute("SELECT count(*) FROM units").fetchone()[0] == 4


def test_wrong_type_is_refused(package):
    set_cell(package, "commitments", 2, "deadline_year", "soon")
    with pytest.raises(LoadError, match=r"data/commitments.csv: .*run `commitments validate`"):
        connect(package)


def test_renamed_header_is_refused(package):
    header, rows = read_rows(package, "units")
    header[1] = "name"
    write_rows(package, "units", header, rows)
    with pytest.raises(LoadError, match=r"data/units.csv: header .* does not match"):
        connect(package)


def test_an_empty_file_is_named_as_empty(package):
    (package / "data" / "claims.csv").write_bytes(b"")
    with pytest.raises(LoadError, match=r"^data/claims.csv is empty: it needs at least the header row; run"):
        connect(package)
    result = run_cli("query", "search-quotes", "-p", "text=IA", "--root", str(package))
    assert result.exit_code == 1 and "data/claims.csv is empty" in result.output
    assert "Traceback" not in result.output


@pytest.mark.subprocess
def test_loading_imports_neither_frictionless_nor_great_expectations():
    code = (
        "import sys\n"
        "from commitment_tracker.database import connect\n"
        "connect().execute('SELECT count(*) FROM claims').fetchall()\n"
        "print(sorted(m for m in ('frictionless', 'great_expectations', 'polars') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
