# ruff: noqa: RUF001  (the seeds' typographic apostrophe U+2019 is quoted as written)
"""Rules of meaning that were missing (issue 11, class 6), each seen failing on a broken copy.

Each case changes one thing in a copy of the real package and states the exact set of problems
`validate` must report, as (layer, rule, location); the real package reports none of them. The
curation commands validate the staged package with the same rules, so they refuse such a change
and write nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, edit, read_rows, run_cli, snapshot, write_rows

from commitment_tracker.validation.report import Problem

PINNED_TODAY = "2026-11-24"
NEW_RULES = ("status-not-before-announcement", "deadline-not-before-announcement", "status-goes-backwards",
             "value-not-in-quote")  # fmt: skip
Expected = set[tuple[str, str, str]]
CASES: dict[str, Callable[[Path], Expected]] = {}


def case(func: Callable[[Path], Expected]) -> Callable[[Path], Expected]:
    CASES[func.__name__.replace("_", "-")] = func
    return func


def insert_status(root: Path, **values: str) -> int:
    """Add a status row in primary-key order (commitment_id, as_of); returns its row number."""
    header, rows = read_rows(root, "status_updates")
    new = [values.get(c, "") for c in header]
    rows.append(new)
    rows.sort(key=lambda r: (r[0], r[1]))
    write_rows(root, "status_updates", header, rows)
    return rows.index(new) + 2


def row_of(root: Path, resource: str, key: dict[str, str]) -> int:
    header, rows = read_rows(root, resource)
    for n, record in enumerate(rows, start=2):
        if all(record[header.index(k)] == v for k, v in key.items()):
            return n
    raise AssertionError(f"{resource} has no row {key}")


def report_of(root: Path) -> tuple[int, dict]:
    result = run_cli("validate", "--root", str(root), "--format", "json")
    return result.exit_code, json.loads(result.output)


# --- a status or a deadline before the event at which the commitment was announced ------------


@case
def status_before_announcing_event(root):
    # accord-dco: announced_on blank, announced at assises-ia-2025 (1-2 July 2025), one status row
    assert _blank_announcement(root, "accord-dco")
    # its signing dates (effective 2025-07-01..02) go with the evidence, or the window rule fires too
    row = edit(
        root,
        "status_updates",
        {"commitment_id": "accord-dco"},
        as_of="2019-01-01",
        effective_from="",
        effective_to="",
    )
    return {("content", "status-not-before-announcement", f"status_updates:{row}:as_of")}


@case
def deadline_before_announcing_event(root):
    # world-cup-2030-ai-testbed: announced_on 2025-07-01 is cleared, so the event's start counts
    # (maroc-digital-2030 has no event since it was adopted before the Assises, issue 15)
    row = edit(
        root,
        "commitments",
        {"commitment_id": "world-cup-2030-ai-testbed"},
        announced_on="",
        deadline_year="2019",
    )
    assert _blank_announcement(root, "world-cup-2030-ai-testbed")
    return {("content", "deadline-not-before-announcement", f"commitments:{row}:deadline_year")}


def _blank_announcement(root: Path, commitment: str) -> bool:
    header, rows = read_rows(root, "commitments")
    (record,) = [r for r in rows if r[0] == commitment]
    announced, event = record[header.index("announced_on")], record[header.index("event_id")]
    return announced == "" and event == "assises-ia-2025"


# --- a status that goes backwards ----------------------------------------------------------------


@case
def status_goes_back_to_announced(root):
    # ai-law is in_progress as of 2025-07-01; a later row says announced
    row = insert_status(
        root,
        commitment_id="ai-law",
        as_of="2025-09-01",
        status="announced",
        source_id="seed-002-lematin-table-decisions",
        rationale="Restated.",
    )
    return {("content", "status-goes-backwards", f"status_updates:{row}:status")}


@case
def status_goes_back_from_achieved(root):
    achieved = insert_status(
        root,
        commitment_id="ai-law",
        as_of="2025-09-01",
        status="achieved",
        source_id="seed-002-lematin-table-decisions",
        rationale="Adopted.",
    )
    back = insert_status(
        root,
        commitment_id="ai-law",
        as_of="2025-10-01",
        status="in_progress",
        source_id="seed-002-lematin-table-decisions",
        rationale="Drafting again.",
    )
    assert back == achieved + 1
    return {("content", "status-goes-backwards", f"status_updates:{back}:status")}


# --- a claim's value not stated in its quote -----------------------------------------------------


@case
def value_not_in_quote(root):
    # the quote reads "103% de taux de pénétration Internet"
    # (without its stated form, so value-not-in-quote reads the whole quote)
    row = edit(root, "claims", {"claim_id": "c001-internet-penetration"}, value="999", value_stated="")
    indicator = row_of(root, "indicators", {"indicator_id": "internet-penetration-rate"})
    return {
        ("content", "value-not-in-quote", f"claims:{row}:value"),
        ("content", "value-needs-stated", f"claims:{row}:value_stated"),
        # the indicator's 103 is no longer stated by any claim either
        ("content", "figure-quoted", f"indicators:{indicator}:value"),
    }


@case
def value_in_the_wrong_unit(root):
    # "16 GW" is 16000000000 watts: the same number as a count is not what the quote states
    row = edit(root, "claims", {"claim_id": "c002-energy-16gw"}, value="16")
    commitment = row_of(root, "commitments", {"commitment_id": "energy-capacity-16gw-2030"})
    return {
        ("content", "value-stated-in-quote", f"claims:{row}:value_stated"),
        ("content", "figure-quoted", f"commitments:{commitment}:target_value"),
    }


@case
def value_is_a_year_of_the_quote(root):
    # "240.000 opportunités d'emploi prévues d'ici 2030": 2030 is the deadline, not a figure
    row = edit(root, "claims", {"claim_id": "c001-jobs-240000"}, value="2030")
    return {("content", "value-stated-in-quote", f"claims:{row}:value_stated")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_copy_is_rejected_by_the_new_rule(package, monkeypatch, name):
    monkeypatch.setenv("COMMITMENTS_TODAY", PINNED_TODAY)
    expected = CASES[name](package)
    code, report = report_of(package)
    assert code == 1
    got = {(p["layer"], p["rule"], Problem(**p).location()) for p in report["problems"]}
    assert got == expected, json.dumps(report["problems"], indent=1, ensure_ascii=False)


def test_real_package_passes_the_new_rules(monkeypatch):
    monkeypatch.setenv("COMMITMENTS_TODAY", PINNED_TODAY)
    code, report = report_of(REPO)
    checks = {c["check"]: c for c in report["checks"]}
    for rule in NEW_RULES:
        assert checks[f"rule:{rule}"]["status"] == "passed", [
            p for p in report["problems"] if p["rule"] == rule
        ]
    assert code == 0 and report["valid"] is True


def test_report_says_what_the_quote_states_and_which_event(package, monkeypatch):
    monkeypatch.setenv("COMMITMENTS_TODAY", PINNED_TODAY)
    edit(package, "claims", {"claim_id": "c001-internet-penetration"}, value="999")
    edit(package, "status_updates", {"commitment_id": "accord-dco"}, as_of="2019-01-01")
    result = run_cli("validate", "--root", str(package))
    assert result.exit_code == 1
    assert "[the quote states 103 percent ('103%')]" in result.output
    assert "[commitment accord-dco was announced at event assises-ia-2025, which started on 2025-07-01]" in (
        result.output
    )


def test_changes_of_course_and_progress_are_not_backwards(package, monkeypatch):
    monkeypatch.setenv("COMMITMENTS_TODAY", PINNED_TODAY)
    rows = [
        ("2025-08-01", "stalled"),  # in_progress -> stalled: a change of course
        ("2025-09-01", "announced"),  # restarted after it
        ("2025-10-01", "partially_achieved"),
        ("2025-11-01", "achieved"),
    ]
    for as_of, status in rows:
        insert_status(
            package,
            commitment_id="ai-law",
            as_of=as_of,
            status=status,
            source_id="seed-002-lematin-table-decisions",
            rationale="Reported.",
        )
    code, report = report_of(package)
    assert [p for p in report["problems"] if p["rule"] == "status-goes-backwards"] == []
    assert code == 0, report["problems"]


# --- curation refuses what the rules refuse ----------------------------------------------------


def test_add_commitment_dated_before_its_event_is_refused(package, monkeypatch):
    monkeypatch.setenv("COMMITMENTS_TODAY", PINNED_TODAY)
    before = snapshot(package)
    result = run_cli(
        "add-commitment",
        "--root",
        str(package),
        "--title-fr",
        "Un cadre réglementaire pour l’IA",
        "--title-en",
        "A regulatory framework for AI",
        "--kind",
        "policy",
        "--sector",
        "gouvernance",
        "--source",
        "seed-004-lancement-assises-rabat",
        "--quote",
        "Le Maroc entend poser les bases d’un cadre réglementaire rigoureux pour encadrer l’IA",
        "--rationale",
        "Announced at the Assises.",
        "--event",
        "assises-ia-2025",
        "--as-of",
        "2019-01-01",
    )
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: the change would leave the package invalid"), result.output
    assert "status_updates:" in result.output and ":as_of: status-not-before-announcement" in result.output
    assert "announced at event assises-ia-2025, which started on 2025-07-01" in result.output
    assert snapshot(package) == before
