"""Every named query in queries/ runs on the real package and returns what a reader of the seeds expects.

Each query has one check below, registered under its name; a query without a check, without a
description, or missing from the list in docs/querying.md fails the suite.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, read_rows, run_cli, write_rows

from commitment_tracker.database import connect
from commitment_tracker.query import named as queries

NAMED = queries.discover()
CHECKS: dict[str, Callable[[], None]] = {}


def check(name: str):
    def register(fn: Callable[[], None]) -> Callable[[], None]:
        CHECKS[name] = fn
        return fn

    return register


def run(name: str, *params: str, root: Path = REPO) -> list[dict]:
    """Run a named query through the CLI (JSON output) and return its rows."""
    args = ["query", name, "--format", "json", "--root", str(root)]
    for p in params:
        args += ["--param", p]
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def csv_rows(resource: str) -> list[dict[str, str]]:
    header, rows = read_rows(REPO, resource)
    return [dict(zip(header, r, strict=True)) for r in rows]


def seed_text(source_id: str) -> str:
    (source,) = [s for s in csv_rows("sources") if s["source_id"] == source_id]
    return (REPO / source["seed_path"]).read_text(encoding="utf-8")


# --- the convention ------------------------------------------------------------------------------


def test_there_are_at_least_twelve_named_queries():
    assert len(NAMED) >= 12, sorted(NAMED)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_query_header_is_complete_and_matches_its_sql(name):
    q = NAMED[name]
    assert q.title.strip() and len(q.description.split()) >= 8, name
    assert q.examples and all(f"query {name}" in e for e in q.examples), q.examples
    for p in q.params:
        assert p.help.strip(), (name, p.name)
    queries.check_definition(connect(REPO), q)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_every_example_in_a_header_runs(name):
    for example in NAMED[name].examples:
        argv = shlex.split(example)
        assert argv[:3] == ["python", "cli.py", "query"], example
        result = run_cli(*argv[2:], "--format", "csv")
        assert result.exit_code == 0, (example, result.output)
        assert len(list(csv.reader(result.output.splitlines()))) >= 2, (example, "no rows")


@pytest.mark.parametrize("name", sorted(NAMED))
def test_query_has_a_check_on_the_real_package(name):
    assert name in CHECKS, f"queries/{name}.sql has no check in tests/test_queries.py"
    CHECKS[name]()


QUERYING_DOC = REPO / "docs" / "querying.md"


def test_querying_doc_lists_every_named_query_with_its_title():
    section = QUERYING_DOC.read_text(encoding="utf-8")
    for name, q in NAMED.items():
        assert f"`{name}`" in section, f"docs/querying.md does not list {name}"
        assert q.title in section, f"docs/querying.md lists {name} without its title {q.title!r}"


def test_querying_doc_query_list_is_current():
    # The list is `commitments queries --format markdown`; regenerate it when a header changes.
    listing = run_cli("queries", "--format", "markdown").output
    assert listing in QUERYING_DOC.read_text(encoding="utf-8"), (
        "docs/querying.md's query list is stale: paste `.venv/bin/commitments queries --format markdown`"
    )


def test_a_query_without_description_is_refused(tmp_path):
    (tmp_path / "x.sql").write_text("-- title: X\n-- example: python cli.py query x\nSELECT 1\n")
    with pytest.raises(queries.QueryDefinitionError, match=r"x.sql: the header has no description"):
        queries.discover(tmp_path)


def test_a_parameter_declared_but_unused_is_refused(tmp_path):
    path = tmp_path / "y.sql"
    path.write_text(
        "-- title: Y\n-- description: d\n-- param: year INTEGER = 1 -- a year\n"
        "-- example: python cli.py query y\nSELECT 1\n"
    )
    with pytest.raises(
        queries.QueryDefinitionError, match=r"declares parameters \['year'\] but its SQL uses \[\]"
    ):
        queries.check_definition(connect(REPO), queries.read_query(path))


def test_a_bad_default_is_refused(tmp_path):
    path = tmp_path / "z.sql"
    path.write_text(
        "-- title: Z\n-- description: d\n-- param: day DATE = soon -- a day\n"
        "-- example: python cli.py query z\nSELECT $day\n"
    )
    with pytest.raises(
        queries.QueryDefinitionError, match=r"z.sql: the default of parameter 'day' must be DATE"
    ):
        queries.read_query(path)


# --- one check per query -------------------------------------------------------------------------


@check("due-by")
def _due_by():
    rows = {r["commitment_id"]: r for r in run("due-by", "year=2030")}
    assert {"digital-jobs-2030", "digital-talents-2030", "energy-capacity-16gw-2030"} <= set(rows)
    assert rows["digital-talents-2030"]["target_value"] == 100000
    assert rows["energy-capacity-16gw-2030"]["target_value"] == 16_000_000_000
    assert rows["energy-capacity-16gw-2030"]["unit"] == "watt (W)"
    assert all(r["deadline_year"] <= 2030 for r in rows.values())
    expected = {
        c["commitment_id"]
        for c in csv_rows("commitments")
        if c["deadline_year"] and int(c["deadline_year"]) <= 2030
    }
    assert set(rows) == expected
    # the recommendations announced for the closing day, 2 July 2025 (seed 004), are the only
    # deliverable due before 2030
    assert [r["commitment_id"] for r in run("due-by", "year=2029")] == ["assises-recommendations"]
    assert run("due-by", "year=2024") == []


@check("evidence-trail")
def _evidence_trail():
    rows = run("evidence-trail", "commitment=digital-jobs-2030")
    by_value = {r["value"]: r for r in rows}
    assert set(by_value) >= {240000, 40000}
    assert "240.000" in by_value[240000]["quote"] and by_value[240000]["outlet"] == "Hespress"
    assert "40.000" in by_value[40000]["quote"] and by_value[40000]["outlet"] == "lematin.ma"
    assert by_value[40000]["qualifier"] == "more_than"
    assert {r["speaker"] for r in rows} == {"Aziz Akhannouch"}
    assert all(r["disputed_in"] == "digital-jobs-value" for r in rows)
    for r in rows:  # the trail points at the exact characters of the archived text
        assert seed_text(r["source_id"])[r["quote_start"] : r["quote_end"]] == r["quote"]
    assert run("evidence-trail", "commitment=no-such-commitment") == []


@check("disputed-figures")
def _disputed_figures():
    rows = run("disputed-figures")
    jobs = [r for r in rows if r["discrepancy_id"] == "digital-jobs-value"]
    assert len(jobs) == 1
    (pair,) = jobs
    assert {pair["value_a"], pair["value_b"]} == {240000, 40000}
    assert {pair["outlet_a"], pair["outlet_b"]} == {"Hespress", "lematin.ma"}
    assert pair["about"] == "digital-jobs-2030"
    verticals = [r for r in rows if r["discrepancy_id"] == "assises-verticals-count"]
    # The list of verticals states no figure (its 12 items are the curator's count, kept in the
    # discrepancy's description), so one side of the pair has no value.
    assert [{r["value_a"], r["value_b"]} for r in verticals] == [{13, None}]
    # disagreements about places and names carry no figure and are not listed here
    assert not [r for r in rows if r["discrepancy_id"] in ("assises-city", "seghrouchni-name-spelling")]


@check("disagreements")
def _disagreements():
    rows = run("disagreements")
    by_id: dict[str, list[dict]] = {}
    for r in rows:
        by_id.setdefault(r["discrepancy_id"], []).append(r)
    # every recorded discrepancy, including those about places and names, with all its versions
    assert set(by_id) == {d["discrepancy_id"] for d in csv_rows("discrepancies")}
    linked = len(csv_rows("discrepancy_claims")) + len(csv_rows("discrepancy_aliases"))
    assert len(rows) == linked
    city = by_id["assises-city"]
    assert {r["version_id"] for r in city} == {
        "c000-event-sale",
        "c000-headline-sale",
        "c001-event-rabat",
        "c004-event-rabat",
        "c004-event-rabat-conclusion",
    }
    assert any("Salé" in r["version"] for r in city) and any("Rabat" in r["version"] for r in city)
    spellings = {r["version"] for r in by_id["seghrouchni-name-spelling"]}
    assert spellings == {"Amal El Fallah Seghrouchni", "Amel Falah Seghrouchni", "Amal El Fallah-Seghrouchni"}
    assert {r["version_type"] for r in by_id["seghrouchni-name-spelling"]} == {"alias"}
    assert {r["value"] for r in by_id["digital-jobs-value"]} == {240000, 40000}
    only_places = run("disagreements", "kind=place")
    assert {r["discrepancy_id"] for r in only_places} == {"assises-city"}
    assert run("disagreements", "kind=date") == []


@check("agreements")
def _agreements():
    rows = {r["commitment_id"]: r for r in run("agreements")}
    assert set(rows) == {c["commitment_id"] for c in csv_rows("commitments") if c["kind"] == "agreement"}
    assert "Université Mohammed VI Polytechnique (signatory)" in rows["mou-um6p-data-centres"]["parties"]
    assert "Groupe Crédit Agricole du Maroc" in rows["mou-credit-agricole-tpe-agricoles"]["parties"]
    school = rows["mou-numerique-programmes-scolaires"]["parties"]
    assert "Amal El Fallah Seghrouchni" in school and "Mohamed Saad Berrada" in school
    parties = Counter(p["commitment_id"] for p in csv_rows("commitment_parties"))
    for cid, row in rows.items():
        assert row["party_count"] == len(
            {p["actor_id"] for p in csv_rows("commitment_parties") if p["commitment_id"] == cid}
        )
        assert row["party_count"] <= parties[cid]
        assert row["formality"] == "mou_signed", cid


@check("by-actor")
def _by_actor():
    # seed 003 spells the minister "Amel Falah Seghrouchni": the alias finds her commitments
    rows = run("by-actor", "actor=amel falah")
    assert {r["actor_id"] for r in rows} == {"amal-el-fallah-seghrouchni"}
    assert rows[0]["matched_on"] == "Amel Falah Seghrouchni"
    assert ("signatory", "mou-numerique-programmes-scolaires") in {
        (r["role"], r["commitment_id"]) for r in rows
    }
    akhannouch = {(r["role"], r["commitment_id"]) for r in run("by-actor", "actor=Akhannouch")}
    assert {("speaker", "maroc-digital-2030-budget"), ("speaker", "digital-jobs-2030")} <= akhannouch
    um6p = {(r["actor_id"], r["role"], r["commitment_id"]) for r in run("by-actor", "actor=UM6P")}
    assert ("um6p", "signatory", "mou-um6p-data-centres") in um6p
    assert run("by-actor", "actor=%") == []  # the text is matched literally, not as a LIKE pattern


@check("status-as-of")
def _status_as_of():
    before = run("status-as-of", "as_of=2025-06-30")
    assert len(before) == len(csv_rows("commitments")) and all(r["status"] is None for r in before)
    day_one = {r["commitment_id"]: r for r in run("status-as-of", "as_of=2025-07-01")}
    assert day_one["ai-law"]["status"] == "in_progress"
    # reported in L'opinion on 3 July as signed during the Assises (1-2 July): not certain on day one
    assert day_one["accord-dco"]["status"] is None
    closing = {r["commitment_id"]: r for r in run("status-as-of", "as_of=2025-07-02")}
    assert (closing["accord-dco"]["status"], closing["accord-dco"]["formality"]) == (
        "announced",
        "mou_signed",
    )
    assert closing["accord-dco"]["reported_on"] == "2025-07-03"


def test_status_as_of_picks_the_update_in_force_on_the_day(package):
    header, rows = read_rows(package, "status_updates")
    (ai_law,) = [r for r in rows if r[0] == "ai-law"]
    later = dict(zip(header, ai_law, strict=True)) | {
        "as_of": "2026-01-15",
        "status": "achieved",
        "formality": "in_law",
    }
    rows.append([later[h] for h in header])
    write_rows(package, "status_updates", header, sorted(rows))
    at = {
        d: {r["commitment_id"]: r for r in run("status-as-of", f"as_of={d}", root=package)}
        for d in ("2026-01-14", "2026-01-15")
    }
    assert at["2026-01-14"]["ai-law"]["status"] == "in_progress"
    assert (at["2026-01-15"]["ai-law"]["status"], at["2026-01-15"]["ai-law"]["formality"]) == (
        "achieved",
        "in_law",
    )


@check("stale")
def _stale():
    rows = run("stale", "days=90", "today=2025-12-31")
    assert len(rows) == len(csv_rows("commitments"))
    by_id = {r["commitment_id"]: r for r in rows}
    assert by_id["ai-law"]["days_since_update"] == 183  # 1 July -> 31 December
    assert by_id["accord-dco"]["days_since_update"] == 181
    assert run("stale", "days=30", "today=2025-07-10") == []


def test_stale_default_today_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("COMMITMENTS_TODAY", "2025-07-10")
    rows = run("stale", "days=8")  # 1 July is 9 days back, 3 July only 7
    ids = {r["commitment_id"] for r in rows}
    assert "ai-law" in ids and "accord-dco" not in ids
    assert {r["last_update"] for r in rows} == {"2025-07-01"}


@check("amounts-by-unit")
def _amounts_by_unit():
    rows = {r["commitment_id"]: r for r in run("amounts-by-unit")}
    budget = rows["maroc-digital-2030-budget"]
    assert (budget["target_value"], budget["unit_id"], budget["dimension"]) == (
        11_000_000_000,
        "mad",
        "currency",
    )
    assert rows["digital-jobs-2030"]["stated_values"] == [240000, 40000]  # the dispute shows as two values
    assert rows["digital-jobs-2030"]["target_value"] is None
    assert rows["energy-capacity-16gw-2030"]["unit_id"] == "w"
    currency = run("amounts-by-unit", "dimension=currency")
    assert {r["commitment_id"] for r in currency} == {"maroc-digital-2030-budget"}


@check("indicators")
def _indicators():
    rows = run("indicators")
    assert {r["indicator_id"] for r in rows} == {i["indicator_id"] for i in csv_rows("indicators")}
    (internet,) = [r for r in rows if r["indicator_id"] == "internet-penetration-rate"]
    assert (internet["value"], internet["unit"], internet["outlet"]) == (103, "pour cent (%)", "Hespress")
    assert "103%" in internet["quote"]
    (pupils,) = [r for r in rows if r["indicator_id"] == "pupils"]
    assert pupils["qualifier"] == "more_than" and pupils["value"] == 9_000_000


@check("source-contributions")
def _source_contributions():
    rows = {r["source_id"]: r for r in run("source-contributions")}
    assert set(rows) == {s["source_id"] for s in csv_rows("sources")}
    claims = Counter(c["source_id"] for c in csv_rows("claims"))
    for source_id, row in rows.items():
        assert row["claims"] == claims[source_id], source_id
    assert "digital-jobs-value" in rows["seed-001-hespress-souverainete"]["discrepancies"]
    assert "digital-jobs-value" in rows["seed-002-lematin-table-decisions"]["discrepancies"]
    opinion = rows["seed-000-lopinion-protocoles"]  # the only source listing the signed memoranda
    assert opinion["outlet"] == "L'opinion" and opinion["status_updates"] >= 8


@check("sectors")
def _sectors():
    rows = {r["sector_id"]: r for r in run("sectors")}
    assert set(rows) == {s["sector_id"] for s in csv_rows("sectors")}
    per_sector = Counter(c["sector_id"] for c in csv_rows("commitments"))
    for sector_id, row in rows.items():
        assert row["commitments"] == per_sector[sector_id], sector_id
    assert rows["cooperation-internationale"]["commitments"] >= 4  # DCO, Current AI, PNUD, regional platform
    assert rows["sante"]["commitments"] == 0  # a vertical of the Assises with no commitment recorded


@check("actor-names")
def _actor_names():
    rows = run("actor-names", "actor=seghrouchni")
    spellings = {r["alias"]: r for r in rows}
    assert {"Amal El Fallah Seghrouchni", "Amel Falah Seghrouchni", "Amal El Fallah-Seghrouchni"} <= set(
        spellings
    )
    assert spellings["Amel Falah Seghrouchni"]["disputed_in"] == "seghrouchni-name-spelling"
    assert spellings["Amal El Fallah Seghrouchni"]["is_canonical"] is True
    for r in rows:
        assert seed_text(r["source_id"])[r["quote_start"] : r["quote_end"]] == r["alias"]
    assert len(run("actor-names")) == len(csv_rows("actor_aliases"))


@check("sub-commitments")
def _sub_commitments():
    rows = run("sub-commitments")  # default: maroc-digital-2030
    assert rows[0]["commitment_id"] == "maroc-digital-2030" and rows[0]["depth"] == 0
    children = {r["commitment_id"] for r in rows if r["depth"] == 1}
    assert {"digital-jobs-2030", "digital-talents-2030", "maroc-digital-2030-budget"} <= children
    expected = {
        c["commitment_id"]
        for c in csv_rows("commitments")
        if c["parent_commitment_id"] == "maroc-digital-2030"
    }
    assert children == expected


@check("search-quotes")
def _search_quotes():
    ids = {r["claim_id"] for r in run("search-quotes", "text=EMPLOI")}
    assert {"c001-jobs-240000", "c002-strategy-jobs"} <= ids
    percent = run("search-quotes", "text=103%")
    assert [r["claim_id"] for r in percent] == ["c001-internet-penetration"]
