"""`review` says what changed in the words of the domain and calls out suspicious changes; `diff`
shows a dropped resource's rows and duplicated keys; `release` writes its CHANGELOG from the review.

The scripted change is made on a git copy of the real package: commit 1 is the package as it is;
commit 2 adds an article with the curation commands (a source, claims, a status move, a target
blanked because the new article disputes it), a valid change; commit 3 edits the files by hand the
way history must not be edited (a status row deleted, a claim's quote edited, a byte of an archived
text changed, a target changed with no claim, a claim deleted, a status moved backwards, a status
dated before the latest one), and
edits a sector's name, which no section words.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, copy_package, read_rows, run_cli, write_rows

from commitment_tracker import amounts
from commitment_tracker.curation import curate
from commitment_tracker.publish import release, review
from commitment_tracker.publish.diff import diff_folders

TODAY = "2026-11-24"
SOURCE = "seed-005-hespress-centre-jazari-ouvre"
ARTICLE = (
    "Rabat, 12 novembre 2026. Le centre Al Jazari de Nador a ouvert ses portes le 10 novembre 2026, "
    "a annoncé le ministère. Le budget de la stratégie Maroc Digital 2030 est porté à 12 milliards de "
    "dirhams.\n"
)
OPENING = "Le centre Al Jazari de Nador a ouvert ses portes le 10 novembre 2026"


def git(repo: Path, *args: str) -> str:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    done = subprocess.run(["git", *identity, *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def record(header: list[str], **values: str) -> list[str]:
    """A CSV record in ``header``'s column order, blank where no value is given."""
    return [values.get(column, "") for column in header]


def edit_rows(root: Path, resource: str, edit) -> None:
    """Rewrite one table by hand: ``edit(header, rows)`` returns the new rows."""
    header, rows = read_rows(root, resource)
    write_rows(root, resource, header, edit(header, rows))


def cell(header: list[str], row: list[str], column: str) -> str:
    return row[header.index(column)]


def set_where(header: list[str], rows: list[list[str]], key: str, value: str, column: str, new: str) -> list:
    for row in rows:
        if row[0] == key:
            row[header.index(column)] = new
    return rows


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    """The three commits (see the module docstring), and a fresh clone taken at commit 2."""
    tmp = tmp_path_factory.mktemp("review")
    repo = copy_package(tmp / "repo")
    for name in (release.CHANGELOG, release.CITATION):
        shutil.copy2(REPO / name, repo / name)
    (repo / ".gitignore").write_text(".commitments.lock\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the package as released")
    base = git(repo, "rev-parse", "HEAD").strip()

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMMITMENTS_TODAY", TODAY)
        article = tmp / "article.txt"
        article.write_text(ARTICLE, encoding="utf-8")
        curate.add_source(
            repo, article, outlet="Hespress", title="Le centre Al Jazari ouvre", published_on="2026-11-12"
        )
        curate.add_claim(repo, source=SOURCE, commitment="centre-al-jazari-nador", quote=OPENING)
        curate.set_status(
            repo,
            "centre-al-jazari-nador",
            as_of="2026-11-10",
            status="achieved",
            formality="in_operation",
            source=SOURCE,
            claim="c005-centre-al-jazari-nador",
            rationale="Opening reported by Hespress.",
        )
        # The article disputes the budget: the target goes blank (a hand edit: commands only add),
        # then the claim stating 12 milliards is added with the discrepancy linking both versions.
        edit_rows(
            repo,
            "commitments",
            lambda h, rows: set_where(h, rows, "maroc-digital-2030-budget", "", "target_value", ""),
        )
        edit_rows(
            repo,
            "commitments",
            lambda h, rows: set_where(h, rows, "maroc-digital-2030-budget", "", "target_qualifier", ""),
        )
        curate.add_claim(
            repo,
            source=SOURCE,
            commitment="maroc-digital-2030-budget",
            quote="12 milliards de dirhams",
            value="12000000000",
            unit="mad",
            disputes=["c002-strategy-budget"],
            discrepancy_kind="value",
            discrepancy_description="Budget of the digital strategy: 11 milliards (seed 002) or 12.",
        )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "an article: the Al Jazari centre opens; the budget disputed")
    curated = git(repo, "rev-parse", "HEAD").strip()
    fresh = tmp / "fresh"
    subprocess.run(["git", "clone", "-q", str(repo), str(fresh)], check=True)

    edit_rows(repo, "status_updates", lambda h, rows: [r for r in rows if r[0] != "accord-dco"])
    edit_rows(
        repo,
        "claims",
        lambda h, rows: set_where(
            h, rows, "c000-dco", "", "quote", "L'accord avec la DCO insiste sur l'éthique."
        ),
    )
    edit_rows(repo, "claims", lambda h, rows: [r for r in rows if r[0] != "c000-current-ai"])
    edit_rows(
        repo,
        "commitments",
        lambda h, rows: set_where(h, rows, "energy-capacity-16gw-2030", "", "target_value", "17000000000"),
    )
    edit_rows(
        repo,
        "status_updates",
        lambda h, rows: sorted(
            [
                *rows,
                record(
                    h,
                    commitment_id="centre-al-jazari-nador",
                    as_of="2026-11-15",
                    status="in_progress",
                    formality="in_operation",
                    source_id=SOURCE,
                    rationale="Hm.",
                ),
                # Slipped in before the latest status the base had: history rewritten, not appended.
                record(
                    h,
                    commitment_id="ai-law",
                    as_of="2025-06-30",
                    status="announced",
                    formality="announced",
                    source_id=SOURCE,
                    rationale="Backdated.",
                ),
            ]
        ),
    )
    edit_rows(repo, "sectors", lambda h, rows: set_where(h, rows, "agriculture", "", "name_en", "Farming"))
    seed = repo / "seeds" / "003_ae9e55089c9825f2.txt"
    data = bytearray(seed.read_bytes())
    data[10] = ord("X") if data[10] != ord("X") else ord("Y")
    seed.write_bytes(bytes(data))
    git(repo, "commit", "-q", "-am", "hand edits")
    return {"repo": repo, "base": base, "curated": curated, "fresh": fresh}


def review_of(repo: Path, *args: str) -> str:
    result = run_cli("review", *args, "--root", str(repo))
    assert result.exit_code == 0, result.output
    return result.output


# --- the readable figures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "symbol", "language", "text"),
    [
        (11e9, "MAD", "fr", "11 milliards MAD"),
        (11e9, "MAD", "en", "11 billion MAD"),
        (1.5e9, "MAD", "fr", "1,5 milliard MAD"),
        (16e9, "W", "fr", "16 GW"),
        (240000, "", "fr", "240 000"),
        (40000, "", "en", "40,000"),
        (15, "%", "fr", "15 %"),
        (15, "%", "en", "15%"),
        (1234567890, "MAD", "fr", "1 234 567 890 MAD"),  # no short form that would round it
    ],
)
def test_figures_read_as_people_say_them(value, symbol, language, text):
    assert amounts.readable(value, symbol, language) == text


def test_a_count_has_no_symbol_and_a_unit_its_label_symbol():
    assert amounts.reading_symbol("nombre (count)", "count", "count") == ""
    assert amounts.reading_symbol("dirham marocain (MAD)", "mad", "currency") == "MAD"


# --- review ----------------------------------------------------------------------------------------


def test_a_valid_change_in_the_words_of_the_domain(scripted):
    repo, base, curated = scripted["repo"], scripted["base"], scripted["curated"]
    text = review_of(repo, base, curated)
    assert "No suspicious changes." in text
    assert f"- `{SOURCE}` — Hespress, 2026-11-12: “Le centre Al Jazari ouvre”; 2 new claims" in text, text
    assert (
        "- `centre-al-jazari-nador` (Creation of the Al Jazari centre in Nador): `announced` → `achieved` as "
        f"of 2026-11-10, per Hespress, 2026-11-12: “{OPENING}”"
    ) in text
    assert (
        "`centre-al-jazari-nador` (Creation of the Al Jazari centre in Nador): `announced` → `in_operation`"
        in text
    )
    assert (
        "- Commitment `maroc-digital-2030-budget` (MAD 11 billion budget for the digital strategy): target "
        "11 milliards MAD → not stated\n"
    ) in text
    assert (
        "- commitment `centre-al-jazari-nador` (Creation of the Al Jazari centre in Nador): 1 new claim"
        in text
    )
    assert f"  - `c005-centre-al-jazari-nador` from Hespress, 2026-11-12: “{OPENING}”" in text
    assert (
        "  - `c005-maroc-digital-2030-budget` from Hespress, 2026-11-12: “12 milliards de dirhams” "
        "(states 12 milliards MAD)"
    ) in text
    assert "(Figures disagree): Budget of the digital strategy: 11 milliards (seed 002) or 12." in text
    assert "  - `c002-strategy-budget` from lematin.ma, 2025-07-01:" in text


def test_suspicious_changes_come_first_and_name_each_one(scripted):
    repo, curated = scripted["repo"], scripted["curated"]
    text = review_of(repo, curated, "HEAD")
    suspicious = text.split("## ⚠️ Suspicious changes (")[1].split("\n## ")[0]
    assert text.index("## ⚠️ Suspicious changes") < text.index("## Status changes")
    expected = [
        "Status row deleted: `accord-dco` (Agreement with the DCO (ethics, equity, empowerment)) as of "
        "2025-07-03, status `announced`.",
        "Claim edited: claim `c000-dco` about commitment `accord-dco` (Agreement with the DCO (ethics, "
        "equity, empowerment)); quote: `L'accord avec la DCO insiste sur l'éthique, l'équité et "
        "l'autonomisation.` → `L'accord avec la DCO insiste sur l'éthique.`.",
        "Claim deleted: claim `c000-current-ai` about commitment `partenariat-current-ai`",
        "Archived text `seeds/003_ae9e55089c9825f2.txt` modified",
        "Target of commitment `energy-capacity-16gw-2030` (Add 16 GW of installed energy capacity by 2030) "
        "changed (16 GW → 17 GW) without a new claim quoting a source for it.",
        "Status goes backwards: `centre-al-jazari-nador` (Creation of the Al Jazari centre in Nador) "
        "`achieved` → `in_progress` as of 2026-11-15.",
        "`partenariat-current-ai` (Partnership with Current AI on the ethics, safety and diversity of AI "
        "applications) lost its last claim (1 claim before): nothing in the package quotes a source for it",
        "Status row dated 2025-06-30 for `ai-law` (Draft law regulating AI (algorithmic transparency, right "
        "to object, fairness, non-discrimination)) is not after its latest status before the change "
        "(2025-07-01)",
    ]
    for sentence in expected:
        assert sentence in suspicious, f"{sentence!r} not in:\n{suspicious}"
    assert suspicious.startswith(f"{suspicious.count(chr(10) + '- ')})")  # the count heads the section

    # A change no section words is still counted, never silent.
    assert "## Other edits (1)\n\n- `sectors`: 1 changed (`agriculture`; name_en)" in text

    failing = run_cli("review", curated, "HEAD", "--root", str(repo), "--fail-on-suspicious")
    assert failing.exit_code == 1, failing.output
    clean = run_cli("review", scripted["base"], curated, "--root", str(repo), "--fail-on-suspicious")
    assert clean.exit_code == 0, clean.output


def test_json_report_validates_against_its_schema(scripted):
    schema = json.loads(review.schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for base, head in ((scripted["base"], scripted["curated"]), (scripted["curated"], "HEAD")):
        data = json.loads(review_of(scripted["repo"], base, head, "--format", "json"))
        assert list(validator.iter_errors(data)) == []
    kinds = {s["kind"] for s in data["suspicious"]}
    assert kinds == {
        "row-deleted",
        "row-edited",
        "seed-changed",
        "figure-without-claim",
        "status-backwards",
        "last-claim-lost",
        "status-backdated",
    }
    (moved,) = [s for s in data["status_changes"] if s["backwards"]]
    assert moved | {"text": None} == {
        "commitment_id": "centre-al-jazari-nador",
        "as_of": "2026-11-15",
        "before": "achieved",
        "after": "in_progress",
        "source_id": SOURCE,
        "claim_id": None,
        "quote": None,
        "backwards": True,
        "text": None,
    }
    broken = {**data, "suspicious": [{"kind": "typo", "resource": "x", "key": {}, "text": ""}]}
    assert list(validator.iter_errors(broken))  # the schema does judge


def test_review_of_no_change_says_so(scripted):
    text = review_of(scripted["repo"], "HEAD", "HEAD")
    assert "No changes." in text and "Suspicious" not in text


# --- diff: dropped resources, missing files, duplicated keys ---------------------------------------


def test_diff_shows_the_rows_of_a_dropped_resource(tmp_path):
    old = copy_package(tmp_path / "old")
    dropped = copy_package(tmp_path / "dropped")
    descriptor = json.loads((dropped / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "discrepancy_aliases"]
    (dropped / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    (dropped / "data" / "discrepancy_aliases.csv").unlink()
    deleted = copy_package(tmp_path / "deleted")  # still listed, its file gone
    (deleted / "data" / "discrepancy_aliases.csv").unlink()
    _, rows = read_rows(old, "discrepancy_aliases")
    assert rows

    for new in (dropped, deleted):
        changes = diff_folders(old, new, "old", "new")
        assert len(changes.resource("discrepancy_aliases").removed) == len(rows)
        text = run_cli("diff", str(old), str(new), "--root", str(new)).output
        assert "No changes." not in text
        assert f"| `discrepancy_aliases` | 0 | {len(rows)} | 0 | 0 |" in text
        assert f"- `{' / '.join(rows[0])}`" in text
    assert "resource 'discrepancy_aliases' is missing" in diff_folders(old, dropped, "old", "new").notes[0]
    assert diff_folders(old, deleted, "old", "new").notes == [
        "new: data/discrepancy_aliases.csv does not exist; its rows count as removed"
    ]


def test_diff_shows_duplicated_keys(tmp_path):
    old, new = copy_package(tmp_path / "old"), copy_package(tmp_path / "new")
    header, rows = read_rows(new, "units")
    write_rows(new, "units", header, [*rows, rows[0]])  # the same row twice: one key, two rows
    result = run_cli("diff", str(old), str(new), "--root", str(new), "--format", "json")
    data = json.loads(result.output)
    (units,) = [r for r in data["resources"] if r["name"] == "units"]
    assert units["duplicate_keys"] == [
        {"side": "new", "key": {"unit_id": rows[0][0]}, "rows": [2, len(rows) + 2]}
    ]
    assert units["added"] == [dict(zip(header, rows[0], strict=True))]  # the second copy is the addition
    assert data["summary"]["duplicate_keys"] == 1
    text = run_cli("diff", str(old), str(new), "--root", str(new)).output
    assert "No changes." not in text
    assert f"- `{rows[0][0]}` in {new}: rows 2, {len(rows) + 2}" in text
    reviewed = run_cli("review", str(old), str(new), "--root", str(new)).output
    assert f"`{rows[0][0]}` is the key of 2 rows of `units` (rows 2, {len(rows) + 2})" in reviewed


# --- release ---------------------------------------------------------------------------------------


def test_release_in_a_fresh_clone_writes_the_review_as_changelog(scripted, monkeypatch):
    monkeypatch.setenv("COMMITMENTS_TODAY", TODAY)
    fresh = scripted["fresh"]
    assert git(fresh, "tag") == ""
    result = run_cli("release", "--root", str(fresh), "--bump", "minor")
    assert result.exit_code == 0, result.output
    assert (
        f"compared with v0.1.0 (commit {scripted['base'][:10]}, where the version became 0.1.0)"
        in result.output
    )
    changelog = (fresh / release.CHANGELOG).read_text(encoding="utf-8")
    section = changelog.split("## 0.2.0 — 2026-11-24\n")[1].split("\n## 0.1.0")[0]
    assert "`commitments review v0.1.0` gives this report, `commitments diff v0.1.0` every row" in section
    assert "### Status changes (1)" in section
    assert (
        "`centre-al-jazari-nador` (Creation of the Al Jazari centre in Nador): `announced` → `achieved`"
        in section
    )
    assert "target 11 milliards MAD → not stated" in section
    assert "### New sources (1)" in section and "rows" not in section.lower().replace("throws", "")
    assert "Suspicious" not in section
    citation = (fresh / release.CITATION).read_text(encoding="utf-8")
    assert "version: 0.2.0" in citation and f"date-released: {TODAY}" in citation


def test_the_workflow_puts_the_review_against_the_base_in_the_job_summary():
    text = (REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8")
    step = text.split("- name: Review the change against the base of the pull request")[1].split(
        "\n  build:"
    )[0]
    assert "github.event_name == 'pull_request'" in step and "fetch-depth: 0" in text
    fetch = step.index('git fetch --no-tags origin "+refs/heads/${BASE_REF}:refs/remotes/origin/${BASE_REF}"')
    assert fetch < step.index('.venv/bin/commitments review "origin/${BASE_REF}"')
    assert '} >> "$GITHUB_STEP_SUMMARY"' in step
