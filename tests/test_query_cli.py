"""`query`, `queries` and `sql`: clear errors, read-only by construction, output formats, light imports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from conftest import REPO, run_cli, set_cell

from commitment_tracker.query import named as queries


def test_queries_lists_every_named_query_with_its_title():
    result = run_cli("queries")
    assert result.exit_code == 0
    for name, q in queries.discover().items():
        assert f"{name}: {q.title}" in result.output


# --- errors a user can make ----------------------------------------------------------------------


def test_unknown_query_suggests_the_closest_name():
    result = run_cli("query", "due-bye")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: no query named 'due-bye' (did you mean 'due-by'?). Named queries: "
    )
    assert "evidence-trail" in result.output


def test_unknown_parameter_lists_valid_ones():
    result = run_cli("query", "due-by", "--param", "yeer=2030")
    assert result.exit_code == 1
    assert result.output == (
        "Error: query 'due-by' has no parameter 'yeer' (did you mean 'year'?). "
        "Valid parameters: year INTEGER = 2030 (last deadline year included).\n"
    )


def test_missing_parameter_says_which_and_how():
    result = run_cli("query", "evidence-trail")
    assert result.exit_code == 1
    assert result.output == (
        "Error: query 'evidence-trail' needs --param commitment=VALUE "
        "(VARCHAR: commitment_id, e.g. digital-jobs-2030 (see the commitments table)).\n"
    )


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("year=soon", "Error: parameter 'year' must be INTEGER (a whole number like 2030), not 'soon'\n"),
        ("year=", "Error: parameter 'year' must be INTEGER (a whole number like 2030), not ''\n"),
    ],
)
def test_wrong_type_is_refused_before_running(param, message):
    result = run_cli("query", "due-by", "--param", param)
    assert (result.exit_code, result.output) == (1, message)


def test_wrong_date_is_refused():
    result = run_cli("query", "status-as-of", "--param", "as_of=2025-13-01")
    assert result.exit_code == 1
    assert (
        result.output == "Error: parameter 'as_of' must be DATE (a date like 2025-07-01), not '2025-13-01'\n"
    )


def test_param_without_equals_sign():
    result = run_cli("query", "due-by", "--param", "year")
    assert (result.exit_code, result.output) == (
        1,
        "Error: --param 'year' must look like NAME=VALUE, e.g. --param year=2030\n",
    )


def test_parameter_values_are_bound_not_spliced():
    # A value that would break out of a quoted SQL string is just text to search for.
    result = run_cli("query", "search-quotes", "--param", "text=x') OR 1=1 --", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_broken_package_is_a_clear_error(package):
    set_cell(package, "commitments", 2, "deadline_year", "soon")
    result = run_cli("query", "due-by", "--root", str(package))
    assert result.exit_code == 1
    assert result.output.startswith("Error: data/commitments.csv: ")
    assert "run `commitments validate`" in result.output


# --- read-only by construction -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "COPY claims TO '{tmp}/leak.csv'",
            "Error: COPY is refused: queries are read-only (one SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE or "
            "EXPLAIN statement); they cannot write or read files, attach databases, install extensions, "
            "change settings or modify tables.\n",
        ),
        ("ATTACH '{tmp}/other.duckdb' AS other", "Error: ATTACH is refused: queries are read-only"),
        ("INSTALL httpfs", "Error: INSTALL is refused: queries are read-only"),
        ("SET enable_external_access = true", "Error: SET is refused: queries are read-only"),
        ("DROP TABLE claims", "Error: DROP is refused: queries are read-only"),
        ("SELECT 1; COPY claims TO '{tmp}/leak.csv'", "Error: send exactly one SQL statement, not 2\n"),
    ],
)
def test_sql_refuses_statements_that_are_not_reads(tmp_path, sql, message):
    result = run_cli("sql", sql.format(tmp=tmp_path))
    assert result.exit_code == 1
    assert result.output.startswith(message), result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM read_parquet('{tmp}/x.parquet')",
    ],
)
def test_reads_of_files_inside_a_select_are_refused_by_the_locked_connection(tmp_path, sql):
    result = run_cli("sql", sql.format(tmp=tmp_path))
    assert result.exit_code == 1
    assert result.output.startswith("Error: refused: Permission Error: "), result.output
    assert "file access, ATTACH, INSTALL and settings are locked" in result.output


def test_named_query_runs_on_the_locked_connection_too(monkeypatch, tmp_path):
    # A named query file that tried to read a file would be refused the same way.
    (tmp_path / "sneaky.sql").write_text(
        "-- title: Sneaky\n-- description: reads a file it should not\n-- param: none\n"
        "-- example: python cli.py query sneaky\nSELECT * FROM read_csv('/etc/passwd')\n"
    )
    monkeypatch.setattr(queries, "queries_dir", lambda root: tmp_path)
    result = run_cli("query", "sneaky")
    assert result.exit_code == 1
    assert result.output.startswith("Error: query 'sneaky': refused: Permission Error:")


def test_sql_errors_come_back_with_duckdb_suggestion():
    result = run_cli("sql", "SELECT * FROM claimz")
    assert result.exit_code == 1
    assert 'Did you mean "claims"?' in result.output


def test_sql_reads_the_tables():
    result = run_cli("sql", "SELECT count(*) AS n FROM commitments", "--format", "csv")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "n"
    assert int(result.output.splitlines()[1]) >= 1


# --- output formats ------------------------------------------------------------------------------


def test_formats_agree(tmp_path):
    base = ["query", "evidence-trail", "--param", "commitment=digital-jobs-2030"]
    as_json = json.loads(run_cli(*base, "--format", "json").output)
    as_jsonl = [json.loads(line) for line in run_cli(*base, "--format", "jsonl").output.splitlines()]
    as_csv = list(csv.DictReader(io.StringIO(run_cli(*base, "--format", "csv").output)))
    markdown = run_cli(*base, "--format", "markdown").output.splitlines()
    table = run_cli(*base, "--format", "table", "--width", "0").output.splitlines()
    assert as_json == as_jsonl and len(as_json) == len(as_csv) >= 2
    assert [r["claim_id"] for r in as_json] == [r["claim_id"] for r in as_csv]
    assert {r["value"] for r in as_csv} == {"240000", "40000"}  # no trailing .0 in text formats
    assert markdown[0].startswith("| claim_id | quote |") and len(markdown) == len(as_json) + 2
    assert table[-1] == f"({len(as_json)} rows)"
    assert any(as_json[0]["quote"] in line for line in table)

    out = tmp_path / "trail.parquet"
    result = run_cli(*base, "--format", "parquet", "--output", str(out))
    assert result.exit_code == 0
    parquet = pq.read_table(out)
    assert parquet.num_rows == len(as_json)
    assert str(parquet.schema.field("published_on").type) == "date32[day]"
    assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression == "ZSTD"


def test_output_file_and_parquet_needs_one(tmp_path):
    out = tmp_path / "due.csv"
    assert run_cli("query", "due-by", "--format", "csv", "--output", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("commitment_id,")
    result = run_cli("query", "due-by", "--format", "parquet")
    assert result.exit_code == 2
    assert "--format parquet writes a binary file: add --output FILE.parquet" in result.output


# --- the query path stays light ------------------------------------------------------------------


@pytest.mark.subprocess
def test_query_command_imports_neither_frictionless_nor_great_expectations():
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "cli.py", "query", "due-by", "--format", "csv"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("commitment_id,")
    imported = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert "duckdb" in imported  # the measurement itself works
    assert not imported & {"frictionless", "great_expectations"}, sorted(imported)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_unwritable_output_is_a_clear_error(tmp_path, fmt):
    target = tmp_path / "missing-folder" / f"out.{fmt}"
    result = run_cli("query", "due-by", "--format", fmt, "--output", str(target))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write {target}: ")
