"""`build`: commitments.duckdb with enforced constraints, zstd Parquet, a Parquet datapackage, refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from conftest import REPO, read_rows, run_cli, set_cell

from commitment_tracker.datapackage import schema

PACKAGE = schema.load_package(REPO)


@pytest.fixture(scope="module")
def dist(tmp_path_factory, real_package_run) -> Path:
    # The build's own validation of the real package is the session's (conftest.real_package_run);
    # the tests below show a build validates first and refuses an invalid package.
    assert real_package_run.exit_code == 0, real_package_run.text
    out = tmp_path_factory.mktemp("dist")
    result = run_cli("build", "--out", str(out), "--skip-validation")
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'commitments.duckdb'} (14 tables" in result.output
    return out


@pytest.fixture
def writable_db(dist, tmp_path) -> duckdb.DuckDBPyConnection:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(dist / "commitments.duckdb", copy)
    con = duckdb.connect(str(copy))
    yield con
    con.close()


def test_database_holds_every_resource_with_its_rows(dist):
    con = duckdb.connect(str(dist / "commitments.duckdb"), read_only=True)
    for resource in PACKAGE.resources:
        _, rows = read_rows(REPO, resource.name)
        assert con.execute(f'SELECT count(*) FROM "{resource.name}"').fetchall() == [(len(rows),)]
    comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'claims'").fetchall()
    assert comment[0][0] == PACKAGE.resource("claims").descriptor["description"]


def test_database_declares_the_schema_keys(dist):
    con = duckdb.connect(str(dist / "commitments.duckdb"), read_only=True)
    fks = con.execute(
        "SELECT table_name, constraint_column_names, referenced_table "
        "FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'"
    ).fetchall()
    declared = {(r.name, tuple(fk.fields), fk.resource) for r in PACKAGE.resources for fk in r.foreign_keys}
    assert {(t, tuple(c), ref) for t, c, ref in fks} == declared
    assert ("commitments", ("parent_commitment_id",), "commitments") in declared  # the self-reference


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        (
            "INSERT INTO claims (claim_id, source_id, quote, quote_start, quote_end) "
            "VALUES ('c-new', 'no-such-source', 'q', 0, 1)",
            "foreign key",
        ),
        (
            "INSERT INTO commitments "
            "(commitment_id, title_fr, title_en, kind, sector_id, parent_commitment_id) "
            "VALUES ('orphan', 't', 't', 'target', 'energie', 'no-such-parent')",
            "foreign key",
        ),
        ("INSERT INTO units VALUES ('kwh', 'kilowatt-heure (kWh)', 'heat')", "CHECK"),
        ("INSERT INTO units VALUES ('KWh', 'kilowatt-heure (kWh)', 'energy')", "CHECK"),
        ("UPDATE commitments SET deadline_year = 1999 WHERE commitment_id = 'digital-jobs-2030'", "CHECK"),
        ("UPDATE claims SET value = -1 WHERE claim_id = 'c001-jobs-240000'", "CHECK"),
        ("INSERT INTO units VALUES ('kwh', NULL, 'energy')", "NOT NULL"),
        ("INSERT INTO units VALUES ('mad', 'again', 'currency')", "Duplicate key"),
        ("DELETE FROM sources", "still referenced"),
    ],
)
def test_a_consumer_duckdb_enforces_the_constraints(writable_db, sql, error):
    with pytest.raises(duckdb.Error, match=error):
        writable_db.execute(sql)


def test_parquet_files_are_zstd_and_typed_like_the_schema(dist):
    for resource in PACKAGE.resources:
        path = dist / "data" / f"{resource.name}.parquet"
        meta = pq.ParquetFile(path).metadata
        _, rows = read_rows(REPO, resource.name)
        assert meta.num_rows == len(rows), resource.name
        assert {meta.row_group(0).column(i).compression for i in range(meta.num_columns)} == {"ZSTD"}
        frame = pl.read_parquet(path)
        assert dict(frame.schema) == resource.polars_schema(), resource.name
    claims = pl.read_parquet(dist / "data" / "claims.parquet")
    assert claims.filter(pl.col("claim_id") == "c001-jobs-240000")["value"].to_list() == [240000.0]


def test_parquet_says_what_the_schema_says(dist):
    for resource in PACKAGE.resources:
        path = dist / "data" / f"{resource.name}.parquet"
        arrow = pq.read_schema(path)
        columns = pq.ParquetFile(path).schema
        for i, f in enumerate(resource.fields):
            required = f.required or f.name in resource.primary_key
            assert arrow.field(f.name).nullable is not required, (resource.name, f.name)
            # REQUIRED in the Parquet schema itself, for readers that ignore the Arrow schema.
            assert columns.column(i).max_definition_level == (0 if required else 1), (resource.name, f.name)
            assert arrow.field(f.name).metadata[b"description"].decode() == f.description
        pandas = json.loads(arrow.metadata[b"pandas"])
        integers = {c["name"] for c in pandas["columns"] if c["numpy_type"] == "Int64"}
        assert integers == {f.name for f in resource.fields if f.type == "integer"}, resource.name


def test_parquet_datapackage_points_at_the_files(dist):
    descriptor = json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == PACKAGE.resource_names
    for raw in descriptor["resources"]:
        assert (dist / raw["path"]).is_file()
        assert raw["format"] == "parquet" and raw["path"] == f"data/{raw['name']}.parquet"
        # Frictionless cannot count or hash a Parquet file it reads through pyarrow ("actual is None").
        assert not {"dialect", "encoding", "bytes", "hash"} & set(raw)
        assert raw["schema"] == PACKAGE.resource(raw["name"]).descriptor["schema"]
    assert sorted(p.name for p in (dist / "seeds").iterdir()) == sorted(
        p.name for p in (REPO / "seeds").iterdir()
    )


def test_build_of_a_package_that_does_not_validate_is_refused(package, tmp_path):
    set_cell(package, "claims", 2, "source_id", "no-such-source")
    out = tmp_path / "dist"
    result = run_cli("build", "--root", str(package), "--out", str(out))
    assert result.exit_code == 1
    assert result.output.startswith("Error: the package does not validate (")
    assert "claims:2:source_id" in result.output
    assert not (out / "commitments.duckdb").exists()


def test_database_refuses_what_validation_was_asked_to_skip(package, tmp_path):
    set_cell(package, "units", 2, "dimension", "mass")
    out = tmp_path / "dist"
    result = run_cli("build", "--root", str(package), "--out", str(out), "--skip-validation")
    assert result.exit_code == 1
    assert result.output.startswith("Error: data/units.csv: Constraint Error: CHECK constraint failed")
    assert result.output.rstrip().endswith("The database refused the data; nothing was built.")
    assert list(out.iterdir()) == []  # no staging folder left behind


def test_a_failed_build_leaves_the_previous_one_in_place(package, tmp_path):
    out = tmp_path / "dist"
    assert run_cli("build", "--root", str(package), "--out", str(out)).exit_code == 0
    before = (out / "commitments.duckdb").read_bytes()
    set_cell(package, "commitments", 2, "kind", "wish")
    assert run_cli("build", "--root", str(package), "--out", str(out), "--skip-validation").exit_code == 1
    assert (out / "commitments.duckdb").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [
        "commitments.duckdb",
        "data",
        "datapackage.json",
        "seeds",
    ]


def test_an_output_folder_that_cannot_be_created_is_a_clear_error(package, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "dist"
    result = run_cli("build", "--root", str(package), "--out", str(out), "--skip-validation")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write the build to {out}: ")
    assert "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"
