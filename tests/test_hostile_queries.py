"""Queries cannot take the machine (issue 11, class 4): time, memory and row limits, Ctrl-C, every
value a standard output can hold, and hostile SQL refused by the locked connection.

Runaway statements run in a subprocess with an outer timeout, so a regression fails instead of hanging.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import REPO, run_cli

RUNAWAY = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r"
TIMEOUT_MESSAGE = (
    "Error: the query ran longer than the 2 s timeout and was stopped; give it more time with "
    "--timeout SECONDS (0 for no limit) or make it do less\n"
)


def cli_process(*args: str, timeout: float = 60, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args],
        cwd=options.pop("cwd", REPO),
        capture_output=True,
        text=True,
        timeout=timeout,
        **options,
    )


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity, as a standard JSON reader does."""

    def refuse(name: str):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


# --- time ----------------------------------------------------------------------------------------


def test_runaway_recursive_query_stops_at_the_timeout():
    result = cli_process("sql", RUNAWAY, "--timeout", "2")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", TIMEOUT_MESSAGE)


def test_named_query_has_the_timeout_too(monkeypatch, tmp_path):
    from commitment_tracker.query import named as queries

    (tmp_path / "forever.sql").write_text(
        "-- title: Forever\n-- description: never ends\n-- param: none\n"
        f"-- example: python cli.py query forever\n{RUNAWAY}\n"
    )
    monkeypatch.setattr(queries, "queries_dir", lambda root: tmp_path)
    result = run_cli("query", "forever", "--timeout", "1")
    assert result.exit_code == 1
    expected = TIMEOUT_MESSAGE.replace("Error: ", "Error: query 'forever': ").replace("2 s", "1 s")
    assert result.output == expected


def test_a_stopped_query_leaves_the_output_file_as_it_was(tmp_path):
    out = tmp_path / "result.csv"
    out.write_text("earlier result\n", encoding="utf-8")
    result = cli_process("sql", RUNAWAY, "--timeout", "2", "--format", "csv", "--output", str(out))
    assert (result.returncode, result.stderr) == (1, TIMEOUT_MESSAGE)
    assert out.read_text(encoding="utf-8") == "earlier result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.csv"]  # no temporary file left


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see the query start")
def test_ctrl_c_stops_a_running_query_with_a_clear_message():
    process = subprocess.Popen(
        [sys.executable, str(REPO / "cli.py"), "sql", RUNAWAY, "--timeout", "120"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # DuckDB starts its worker threads when the connection opens, after Ctrl-C is handled by
        # the command; then give the statement a moment to be running.
        deadline = time.monotonic() + 30
        while len(os.listdir(f"/proc/{process.pid}/task")) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(1)
        assert process.poll() is None, "the runaway query ended by itself"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, stdout, stderr) == (
        130,
        "",
        "Error: interrupted (Ctrl-C): the query was stopped\n",
    )


# --- rows and memory -----------------------------------------------------------------------------


def test_a_huge_result_prints_the_first_rows_and_says_how_many_there_are():
    result = run_cli("sql", "SELECT * FROM range(100000000) t(x)")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "x" and lines[-1] == "(1000 rows)" and len(lines) == 1003
    assert result.stderr == (
        "showing the first 1000 of 100000000 rows; use --max-rows N (0 for all) or --output FILE\n"
    )


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "markdown", "table"])
def test_max_rows_bounds_every_format(fmt):
    result = run_cli(
        "sql", "SELECT x, x * 0.5 AS half FROM range(100000000) t(x)", "--format", fmt, "--max-rows", "7"
    )
    assert result.exit_code == 0
    assert result.stderr.startswith("showing the first 7 of 100000000 rows")
    if fmt == "json":
        assert len(strict_json(result.stdout)) == 7
    else:
        header_lines = {"csv": 1, "jsonl": 0, "markdown": 2, "table": 3}[fmt]
        assert len(result.stdout.splitlines()) == 7 + header_lines


def test_output_file_takes_every_row_streamed(tmp_path):
    out = tmp_path / "all.csv"
    result = run_cli("sql", "SELECT x FROM range(250000) t(x)", "--format", "csv", "--output", str(out))
    assert (result.exit_code, result.stderr) == (0, f"wrote {out}\n")
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 250001 and rows[-1] == "249999"
    parquet = tmp_path / "all.parquet"
    result = run_cli("sql", "SELECT x FROM range(250000) t(x)", "--format", "parquet", "-o", str(parquet))
    assert result.exit_code == 0 and pq.read_table(parquet).num_rows == 250000


def test_a_query_needing_more_than_the_memory_limit_is_stopped(tmp_path):
    # Run in an empty folder: DuckDB would spill to .tmp/ there if the connection let it.
    result = cli_process(
        "sql",
        "SELECT x FROM range(30000000) t(x) ORDER BY hash(x)",
        "--memory-limit",
        "100MB",
        "--root",
        str(REPO),
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: the query needs more memory than the memory limit (95.3 MiB) and was stopped; "
        "raise it with --memory-limit (e.g. --memory-limit 4GB) or make the query do less (Out of Memory"
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing spilled to disk


def test_one_huge_value_cannot_take_the_machine():
    # DuckDB's memory_limit does not cover building one list of 10^8 elements (7 GB unchecked);
    # the cap on the process's address space stops it.
    result = cli_process("sql", "SELECT range(100000000) AS l", "--memory-limit", "200MB")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the query needs more memory than the memory limit"), result.stderr


def test_a_large_nested_value_is_refused_before_it_becomes_python_objects():
    result = run_cli("sql", "SELECT range(2000000) AS l", "--format", "json")
    assert result.exit_code == 1
    assert "a value of column l is longer than 1000000 characters as text" in result.output


@pytest.mark.parametrize(
    ("option", "value"), [("--memory-limit", "lots"), ("--memory-limit", "0GB"), ("--timeout", "-1")]
)
def test_bad_limits_are_usage_errors(option, value):
    result = run_cli("sql", "SELECT 1", option, value)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output


# --- every value a standard output can hold ------------------------------------------------------


def test_now_needs_no_pytz_and_is_utc():
    result = run_cli(
        "sql", "SELECT now() AS n, TIMESTAMPTZ '2025-07-01 10:00:00+02' AS t", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (row,) = strict_json(result.stdout)
    assert row["t"] == "2025-07-01T08:00:00+00:00"
    assert dt.datetime.fromisoformat(row["n"]).utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT 'a'::BLOB AS b", [{"b": "61"}]),
        ("SELECT 1 AS a, 2 AS a, 3 AS a", [{"a": 1, "a_2": 2, "a_3": 3}]),
        (
            "SELECT 'nan'::DOUBLE AS x, 'inf'::DOUBLE AS y, '-inf'::FLOAT AS z, [1, 'nan'::DOUBLE] AS l",
            [{"x": None, "y": None, "z": None, "l": [1, None]}],
        ),
        ("SELECT INTERVAL 3 DAY + INTERVAL 2 MONTH AS i", [{"i": "2 months 3 days"}]),
        (
            "SELECT 170141183460469231731687303715884105727::HUGEINT AS h, 1.50::DECIMAL(10,2) AS d",
            [{"h": 170141183460469231731687303715884105727, "d": 1.5}],
        ),
        (
            "SELECT {'a': 1, 'b': [DATE '2025-07-01']} AS s, MAP {'k': 'v'} AS m, "
            "'8a9c7b5e-29f0-4cf5-a9d9-6c1e4a6a2a1f'::UUID AS u, TIME '12:30' AS t",
            [
                {
                    "s": {"a": 1, "b": ["2025-07-01"]},
                    "m": {"k": "v"},
                    "u": "8a9c7b5e-29f0-4cf5-a9d9-6c1e4a6a2a1f",
                    "t": "12:30:00",
                }
            ],
        ),
    ],
)
def test_json_output_is_standard_json(sql, expected):
    result = run_cli("sql", sql, "--format", "json")
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout) == expected
    lines = run_cli("sql", sql, "--format", "jsonl").stdout.splitlines()
    assert [strict_json(line) for line in lines] == expected


def test_duplicate_names_and_blobs_in_the_text_formats():
    result = run_cli("sql", "SELECT 1 AS a, 'a'::BLOB AS a", "--format", "csv")
    assert result.stdout == "a,a_2\n1,61\n"


# Every type DuckDB has, but the empty STRUCT Parquet cannot hold (tested below).
ALL_TYPES = "SELECT * EXCLUDE (empty_struct) FROM test_all_types()"


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl", "markdown"])
def test_every_duckdb_type_in_every_text_format(fmt):
    result = run_cli("sql", ALL_TYPES, "--format", fmt)
    assert result.exit_code == 0, result.output
    columns = len(duckdb.sql(ALL_TYPES).columns)
    if fmt == "json":
        rows = strict_json(result.stdout)
        assert len(rows) == 3 and all(len(r) == columns for r in rows)
    elif fmt == "jsonl":
        assert all(len(strict_json(line)) == columns for line in result.stdout.splitlines())
    elif fmt == "csv":
        assert [len(r) for r in csv.reader(io.StringIO(result.stdout))] == [columns] * 4


def test_every_duckdb_type_in_parquet(tmp_path):
    out = tmp_path / "all.parquet"
    result = run_cli("sql", ALL_TYPES, "--format", "parquet", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).num_rows == 3
    result = run_cli(
        "sql", "SELECT empty_struct FROM test_all_types()", "--format", "parquet", "-o", str(out)
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: the result cannot be written as Parquet: Cannot write struct type"
    )


# --- hostile SQL ---------------------------------------------------------------------------------

HOSTILE = [
    ("SELECT * FROM read_csv('/etc/passwd')", "Error: refused: Permission Error"),
    ("SELECT * FROM read_csv(['/etc/passwd', '{out}/x.csv'])", "Error: refused: Permission Error"),
    ("SELECT * FROM '/etc/passwd'", "Error: Catalog Error"),
    ("SELECT * FROM read_text('/etc/passwd')", "Error: refused: Permission Error"),
    ("SELECT * FROM read_blob('/etc/hostname')", "Error: refused: Permission Error"),
    ("SELECT * FROM glob('/etc/*')", "Error: refused: Permission Error"),
    ("SELECT * FROM read_csv('data/claims.csv')", "Error: refused: Permission Error"),
    ("SELECT * FROM read_json_auto('/etc/os-release')", "Error: refused: Permission Error"),
    ("SELECT * FROM 'https://example.com/x.csv'", "Error: refused: Permission Error"),
    ("SELECT getenv('HOME')", "Error: Catalog Error"),
    ("SELECT * FROM duckdb_secrets()", "Error: refused: Permission Error"),
    ("COPY claims TO '{out}/leak.csv'", "Error: COPY is refused"),
    ("COPY (SELECT 1) TO '{out}/leak.parquet' (FORMAT parquet)", "Error: COPY is refused"),
    ("EXPORT DATABASE '{out}/export'", "Error: EXPORT is refused"),
    ("ATTACH '{out}/x.duckdb' AS x", "Error: ATTACH is refused"),
    ("INSTALL httpfs", "Error: INSTALL is refused"),
    ("LOAD httpfs", "Error: LOAD is refused"),
    ("SET enable_external_access = true", "Error: SET is refused"),
    ("SET memory_limit = '100GB'", "Error: SET is refused"),
    ("RESET lock_configuration", "Error: RESET is refused"),
    ("PRAGMA enable_profiling", "Error: PRAGMA is refused"),
    ("CALL pragma_version()", "Error: CALL is refused"),
    ("CREATE TEMP TABLE t AS SELECT 1", "Error: CREATE is refused"),
    ("SELECT * FROM query('COPY claims TO ''{out}/q.csv''')", "Error: Parser Error"),
    ("SELECT * FROM sqlite_scan('{out}/x.db', 't')", "Error: refused: Catalog Error"),
    ("SELECT * FROM read_xlsx('{out}/x.xlsx')", "Error: refused: Catalog Error"),
]


@pytest.mark.parametrize(("sql", "message"), HOSTILE)
def test_hostile_statement_is_refused_and_touches_nothing(tmp_path, sql, message):
    outside = tmp_path / "outside"
    outside.mkdir()
    result = run_cli("sql", sql.format(out=outside))
    assert result.exit_code == 1
    assert result.output.startswith(message), result.output
    assert "root:" not in result.output  # nothing of /etc/passwd
    assert list(outside.iterdir()) == []


def test_a_planted_extension_is_never_loaded(tmp_path):
    # DuckDB looks for extensions in ~/.duckdb/extensions; a file planted there must not be loaded.
    platform = duckdb.sql("PRAGMA platform").fetchall()[0][0]
    folder = tmp_path / ".duckdb" / "extensions" / f"v{duckdb.__version__}" / platform
    folder.mkdir(parents=True)
    planted = folder / "sqlite_scanner.duckdb_extension"
    planted.write_bytes(b"not an extension")
    result = cli_process(
        "sql", "SELECT * FROM sqlite_scan('x.db', 't')", env={**os.environ, "HOME": str(tmp_path)}
    )
    assert result.returncode == 1
    assert result.stderr.startswith('Error: refused: Catalog Error: Table Function with name "sqlite_scan"')
    assert "Extensions are neither installed nor loaded on the query connection" in result.stderr
    assert planted.read_bytes() == b"not an extension"
