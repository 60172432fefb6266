# ruff: noqa: RUF001  (the texts' typographic apostrophe U+2019 is quoted as written)
"""`propose`: an article's figures, dates, actors and status phrases, at exact offsets, for review.

A small French article written for these tests (tests/fixtures/propose_article.txt) is archived
into a copy of the real package and proposed from; it states a few figures, a date, a known
actor's spelling, an unknown institution and status phrases, and carries unrelated headlines and a
page script that must propose nothing. The real seeds check that a recorded claim is recognised.
Every refusal leaves every file of the package as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from conftest import copy_package, run_cli, snapshot

from commitment_tracker.curation import changeset
from commitment_tracker.curation.proposing import dates, status
from commitment_tracker.datapackage import schema

ARTICLE = Path(__file__).parent / "fixtures" / "propose_article.txt"
TODAY = "2026-12-01"
ARCHIVE = ("--outlet", "Le Test", "--title", "Le centre Al Jazari ouvre ses portes à Nador")
ARCHIVE += ("--published-on", "2026-09-16")
JSON_KEYS = {"kind", "quote", "quote_start", "quote_end", "value", "unit_id", "qualifier"}
JSON_KEYS |= {"deadline_year", "claim_id", "candidates"}

# (kind, as written, what the proposal holds): what the test article states.
EXPECTED = [
    ("status", "a été inauguré", {"status": "achieved", "formality": "in_operation"}),
    ("date", "15 septembre 2026", {"value": "2026-09-15", "as_of": "2026-09-15"}),
    ("actor", "Amal El Fallah-Seghrouchni", {"actor_id": "amal-el-fallah-seghrouchni"}),
    ("status", "Doté d’un budget", {"formality": "budgeted"}),
    (
        "figure",
        "2,5 milliards de dirhams",
        {"value": 2500000000, "unit_id": "mad", "qualifier": "exactly", "deadline_year": 2028},
    ),
    ("figure", "1 200", {"value": 1200, "unit_id": "count", "qualifier": "more_than", "deadline_year": 2028}),
    ("new_actor", "Agence Nationale des Compétences Numériques", {}),
    ("figure", "30%", {"value": 30, "unit_id": "percent", "deadline_year": None}),
    (
        "figure",
        "240.000",
        {"value": 240000, "deadline_year": 2030, "candidates": ["commitment:digital-jobs-2030"]},
    ),
]
# Figures of the unrelated headlines and of the page script in the capture.
NOT_PROPOSED = {9e6, 3e6, 40, 4000, 150}


def seed_text(root: Path, source_id: str) -> str:
    with open(root / "data" / "sources.csv", encoding="utf-8", newline="") as fh:
        (row,) = [r for r in csv.DictReader(fh) if r["source_id"] == source_id]
    return (root / row["seed_path"]).read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The test article proposed from a file: archived, proposed (JSON) and a changeset written."""
    tmp = tmp_path_factory.mktemp("propose")
    root = copy_package(tmp / "pkg")
    out = tmp / "changeset.csv"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMMITMENTS_TODAY", TODAY)
        result = run_cli(
            "propose", str(ARTICLE), "--root", str(root), *ARCHIVE, "--format", "json", "--out", str(out)
        )
    assert result.exit_code == 0, result.output
    proposals = json.loads(result.stdout)
    (source_id,) = {p["source_id"] for p in proposals}
    return {"root": root, "proposals": proposals, "source": source_id, "out": out, "stderr": result.stderr}


def test_the_file_is_archived_as_add_source_does(archived):
    root, source_id = archived["root"], archived["source"]
    assert seed_text(root, source_id).encode("utf-8") == ARTICLE.read_bytes()
    assert f"archived {ARTICLE} as source {source_id}" in archived["stderr"]
    assert re.fullmatch(r"seed-\d{3}-le-test-centre-jazari-ouvre", source_id), source_id


def test_every_proposal_quotes_the_archived_text_at_its_offsets(archived):
    text = seed_text(archived["root"], archived["source"])
    assert archived["proposals"]
    for p in archived["proposals"]:
        assert text[p["quote_start"] : p["quote_end"]] == p["quote"]
        assert text[p["stated_start"] : p["stated_end"]] == p["stated"]
        assert p["quote_start"] <= p["stated_start"] < p["stated_end"] <= p["quote_end"]
        assert "\n" not in p["quote"], "a quote is a clause or a sentence, never several paragraphs"


@pytest.mark.parametrize(("kind", "stated", "holds"), EXPECTED, ids=[s for _, s, _ in EXPECTED])
def test_finds_what_the_article_states(archived, kind, stated, holds):
    found = [p for p in archived["proposals"] if p["kind"] == kind and p["stated"] == stated]
    assert len(found) == 1, [(p["kind"], p["stated"]) for p in archived["proposals"]]
    for key, value in holds.items():
        if key == "candidates":
            assert found[0]["candidates"][: len(value)] == value
        else:
            assert found[0][key] == value, (key, found[0])


def test_the_opening_is_linked_to_its_commitment(archived):
    (opening,) = [p for p in archived["proposals"] if p["stated"] == "a été inauguré"]
    assert opening["candidates"][0] == "commitment:centre-al-jazari-nador"


def test_a_figure_contradicting_a_recorded_one_is_flagged(archived):
    """240.000 jobs by 2030: seed 002 records more than 40.000 for the same commitment."""
    (jobs,) = [p for p in archived["proposals"] if p["stated"] == "240.000"]
    assert jobs["disputes"] == ["c002-strategy-jobs"]
    assert "contradicts" in jobs["reason"]
    (budget,) = [p for p in archived["proposals"] if p["stated"] == "2,5 milliards de dirhams"]
    assert budget["disputes"] == [], "the centre's budget is not the digital strategy's"


def test_headlines_and_scripts_of_the_capture_propose_nothing(archived):
    figures = [p["value"] for p in archived["proposals"] if p["kind"] == "figure"]
    assert not NOT_PROPOSED & set(figures)
    for p in archived["proposals"]:
        assert not any(word in p["quote"] for word in ("Wydad", "Tanger", "settimeout", "Publié le"))


def test_json_is_one_array_with_null_where_not_applicable(archived):
    proposals = archived["proposals"]
    assert isinstance(proposals, list)
    for p in proposals:
        assert set(p) >= JSON_KEYS, p
        assert p["kind"] in changeset.KINDS
        assert isinstance(p["candidates"], list)
        if p["kind"] != "figure":
            assert (p["unit_id"], p["qualifier"], p["deadline_year"]) == (None, None, None)
        if p["kind"] != "status":
            assert (p["status"], p["formality"]) == (None, None)
        if p["kind"] in ("actor", "new_actor"):
            assert p["value"] is None and p["candidates"] == []
    assert [p["proposal_id"] for p in proposals] == [f"p{n:03d}" for n in range(1, len(proposals) + 1)]


def test_changeset_has_the_contract_columns_and_one_row_per_proposal(archived):
    root, source_id = archived["root"], archived["source"]
    raw = archived["out"].read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert tuple(csv.reader(io.StringIO(raw)).__next__()) == changeset.COLUMNS
    assert len(rows) == len(archived["proposals"])
    text = seed_text(root, source_id)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for row, proposal in zip(rows, archived["proposals"], strict=True):
        assert (row["proposal_id"], row["kind"], row["decision"]) == (
            proposal["proposal_id"],
            proposal["kind"],
            "",
        )
        assert (row["source_id"], row["source_sha256"]) == (source_id, digest)
        assert text[int(row["quote_start"]) : int(row["quote_end"])] == row["quote"]
        assert row["candidates"] == " ".join(proposal["candidates"])
    (jobs,) = [r for r in rows if r["stated"] == "240.000"]
    assert (jobs["commitment_id"], jobs["value"], jobs["unit_id"]) == ("digital-jobs-2030", "240000", "count")
    assert jobs["disputes"] == "c002-strategy-jobs"
    (budget,) = [r for r in rows if r["stated"] == "2,5 milliards de dirhams"]
    assert budget["value"] == "2500000000"  # the package's canonical number form


def test_proposing_again_from_the_same_file_archives_nothing(archived, tmp_path):
    root = archived["root"]
    before = snapshot(root)
    result = run_cli("propose", str(ARTICLE), "--root", str(root), *ARCHIVE, "--format", "json")
    assert result.exit_code == 0, result.output
    assert f"already archived as source {archived['source']}" in result.stderr
    assert json.loads(result.stdout) == archived["proposals"]
    assert snapshot(root) == before


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "pkg")


def test_a_recorded_claim_gets_its_claim_id(package):
    result = run_cli(
        "propose", "seed-002-lematin-table-decisions", "--root", str(package), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    by_stated = {p["stated"]: p for p in json.loads(result.stdout)}
    budget = by_stated["11 milliards de dirhams"]
    assert (budget["claim_id"], budget["value"], budget["unit_id"]) == (
        "c002-strategy-budget",
        11000000000,
        "mad",
    )
    assert budget["candidates"][0] == "commitment:maroc-digital-2030-budget"
    assert by_stated["40.000"]["claim_id"] == "c002-strategy-jobs"
    assert by_stated["40.000"]["disputes"] == [], "already linked by the digital-jobs-value discrepancy"
    bill = by_stated["en cours d’élaboration"]
    assert (bill["claim_id"], bill["status"], bill["candidates"][0]) == (
        "c002-ai-bill",
        "in_progress",
        "commitment:ai-law",
    )


def test_text_output_is_a_table_for_a_curator(package):
    result = run_cli("propose", "seed-002-lematin-table-decisions", "--root", str(package))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    proposals = json.loads(
        run_cli(
            "propose", "seed-002-lematin-table-decisions", "--root", str(package), "--format", "json"
        ).stdout
    )
    title = f"seed-002-lematin-table-decisions (seeds/002_29a6e5a71b86d206.txt): {len(proposals)} proposals"
    assert lines[0].startswith(title)
    assert lines[1].split()[:4] == ["id", "kind", "at", "stated"]
    assert len(lines) == 3 + len(proposals)  # title, header, rule, one line per proposal
    (budget,) = [line for line in lines if "11 milliards de dirhams" in line]
    assert "c002-strategy-budget" in budget and "313:551" in budget


def test_force_replaces_an_existing_changeset(package, tmp_path):
    out = tmp_path / "changeset.csv"
    out.write_text("old\n", encoding="utf-8")
    result = run_cli(
        "propose", "seed-004-lancement-assises-rabat", "--root", str(package), "--out", str(out), "--force"
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(changeset.COLUMNS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changeset.csv", "pkg"], "no temporary file is left"


def _binary(folder: Path) -> list[str]:
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return [str(folder / "image.png"), *ARCHIVE]


def _nul(folder: Path) -> list[str]:
    (folder / "nul.txt").write_bytes(b"Un texte\x00avec un octet nul\n")
    return [str(folder / "nul.txt"), *ARCHIVE]


def _empty(folder: Path) -> list[str]:
    (folder / "empty.txt").write_bytes(b"  \n")
    return [str(folder / "empty.txt"), *ARCHIVE]


def _existing_out(folder: Path) -> list[str]:
    (folder / "taken.csv").write_text("a curator's work\n", encoding="utf-8")
    # with a file to archive: the --out refusal comes before anything is archived
    return [str(ARTICLE), *ARCHIVE, "--out", str(folder / "taken.csv")]


def _out_in_data(folder: Path) -> list[str]:
    return ["seed-002-lematin-table-decisions", "--out", str(folder / "pkg" / "data" / "changeset.csv")]


def _out_link(folder: Path) -> list[str]:
    (folder / "target.csv").write_text("x\n", encoding="utf-8")
    (folder / "link.csv").symlink_to(folder / "target.csv")
    return ["seed-002-lematin-table-decisions", "--out", str(folder / "link.csv"), "--force"]


REFUSALS = [
    ("unknown source", lambda f: ["seed-002-lematin"], 1, "did you mean 'seed-002-lematin-table-decisions'"),
    ("missing file", lambda f: [str(f / "nowhere" / "article.txt"), *ARCHIVE], 1, "no file"),
    ("binary file", _binary, 1, "is not UTF-8"),
    ("NUL byte", _nul, 1, "NUL byte"),
    ("empty text", _empty, 1, "is empty"),
    ("existing --out", _existing_out, 1, "already exists; pass --force"),
    ("--out in data/", _out_in_data, 1, "inside the package's own files (data)"),
    ("--out a link", _out_link, 1, "is a symbolic link"),
    ("--out a folder", lambda f: ["seed-002-lematin-table-decisions", "--out", str(f)], 2, "is a directory"),
    ("file without --outlet", lambda f: [str(ARTICLE), "--title", "t", "--published-on", ""], 2, "--outlet"),
    (
        "source id with archive options",
        lambda f: ["seed-002-lematin-table-decisions", "--outlet", "x"],
        2,
        "apply to a FILE only",
    ),
]


@pytest.mark.parametrize(("case", "make", "code", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_change_no_byte(package, tmp_path, case, make, code, words):
    args = make(tmp_path)
    before, outside = snapshot(package), snapshot(tmp_path)
    result = run_cli("propose", *args, "--root", str(package))
    assert result.exit_code == code, result.output
    assert words in result.output
    assert result.output.startswith(("Error: ", "Usage: "))
    assert snapshot(package) == before
    assert snapshot(tmp_path) == outside


def test_status_phrases_suggest_only_values_the_schema_allows():
    package = schema.load_package(Path(__file__).resolve().parent.parent)
    resource = package.resource("status_updates")
    allowed = status.phrase_table(resource.field("status").enum, resource.field("formality").enum)
    assert allowed == status.PHRASES, "a phrase suggests a status or formality the schema no longer has"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le 15 septembre 2026", [("15 septembre 2026", "2026-09-15")]),
        ("mardi 1er juillet 2025", [("mardi 1er juillet 2025", "2025-07-01")]),
        ("les 1er et 2 juillet 2025 à Rabat", [("1er et 2 juillet 2025", "2025-07-01")]),
        ("on Tuesday, July 1, 2025", [("Tuesday, July 1, 2025", "2025-07-01")]),
        ("signed on 3 March 2026", [("3 March 2026", "2026-03-03")]),
        ("2025-07-01 19:05:00", [("2025-07-01", "2025-07-01")]),
        ("Publié le 03 - 07 - 2025", [("03 - 07 - 2025", "2025-07-03")]),
        ("ce mardi, le 15 septembre", []),  # no year: the curator works it out
        ("le 31 février 2025", []),  # no such day
        ("d'ici 2030", []),
    ],
)
def test_dates_with_their_iso_value(text, expected):
    found = [(text[d.start : d.end], d.day.isoformat()) for d in dates.find_dates(text)]
    assert found == expected


def test_an_english_article_is_read_too():
    from commitment_tracker.curation.proposing import package as package_mod
    from commitment_tracker.curation.proposing.proposals import propose_text

    text = (
        "Morocco's AI law has been adopted by Parliament on July 1, 2025, Amal El Fallah Seghrouchni said.\n"
        "The World Bank will lend more than $500 million, and the government plans to train 100,000 "
        "digital talents by 2030.\n"
    )
    view = package_mod.load(Path(__file__).resolve().parent.parent)
    found = {
        (p.kind, p.stated): p for p in propose_text(text, "seed-002-lematin-table-decisions", view, "en")
    }
    adopted = found["status", "has been adopted"]
    assert (adopted.status, adopted.formality, adopted.candidates[0]) == (
        "in_progress",
        "in_law",
        "commitment:ai-law",
    )
    assert found["date", "July 1, 2025"].value == "2025-07-01"
    loan = found["figure", "$500 million"]
    assert (loan.value, loan.unit_id, loan.qualifier, loan.deadline_year) == (5e8, "usd", "more_than", 2030)
    assert found["figure", "100,000"].candidates[0] == "commitment:digital-talents-2030"
    assert ("new_actor", "World Bank") in found
    assert ("new_actor", "Morocco's AI") not in found, "common words are no name"
