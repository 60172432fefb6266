"""The DuckDB row checks agree with Frictionless's own row-by-row judgement.

The row breakages that test_broken_packages.py makes inline and a few the corpus lacks (blank row,
composite foreign key, type errors in integers and numbers) are validated twice on the same copy:
once with ``frictionless_rows=True`` (Frictionless reads every row, as ``frictionless validate``
does) and once with the default path (Frictionless reads headers only, DuckDB the rows). The
structure layer's problems must be the same set of (rule, resource, row, column) either way.
Every case of the broken-package corpus gets the same comparison in test_broken_corpus.py, against
the problems of the corpus test's own (default-path) run.

Only the structure layer runs: the content and provenance layers do not depend on the engine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from conftest import read_rows, run_cli, set_cell, write_rows

from commitment_tracker.validation import structure
from commitment_tracker.validation.report import Problem
from commitment_tracker.validation.validate import validate

# The engines differ on purpose here: Frictionless stops at a resource whose referenced table is
# unreadable ("not-validated", nothing else); the DuckDB path still checks its rows and says which
# foreign keys it could not check. Both report the unreadable file itself identically.
ENGINE_SPECIFIC = {"not-validated"}


def _duplicate_first_row(root: Path, resource: str) -> None:
    header, rows = read_rows(root, resource)
    rows.insert(1, list(rows[0]))
    write_rows(root, resource, header, rows)


def _blank_row(root: Path) -> None:
    path = root / "data" / "sectors.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(2, ",,")
    path.write_text("\n".join(lines), encoding="utf-8")


def _repeated_name(root: Path) -> None:
    header, rows = read_rows(root, "sectors")
    set_cell(root, "sectors", 3, "name_en", rows[0][header.index("name_en")])


def _composite_fk(root: Path) -> None:
    set_cell(root, "discrepancy_aliases", 2, "alias", "Nobody By This Name")


ROW_BREAKAGES: dict[str, Callable[[Path], None]] = {
    "unknown-foreign-key": lambda r: set_cell(r, "claims", 2, "speaker_actor_id", "no-such-actor"),
    "unknown-self-reference": lambda r: set_cell(r, "commitments", 2, "parent_commitment_id", "nope"),
    "unknown-composite-foreign-key": _composite_fk,
    "duplicate-id": lambda r: _duplicate_first_row(r, "commitments"),
    "repeated-unique-value": _repeated_name,
    "bad-enum": lambda r: set_cell(r, "commitments", 2, "kind", "budgett"),
    "bad-date": lambda r: set_cell(r, "commitments", 2, "announced_on", "2025-24-10"),
    "unpadded-date": lambda r: set_cell(r, "commitments", 2, "announced_on", "2025-7-1"),
    "bad-integer": lambda r: set_cell(r, "claims", 2, "quote_start", "12.5"),
    "bad-number": lambda r: set_cell(r, "claims", 2, "value", "1,000"),
    "number-with-exponent": lambda r: set_cell(r, "claims", 2, "value", "-1e3"),
    "id-with-final-newline": lambda r: set_cell(r, "sectors", 2, "sector_id", "energie\n"),
    # Values Python's readers take but the package's canonical forms refuse (csvio.CANONICAL_FORMS):
    # Frictionless judges them through structure.canonical_readers, DuckDB through its own SQL.
    "nan-number": lambda r: set_cell(r, "claims", 21, "value", "NaN"),
    "infinite-number": lambda r: set_cell(r, "claims", 21, "value", "-Infinity"),
    "number-with-underscore": lambda r: set_cell(r, "claims", 21, "value", "1_03"),
    "number-with-space": lambda r: set_cell(r, "claims", 21, "value", " 103"),
    "number-overflowing": lambda r: set_cell(r, "claims", 21, "value", "1e400"),
    "integer-with-underscore": lambda r: set_cell(r, "claims", 2, "quote_start", "1_0"),
    "date-year-zero": lambda r: set_cell(r, "sources", 3, "published_on", "0000-07-01"),
    "date-negative-year": lambda r: set_cell(r, "sources", 3, "published_on", "-001-01-01"),
    "date-not-in-calendar": lambda r: set_cell(r, "sources", 3, "published_on", "2025-02-30"),
    "date-before-range": lambda r: set_cell(r, "status_updates", 2, "as_of", "1899-12-31"),
    # Text no key reads (quotes, languages, kinds) is judged while the typed table is built and
    # never stored: its problems must still show the text as written (read back from the view).
    "quote-too-long": lambda r: set_cell(r, "claims", 3, "quote", "x" * 1501),
    "quote-blank": lambda r: set_cell(r, "claims", 4, "quote", ""),
    "language-not-two-letters": lambda r: set_cell(r, "sources", 2, "language", "fra"),
    "language-with-final-newline": lambda r: set_cell(r, "sources", 3, "language", "fr\n"),
    "blank-row": _blank_row,
    "missing-file": lambda r: (r / "data" / "units.csv").unlink(),
    "crlf": lambda r: (r / "data" / "actors.csv").write_bytes(
        (r / "data" / "actors.csv").read_bytes().replace(b"\n", b"\r\n")
    ),
}


# Rules the DuckDB row check must report for each breakage (it may report more): together they are
# every rule it emits (test_every_row_rule_is_exercised). Some breakages are accepted by both
# engines (an unpadded date) or caught only by the file checks (CRLF, a missing file).
ROW_RULES: dict[str, set[str]] = {
    "unknown-foreign-key": {"foreign-key"},
    "unknown-self-reference": {"foreign-key"},
    "unknown-composite-foreign-key": {"foreign-key"},
    "duplicate-id": {"primary-key"},
    "repeated-unique-value": {"unique-error"},
    "bad-enum": {"constraint-error"},
    "bad-date": {"type-error"},
    "unpadded-date": set(),
    "bad-integer": {"type-error"},
    "bad-number": {"type-error"},
    "number-with-exponent": {"type-error"},  # one canonical spelling: no exponent
    "id-with-final-newline": {"foreign-key"},
    "nan-number": {"type-error"},
    "infinite-number": {"type-error"},
    "number-with-underscore": {"type-error"},
    "number-with-space": {"type-error"},
    "number-overflowing": {"type-error"},
    "integer-with-underscore": {"type-error"},
    "date-year-zero": {"type-error"},
    "date-negative-year": {"type-error"},
    "date-not-in-calendar": {"type-error"},
    "date-before-range": {"constraint-error"},
    "quote-too-long": {"constraint-error"},
    "quote-blank": {"constraint-error"},
    "language-not-two-letters": {"constraint-error"},
    "language-with-final-newline": set(),  # Python's $ matches before a final newline
    "blank-row": {"blank-row"},
    "missing-file": set(),
    "crlf": set(),
}


def row_problems(problems: Iterable[Problem]) -> set[tuple]:
    """The (rule, resource, row, column) of the problems either engine reports on rows."""
    return {
        (p.rule, p.resource, p.row, p.column)
        for p in problems
        if p.layer == "structure" and p.check in ("frictionless", "rows") and p.rule not in ENGINE_SPECIFIC
    }


def structure_problems(root: Path, frictionless_rows: bool) -> set[tuple]:
    report = validate(
        root,
        layers=(("structure", structure.run),),
        frictionless_rows=frictionless_rows,
    )
    return row_problems(report.problems)


def _assert_agree(root: Path) -> set[tuple]:
    by_frictionless = structure_problems(root, frictionless_rows=True)
    by_duckdb = structure_problems(root, frictionless_rows=False)
    assert by_duckdb == by_frictionless, (
        f"only frictionless: {sorted(by_frictionless - by_duckdb, key=str)}\n"
        f"only duckdb: {sorted(by_duckdb - by_frictionless, key=str)}"
    )
    return by_duckdb


@pytest.mark.parametrize("name", sorted(ROW_BREAKAGES))
def test_row_breakage_judged_alike(package, name):
    # Some are caught only by the file checks (CRLF, a missing file); test_every_row_rule_is_exercised
    # shows the set reaches every row rule.
    ROW_BREAKAGES[name](package)
    by_duckdb = _assert_agree(package)
    reported = {p[0] for p in by_duckdb}
    assert ROW_RULES[name] <= reported, (ROW_RULES[name] - reported, sorted(by_duckdb, key=str))


TEXT_NO_KEY_READS = ("quote-too-long", "quote-blank", "language-not-two-letters", "bad-enum")


@pytest.mark.parametrize("name", TEXT_NO_KEY_READS)
def test_problems_in_text_no_key_reads_show_the_value_and_note_frictionless_shows(package, name):
    ROW_BREAKAGES[name](package)

    def shown(frictionless_rows: bool) -> set[tuple]:
        layers = (("structure", structure.run),)
        report = validate(package, layers=layers, frictionless_rows=frictionless_rows)
        # An empty cell is read as no value by DuckDB's engine and as "" by Frictionless's.
        return {
            (p.rule, p.resource, p.row, p.column, p.value or "", p.message)
            for p in report.problems
            if p.check in ("frictionless", "rows") and p.rule == "constraint-error"
        }

    by_duckdb = shown(frictionless_rows=False)
    assert by_duckdb and by_duckdb == shown(frictionless_rows=True)


def test_every_row_rule_is_exercised():
    """The breakages above reach every rule the DuckDB row check emits (each breakage's share is
    asserted on its own run in test_row_breakage_judged_alike)."""
    assert set(ROW_RULES) == set(ROW_BREAKAGES)
    seen = set().union(*ROW_RULES.values())
    rules = {"type-error", "constraint-error", "unique-error", "primary-key", "foreign-key", "blank-row"}
    assert rules <= seen, rules - seen


def test_cli_frictionless_rows_option(package):
    # The same breakage without the option (checks "frictionless" and "rows") is asserted on the one
    # run of test_broken_packages.py::test_unknown_foreign_key.
    set_cell(package, "claims", 2, "speaker_actor_id", "no-such-actor")
    result = run_cli("validate", "--root", str(package), "--format", "json", "--frictionless-rows")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    structure_checks = {c["check"] for c in report["checks"] if c["layer"] == "structure"}
    assert structure_checks & {"frictionless", "rows"} == {"frictionless"}
    fk = [p for p in report["problems"] if p["rule"] == "foreign-key"]
    assert [(p["resource"], p["row"], p["column"], p["value"]) for p in fk] == [
        ("claims", 2, "speaker_actor_id", "no-such-actor")
    ]
