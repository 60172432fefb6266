"""`apply CHANGESET.csv` on copies of the real package: the reviewed rows of a changeset become
claims, status rows, aliases and discrepancies in one validated write, or nothing changes.

The changesets are written with changeset.to_csv (the contract `propose --out` writes), quoting a
small new article archived in each copy with add-source, at its real offsets. Every refusal must
name the changeset line and the reason, exit 1, and leave every byte of the package as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_package, pin_today, run_cli, snapshot

from commitment_tracker.curation import changeset, curate
from commitment_tracker.validation.validate import validate

TODAY = "2026-11-24"
SOURCE = "seed-005-hespress-centre-jazari-inaugure"
ARTICLE = (
    "Hespress\n"
    "Nador, le 10 novembre 2026. Le centre Al Jazari de Nador a été inauguré ce lundi par la ministre "
    "A. El Fallah Seghrouchni, qui l'a présenté comme « un pas concret ».\n"
    "La ministre a rappelé l'objectif de former 100.000 talents du digital d'ici 2030.\n"
    "Selon le ministère, la stratégie doit créer 50.000 emplois d'ici 2030.\n"
    "Le 3 novembre 2026, Aziz Akhannouch avait salué le projet.\n"
    "La société Nador Tech Lab accompagnera le centre.\n"
)
# The actor row quotes across a line break, so its CSV record spans two physical lines (5 and 6)
# and the rows after it start one line later than their position: header 1, p001 2, p002 3, p003 4,
# p004 5-6, p005 7, p006 8.
LINE = {"p001": 2, "p002": 3, "p003": 4, "p004": 5, "p005": 7, "p006": 8}


pinned_today = pin_today(TODAY)


@pytest.fixture(scope="module")
def archived(tmp_path_factory) -> Path:
    """The real package with the article archived as source seed-005 (made once per module)."""
    root = copy_package(tmp_path_factory.mktemp("archived") / "pkg")
    capture = root.parent / "capture.txt"
    capture.write_text(ARTICLE, encoding="utf-8", newline="")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMMITMENTS_TODAY", TODAY)
        outcome = curate.add_source(
            root,
            capture,
            outlet="Hespress",
            title="Le centre Al Jazari inauguré à Nador",
            published_on="2026-11-10",
        )
    assert outcome.ids("sources") == [SOURCE]
    return root


@pytest.fixture
def package(archived: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(archived, tmp_path / "pkg"))


def seed_bytes(root: Path) -> bytes:
    (seed,) = root.glob("seeds/005_*.txt")
    return seed.read_bytes()


def proposals(root: Path) -> list[dict[str, object]]:
    """A reviewed changeset: four rows accepted, one rejected, one undecided."""
    data = seed_bytes(root)
    text = data.decode("utf-8")
    sha = hashlib.sha256(data).hexdigest()

    def row(pid: str, kind: str, quote: str, decision: str = "accept", **values: str) -> dict[str, object]:
        start = text.index(quote)
        return {
            "proposal_id": pid,
            "decision": decision,
            "kind": kind,
            "source_id": SOURCE,
            "source_sha256": sha,
            "quote": quote,
            "quote_start": start,
            "quote_end": start + len(quote),
            "reason": "test",
            **values,
        }

    return [
        row(
            "p001",
            "status",
            "Le centre Al Jazari de Nador a été inauguré ce lundi",
            commitment_id="centre-al-jazari-nador",
            candidates="commitment:centre-al-jazari-nador",
            status="achieved",
            formality="in_operation",
            as_of="2026-11-10",
        ),
        row(
            "p002",
            "figure",
            "former 100.000 talents du digital d'ici 2030",
            stated="100.000",
            commitment_id="digital-talents-2030",
            value="100000",
            unit_id="count",
            qualifier="exactly",
            deadline_year="2030",
            speaker_actor_id="amal-el-fallah-seghrouchni",
        ),
        row(
            "p003",
            "figure",
            "la stratégie doit créer 50.000 emplois d'ici 2030",
            stated="50.000",
            commitment_id="digital-jobs-2030",
            value="50000",
            unit_id="count",
            qualifier="exactly",
            disputes="c001-jobs-240000 c002-strategy-jobs",
            notes="The ministry's figure, against 240.000 (seed 001) and 40.000 (seed 002).",
        ),
        row(
            "p004",
            "actor",
            "A. El Fallah Seghrouchni, qui l'a présenté comme « un pas concret ».\nLa ministre",
            stated="A. El Fallah Seghrouchni",
            actor_id="amal-el-fallah-seghrouchni",
        ),
        row(
            "p005",
            "date",
            "Le 3 novembre 2026",
            decision="reject",
            stated="3 novembre 2026",
            as_of="2026-11-03",
        ),
        row("p006", "new_actor", "La société Nador Tech Lab", decision="", stated="Nador Tech Lab"),
    ]


def write_changeset(folder: Path, rows: list[dict[str, object]], name: str = "review.csv") -> Path:
    path = folder / name
    path.write_text(changeset.to_csv(rows), encoding="utf-8", newline="")
    return path


def table(root: Path, resource: str, **where: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{resource}.csv", encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if all(r[k] == v for k, v in where.items())]


def apply_cli(root: Path, path: Path, *options: str):
    return run_cli("apply", str(path), "--root", str(root), *options)


# --- the path a curator takes --------------------------------------------------------------------


def test_dry_run_then_apply_records_the_accepted_rows(package, tmp_path):
    path = write_changeset(tmp_path, proposals(package))
    before = snapshot(package)

    dry = apply_cli(package, path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert snapshot(package) == before
    assert "Dry run, nothing written: 4 accepted row(s) of review.csv (1 rejected, 1 undecided)" in dry.output

    done = apply_cli(package, path)
    assert done.exit_code == 0, done.output
    assert validate(package).valid

    # p001: a claim quoting the status phrase, and the status row citing it, with a rationale
    # naming the quote (the row has no notes).
    (status_claim,) = table(package, "claims", source_id=SOURCE, commitment_id="centre-al-jazari-nador")
    assert status_claim["quote"] == "Le centre Al Jazari de Nador a été inauguré ce lundi"
    (status,) = table(package, "status_updates", commitment_id="centre-al-jazari-nador", as_of="2026-11-10")
    assert (status["status"], status["formality"], status["source_id"]) == (
        "achieved",
        "in_operation",
        SOURCE,
    )
    assert status["claim_id"] == status_claim["claim_id"]
    assert "Le centre Al Jazari de Nador a été inauguré ce lundi" in status["rationale"]

    # p002: a figure with its value, unit, qualifier and speaker, at the changeset's offsets.
    (talents,) = table(package, "claims", source_id=SOURCE, commitment_id="digital-talents-2030")
    text = seed_bytes(package).decode("utf-8")
    start, end = int(talents["quote_start"]), int(talents["quote_end"])
    assert text[start:end] == talents["quote"] == "former 100.000 talents du digital d'ici 2030"
    assert (talents["value"], talents["unit_id"], talents["qualifier"]) == ("100000", "count", "exactly")
    assert talents["speaker_actor_id"] == "amal-el-fallah-seghrouchni"

    # p003: the contradicting figure, and one discrepancy linking it to both disputed claims.
    (jobs,) = table(package, "claims", source_id=SOURCE, commitment_id="digital-jobs-2030")
    assert jobs["value"] == "50000" and jobs["notes"].startswith("The ministry's figure")
    (link,) = table(package, "discrepancy_claims", claim_id=jobs["claim_id"])
    linked = {
        r["claim_id"] for r in table(package, "discrepancy_claims", discrepancy_id=link["discrepancy_id"])
    }
    assert linked == {jobs["claim_id"], "c001-jobs-240000", "c002-strategy-jobs"}
    (discrepancy,) = table(package, "discrepancies", discrepancy_id=link["discrepancy_id"])
    assert discrepancy["kind"] == "value"

    # p004: the spelling, located in the source; the rejected and undecided rows add nothing.
    (alias,) = table(package, "actor_aliases", alias="A. El Fallah Seghrouchni")
    assert alias["actor_id"] == "amal-el-fallah-seghrouchni" and alias["source_id"] == SOURCE
    assert text[int(alias["quote_start"]) : int(alias["quote_end"])] == "A. El Fallah Seghrouchni"
    assert not table(package, "actor_aliases", alias="Nador Tech Lab")

    # The output is the diff of the rows added, and a summary.
    for named in (
        status_claim["claim_id"],
        talents["claim_id"],
        jobs["claim_id"],
        link["discrepancy_id"],
        "centre-al-jazari-nador / 2026-11-10",
        "amal-el-fallah-seghrouchni / A. El Fallah Seghrouchni",
    ):
        assert named in done.output, named
    assert "Applied 4 accepted row(s) of review.csv (1 rejected, 1 undecided): added 3 claims" in done.output

    # Applying the same changeset again is refused: the aliases and status rows exist now.
    again = apply_cli(package, path)
    assert again.exit_code == 1
    assert f"line {LINE['p004']} (p004): 'A. El Fallah Seghrouchni' is already recorded" in again.output


# --- refused rows: the line, the reason, and no byte changed ------------------------------------


Edit = Callable[[list[dict[str, object]], Path], None]  # (changeset rows, package root)


def _set(pid: str, **values: object) -> Edit:
    def edit(rows: list[dict[str, object]], root: Path) -> None:
        (row,) = [r for r in rows if r["proposal_id"] == pid]
        row.update(values)

    return edit


def _shift(pid: str, by: int) -> Edit:
    def edit(rows: list[dict[str, object]], root: Path) -> None:
        (row,) = [r for r in rows if r["proposal_id"] == pid]
        row["quote_start"] = int(row["quote_start"]) + by
        row["quote_end"] = int(row["quote_end"]) + by

    return edit


def _seed_edited(rows: list[dict[str, object]], root: Path) -> None:
    # The archived text changes after the changeset was made (the same length: every offset still
    # falls inside it, and most quotes are still there).
    (seed,) = root.glob("seeds/005_*.txt")
    seed.write_bytes(seed.read_bytes().replace(b"lundi", b"mardi"))


def _other_capture(rows: list[dict[str, object]], root: Path) -> None:
    # The changeset was made from other bytes than the archived seed's (an earlier capture).
    for row in rows:
        row["source_sha256"] = hashlib.sha256(ARTICLE.encode("utf-8") + b"\n").hexdigest()


REFUSALS = {
    "seed-bytes-changed": (
        _seed_edited,
        # Every accepted row of the source is refused, row by row.
        [(pid, "is not the one this changeset was made from") for pid in ("p001", "p002", "p003", "p004")],
    ),
    "made-from-another-capture": (
        _other_capture,
        # Every accepted row of the source is refused, row by row.
        [(pid, "is not the one this changeset was made from") for pid in ("p001", "p002", "p003", "p004")],
    ),
    "quote-edited": (
        _set("p002", quote="former 100 000 talents du digital d'ici 2030"),
        [("p002", "the quote is not at 211:255 of seeds/005_")],
    ),
    "quote-shifted": (
        _shift("p003", 3),
        [("p003", "quote found at 277:326 — offsets shifted by +3; set quote_start=277, quote_end=326")],
    ),
    "unknown-commitment": (
        _set("p002", commitment_id="digital-talent-2030"),
        [("p002", "unknown commitment 'digital-talent-2030'; did you mean 'digital-talents-2030'")],
    ),
    "two-subjects": (
        _set("p002", indicator_id="pupils"),
        [("p002", "a claim is about exactly one thing: set one of commitment_id, indicator_id, event_id")],
    ),
    "already-recorded": (
        _set("p002", claim_id="c002-strategy-talents"),
        [("p002", "already recorded as claim c002-strategy-talents")],
    ),
    "bad-decision": (
        _set("p006", decision="acept"),
        [("p006", "decision 'acept' is not accept, reject or blank (did you mean 'accept'?)")],
    ),
    "date-alone": (
        _set("p005", decision="accept"),
        [("p005", "a date is used as the as_of of a status row")],
    ),
    "new-actor-not-added": (
        _set("p006", decision="accept"),
        [("p006", "'Nador Tech Lab' matches no actor: write the id of the existing actor it names")],
    ),
    "status-without-date": (
        _set("p001", as_of=""),
        [("p001", "as_of is blank: write the date the quote establishes the status (the source was")],
    ),
    "figure-not-in-the-package-form": (
        _set("p003", value="50 000"),
        [("p003", "value: '50 000' is not a decimal number")],
    ),
    # The changeset itself is fine; the package it would make is not: the validator's problem is
    # located at the changeset line that added the row (a figure contradicting two recorded ones,
    # with no discrepancy to link them).
    "invalid-resulting-package": (
        _set("p003", disputes=""),
        [("p003", "conflicting-claims-linked")],
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refused_row_names_its_line_and_reason_and_nothing_changes(package, tmp_path, case):
    edit, expected = REFUSALS[case]
    rows = proposals(package)
    edit(rows, package)
    path = write_changeset(tmp_path, rows)
    before = snapshot(package)
    for options in ((), ("--dry-run",)):
        result = apply_cli(package, path, *options)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        for pid, reason in expected:
            if case == "invalid-resulting-package":
                assert f"(in the claims row added by review.csv line {LINE[pid]} ({pid}))" in result.output
                assert reason in result.output
            else:
                assert f"line {LINE[pid]} ({pid}): " in result.output, result.output
                assert reason in result.output.replace("\n      ", "\n"), result.output
        assert snapshot(package) == before


# --- files that are not changesets ----------------------------------------------------------------


def _header_without(column: str) -> Callable[[Path, Path], Path]:
    def make(root: Path, folder: Path) -> Path:
        path = folder / "review.csv"
        columns = [c for c in changeset.COLUMNS if c != column]
        path.write_text(",".join(columns) + "\n", encoding="utf-8")
        return path

    return make


def _renamed_column(root: Path, folder: Path) -> Path:
    path = write_changeset(folder, proposals(root))
    path.write_text(path.read_text(encoding="utf-8").replace("decision", "decisions", 1), encoding="utf-8")
    return path


def _not_utf8(root: Path, folder: Path) -> Path:
    path = write_changeset(folder, proposals(root))
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    return path


def _folder(root: Path, folder: Path) -> Path:
    (folder / "review.csv").mkdir()
    return folder / "review.csv"


def _link(root: Path, folder: Path) -> Path:
    target = write_changeset(folder, proposals(root), name="real.csv")
    os.symlink(target, folder / "review.csv")
    return folder / "review.csv"


def _json(root: Path, folder: Path) -> Path:
    path = folder / "review.json"
    path.write_text('[{"kind": "figure", "quote": "former 100.000 talents"}]\n', encoding="utf-8")
    return path


def _ragged(root: Path, folder: Path) -> Path:
    path = write_changeset(folder, proposals(root))
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] += ",extra"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


NOT_CHANGESETS = {
    "missing-column": (
        _header_without("source_sha256"),
        "is not a changeset: missing column(s): source_sha256",
    ),
    "unknown-column": (_renamed_column, "unknown column 'decisions' (did you mean 'decision'?)"),
    "not-utf8": (_not_utf8, "is not UTF-8 (byte "),
    "a-folder": (_folder, "is a folder, not a regular file"),
    "a-symbolic-link": (_link, "is a symbolic link; pass the changeset file itself"),
    "not-a-csv": (_json, "is not a changeset: missing column(s): proposal_id, decision"),
    "ragged-row": (_ragged, "line 3: 27 cells, the header has 26"),
    "missing-file": (lambda root, folder: folder / "nope.csv", "cannot be read: No such file or directory"),
}


@pytest.mark.parametrize("case", NOT_CHANGESETS)
def test_a_file_that_is_not_a_changeset_is_refused(package, tmp_path, case):
    make, message = NOT_CHANGESETS[case]
    folder = tmp_path / "review"
    folder.mkdir()
    path = make(package, folder)
    before = snapshot(package)
    result = apply_cli(package, path)
    assert result.exit_code == 1, result.output
    assert message in result.output, result.output
    assert snapshot(package) == before


def test_nothing_accepted_is_refused(package, tmp_path):
    rows = [r for r in proposals(package) if r["decision"] != "accept"]
    result = apply_cli(package, write_changeset(tmp_path, rows))
    assert result.exit_code == 1
    assert "has no accepted row (1 rejected, 1 undecided)" in result.output


def test_a_spreadsheet_save_is_read(package, tmp_path):
    # A spreadsheet may write a byte-order mark and \r\n line ends; the quotes keep their own "\n".
    path = write_changeset(tmp_path, proposals(package))
    text = path.read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(records)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    before = snapshot(package)
    result = apply_cli(package, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "4 accepted row(s) of review.csv (1 rejected, 1 undecided) would add 3 claims" in result.output
    assert snapshot(package) == before
