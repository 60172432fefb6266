"""`propose` then `apply`, through the CLI, on a copy of the real package: the two halves of the
changeset contract (curation/changeset.py) tested together.

A curator proposes from a new article (tests/fixtures/propose_article.txt, archived by propose),
reviews the changeset with the csv module as a spreadsheet would (accepts a figure with its
pre-filled subject, another with its subject corrected, the opening as a status row with the date
copied into as_of, and a new spelling of a known actor; rejects two rows; leaves the rest blank),
then checks it (--dry-run writes nothing), applies it, validates and diffs the package. Proposing
the same article again marks what was recorded, and applying those rows again is refused. A
changeset whose seed changed by one byte is refused row by row; a new actor's row is refused with
the add-actor command to run, and that command's result makes the row one to reject.
"""

from __future__ import annotations

import csv
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import copy_package, pin_today, read_rows, run_cli, snapshot, validate_cli, write_rows
from test_propose import ARCHIVE, ARTICLE, seed_text

TODAY = "2026-12-01"
ACTOR = "amal-el-fallah-seghrouchni"
# Seed 004's spelling, which the article writes too: the copy is the package as it was before seed
# 004 recorded it, so that the article's spelling is a new alias to accept.
SPELLING = "Amal El Fallah-Seghrouchni"
# The curator's review, by what each row states: (decision, columns edited). Blank rows stay blank.
REVIEW = {
    "a été inauguré": ("accept", {}),  # as_of: copied from the date row below
    "15 septembre 2026": ("reject", {}),  # used as the opening's as_of
    SPELLING: ("accept", {}),
    "2,5 milliards de dirhams": (
        "accept",
        {"commitment_id": "centre-al-jazari-nador", "notes": "The centre's own budget, not the strategy's."},
    ),
    "240.000": ("accept", {"notes": "The head of government repeats the strategy's target."}),
    "30%": ("reject", {}),  # places for rural youth: no commitment records it
}
ACCEPTED_FIGURES = ("2,5 milliards de dirhams", "240.000")


pinned_today = pin_today(TODAY)


def without_spelling(root: Path, actor: str, spelling: str) -> None:
    """Remove one recorded spelling of ``actor`` (and its place in a discrepancy)."""
    for resource in ("actor_aliases", "discrepancy_aliases"):
        header, rows = read_rows(root, resource)
        a, s = header.index("actor_id"), header.index("alias")
        kept = [r for r in rows if (r[a], r[s]) != (actor, spelling)]
        assert len(kept) == len(rows) - 1, (resource, spelling)
        write_rows(root, resource, header, kept)


def read_changeset(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_changeset(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def line_of(rows: list[dict[str, str]], row: dict[str, str]) -> int:
    """The changeset line of ``row`` (header = 1); propose's quotes hold no line break."""
    assert not any("\n" in r["quote"] for r in rows)
    return rows.index(row) + 2


def by_stated(rows: list[dict[str, str]], stated: str) -> dict[str, str]:
    (row,) = [r for r in rows if r["stated"] == stated]
    return row


def review(path: Path) -> list[dict[str, str]]:
    """Decide the rows of REVIEW as a curator would, in place; the reviewed rows."""
    header, rows = read_changeset(path)
    for stated, (decision, edits) in REVIEW.items():
        row = by_stated(rows, stated)
        row["decision"] = decision
        row.update(edits)
    by_stated(rows, "a été inauguré")["as_of"] = by_stated(rows, "15 septembre 2026")["as_of"]
    write_changeset(path, header, rows)
    return rows


def propose_file(root: Path, out: Path) -> str:
    """Archive and propose the test article into ``root``, writing the changeset ``out``; its source."""
    result = run_cli("propose", str(ARTICLE), "--root", str(root), *ARCHIVE, "--out", str(out))
    assert result.exit_code == 0, result.output
    _, rows = read_changeset(out)
    (source_id,) = {r["source_id"] for r in rows}
    return source_id


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Propose, review, dry-run, apply, validate, diff and propose again, each step's result kept."""
    tmp = tmp_path_factory.mktemp("flow")
    root = copy_package(tmp / "pkg")
    without_spelling(root, ACTOR, SPELLING)
    out = tmp / "changeset.csv"
    steps: dict = {"root": root, "changeset": out}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMMITMENTS_TODAY", TODAY)
        steps["source"] = propose_file(root, out)
        steps["proposed"] = read_changeset(out)[1]
        steps["rows"] = review(out)
        before = shutil.copytree(root, tmp / "before")
        steps["before"] = before
        steps["snapshot"] = snapshot(root)
        steps["dry_run"] = run_cli("apply", str(out), "--root", str(root), "--dry-run")
        steps["after_dry_run"] = snapshot(root)
        steps["apply"] = run_cli("apply", str(out), "--root", str(root))
        steps["validate"] = validate_cli(root)
        steps["diff"] = run_cli("diff", "--root", str(root), str(before), str(root))
        again = tmp / "again.csv"
        result = run_cli("propose", steps["source"], "--root", str(root), "--out", str(again))
        assert result.exit_code == 0, result.output
        steps["again"] = again
    return steps


def new_rows(flow: dict, resource: str) -> list[dict[str, str]]:
    """The rows of ``resource`` that the apply added (those not in the copy made before it)."""
    header, old = read_rows(flow["before"], resource)
    _, rows = read_rows(flow["root"], resource)
    return [dict(zip(header, r, strict=True)) for r in rows if r not in old]


def test_propose_pre_fills_what_the_review_relies_on(flow):
    rows = flow["proposed"]
    assert all(r["decision"] == "" for r in rows)
    assert by_stated(rows, "a été inauguré")["commitment_id"] == "centre-al-jazari-nador"
    assert by_stated(rows, "240.000")["commitment_id"] == "digital-jobs-2030"
    assert by_stated(rows, "240.000")["disputes"] == "c002-strategy-jobs"
    assert by_stated(rows, SPELLING)["actor_id"] == ACTOR
    assert "new spelling" in by_stated(rows, SPELLING)["reason"]
    assert by_stated(rows, "15 septembre 2026")["as_of"] == "2026-09-15"


def test_a_dry_run_changes_no_byte(flow):
    result = flow["dry_run"]
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing written" in result.output
    assert flow["after_dry_run"] == flow["snapshot"]


def test_apply_records_the_accepted_rows_and_prints_them(flow):
    result = flow["apply"]
    assert result.exit_code == 0, result.output
    assert "Applied 4 accepted row(s) of changeset.csv (2 rejected, 3 undecided)" in result.output
    claims = new_rows(flow, "claims")
    assert len(claims) == 3, claims
    for claim in claims:
        assert f"`{claim['claim_id']}`" in result.output
    status = new_rows(flow, "status_updates")
    assert [(s["commitment_id"], s["as_of"], s["status"], s["formality"]) for s in status] == [
        ("centre-al-jazari-nador", "2026-09-15", "achieved", "in_operation")
    ]
    assert "`centre-al-jazari-nador / 2026-09-15`" in result.output
    assert f"`{ACTOR} / {SPELLING} / {flow['source']}`" in result.output


def test_each_accepted_row_became_what_the_curator_decided(flow):
    rows, source = flow["rows"], flow["source"]
    claims = {(c["quote_start"], c["value"]): c for c in new_rows(flow, "claims")}
    budget = by_stated(rows, "2,5 milliards de dirhams")
    claim = claims[(budget["quote_start"], "2500000000")]
    assert (claim["commitment_id"], claim["unit_id"], claim["notes"]) == (
        "centre-al-jazari-nador",
        "mad",
        REVIEW["2,5 milliards de dirhams"][1]["notes"],
    )
    jobs = claims[(by_stated(rows, "240.000")["quote_start"], "240000")]
    assert jobs["commitment_id"] == "digital-jobs-2030"
    (discrepancy,) = new_rows(flow, "discrepancies")
    linked = {r["claim_id"] for r in new_rows(flow, "discrepancy_claims")}
    assert linked == {jobs["claim_id"], "c002-strategy-jobs"}, discrepancy
    (status,) = new_rows(flow, "status_updates")
    assert claims[(by_stated(rows, "a été inauguré")["quote_start"], "")]["claim_id"] == status["claim_id"]
    (alias,) = new_rows(flow, "actor_aliases")
    assert (alias["actor_id"], alias["alias"], alias["source_id"]) == (ACTOR, SPELLING, source)
    # Nothing from the rejected or undecided rows.
    assert not [c for c in claims.values() if c["value"] in ("30", "1200")]


def test_the_package_stays_valid(flow):
    assert flow["validate"].exit_code == 0, flow["validate"].text


def test_diff_names_the_new_claims_status_and_alias(flow):
    result = flow["diff"]
    assert result.exit_code == 0, result.output
    for claim in new_rows(flow, "claims"):
        assert f"`{claim['claim_id']}`" in result.output
    assert "`centre-al-jazari-nador / 2026-09-15`" in result.output
    assert f"`{ACTOR} / {SPELLING} / {flow['source']}`" in result.output


def test_the_new_claims_quote_the_archived_seed_at_their_offsets(flow):
    text = seed_text(flow["root"], flow["source"])
    assert text.encode("utf-8") == ARTICLE.read_bytes()
    for claim in new_rows(flow, "claims"):
        assert text[int(claim["quote_start"]) : int(claim["quote_end"])] == claim["quote"]
    for alias in new_rows(flow, "actor_aliases"):
        assert text[int(alias["quote_start"]) : int(alias["quote_end"])] == alias["alias"]


def test_proposing_again_marks_the_recorded_figures(flow):
    _, rows = read_changeset(flow["again"])
    claims = {(c["quote_start"], c["value"]): c["claim_id"] for c in new_rows(flow, "claims")}
    for stated in ACCEPTED_FIGURES:
        row = by_stated(rows, stated)
        assert row["claim_id"] == claims[(row["quote_start"], row["value"])], row
    assert by_stated(rows, "1 200")["claim_id"] == "", "1 200 was left undecided: nothing records it"
    (status,) = new_rows(flow, "status_updates")
    assert by_stated(rows, "a été inauguré")["claim_id"] == status["claim_id"]
    # The budget's sentence also says "Doté d'un budget" (formality budgeted): the figure's claim
    # quoting that sentence does not record the status, so the status row stays open to accept.
    budget = by_stated(rows, "2,5 milliards de dirhams")
    (budgeted,) = [r for r in rows if r["kind"] == "status" and r["quote_start"] == budget["quote_start"]]
    assert (budgeted["formality"], budgeted["claim_id"]) == ("budgeted", "")


def test_applying_the_recorded_figures_again_is_refused_by_line(flow):
    root, again = flow["root"], flow["again"]
    header, rows = read_changeset(again)
    for stated in ACCEPTED_FIGURES:
        by_stated(rows, stated)["decision"] = "accept"
    write_changeset(again, header, rows)
    before = snapshot(root)
    result = run_cli("apply", str(again), "--root", str(root))
    assert result.exit_code == 1, result.output
    assert "2 row(s) refused, so nothing was written" in result.output
    for stated in ACCEPTED_FIGURES:
        row = by_stated(rows, stated)
        where = f"line {line_of(rows, row)} ({row['proposal_id']})"
        assert f"{where}: already recorded as claim {row['claim_id']}" in result.output, result.output
    assert snapshot(root) == before


def test_a_changeset_whose_seed_changed_by_one_byte_is_refused_row_by_row(tmp_path):
    root = copy_package(tmp_path / "pkg")
    out = tmp_path / "changeset.csv"
    source_id = propose_file(root, out)
    header, rows = read_changeset(out)
    accepted = [r for r in rows if r["kind"] == "figure"]
    for row in accepted:
        row["decision"] = "accept"
    write_changeset(out, header, rows)
    (source,) = [s for s in read_rows(root, "sources")[1] if s[0] == source_id]
    seed = root / source[read_rows(root, "sources")[0].index("seed_path")]
    data = bytearray(seed.read_bytes())
    data[0:1] = b"a"  # "Accueil" -> "accueil": outside every quote, so only the text's hash tells
    seed.write_bytes(bytes(data))
    before = snapshot(root)
    result = run_cli("apply", str(out), "--root", str(root))
    assert result.exit_code == 1, result.output
    assert f"{len(accepted)} row(s) refused, so nothing was written" in result.output
    for row in accepted:
        where = f"line {line_of(rows, row)} ({row['proposal_id']})"
        assert f"{where}: the archived text of source {source_id}" in result.output, result.output
    assert result.output.count("is not the one this changeset was made from") == len(accepted)
    assert snapshot(root) == before


def test_a_new_actor_is_added_as_the_refusal_says_and_its_row_stays_rejected(tmp_path):
    """The agency the article names: apply refuses its row with the add-actor command to run; that
    command records the name itself, so accepting the row afterwards is refused as recorded."""
    root = copy_package(tmp_path / "pkg")
    out = tmp_path / "changeset.csv"
    source_id = propose_file(root, out)
    header, rows = read_changeset(out)
    (agency,) = [r for r in rows if r["kind"] == "new_actor"]
    places = by_stated(rows, "30%")  # "Selon l'Agence …, 30% des places [du centre]"
    places.update(decision="accept", commitment_id="centre-al-jazari-nador")
    agency["decision"] = "accept"
    write_changeset(out, header, rows)
    before = snapshot(root)
    refused = run_cli("apply", str(out), "--root", str(root))
    assert refused.exit_code == 1, refused.output
    assert "1 row(s) refused" in refused.output
    assert f"line {line_of(rows, agency)} ({agency['proposal_id']}): " in refused.output
    command = f'add-actor "{agency["stated"]}" --kind KIND --source {source_id} --party COMMITMENT:ROLE:CLAIM'
    assert command in refused.output, refused.output
    assert snapshot(root) == before

    agency["decision"] = "reject"
    write_changeset(out, header, rows)
    applied = run_cli("apply", str(out), "--root", str(root))
    assert applied.exit_code == 0, applied.output
    (claim,) = [c[0] for c in read_rows(root, "claims")[1] if c[1] == source_id]
    party = f"centre-al-jazari-nador:partner:{claim}"
    added = run_cli(
        *shlex.split(command.replace("KIND", "public_institution").replace("COMMITMENT:ROLE:CLAIM", party)),
        "--root",
        str(root),
    )
    assert added.exit_code == 0, added.output
    aliases = [r for r in read_rows(root, "actor_aliases")[1] if r[1] == agency["stated"]]
    (actor_id,) = [r[0] for r in aliases]
    assert [(r[2], r[3], r[4]) for r in aliases] == [
        (source_id, agency["quote_start"], agency["quote_end"])
    ], "add-actor recorded what accepting the row would have"

    agency.update(decision="accept", actor_id=actor_id)
    places["decision"] = "reject"
    write_changeset(out, header, rows)
    before = snapshot(root)
    again = run_cli("apply", str(out), "--root", str(root))
    assert again.exit_code == 1, again.output
    where = f"line {line_of(rows, agency)} ({agency['proposal_id']})"
    recorded = f"{agency['stated']!r} is already recorded as a spelling of {actor_id}; reject this row"
    assert f"{where}: {recorded}" in again.output, again.output
    assert snapshot(root) == before
