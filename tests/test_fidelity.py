# ruff: noqa: RUF001  (the seeds' typographic apostrophe U+2019 is quoted as written)
"""Faithful to the seeds (issue 15): each correction read back from the real package, each new rule
seen failing on a broken copy, and the figures, ranges, dates and selectors users asked for.

The corrections are asserted through the project's own DuckDB connection (``database.connect``) on
the real package, with the seed text at hand: a value is only right if the seed says it.
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from conftest import REPO, ValidateRun, read_rows, run_cli, validate_cli, write_rows
from test_queries import run as query

from commitment_tracker import database, selectors
from commitment_tracker.figures import find_figures

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
AGREEMENTS = {
    "accord-dco",
    "mou-credit-agricole-tpe-agricoles",
    "mou-inclusion-economique-emploi",
    "mou-numerique-programmes-scolaires",
    "mou-transition-energetique",
    "mou-um6p-data-centres",
    "partenariat-current-ai",
    "partenariat-pnud-d4sd",
}


@pytest.fixture(scope="module")
def con():
    connection = database.connect(REPO)
    yield connection
    connection.close()


def rows(con, sql: str, params: dict | None = None) -> list[dict]:
    result = con.execute(sql, params or {})
    names = [d[0] for d in result.description]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


def one(con, sql: str, params: dict | None = None) -> dict:
    found = rows(con, sql, params)
    assert len(found) == 1, found
    return found[0]


def seed(con, source_id: str) -> str:
    path = one(con, "SELECT seed_path FROM sources WHERE source_id = $s", {"s": source_id})["seed_path"]
    with open(REPO / path, encoding="utf-8", newline="") as fh:
        return fh.read()


# --- point 1: Maroc digital 2030 was restated at the Assises, not announced there ----------------


def test_maroc_digital_2030_is_under_way_and_not_announced_at_the_assises(con):
    c = one(con, "SELECT * FROM commitments WHERE commitment_id = 'maroc-digital-2030'")
    assert c["announced_on"] is None and c["event_id"] is None
    s = one(con, "SELECT * FROM status_updates WHERE commitment_id = 'maroc-digital-2030'")
    assert (s["status"], s["formality"]) == ("in_progress", "budgeted")
    evidence = one(con, "SELECT * FROM claims WHERE claim_id = $c", {"c": s["claim_id"]})
    assert "a marqué un tournant" in evidence["quote"]
    assert "s’est doté d’une stratégie numérique" in seed(con, "seed-002-lematin-table-decisions")


def test_what_was_announced_at_the_assises_leaves_out_the_restated_pledges(con):
    announced = {
        r["commitment_id"]
        for r in rows(con, "SELECT commitment_id FROM commitments WHERE event_id = 'assises-ia-2025'")
    }
    restated = {
        "maroc-digital-2030",
        "maroc-digital-2030-budget",
        "digital-jobs-2030",
        "digital-talents-2030",
    }
    assert not announced & restated
    assert announced >= AGREEMENTS


# --- points 2-5: status evidence and readings that agree with their notes -------------------------


def test_we_elevate_and_green_cloud_rows_agree_on_their_tie_to_the_dco_agreement(con):
    for cid in ("programme-we-elevate", "projet-green-cloud-morocco"):
        c = one(con, "SELECT * FROM commitments WHERE commitment_id = $c", {"c": cid})
        s = one(con, "SELECT * FROM status_updates WHERE commitment_id = $c", {"c": cid})
        assert c["parent_commitment_id"] is None
        assert "outcome of the DCO agreement" not in s["rationale"]
        assert "matérialisent cette volonté" in s["rationale"] and "matérialisent cette volonté" in c["notes"]
        assert "does not say" in s["rationale"] and "does not say" in c["notes"]


def test_the_columns_readings_are_attributed_to_its_author(con):
    claims = {
        r["claim_id"]: r
        for r in rows(
            con,
            "SELECT * FROM claims WHERE claim_id IN ('c000-green-data-centres', 'c000-mou-employment-axes')",
        )
    }
    assert {r["speaker_actor_id"] for r in claims.values()} == {"az-eddine-bennani"}
    assert all("reading" in r["notes"] or "likely" in r["notes"] for r in claims.values())
    for cid in ("mou-transition-energetique", "mou-inclusion-economique-emploi"):
        notes = one(con, "SELECT notes FROM commitments WHERE commitment_id = $c", {"c": cid})["notes"]
        assert "likely" in notes and "does not give the agreement's content" not in notes


@pytest.mark.parametrize(
    ("commitment", "claim", "words"),
    [
        (
            "startups-sme-support",
            "c003-sme-capacities",
            "appelé à renforcer les capacités des petites et moyennes",
        ),
        ("human-capital-investment", "c004-leave-no-one-behind", "ne laisser personne de côté"),
    ],
)
def test_sme_and_human_capital_status_rest_on_the_stronger_quote(con, commitment, claim, words):
    s = one(con, "SELECT * FROM status_updates WHERE commitment_id = $c", {"c": commitment})
    assert s["claim_id"] == claim
    k = one(con, "SELECT * FROM claims WHERE claim_id = $c", {"c": claim})
    assert words in k["quote"] and k["source_id"] == s["source_id"]
    assert seed(con, k["source_id"])[k["quote_start"] : k["quote_end"]] == k["quote"]


def test_no_status_rests_on_the_urgency_warning_and_al_jazari_says_only_what_the_seed_says(con):
    assert rows(con, "SELECT * FROM status_updates WHERE claim_id = 'c001-strategy-urgency'") == []
    rationale = one(
        con, "SELECT rationale FROM status_updates WHERE commitment_id = 'centre-al-jazari-nador'"
    )
    assert "outcomes of the protocols" not in rationale["rationale"]


def test_the_curators_count_is_not_a_claimed_value(con):
    k = one(con, "SELECT * FROM claims WHERE claim_id = 'c004-event-verticals-list'")
    assert k["value"] is None and k["value_stated"] is None


# --- point 7: actors, spellings, headline, names, owners, recommendations --------------------------


def test_the_king_and_the_author_are_actors_located_in_the_seeds(con):
    for actor, source in (
        ("mohammed-vi", "seed-000-lopinion-protocoles"),
        ("az-eddine-bennani", "seed-000-lopinion-protocoles"),
    ):
        a = one(con, "SELECT * FROM actors WHERE actor_id = $a", {"a": actor})
        alias = one(
            con,
            "SELECT * FROM actor_aliases WHERE actor_id = $a AND alias = $n AND source_id = $s",
            {"a": actor, "n": a["name"], "s": source},
        )
        assert seed(con, source)[alias["quote_start"] : alias["quote_end"]] == a["name"]
    assert one(con, "SELECT patron_actor_id FROM events")["patron_actor_id"] == "mohammed-vi"


def test_bennani_speaks_the_opinions_of_seed_000(con):
    opinions = (
        "c000-al-jazari",
        "c000-mou-energy",
        "c000-mou-employment",
        "c000-green-data-centres",
        "c000-mou-employment-axes",
    )
    speakers = rows(
        con,
        "SELECT claim_id, speaker_actor_id FROM claims WHERE list_contains($ids, claim_id)",
        {"ids": list(opinions)},
    )
    assert {r["speaker_actor_id"] for r in speakers} == {"az-eddine-bennani"} and len(speakers) == len(
        opinions
    )
    author = one(con, "SELECT author FROM sources WHERE source_id = 'seed-000-lopinion-protocoles'")["author"]
    assert author == one(con, "SELECT name FROM actors WHERE actor_id = 'az-eddine-bennani'")["name"]


@pytest.mark.parametrize(
    ("actor", "spelling", "sources"),
    [
        (
            "aziz-akhannouch",
            "Aziz Akhannouch",
            {
                "seed-001-hespress-souverainete",
                "seed-002-lematin-table-decisions",
                "seed-004-lancement-assises-rabat",
            },
        ),
        (
            "amal-el-fallah-seghrouchni",
            "Amal El Fallah Seghrouchni",
            {"seed-000-lopinion-protocoles", "seed-002-lematin-table-decisions"},
        ),
    ],
)
def test_the_same_spelling_is_located_in_each_source(con, actor, spelling, sources):
    located = rows(
        con, "SELECT * FROM actor_aliases WHERE actor_id = $a AND alias = $n", {"a": actor, "n": spelling}
    )
    assert {r["source_id"] for r in located} == sources
    for r in located:
        assert seed(con, r["source_id"])[r["quote_start"] : r["quote_end"]] == spelling


def test_the_spelling_discrepancy_points_at_located_spellings(con):
    linked = rows(
        con,
        "SELECT da.*, aa.quote_start FROM discrepancy_aliases AS da "
        "LEFT JOIN actor_aliases AS aa USING (actor_id, alias, source_id)",
    )
    assert linked and all(r["quote_start"] is not None for r in linked)
    assert "seed-002-lematin-table-decisions" in {r["source_id"] for r in linked}


def test_the_sale_headline_is_a_claim_in_the_city_discrepancy(con):
    k = one(con, "SELECT * FROM claims WHERE claim_id = 'c000-headline-sale'")
    assert "Salé" in k["quote"] and k["event_id"] == "assises-ia-2025"
    assert rows(
        con,
        "SELECT * FROM discrepancy_claims "
        "WHERE claim_id = 'c000-headline-sale' AND discrepancy_id = 'assises-city'",
    )


def test_the_event_name_is_verbatim_and_its_variants_are_quoted(con):
    name = one(con, "SELECT name FROM events")["name"]
    assert name in seed(con, "seed-000-lopinion-protocoles") and name in seed(
        con, "seed-001-hespress-souverainete"
    )
    variants = rows(
        con,
        "SELECT source_id, quote FROM claims "
        "WHERE event_id = 'assises-ia-2025' AND notes LIKE 'Name variant%'",
    )
    assert {r["source_id"] for r in variants} >= {
        "seed-003-souverainete-equitable",
        "seed-004-lancement-assises-rabat",
    }
    assert len({r["quote"] for r in variants} | {name}) == len(variants) + 1


def test_an_owner_is_set_where_a_seed_says_who_carries_the_work(con):
    owned = rows(
        con, "SELECT commitment_id, owner_actor_id FROM commitments WHERE owner_actor_id IS NOT NULL"
    )
    assert owned
    for r in owned:
        party = one(
            con,
            "SELECT p.*, k.quote FROM commitment_parties AS p JOIN claims AS k USING (claim_id) "
            "WHERE p.commitment_id = $c AND p.actor_id = $a AND p.role = 'owner'",
            {"c": r["commitment_id"], "a": r["owner_actor_id"]},
        )
        assert "ministère" in party["quote"]


def test_the_closing_recommendations_are_a_deliverable_with_a_status(con):
    c = one(con, "SELECT * FROM commitments WHERE commitment_id = 'assises-recommendations'")
    assert c["deadline_year"] == 2025 and c["owner_actor_id"] is None
    s = one(con, "SELECT * FROM status_updates WHERE commitment_id = 'assises-recommendations'")
    k = one(con, "SELECT * FROM claims WHERE claim_id = $c", {"c": s["claim_id"]})
    assert "présentation des recommandations" in k["quote"]


# --- point 8 -------------------------------------------------------------------------------------------


def test_smaller_fixes(con):
    assert {r["reference_period"] for r in rows(con, "SELECT DISTINCT reference_period FROM indicators")} <= {
        "annual",
        None,
    }
    assert rows(con, "SELECT actor_id FROM actors WHERE notes LIKE '%consulted%'") == []
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    aliases = next(r for r in descriptor["resources"] if r["name"] == "actor_aliases")
    assert aliases["schema"]["primaryKey"] == ["actor_id", "alias", "source_id"]
    source = next(f for f in aliases["schema"]["fields"] if f["name"] == "source_id")
    assert "in the article" in source["description"]


# --- figures as stated ----------------------------------------------------------------------------------


def test_every_value_has_its_stated_form_from_the_quote(con):
    claims = rows(con, "SELECT * FROM claims WHERE value IS NOT NULL OR value_stated IS NOT NULL")
    assert claims
    for k in claims:
        spans = {f.text for f in find_figures(k["quote"])}
        assert k["value_stated"] in spans, k["claim_id"]
    budget = one(con, "SELECT value_stated FROM claims WHERE claim_id = 'c002-strategy-budget'")
    assert budget["value_stated"] == "11 milliards de dirhams"


# --- disputed targets ----------------------------------------------------------------------------------


def test_the_disputed_jobs_target_keeps_both_figures(con):
    t = one(con, "SELECT * FROM commitment_targets WHERE commitment_id = 'digital-jobs-2030'")
    assert (t["target_low"], t["target_high"], t["disputed"]) == (40000, 240000, True)
    assert t["discrepancy_id"] == "digital-jobs-value"
    assert t["target_text"] == "40,000 to 240,000 (sources disagree)"
    undisputed = one(con, "SELECT * FROM commitment_targets WHERE commitment_id = 'digital-talents-2030'")
    assert undisputed["target_low"] == undisputed["target_high"] == 100000 and not undisputed["disputed"]


def test_due_by_shows_the_disputed_range():
    jobs = next(r for r in query("due-by", "year=2030") if r["commitment_id"] == "digital-jobs-2030")
    assert jobs["target_value"] is None
    assert jobs["target"] == "40,000 to 240,000 (sources disagree)" and jobs["disputed"] is True


def test_summary_shows_the_range_and_the_stated_figures():
    result = run_cli("summary", "--root", str(REPO))
    assert result.exit_code == 0, result.output
    jobs = next(line for line in result.output.splitlines() if "digital-jobs-2030" in line)
    assert "> 40 000 to 240 000 count (sources disagree)" in jobs and "240.000 / 40.000" in jobs
    assert "11 milliards de dirhams" in result.output and "16 GW" in result.output
    energy = next(line for line in result.output.splitlines() if "energy-capacity-16gw-2030" in line)
    assert "16 GW" in energy  # the target's own row, not only a claim elsewhere


# --- dates with their precision ------------------------------------------------------------------------


def test_status_as_of_the_closing_day_lists_the_agreements_signed_at_the_assises():
    closing = {r["commitment_id"]: r for r in query("status-as-of", "as_of=2025-07-02")}
    for cid in AGREEMENTS:
        assert closing[cid]["formality"] == "mou_signed", cid
        assert closing[cid]["became_true"] == "2025-07-01 to 2025-07-02"
        assert closing[cid]["reported_on"] == "2025-07-03"
    # on the first day the signing is not yet certain (the seed does not give the day)
    opening = {r["commitment_id"]: r for r in query("status-as-of", "as_of=2025-07-01")}
    assert all(opening[cid]["status"] is None for cid in AGREEMENTS)


# --- quote context and export-annotations -------------------------------------------------------------


def test_the_real_package_has_no_ambiguous_quote(real_package_run: ValidateRun):
    assert real_package_run.data["warnings"] == []


def test_a_repeated_quote_stays_distinct_when_its_context_differs(con):
    k = one(con, "SELECT * FROM claims WHERE claim_id = 'c003-event-name'")
    text = seed(con, k["source_id"])
    assert len(selectors.occurrences(text, k["quote"])) == 2
    assert selectors.indistinct_from(text, k["quote_start"], k["quote_end"]) == []


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("anno") / "claims.jsonld"
    result = run_cli("export-annotations", "--root", str(REPO), "--out", str(out))
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_export_annotations_is_a_w3c_collection_whose_selectors_match_the_seeds(con, exported):
    assert exported["@context"] == ANNO_CONTEXT and exported["type"] == "AnnotationCollection"
    items = exported["first"]["items"]
    claims = {r["claim_id"]: r for r in rows(con, "SELECT * FROM claims")}
    assert exported["total"] == len(items) == len(claims)
    for a in items:
        assert a["type"] == "Annotation" and a["id"].startswith("urn:")
        claim = claims[a["id"].rsplit(":", 1)[1]]
        text = seed(con, claim["source_id"])
        position, quote = a["target"]["selector"]
        assert position == {
            "type": "TextPositionSelector",
            "start": claim["quote_start"],
            "end": claim["quote_end"],
        }
        assert quote["type"] == "TextQuoteSelector"
        assert quote["exact"] == text[position["start"] : position["end"]] == claim["quote"]
        assert text[: position["start"]].endswith(quote["prefix"]) and text[position["end"] :].startswith(
            quote["suffix"]
        )
        assert len(quote["prefix"]) == min(selectors.CONTEXT, position["start"])
        assert (REPO / a["target"]["source"]["id"]).is_file()
        subject = claim["commitment_id"] or claim["indicator_id"] or claim["event_id"]
        assert {"type": "TextualBody", "purpose": "tagging", "value": subject} in a["body"]
    budget = next(a for a in items if a["id"].endswith(":c002-strategy-budget"))
    assert "11 milliards de dirhams" in budget["body"][0]["value"]


def test_export_annotations_writes_only_the_named_file(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    assert run_cli("export-annotations", "--root", str(REPO), "--out", str(folder)).exit_code == 2
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.jsonld"
    link.symlink_to(victim)
    result = run_cli("export-annotations", "--root", str(REPO), "--out", str(link))
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "link.jsonld", "victim.txt"]


# --- each new rule fails on a broken copy ------------------------------------------------------------


def broken(package, resource: str, key: str, value: str, **changes: str) -> int:
    """Change the record of ``resource`` whose first column is ``value``; returns its report row."""
    header, records = read_rows(package, resource)
    for n, record in enumerate(records, start=2):
        if record[header.index(key)] == value:
            for column, new in changes.items():
                record[header.index(column)] = new
            write_rows(package, resource, header, records)
            return n
    raise AssertionError(f"{resource} has no {key}={value}")


def rejected_by(package, rule: str, location: str) -> ValidateRun:
    run = validate_cli(package)
    assert run.exit_code == 1, run.text
    found = [(p.rule, p.location()) for p in run.problems]
    assert (rule, location) in found, found
    assert location in run.text and rule in run.text
    return run


def test_rule_value_stated_in_quote(package):
    row = broken(package, "claims", "claim_id", "c002-strategy-budget", value_stated="11 milliards")
    rejected_by(package, "value-stated-in-quote", f"claims:{row}:value_stated")


def test_rule_value_stated_in_quote_checks_the_qualifier(package):
    row = broken(package, "claims", "claim_id", "c002-strategy-jobs", qualifier="exactly")  # 'plus de 40.000'
    rejected_by(package, "value-stated-in-quote", f"claims:{row}:value_stated")


def test_rule_value_not_in_quote_checks_the_qualifier_of_a_claim_without_stated_form(package):
    row = broken(package, "claims", "claim_id", "c002-strategy-jobs", qualifier="exactly", value_stated="")
    run = rejected_by(package, "value-not-in-quote", f"claims:{row}:value")
    assert ("value-needs-stated", f"claims:{row}:value_stated") in [
        (p.rule, p.location()) for p in run.problems
    ]


def test_rule_value_needs_stated(package):
    row = broken(package, "claims", "claim_id", "c002-energy-16gw", value_stated="")
    rejected_by(package, "value-needs-stated", f"claims:{row}:value_stated")


def test_rule_stated_needs_value(package):
    row = broken(package, "claims", "claim_id", "c004-event-verticals-list", value_stated="12")
    rejected_by(package, "stated-needs-value", f"claims:{row}:value_stated")


def test_rule_status_effective_window(package):
    row = broken(package, "status_updates", "commitment_id", "accord-dco", effective_to="2025-07-04")
    rejected_by(package, "status-effective-window", f"status_updates:{row}:effective_to, as_of")


def test_an_indistinct_quote_is_a_warning_not_an_error(package):
    """The seed of a copy gets the passage of one claim, with its context, a second time."""
    header, sources = read_rows(package, "sources")
    header_c, claims = read_rows(package, "claims")
    c = next(r for r in claims if r[header_c.index("claim_id")] == "c003-sme-capacities")
    row = claims.index(c) + 2
    start, end = int(c[header_c.index("quote_start")]), int(c[header_c.index("quote_end")])
    source = next(r for r in sources if r[header.index("source_id")] == c[header_c.index("source_id")])
    path = package / source[header.index("seed_path")]
    text = path.read_text(encoding="utf-8")
    text += "\n" + text[start - 40 : end + 40] + "\n"
    path.write_bytes(text.encode("utf-8"))
    source[header.index("seed_sha256")] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    write_rows(package, "sources", header, sources)
    run = validate_cli(package)
    assert run.exit_code == 0 and run.data["valid"] is True, run.text
    (warning,) = run.data["warnings"]
    assert (warning["rule"], warning["resource"], warning["row"]) == (
        "quote-context-ambiguous",
        "claims",
        row,
    )
    assert "quote-context-ambiguous" in run.text and f"claims:{row}:quote" in run.text
    assert os.path.getsize(path) == len(text.encode("utf-8"))
