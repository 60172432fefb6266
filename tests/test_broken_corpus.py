"""The corpus of broken packages: each case breaks one thing in a copy of the real package.

Every case states the exact set of problems the validator must report, as (layer, rule, location)
with location ``resource:row:column``, and each is checked through the command line: exit code 1,
no traceback, and nothing reported beyond what the case expects (a rule that fires where it should
not is as much a bug as one that stays silent). Together with test_broken_packages.py this covers
every rule of the three layers and every constraint type of the Table Schema.

The same run's structure problems (the DuckDB row checks) must equal Frictionless's own
row-by-row judgement of the same copy (see test_rowchecks_agree.py).

Rows are found by key, never hard-coded, so the cases survive additions to the data.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, edit, read_rows, run_cli, set_cell, write_rows
from test_rowchecks_agree import row_problems, structure_problems

from commitment_tracker.datapackage import schema
from commitment_tracker.validation import suites
from commitment_tracker.validation.report import Problem

PINNED_TODAY = "2026-11-24"
Expected = set[tuple[str, str, str]]
CASES: dict[str, Callable[[Path], Expected]] = {}


def case(func: Callable[[Path], Expected]) -> Callable[[Path], Expected]:
    CASES[func.__name__.replace("_", "-")] = func
    return func


def row_of(root: Path, resource: str, column: str, value: str) -> int:
    """Report row number (header = 1) of the first record whose ``column`` is ``value``."""
    header, rows = read_rows(root, resource)
    index = header.index(column)
    for n, record in enumerate(rows, start=2):
        if record[index] == value:
            return n
    raise AssertionError(f"{resource} has no {column}={value!r}")


def delete(root: Path, resource: str, key: dict[str, str]) -> None:
    header, rows = read_rows(root, resource)
    kept = [r for r in rows if not all(r[header.index(k)] == v for k, v in key.items())]
    assert len(kept) == len(rows) - 1, f"{resource} has no single row {key}"
    write_rows(root, resource, header, kept)


def insert(root: Path, resource: str, record: dict[str, str]) -> int:
    """Add a record in primary-key order (the first column here); returns its row number."""
    header, rows = read_rows(root, resource)
    new = [record.get(c, "") for c in header]
    rows.append(new)
    rows.sort(key=lambda r: r)
    write_rows(root, resource, header, rows)
    return rows.index(new) + 2


def descriptor_edit(root: Path, change: Callable[[dict], None]) -> None:
    path = root / "datapackage.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def field_of(data: dict, resource: str, name: str) -> dict:
    res = next(r for r in data["resources"] if r["name"] == resource)
    return next(f for f in res["schema"]["fields"] if f["name"] == name)


# --- structure: files and Table Schema -----------------------------------------------------------


@case
def extra_column(root):
    header, rows = read_rows(root, "sectors")
    write_rows(root, "sectors", [*header, "comment"], [[*r, ""] for r in rows])
    return {("structure", "extra-label", "sectors:1:comment")}


@case
def missing_column(root):
    header, rows = read_rows(root, "sectors")
    write_rows(root, "sectors", header[:-1], [r[:-1] for r in rows])
    return {("structure", "missing-label", "sectors:1:name_en")}


@case
def renamed_column(root):
    header, rows = read_rows(root, "units")
    header[header.index("label")] = "name"
    write_rows(root, "units", header, rows)
    return {("structure", "incorrect-label", "units:1:label")}


@case
def required_value_missing(root):
    row = edit(root, "sectors", {"sector_id": "energie"}, name_en="")
    return {
        ("structure", "constraint-error", f"sectors:{row}:name_en"),
    }


@case
def unique_value_repeated(root):
    header, rows = read_rows(root, "sectors")
    first = rows[0][header.index("name_en")]
    row = edit(root, "sectors", {"sector_id": rows[1][0]}, name_en=first)
    return {
        ("structure", "unique-error", f"sectors:{row}:name_en"),
    }


@case
def pattern_mismatch(root):
    row = edit(root, "actors", {"actor_id": "dgsn"}, country="Ma")
    return {
        ("structure", "constraint-error", f"actors:{row}:country"),
    }


@case
def enum_typo_in_units(root):
    row = edit(root, "units", {"unit_id": "w"}, dimension="powr")
    return {
        ("structure", "constraint-error", f"units:{row}:dimension"),
    }


@case
def negative_amount(root):
    row = edit(
        root, "commitments", {"commitment_id": "maroc-digital-2030-budget"}, target_value="-11000000000"
    )
    return {
        ("structure", "constraint-error", f"commitments:{row}:target_value"),
        ("content", "figure-quoted", f"commitments:{row}:target_value"),
    }


@case
def deadline_above_maximum(root):
    row = edit(root, "commitments", {"commitment_id": "world-cup-2030-ai-testbed"}, deadline_year="2300")
    return {
        ("structure", "constraint-error", f"commitments:{row}:deadline_year"),
    }


@case
def quote_longer_than_max_length(root):
    row = edit(root, "claims", {"claim_id": "c000-dco"}, quote="x" * 1501)
    return {
        ("structure", "constraint-error", f"claims:{row}:quote"),
        ("provenance", "quote-offsets", f"claims:{row}:quote"),
    }


@case
def compound_primary_key_repeated(root):
    header, rows = read_rows(root, "commitment_parties")
    rows.insert(1, list(rows[0]))
    write_rows(root, "commitment_parties", header, rows)
    return {
        ("structure", "primary-key", "commitment_parties:3"),  # frictionless names no column
    }


# --- content: hand-written expectations ----------------------------------------------------------


@case
def end_before_start(root):
    row = edit(root, "events", {"event_id": "assises-ia-2025"}, end_date="2025-06-30")
    return {("content", "end-not-before-start", f"events:{row}:end_date, start_date")}


@case
def target_without_unit(root):
    row = edit(root, "commitments", {"commitment_id": "digital-talents-2030"}, unit_id="")
    # The target is no longer stated in a unit any claim states it in.
    return {
        ("content", "target-has-unit", f"commitments:{row}:unit_id"),
        ("content", "figure-quoted", f"commitments:{row}:target_value"),
    }


@case
def target_qualifier_without_value(root):
    row = edit(root, "commitments", {"commitment_id": "accord-dco"}, target_qualifier="about")
    return {("content", "qualifier-needs-value", f"commitments:{row}:target_qualifier")}


@case
def numeric_claim_without_unit(root):
    row = edit(root, "claims", {"claim_id": "c001-internet-penetration"}, unit_id="")
    return {
        ("content", "value-has-unit", f"claims:{row}:unit_id"),
        (
            "content",
            "figure-quoted",
            f"indicators:{row_of(root, 'indicators', 'indicator_id', 'internet-penetration-rate')}:value",
        ),
    }


@case
def claim_unit_without_value(root):
    row = edit(root, "claims", {"claim_id": "c000-dco"}, unit_id="count")
    return {("content", "unit-needs-value", f"claims:{row}:unit_id")}


@case
def claim_qualifier_without_value(root):
    row = edit(root, "claims", {"claim_id": "c000-dco"}, qualifier="about")
    return {("content", "qualifier-needs-value", f"claims:{row}:qualifier")}


@case
def id_not_a_clean_slug(root):
    # The schema's id pattern is the one rule for ids (a trailing '-' is not a slug).
    row = edit(root, "claims", {"claim_id": "c001-no-copy"}, claim_id="c001-no-copy-")
    return {("structure", "constraint-error", f"claims:{row}:claim_id")}


@case
def alias_with_trailing_space(root):
    row = edit(root, "actor_aliases", {"alias": "Akhannouch"}, alias="Akhannouch ")
    return {
        ("content", "trimmed", f"actor_aliases:{row}:alias"),
        ("provenance", "quote-offsets", f"actor_aliases:{row}:alias"),
    }


@case
def quote_spanning_two_paragraphs(root):
    row = row_of(root, "claims", "claim_id", "c000-dco")
    set_cell(root, "claims", row, "quote", lambda q: q.replace(" insiste", "\n\ninsiste", 1))
    return {
        ("content", "quote-one-paragraph", f"claims:{row}:quote"),
        ("provenance", "quote-offsets", f"claims:{row}:quote"),
    }


@case
def quote_of_blanks(root):
    row = edit(root, "claims", {"claim_id": "c000-dco"}, quote="   ")
    return {
        ("content", "quote-not-blank", f"claims:{row}:quote"),
        ("content", "trimmed", f"claims:{row}:quote"),
        ("provenance", "quote-offsets", f"claims:{row}:quote"),
    }


@case
def quote_offsets_reversed(root):
    header, rows = read_rows(root, "claims")
    row = row_of(root, "claims", "claim_id", "c000-dco")
    record = rows[row - 2]
    s, e = header.index("quote_start"), header.index("quote_end")
    record[s], record[e] = record[e], record[s]
    write_rows(root, "claims", header, rows)
    return {
        ("content", "offsets-ordered", f"claims:{row}:quote_end, quote_start"),
        ("provenance", "quote-offsets", f"claims:{row}:quote"),
    }


@case
def unit_label_without_symbol(root):
    row = edit(root, "units", {"unit_id": "count"}, label="nombre")
    return {("content", "unit-symbol", f"units:{row}:label")}


@case
def source_url_not_http(root):
    row = edit(root, "sources", {"source_id": "seed-001-hespress-souverainete"}, url="www.hespress.com")
    return {
        ("structure", "type-error", f"sources:{row}:url"),  # format: uri in the schema
        ("content", "url-http", f"sources:{row}:url"),
    }


@case
def future_status_date(root):
    row = edit(root, "status_updates", {"commitment_id": "ai-law"}, as_of="2099-01-01")
    return {("content", "not-in-future", f"status_updates:{row}:as_of")}


@case
def future_publication_date(root):
    row = edit(root, "sources", {"source_id": "seed-001-hespress-souverainete"}, published_on="2027-01-01")
    return {("content", "not-in-future", f"sources:{row}:published_on")}


@case
def future_announcement(root):
    row = edit(root, "commitments", {"commitment_id": "ai-law"}, announced_on="2027-01-01")
    status_row = row_of(root, "status_updates", "commitment_id", "ai-law")
    return {
        ("content", "not-in-future", f"commitments:{row}:announced_on"),
        ("content", "status-not-before-announcement", f"status_updates:{status_row}:as_of"),
    }


# --- content: cross-resource SQL rules -----------------------------------------------------------


@case
def parent_commitment_is_itself(root):
    row = edit(
        root,
        "commitments",
        {"commitment_id": "programme-we-elevate"},
        parent_commitment_id="programme-we-elevate",
    )
    return {("content", "parent-commitment-no-cycle", f"commitments:{row}:parent_commitment_id")}


@case
def parent_commitments_in_a_loop(root):
    a = edit(
        root, "commitments", {"commitment_id": "maroc-digital-2030"}, parent_commitment_id="digital-jobs-2030"
    )
    b = row_of(root, "commitments", "commitment_id", "digital-jobs-2030")
    return {
        ("content", "parent-commitment-no-cycle", f"commitments:{a}:parent_commitment_id"),
        ("content", "parent-commitment-no-cycle", f"commitments:{b}:parent_commitment_id"),
    }


@case
def commitment_without_claim_or_status(root):
    row = insert(
        root,
        "commitments",
        {
            "commitment_id": "zz-unsourced-policy",
            "title_fr": "Politique sans source",
            "title_en": "Policy without a source",
            "kind": "policy",
            "sector_id": "gouvernance",
        },
    )
    return {
        ("content", "commitment-has-claim", f"commitments:{row}:commitment_id"),
        ("content", "commitment-has-status", f"commitments:{row}:commitment_id"),
    }


@case
def commitment_without_status(root):
    delete(root, "status_updates", {"commitment_id": "ai-law"})
    return {
        (
            "content",
            "commitment-has-status",
            f"commitments:{row_of(root, 'commitments', 'commitment_id', 'ai-law')}:commitment_id",
        )
    }


@case
def claim_with_two_subjects(root):
    row = edit(root, "claims", {"claim_id": "c000-dco"}, indicator_id="pupils")
    return {("content", "claim-one-subject", f"claims:{row}:commitment_id, indicator_id, event_id")}


@case
def claim_without_subject(root):
    # Its commitment keeps another claim, so only this rule fires.
    row = edit(root, "claims", {"claim_id": "c000-mou-employment-axes"}, commitment_id="")
    return {("content", "claim-one-subject", f"claims:{row}:commitment_id, indicator_id, event_id")}


@case
def claim_unit_of_another_dimension(root):
    row = edit(root, "claims", {"claim_id": "c001-jobs-240000"}, unit_id="mad")
    return {("content", "claim-unit-dimension", f"claims:{row}:unit_id")}


@case
def conflicting_claims_without_discrepancy(root):
    row = edit(root, "claims", {"claim_id": "c002-strategy-talents"}, value="120000")
    # The quote states 100.000, so its stated form is no longer the value (reported once, by the
    # rule that reads the figure where the quote writes it).
    return {
        ("content", "conflicting-claims-linked", f"claims:{row}:value"),
        ("content", "value-stated-in-quote", f"claims:{row}:value_stated"),
    }


@case
def status_before_announcement(root):
    row = edit(root, "status_updates", {"commitment_id": "ai-law"}, as_of="2025-06-30")
    return {("content", "status-not-before-announcement", f"status_updates:{row}:as_of")}


@case
def deadline_before_announcement(root):
    row = edit(root, "commitments", {"commitment_id": "world-cup-2030-ai-testbed"}, deadline_year="2020")
    return {("content", "deadline-not-before-announcement", f"commitments:{row}:deadline_year")}


@case
def agreement_with_one_party(root):
    delete(
        root,
        "commitment_parties",
        {"commitment_id": "accord-dco", "actor_id": "ministere-transition-numerique"},
    )
    return {
        (
            "content",
            "agreement-two-parties",
            f"commitments:{row_of(root, 'commitments', 'commitment_id', 'accord-dco')}:kind",
        )
    }


@case
def actor_used_nowhere(root):
    delete(root, "commitment_parties", {"commitment_id": "ai-law", "actor_id": "cndp"})
    return {("content", "actor-used", f"actors:{row_of(root, 'actors', 'actor_id', 'cndp')}:actor_id")}


@case
def actor_name_not_an_alias(root):
    row = edit(root, "actors", {"actor_id": "dco"}, name="D.C.O.")
    return {("content", "actor-name-is-alias", f"actors:{row}:name")}


@case
def orphan_discrepancy(root):
    row = insert(
        root, "discrepancies", {"discrepancy_id": "zz-nothing-linked", "kind": "value", "description": "?"}
    )
    return {("content", "discrepancy-not-orphan", f"discrepancies:{row}:discrepancy_id")}


@case
def discrepancy_with_one_side(root):
    row = insert(
        root, "discrepancies", {"discrepancy_id": "zz-one-side", "kind": "value", "description": "?"}
    )
    insert(root, "discrepancy_claims", {"discrepancy_id": "zz-one-side", "claim_id": "c000-dco"})
    return {("content", "discrepancy-two-sides", f"discrepancies:{row}:discrepancy_id")}


@case
def discrepancy_about_two_subjects(root):
    row = insert(root, "discrepancy_claims", {"discrepancy_id": "assises-city", "claim_id": "c000-dco"})
    return {("content", "discrepancy-one-subject", f"discrepancy_claims:{row}:claim_id")}


@case
def indicator_value_not_quoted(root):
    row = edit(root, "indicators", {"indicator_id": "pupils"}, value="9500000")
    return {("content", "figure-quoted", f"indicators:{row}:value")}


@case
def disputed_target_filled_in(root):
    row = edit(root, "commitments", {"commitment_id": "digital-jobs-2030"}, target_value="240000")
    return {("content", "disputed-target-blank", f"commitments:{row}:target_value")}


@case
def status_evidence_from_another_source(root):
    row = edit(
        root, "status_updates", {"commitment_id": "accord-dco"}, source_id="seed-001-hespress-souverainete"
    )
    return {("content", "status-evidence-same-source", f"status_updates:{row}:claim_id")}


@case
def progress_figure_without_unit(root):
    row = edit(root, "status_updates", {"commitment_id": "accord-dco"}, actual_value="1")
    return {("content", "status-progress-has-unit", f"status_updates:{row}:actual_value")}


# --- content: the suites and rules themselves ----------------------------------------------------


@case
def suite_restating_the_schema(root):
    """A copy of a schema constraint in a suite would report each violation twice: refused."""
    path = root / "validators" / "units.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    suite["expectations"].append(
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "dimension", "value_set": ["currency"]},
            "meta": {"origin": "schema", "rule": "schema-enum", "why": "a copy of the schema's enum"},
        }
    )
    path.write_text(json.dumps(suite, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {("content", "suite-schema-copy", "validators/units.json")}


@case
def suite_not_json(root):
    (root / "validators" / "claims.json").write_text("{oops", encoding="utf-8")
    return {("content", "suite-malformed", "validators/claims.json")}


@case
def expectation_that_crashes(root):
    path = root / "validators" / "events.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    suite["expectations"].append(
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "no_such_column"},
            "meta": {"origin": "hand-written", "rule": "broken", "why": "a typo in a column name"},
        }
    )
    path.write_text(json.dumps(suite, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {("content", "expectation-error", "events:no_such_column")}


@case
def rule_with_sql_error(root):
    (root / "validators" / "rules" / "zz-broken.sql").write_text(
        "-- title: Broken\n-- why: a typo\nSELECT * FROM commitmentz\n", encoding="utf-8"
    )
    return {("content", "rule-error", "validators/rules/zz-broken.sql")}


@case
def rule_without_header(root):
    (root / "validators" / "rules" / "zz-headless.sql").write_text("SELECT 1\n", encoding="utf-8")
    return {("content", "rule-malformed", "validators/rules/zz-headless.sql")}


# --- provenance ----------------------------------------------------------------------------------


@case
def quote_with_normalised_whitespace(root):
    row = row_of(root, "claims", "claim_id", "c001-event-rabat")
    set_cell(root, "claims", row, "quote", lambda q: " ".join(q.split()))
    return {("provenance", "quote-offsets", f"claims:{row}:quote")}


@case
def seed_file_path_missing_for_source(root):
    row = edit(
        root, "sources", {"source_id": "seed-001-hespress-souverainete"}, seed_path="seeds/001_missing.txt"
    )
    # The original seed file is now referenced by no source.
    return {
        ("provenance", "seed-missing", f"sources:{row}:seed_path"),
        ("provenance", "seed-unreferenced", "seeds"),
    }


def _columns(kwargs: dict) -> tuple[str, ...]:
    named = kwargs.get("column_list") or [kwargs.get(k) for k in ("column", "column_A", "column_B")]
    return tuple(c for c in named if c)


@functools.cache
def schema_copies(root: Path) -> set[tuple[str, str]]:
    """(resource, rule) of each stored expectation that restates a constraint of datapackage.json.

    A restatement is an expectation of the same type on the same column(s) as one the schema
    generates (``suites.generated_expectations``: not-null for required, in-set for enum, regex for
    pattern…), unless it compares with a run parameter such as today, which no schema can state. The
    old `slug` regex on the id columns was one: the schema's pattern said the same with other words.
    """
    package = schema.load_package(root)
    copies = set()
    for name in suites.stored_suites(root, package):
        generated = {
            (g["type"], _columns(g["kwargs"])) for g in suites.generated_expectations(package.resource(name))
        }
        for e in suites.read_suite(suites.suite_path(root, name))["expectations"]:
            if "$PARAMETER" in json.dumps(e["kwargs"]):
                continue
            if (e["type"], _columns(e["kwargs"])) in generated:
                copies.add((name, e["meta"]["rule"]))
    return copies


def reported_twice(problems: list[Problem], copies: set[tuple[str, str]]) -> list[Problem]:
    """Content problems that repeat a structure problem: each violation must appear once.

    Precisely: a content problem whose rule is a schema copy (named ``schema-…``, or in
    ``copies``) at a (resource, row, column) where the structure layer reports a problem too.
    """
    judged = {(p.resource, p.row, p.column) for p in problems if p.layer == "structure"}
    return [
        p
        for p in problems
        if p.layer == "content"
        and (p.rule.startswith(suites.SCHEMA_RULE_PREFIX) or (p.resource, p.rule) in copies)
        and (p.resource, p.row, p.column) in judged
    ]


def test_no_stored_suite_restates_the_schema():
    assert schema_copies(REPO) == set()


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_package_is_rejected_exactly(package, monkeypatch, name):
    monkeypatch.setenv("COMMITMENTS_TODAY", PINNED_TODAY)
    expected = CASES[name](package)
    result = run_cli("validate", "--root", str(package), "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["valid"] is False
    problems = [Problem(**p) for p in report["problems"]]
    got = {(p.layer, p.rule, p.location()) for p in problems}
    assert got == expected, json.dumps(report["problems"], indent=1, ensure_ascii=False)
    # Each violation once: no content rule restates the schema, none repeats a structure problem.
    assert [p.rule for p in problems if p.layer == "content" and p.rule.startswith("schema-")] == []
    assert reported_twice(problems, schema_copies(REPO)) == []
    # Frictionless reading every row judges the structure as this run's DuckDB row checks did.
    by_duckdb = row_problems(problems)
    by_frictionless = structure_problems(package, frictionless_rows=True)
    assert by_duckdb == by_frictionless, (
        f"only frictionless: {sorted(by_frictionless - by_duckdb, key=str)}\n"
        f"only duckdb: {sorted(by_duckdb - by_frictionless, key=str)}"
    )


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
