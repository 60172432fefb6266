"""`diff` between package folders and git refs, and `release` with its refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, copy_package, pin_today, read_rows, run_cli, set_cell, write_rows

from commitment_tracker.curation import curate
from commitment_tracker.publish import release
from commitment_tracker.publish.diff import diff_folders

TODAY = "2026-11-24"


pinned_today = pin_today(TODAY)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """An untouched copy of the real package and a copy to change."""
    return copy_package(tmp_path / "old"), copy_package(tmp_path / "new")


def git(repo: Path, *args: str) -> str:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    done = subprocess.run(["git", *identity, *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def versioned(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the package with its CHANGELOG and CITATION in a git repository, tagged v<version>."""
    package = copy_package(tmp_path / "repo")
    for name in (release.CHANGELOG, release.CITATION):
        shutil.copy2(REPO / name, package / name)
    version = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["version"]
    git(package, "init", "-q")
    git(package, "add", ".")
    git(package, "commit", "-q", "-m", "release")
    git(package, "tag", f"v{version}")
    return package, version


def transition(root: Path, latest: dict[str, str]) -> str:
    """How the review words a move from ``latest``'s status to in_progress (dated 2026-11-20)."""
    cid = latest["commitment_id"]
    return f"`{cid}` ({title(root, cid)}): `{latest['status']}` → `in_progress` as of 2026-11-20"


def title(root: Path, commitment_id: str) -> str:
    header, rows = read_rows(root, "commitments")
    (row,) = [r for r in rows if r[0] == commitment_id]
    return row[header.index("title_en")]


def diff_json(old: Path | str, new: Path | str, root: Path) -> dict:
    result = run_cli("diff", str(old), str(new), "--root", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def changes(data: dict) -> dict[str, tuple[int, int, int]]:
    return {
        r["name"]: (len(r["added"]), len(r["removed"]), len(r["changed"]))
        for r in data["resources"]
        if r["added"] or r["removed"] or r["changed"]
    }


# --- diff ------------------------------------------------------------------------------------------


def test_identical_packages_have_no_changes(pair):
    old, new = pair
    result = run_cli("diff", str(old), str(new), "--root", str(new))
    assert result.exit_code == 0, result.output
    assert "No changes." in result.output
    assert diff_folders(old, new, "old", "new").is_empty


def test_rows_added_removed_and_changed_by_primary_key(pair):
    old, new = pair
    before = set_cell(new, "commitments", 2, "notes", "Rewritten note.")
    sectors_header, rows = read_rows(new, "sectors")
    removed = rows.pop()  # the diff does not care whether the package stays valid
    write_rows(new, "sectors", sectors_header, rows)
    header, rows = read_rows(new, "units")
    write_rows(new, "units", header, [*rows, ["kilowatt", "kilowatt (kW)", "power"]])

    data = diff_json(old, new, new)
    assert changes(data) == {"commitments": (0, 0, 1), "sectors": (0, 1, 0), "units": (1, 0, 0)}
    resources = {r["name"]: r for r in data["resources"]}
    (changed,) = resources["commitments"]["changed"]
    commitment_id = read_rows(new, "commitments")[1][0][0]
    assert changed == {
        "key": {"commitment_id": commitment_id},
        "columns": {"notes": {"before": before or None, "after": "Rewritten note."}},
    }
    assert resources["sectors"]["removed"] == [dict(zip(sectors_header, removed, strict=True))]
    assert resources["units"]["added"] == [
        {"unit_id": "kilowatt", "label": "kilowatt (kW)", "dimension": "power"}
    ]
    assert data["summary"] == {
        "schema_changes": 0,
        "breaking_changes": 0,
        "rows_added": 1,
        "rows_removed": 1,
        "rows_changed": 1,
        "seed_files_changed": 0,
        "duplicate_keys": 0,
    }

    markdown = run_cli("diff", str(old), str(new), "--root", str(new)).output
    assert "| `commitments` | 0 | 0 | 1 | 0 |" in markdown
    was = json.dumps(before or None, ensure_ascii=False)
    assert f'- `{commitment_id}`\n  - notes: {was} → "Rewritten note."' in markdown


def test_diff_as_parquet_is_a_duckdb_table_of_changes(pair, tmp_path):
    old, new = pair
    set_cell(new, "commitments", 2, "notes", "Rewritten note.")
    header, rows = read_rows(new, "units")
    write_rows(new, "units", header, [*rows, ["kilowatt", "kilowatt (kW)", "power"]])
    out = tmp_path / "changes.parquet"
    result = run_cli(
        "diff", str(old), str(new), "--root", str(new), "--format", "parquet", "--output", str(out)
    )
    assert result.exit_code == 0, result.output
    found = duckdb.sql(
        f"SELECT resource, change, \"column\", after FROM read_parquet('{out}') ORDER BY resource"
    ).fetchall()
    assert found == [
        ("commitments", "changed", "notes", "Rewritten note."),
        ("units", "added", None, '{"unit_id": "kilowatt", "label": "kilowatt (kW)", "dimension": "power"}'),
    ]
    assert run_cli("diff", str(old), str(new), "--root", str(new), "--format", "parquet").exit_code == 2
    nowhere = tmp_path / "no" / "x.md"
    unwritable = run_cli("diff", str(old), str(new), "--root", str(new), "--output", str(nowhere))
    assert unwritable.exit_code == 1 and f"cannot write {nowhere}" in unwritable.output


def _edit_descriptor(root: Path, edit) -> None:
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit({r["name"]: r for r in descriptor["resources"]})
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_schema_changes_are_flagged_breaking_or_not(pair):
    old, new = pair

    def edit(resources):
        resources["units"]["schema"]["fields"].append({"name": "symbol", "type": "string"})
        resources["sectors"]["schema"]["fields"] = [
            f for f in resources["sectors"]["schema"]["fields"] if f["name"] != "name_en"
        ]
        start_date = resources["events"]["schema"]["fields"][2]
        start_date["type"] = "string"  # start_date: date -> string, without its date bounds
        start_date.pop("constraints")
        resources["indicators"]["schema"]["fields"][3]["constraints"] = {"minimum": 1}

    _edit_descriptor(new, edit)
    header, rows = read_rows(new, "units")
    write_rows(new, "units", [*header, "symbol"], [[*r, ""] for r in rows])
    header, rows = read_rows(new, "sectors")
    keep = [i for i, h in enumerate(header) if h != "name_en"]
    write_rows(new, "sectors", [header[i] for i in keep], [[r[i] for i in keep] for r in rows])

    data = diff_json(old, new, new)
    flagged = {(c["resource"], c["kind"], c["field"]): c["breaking"] for c in data["schema_changes"]}
    assert flagged == {
        ("units", "field-added", "symbol"): False,
        ("sectors", "field-removed", "name_en"): True,
        ("events", "field-retyped", "start_date"): True,
        ("events", "constraints-changed", "start_date"): False,
        ("indicators", "constraints-changed", "value"): False,
    }
    assert data["breaking"] is True
    assert changes(data) == {}  # an added or dropped column is one schema change, not a change per row


def test_diff_between_git_refs(tmp_path):
    package, version = versioned(tmp_path)
    set_cell(package, "commitments", 2, "notes", "Rewritten note.")
    git(package, "commit", "-q", "-am", "edit a note")
    assert changes(diff_json(f"v{version}", "HEAD", package)) == {"commitments": (0, 0, 1)}
    assert changes(diff_json("HEAD", "HEAD~1", package)) == {"commitments": (0, 0, 1)}
    assert changes(diff_json(f"v{version}", package, package)) == {"commitments": (0, 0, 1)}

    result = run_cli("diff", "no-such-ref", "--root", str(package))
    assert result.exit_code == 1
    assert "'no-such-ref' is neither a package folder nor a git ref" in result.output


# --- release ---------------------------------------------------------------------------------------


def add_status(package: Path) -> dict[str, str]:
    """A new in_progress status row for the first status row's commitment, citing its source;
    returns that first row."""
    header, records = read_rows(package, "status_updates")
    latest = dict(zip(header, records[0], strict=True))
    curate.set_status(
        package,
        latest["commitment_id"],
        as_of="2026-11-20",
        status="in_progress",
        source=latest["source_id"],
        rationale="Work reported.",
    )
    return latest


def test_release_compares_with_the_git_tag_of_the_current_version(tmp_path):
    package, version = versioned(tmp_path)
    latest = add_status(package)
    result = run_cli("release", "--root", str(package), "--bump", "patch")
    assert result.exit_code == 0, result.output
    major, minor, patch = version.split(".")
    new_version = f"{major}.{minor}.{int(patch) + 1}"
    assert f"Release {new_version} (was {version}; compared with v{version})" in result.output
    changelog = (package / release.CHANGELOG).read_text(encoding="utf-8")
    assert changelog.index(f"## {new_version} — {TODAY}") < changelog.index(f"## {version} ")
    assert transition(package, latest) in changelog
    assert f"git tag -a v{new_version}" in result.output
    zenodo = json.loads((package / ".zenodo.json").read_text(encoding="utf-8"))
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert zenodo["version"] == new_version == descriptor["version"]
    assert zenodo["title"] == descriptor["title"] and zenodo["upload_type"] == "dataset"
    assert zenodo["license"] == "cc-by-4.0" and zenodo["creators"] == [
        {"name": c["title"]} for c in descriptor["contributors"]
    ]

    # Bumped but not tagged yet: there is no tag for 0.x.(y+1), and comparing with the old tag says so.
    again = run_cli("release", "--root", str(package), "--bump", "patch")
    assert again.exit_code == 1 and f"there is no git tag v{new_version}" in again.output
    again = run_cli("release", "--root", str(package), "--bump", "patch", "--since", f"v{version}")
    assert again.exit_code == 1 and "the version was bumped since" in again.output


def test_release_refuses_an_invalid_package(tmp_path):
    package, _ = versioned(tmp_path)
    set_cell(package, "units", 2, "dimension", "weight")
    before = (package / "datapackage.json").read_bytes()
    result = run_cli("release", "--root", str(package), "--bump", "patch")
    assert result.exit_code == 1 and "the package is invalid" in result.output
    assert (package / "datapackage.json").read_bytes() == before


def test_release_refuses_when_nothing_changed(tmp_path):
    package, version = versioned(tmp_path)
    result = run_cli("release", "--root", str(package), "--bump", "minor")
    assert result.exit_code == 1 and f"nothing changed since v{version}" in result.output


def test_breaking_schema_change_needs_a_major_bump(tmp_path):
    package, version = versioned(tmp_path)
    previous = copy_package(tmp_path / "previous")  # a release that had one more column

    def edit(resources):
        resources["units"]["schema"]["fields"].append({"name": "symbol", "type": "string"})

    _edit_descriptor(previous, edit)
    header, rows = read_rows(previous, "units")
    write_rows(previous, "units", [*header, "symbol"], [[*r, ""] for r in rows])
    before = {p.name: p.read_bytes() for p in package.iterdir() if p.is_file()}

    result = run_cli("release", "--root", str(package), "--bump", "minor", "--since", str(previous))
    assert result.exit_code == 1, result.output
    assert "breaking schema changes since" in result.output and "need --bump major" in result.output
    assert "**breaking** `units.symbol` field removed" in result.output

    result = run_cli(
        "release", "--root", str(package), "--bump", "major", "--since", str(previous), "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert f"Release {int(version.split('.')[0]) + 1}.0.0" in result.output
    assert "### Schema changes (1)\n\n- **breaking** `units.symbol` field removed" in result.output
    after = {
        p.name: p.read_bytes() for p in package.iterdir() if p.is_file() and p.name != ".commitments.lock"
    }
    assert after == before  # dry run


def test_release_and_diff_find_the_release_without_a_tag(tmp_path):
    """A fresh clone has no tags: v<version> is the commit that set the version in datapackage.json."""
    package, version = versioned(tmp_path)
    git(package, "tag", "-d", f"v{version}")
    release_commit = git(package, "rev-parse", "HEAD").strip()
    latest = add_status(package)
    git(package, "commit", "-q", "-am", "a new status")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(package), str(clone)], check=True)
    assert git(clone, "tag") == ""

    shown = run_cli("diff", f"v{version}", "--root", str(clone), "--format", "json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert changes(data)["status_updates"] == (1, 0, 0)
    assert f"commit {release_commit[:10]}" in data["old"]["label"]

    planned = run_cli("release", "--root", str(clone), "--bump", "minor", "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert (
        f"compared with v{version} (commit {release_commit[:10]}, where the version became" in planned.output
    )
    assert f"`commitments review v{version}` gives this report" in planned.output
    assert transition(package, latest) in planned.output
