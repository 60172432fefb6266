"""Curation commands on copies of the real package: the happy paths and every way they refuse.

A refused command must leave the package byte for byte as it was; a write interrupted between the
temporary files and the renames, in-process or by a real crash, must too.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_package, pin_today, read_rows, run_cli, set_cell, snapshot

from commitment_tracker.curation import atomic, curate, lock
from commitment_tracker.publish import buildrecord, release
from commitment_tracker.validation import provenance
from commitment_tracker.validation.validate import validate

TODAY = "2026-11-24"
COMMITMENT = "centre-al-jazari-nador"
ARTICLE = (
    "Hespress\n"
    "Le centre Al Jazari de Nador a ouvert ses portes le 10 novembre 2026, a annoncé le ministère.\n"
    "Le centre Al Jazari accueille déjà 200 étudiants.\n"
)
QUOTE = "Le centre Al Jazari de Nador a ouvert ses portes le 10 novembre 2026"


pinned_today = pin_today(TODAY)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "capture.txt"
    path.write_text(ARTICLE, encoding="utf-8", newline="")
    return path


def rows(root: Path, resource: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{resource}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def added_id(output: str, resource: str) -> str:
    match = re.search(rf"^\+ {resource}  (.+)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def refused(root: Path, *args: str) -> str:
    """Run a command that must fail with exit 1, leave no trace, and return its output."""
    before = snapshot(root)
    result = run_cli(*args, "--root", str(root))
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: "), result.output
    assert snapshot(root) == before
    return result.output


def add_source_args(root: Path, article: Path, title: str, published_on: str = "2026-11-10") -> list[str]:
    """The add-source command archiving ``article`` in ``root`` as a Hespress text."""
    return [
        "add-source",
        str(article),
        "--root",
        str(root),
        "--outlet",
        "Hespress",
        "--title",
        title,
        "--published-on",
        published_on,
    ]


def set_status_args(commitment: str, as_of: str, source: str, status: str = "in_progress") -> list[str]:
    """A set-status command with a placeholder rationale."""
    options = {"--as-of": as_of, "--status": status, "--source": source, "--rationale": "x"}
    return ["set-status", commitment, *(word for pair in options.items() for word in pair)]


def add_source(root: Path, article: Path) -> str:
    result = run_cli(*add_source_args(root, article, "Le centre Al Jazari ouvre à Nador"))
    assert result.exit_code == 0, result.output
    return added_id(result.output, "sources")


def latest_status(root: Path, commitment: str) -> dict[str, str]:
    return max(
        (r for r in rows(root, "status_updates") if r["commitment_id"] == commitment),
        key=lambda r: r["as_of"],
    )


# --- the happy path ------------------------------------------------------------------------------


def test_source_claim_status_validate_diff_release(tmp_path, article):
    """The whole cycle on a copy: curate, validate, diff against the untouched original, release."""
    original = copy_package(tmp_path / "original")
    package = copy_package(tmp_path / "pkg")
    for name in (release.CHANGELOG, release.CITATION):
        shutil.copy2(REPO / name, package / name)
    version = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["version"]

    source_id = add_source(package, article)
    (source,) = [r for r in rows(package, "sources") if r["source_id"] == source_id]
    assert (package / source["seed_path"]).read_bytes() == article.read_bytes()  # archived unaltered
    assert source["seed_sha256"] == buildrecord.sha256_of(article)[1]
    assert (source["outlet"], source["published_on"], source["author"]) == ("Hespress", "2026-11-10", "")

    result = run_cli(
        "add-claim",
        "--root",
        str(package),
        "--source",
        source_id,
        "--commitment",
        COMMITMENT,
        "--quote",
        QUOTE,
    )
    assert result.exit_code == 0, result.output
    claim_id = added_id(result.output, "claims")
    assert re.fullmatch(rf"c\d{{3}}-{COMMITMENT}", claim_id), claim_id
    (claim,) = [r for r in rows(package, "claims") if r["claim_id"] == claim_id]
    assert (int(claim["quote_start"]), int(claim["quote_end"])) == (
        ARTICLE.index(QUOTE),
        ARTICLE.index(QUOTE) + len(QUOTE),
    )

    result = run_cli(
        "set-status",
        COMMITMENT,
        "--root",
        str(package),
        "--as-of",
        "2026-11-10",
        "--status",
        "achieved",
        "--formality",
        "in_operation",
        "--source",
        source_id,
        "--claim",
        claim_id,
        "--rationale",
        "Opening reported.",
    )
    assert result.exit_code == 0, result.output
    assert latest_status(package, COMMITMENT)["status"] == "achieved"
    assert run_cli("validate", "--root", str(package)).exit_code == 0

    result = run_cli("diff", str(original), str(package), "--root", str(package), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    changes = {
        r["name"]: (len(r["added"]), len(r["removed"]), len(r["changed"]))
        for r in data["resources"]
        if r["added"] or r["removed"] or r["changed"]
    }
    assert changes == {"sources": (1, 0, 0), "claims": (1, 0, 0), "status_updates": (1, 0, 0)}
    added = {r["name"]: r["added"][0] for r in data["resources"] if r["added"]}
    as_json = [
        {k: v or None for k, v in r.items()} for r in (source, claim, latest_status(package, COMMITMENT))
    ]
    assert [added["sources"], added["claims"], added["status_updates"]] == as_json
    assert data["schema_changes"] == [] and data["breaking"] is False
    assert [(f["change"], f["path"]) for f in data["seed_files"]] == [("added", source["seed_path"])]

    result = run_cli("release", "--root", str(package), "--bump", "minor", "--since", str(original))
    assert result.exit_code == 0, result.output
    major, minor, _ = version.split(".")
    new_version = f"{major}.{int(minor) + 1}.0"
    assert json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["version"] == new_version
    citation = (package / release.CITATION).read_text(encoding="utf-8")
    assert f"\nversion: {new_version}\n" in citation and f"\ndate-released: {TODAY}\n" in citation
    changelog = (package / release.CHANGELOG).read_text(encoding="utf-8")
    section = changelog[changelog.index(f"## {new_version} — {TODAY}") : changelog.index(f"## {version} ")]
    # The entry is the review report: the change in the domain's words, not row counts.
    assert "row" not in section.split("Compared with", 1)[1].split("\n", 1)[1], section
    assert f"`{source_id}`" in section and "Hespress" in section, section
    assert f"`{COMMITMENT}`" in section and "achieved" in section and "2026-11-10" in section, section
    assert f'git tag -a v{new_version} -m "Release {new_version}"' in result.output
    assert validate(package).valid


def test_dry_run_shows_the_rows_and_writes_nothing(package, article):
    before = snapshot(package)
    result = run_cli(*add_source_args(package, article, "", ""), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing written" in result.output
    assert re.search(r"^\+ sources  seed-\d{3}-hespress$", result.output, re.MULTILINE), result.output
    assert "    seed_sha256: " + buildrecord.sha256_of(article)[1] in result.output
    assert "title:" not in result.output  # '' means not stated: left blank
    assert snapshot(package) == before


@pytest.mark.parametrize(
    "command",
    ["add-source", "add-claim", "add-commitment", "add-actor", "record-discrepancy", "set-status"],
)
def test_every_write_command_has_dry_run_and_root(command):
    from commitment_tracker.cli import cli

    names = {p.name for p in cli.commands[command].params}
    assert {"dry_run", "root"} <= names


def test_commitment_actor_claims_and_dispute(package, tmp_path):
    """A new commitment with its evidence, its owner, then two claims that disagree on the figure."""
    text = (
        "Rabat, 12 novembre 2026. Le ministère lance un fonds d'amorçage pour les startups d'IA, "
        "géré par Tamwilcom. Le fonds est doté de 500 millions de dirhams, selon le ministère. "
        "Tamwilcom parle pour sa part de 600 millions de dirhams.\n"
    )
    capture = tmp_path / "fonds.txt"
    capture.write_text(text, encoding="utf-8", newline="")
    source = curate.add_source(
        package, capture, outlet="", title="", published_on="", notes="Synthetic text for a test."
    ).ids("sources")[0]
    assert source.endswith("-source")  # no outlet or title stated

    done = curate.add_commitment(
        package,
        title_fr="Fonds d'amorçage pour les startups d'IA",
        title_en="Seed fund for AI startups",
        kind="budget",
        sector="innovation",
        unit="mad",  # no target value: the sources disagree on it (below)
        source=source,
        quote="Le ministère lance un fonds d'amorçage pour les startups d'IA, géré par Tamwilcom",
        announced_on="2026-11-12",
        rationale="Launch announced by the ministry.",
    )
    assert done.ids("commitments") == ["seed-fund-for-ai-startups"]
    (claim,) = done.ids("claims")
    assert done.ids("status_updates") == ["seed-fund-for-ai-startups / 2026-11-12"]

    actor = curate.add_actor(
        package,
        "Tamwilcom",
        kind="public_institution",
        source=source,
        parties=[("seed-fund-for-ai-startups", "owner", claim)],
    )
    assert actor.ids("actors") == ["tamwilcom"]
    (alias,) = actor.added["actor_aliases"]
    assert (alias["alias"], alias["quote_start"]) == (
        "Tamwilcom",
        str(text.index("Tamwilcom")),
    )  # first occurrence

    first = curate.add_claim(
        package,
        source=source,
        quote="500 millions de dirhams",
        commitment="seed-fund-for-ai-startups",
        value="500000000",
    ).ids("claims")[0]
    before = snapshot(package)
    with pytest.raises(curate.CurationError, match="would leave the package invalid, so nothing was written"):
        curate.add_claim(
            package,
            source=source,
            quote="600 millions de dirhams",
            commitment="seed-fund-for-ai-startups",
            value="6e8",
        )
    assert snapshot(package) == before

    disputed = curate.add_claim(
        package,
        source=source,
        quote="600 millions de dirhams",
        commitment="seed-fund-for-ai-startups",
        value="6e8",
        disputes=[first],
        discrepancy_kind="value",
        discrepancy_description="Seed fund: 500 or 600 million MAD",
    )
    (second,) = disputed.added["claims"]
    assert (second["value"], second["unit_id"]) == ("600000000", "mad")  # typed, and the commitment's unit
    assert disputed.ids("discrepancies") == ["seed-fund-500-or-600"]
    assert sorted(disputed.ids("discrepancy_claims")) == sorted(
        [f"seed-fund-500-or-600 / {first}", f"seed-fund-500-or-600 / {second['claim_id']}"]
    )
    assert validate(package).valid


def test_alias_for_an_existing_actor(package):
    (name,) = [r for r in rows(package, "actor_aliases") if r["alias"] == "Akhannouch"]
    result = run_cli(
        "add-actor",
        "--root",
        str(package),
        "--to",
        "aziz-akhannouch",
        "--alias",
        "M. Akhannouch",
        "--source",
        name["source_id"],
        "--dry-run",
    )
    # The spelling is not in the seed: refused with the nearest passage.
    assert result.exit_code == 1 and "nearest passage" in result.output, result.output


def test_slug_ids_are_derived_from_content_and_never_reused(package):
    assert curate.slugify("Création du centre Al Jazari à Nador !") == "creation-du-centre-al-jazari-a"
    with curate.transaction(package) as draft:
        taken = rows(package, "claims")[0]["claim_id"]
        assert draft.allocate("claims", "claim_id", taken) == f"{taken}-2"
        assert draft.allocate("claims", "claim_id", "c999-new") == "c999-new"
        with pytest.raises(curate.CurationError, match="already has claim_id"):
            draft.allocate("claims", "claim_id", "ignored", explicit=taken)


def test_values_are_typed_here_and_judged_by_the_validator(package):
    """A row is typed when added; the validator judges it on the staged package, located."""
    with curate.transaction(package) as draft:
        row = draft.add(
            "units", {"unit_id": "gigawatt-hour", "label": "gigawattheure (GWh)", "dimension": "energy"}
        )
        assert row == {"unit_id": "gigawatt-hour", "label": "gigawattheure (GWh)", "dimension": "energy"}
    label = rows(package, "units")[0]["label"]
    new_row = "(in the units row this command adds)"
    cases = [
        (
            {"unit_id": "x", "label": "x (X)", "dimension": "enrgy"},
            rf"units:\d+:dimension: constraint-error — 'enrgy' {re.escape(new_row)}",
            "did you mean 'energy'?",
        ),
        (
            {"unit_id": "Bad Id", "label": "y (Y)", "dimension": "energy"},
            rf"units:\d+:unit_id: constraint-error — 'Bad Id' {re.escape(new_row)}",
            'constraint "pattern" is',
        ),
        (
            {"unit_id": "z", "label": label, "dimension": "energy"},
            rf"units:\d+:label: unique-error — '{re.escape(label)}' {re.escape(new_row)}",
            "the same as in the row at position",
        ),
        (
            {"unit_id": "z", "dimension": "energy"},
            r"units:\d+:label: constraint-error",
            'constraint "required" is "True"',
        ),
    ]
    before = snapshot(package)
    for values, located, detail in cases:
        with curate.transaction(package, dry_run=True) as draft:
            draft.add("units", values)
            with pytest.raises(curate.CurationError) as refusal:
                draft.commit(dry_run=True)
        message = str(refusal.value)
        assert message.startswith("the change would leave the package invalid"), message
        assert re.search(located, message) and detail in message, message
    assert snapshot(package) == before


# --- refusals: each leaves the package byte-identical ---------------------------------------------


def test_quote_not_found_shows_the_nearest_passage(package):
    claim = rows(package, "claims")[0]
    typo = claim["quote"][:-1] + ("X" if claim["quote"][-1] != "X" else "Y")
    out = refused(
        package, "add-claim", "--source", claim["source_id"], "--commitment", COMMITMENT, "--quote", typo
    )
    assert "the quote is not in seeds/" in out
    assert f"nearest passage at {claim['quote_start']}:" in out


def test_ambiguous_quote_needs_occurrence(package):
    (source,) = [r for r in rows(package, "sources") if r["source_id"] == "seed-001-hespress-souverainete"]
    text = provenance.read_seed(package / source["seed_path"])
    count = text.count("Assises")
    assert count >= 2
    out = refused(
        package,
        "add-claim",
        "--source",
        source["source_id"],
        "--event",
        "assises-ia-2025",
        "--quote",
        "Assises",
    )
    assert f"the quote occurs {count} times" in out and "--occurrence K" in out
    second = text.index("Assises", text.index("Assises") + 1)
    assert f"  2: at {second}:{second + len('Assises')}" in out

    result = run_cli(
        "add-claim",
        "--root",
        str(package),
        "--source",
        source["source_id"],
        "--event",
        "assises-ia-2025",
        "--quote",
        "Assises",
        "--occurrence",
        "2",
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    assert f"    quote_start: {second}\n" in result.output


def test_duplicate_seed_names_the_existing_source(package, tmp_path):
    source = rows(package, "sources")[0]
    copy = tmp_path / "same-text.txt"
    copy.write_bytes((package / source["seed_path"]).read_bytes())
    out = refused(
        package, "add-source", str(copy), "--outlet", "X", "--title", "Y", "--published-on", "2025-07-01"
    )
    assert f"already archived as source {source['source_id']} ({source['seed_path']})" in out


def test_status_for_unknown_commitment(package):
    source = rows(package, "sources")[0]["source_id"]
    out = refused(package, *set_status_args("centre-al-jazari-nadr", "2026-01-01", source, "achieved"))
    assert "unknown commitment 'centre-al-jazari-nadr'; did you mean 'centre-al-jazari-nador'" in out


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("before-latest", "already has a status row after"),
        ("latest", "already has a status row for"),
        ("2026-11-25", "not-in-future — '2026-11-25' (in the status_updates row this command adds)"),
        ("2026-13-01", "is not a date"),
    ],
)
def test_status_dates_must_move_forward_and_not_into_the_future(package, as_of, message):
    latest = latest_status(package, COMMITMENT)
    dates = {
        "latest": latest["as_of"],
        "before-latest": (dt.date.fromisoformat(latest["as_of"]) - dt.timedelta(days=1)).isoformat(),
    }
    out = refused(package, *set_status_args(COMMITMENT, dates.get(as_of, as_of), latest["source_id"]))
    assert message in out
    assert ("append-only" in out) == as_of.endswith("latest")


@pytest.mark.parametrize(
    ("option", "value", "messages"),
    [
        (
            "--status",
            "acheived",
            (
                ":status: constraint-error — 'acheived' (in the status_updates row this command adds)",
                "did you mean 'achieved'?",
            ),
        ),
        ("--actual-value", "12abc", ("--actual-value: '12abc' is not a decimal number",)),
        (
            "--actual-value",
            "-5",
            (
                ":actual_value: constraint-error — '-5' (in the status_updates row this command adds)",
                'constraint "minimum" is "0"',
            ),
        ),
        ("--claim", "c000-dco", ("claim c000-dco is about accord-dco, not centre-al-jazari-nador",)),
    ],
)
def test_status_values_are_checked(package, option, value, messages):
    latest = latest_status(package, COMMITMENT)
    args = {"--status": "in_progress", "--source": latest["source_id"], option: value}
    flat = [x for k, v in args.items() for x in (k, v)]
    out = refused(package, "set-status", COMMITMENT, "--as-of", "2026-11-01", "--rationale", "x", *flat)
    assert all(m in out for m in messages), out


def test_write_refused_when_the_package_is_already_invalid(package):
    set_cell(package, "units", 2, "dimension", "weight")
    latest = latest_status(package, COMMITMENT)
    out = refused(package, *set_status_args(COMMITMENT, "2026-11-01", latest["source_id"]))
    assert "the package is already invalid" in out and "commitments validate" in out


# --- interrupted writes ----------------------------------------------------------------------------


def test_write_interrupted_between_temp_write_and_rename_changes_nothing(package, article, monkeypatch):
    before = snapshot(package)
    real_replace = os.replace
    renamed: list[str] = []

    def crash_after_first_file(src, dst):
        if Path(dst).resolve().is_relative_to(package.resolve()) and not Path(dst).name.startswith("."):
            renamed.append(Path(dst).name)
            if len(renamed) == 2:
                raise OSError("simulated crash between temp write and rename")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", crash_after_first_file)
    result = run_cli(*add_source_args(package, article, "T"))
    monkeypatch.undo()
    assert result.exit_code == 1 and "simulated crash" in result.output, result.output
    assert len(renamed) >= 2  # the first file had really been replaced before the crash
    assert snapshot(package) == before
    assert validate(package).valid


CRASHING_CLI = """
import os, sys
from pathlib import Path

root = Path(sys.argv[1]).resolve()
real_replace = os.replace
count = 0

def replace_then_die(src, dst):
    global count
    if Path(dst).resolve().is_relative_to(root):
        count += 1
        if count == 2:
            os._exit(9)  # killed between two renames: no cleanup, no rollback
    return real_replace(src, dst)

os.replace = replace_then_die
sys.argv = ["cli.py", *sys.argv[2:]]
import cli
cli.main()
"""


@pytest.mark.subprocess
def test_crash_midway_is_rolled_back_by_the_next_command(package, article):
    before = snapshot(package)
    args = add_source_args(package, article, "T")
    env = {**os.environ, "COMMITMENTS_TODAY": TODAY}
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_CLI, str(package), *args], cwd=REPO, env=env, capture_output=True
    )
    assert crashed.returncode == 9, crashed.stderr.decode()
    assert atomic.journal_path(package).exists()
    torn = snapshot(package)
    assert torn != before  # really torn: one file replaced, the others not
    assert "pending-write" in {p.rule for p in validate(package).problems}

    # A dry run writes nothing, so it does not roll back either: it says what is pending.
    latest = latest_status(package, COMMITMENT)
    args = set_status_args(COMMITMENT, "2026-11-01", latest["source_id"])
    result = run_cli(*args, "--root", str(package), "--dry-run")
    assert result.exit_code == 1, result.output
    assert "holds a write that was interrupted" in result.output
    assert "without --dry-run" in result.output
    assert snapshot(package) == torn

    with curate.transaction(package) as draft:  # what every command that writes does first
        assert any("Rolled back a write that was interrupted earlier" in n for n in draft.notes)
    assert snapshot(package) == before
    assert validate(package).valid


# --- concurrency -----------------------------------------------------------------------------------


@pytest.mark.subprocess
def test_concurrent_writers_lose_no_row(package):
    """Two processes append at once; without the lock the later write would drop the other's row."""
    header, data = read_rows(package, "status_updates")
    by_commitment = {}
    for record in data:
        by_commitment[record[header.index("commitment_id")]] = record[header.index("source_id")]
    chosen = sorted(by_commitment)[:2]
    env = {**os.environ, "COMMITMENTS_TODAY": TODAY}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "cli.py",
                "set-status",
                commitment,
                "--root",
                str(package),
                "--as-of",
                "2026-11-20",
                "--status",
                "in_progress",
                "--source",
                by_commitment[commitment],
                "--rationale",
                f"writer {i}",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i, commitment in enumerate(chosen)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1].decode() for o in outputs]
    new = sorted(r["commitment_id"] for r in rows(package, "status_updates") if r["as_of"] == "2026-11-20")
    assert new == chosen
    assert not atomic.journal_path(package).exists()
    assert not [p for p in package.rglob("*.tmp")]
    assert validate(package).valid


def test_lock_is_exclusive(package):
    with (
        lock.package_lock(package),
        pytest.raises(lock.LockTimeout, match="writing to the package"),
        lock.package_lock(package, timeout=0.2),
    ):
        pass
    with lock.package_lock(package, timeout=0.2):  # released on exit
        pass
