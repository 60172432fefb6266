"""The helpers several commands share: one SQL header grammar, one DuckDB lock, one staged write.

Each is asserted through what a user sees: a rule file and a query file read by the same rules,
a rule connection as closed as a query connection, and an output left whole when a write fails.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from commitment_tracker.query import named
from commitment_tracker.staging import staged_file, staged_folder
from commitment_tracker.validation import rules

RULE_BODY = "SELECT 'units' AS resource, 2 AS row_number, 'unit_id' AS column_name FROM units WHERE false\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- one header grammar --------------------------------------------------------------------------


def test_a_rule_header_continues_on_indented_lines_and_the_sql_follows(tmp_path):
    path = write(
        tmp_path / "unit-rule.sql",
        "-- title: A unit rule\n-- why: first half,\n--   second half.\n--\n-- checks: units\n" + RULE_BODY,
    )
    rule = rules.parse_rule(path)
    assert (rule.title, rule.why, rule.checks) == ("A unit rule", "first half, second half.", "units")
    assert rule.sql == RULE_BODY.strip()


@pytest.mark.parametrize(
    ("name", "header", "read", "error", "keys"),
    [
        ("r.sql", "-- title: T\n-- why: W\n", rules.parse_rule, rules.RuleError, "title:, why:, checks:"),
        ("q.sql", "-- title: Q\n-- description: D\n", named.read_query, named.QueryDefinitionError,
         "title:, description:, param:, example:"),
    ],
)  # fmt: skip
def test_a_stray_header_line_is_refused_in_rules_and_queries_alike(tmp_path, name, header, read, error, keys):
    # In a rule it used to be read as a continuation, silently part of the `why` users are shown.
    path = write(tmp_path / name, header + "-- note: an aside\n" + RULE_BODY)
    with pytest.raises(error) as caught:
        read(path)
    assert str(caught.value) == (
        f"{name}:3: header line '-- note: an aside' is not one of {keys} nor an indented continuation"
    )


# --- one lock --------------------------------------------------------------------------------------


def test_the_rules_connection_is_hardened_and_locked_like_a_query_connection(tmp_path):
    con = rules.connect({"units": pl.DataFrame({"unit_id": ["mad"]})})
    try:
        settings = con.execute(
            "SELECT current_setting('temp_directory'), current_setting('autoload_known_extensions'), "
            "current_setting('autoinstall_known_extensions')"
        ).fetchone()
        assert settings == ("", False, False)
        assert con.execute("SELECT unit_id, _row FROM units").fetchall() == [("mad", 2)]
        outside = write(tmp_path / "outside.csv", "a\n1\n")
        with pytest.raises(duckdb.Error, match="disabled by configuration"):
            con.execute(f"SELECT * FROM read_csv('{outside}')")
        with pytest.raises(duckdb.Error, match="configuration has been locked"):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()


# --- one staged write ------------------------------------------------------------------------------


def test_a_failed_file_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write(tmp_path / "out.csv", "old\n")
    with pytest.raises(RuntimeError), staged_file(target) as temp:
        temp.write_text("half", encoding="utf-8")
        raise RuntimeError("stopped half-way")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    with staged_file(target) as temp:
        temp.write_text("new\n", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_whole_folder_is_replaced_only_when_complete(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    write(out / "old.html", "old")
    with pytest.raises(RuntimeError), staged_folder(out, whole=True) as temp:
        write(temp / "new.html", "new")
        raise RuntimeError("stopped half-way")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert sorted(p.name for p in out.iterdir()) == ["old.html"]
    with staged_folder(out, whole=True) as temp:
        write(temp / "new.html", "new")
    assert sorted(p.name for p in out.iterdir()) == ["new.html"]
    assert out.stat().st_mode & 0o777 == 0o755


def test_a_merged_folder_replaces_its_entries_and_keeps_the_others(tmp_path):
    out = tmp_path / "build"
    (out / "data").mkdir(parents=True)
    write(out / "data" / "stale.parquet", "stale")
    write(out / "keep.txt", "a user's file")
    with pytest.raises(RuntimeError), staged_folder(out, whole=False) as temp:
        (temp / "data").mkdir()
        raise RuntimeError("stopped half-way")
    assert sorted(p.name for p in out.iterdir()) == ["data", "keep.txt"]
    assert (out / "data" / "stale.parquet").exists()
    with staged_folder(out, whole=False) as temp:
        (temp / "data").mkdir()
        write(temp / "data" / "fresh.parquet", "fresh")
    assert sorted(p.name for p in out.iterdir()) == ["data", "keep.txt"]
    assert sorted(p.name for p in (out / "data").iterdir()) == ["fresh.parquet"]
