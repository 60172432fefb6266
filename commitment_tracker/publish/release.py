"""Releases: bump the SemVer version, write a dated CHANGELOG section from the review, name the tag.

The previous release is ``since`` (a git ref or a folder) when given, else the git tag
``v<current version>``, else (a clone carries no tags) the commit that set the current version in
datapackage.json. A release refuses to run on an invalid package, on no change since the
previous release, on a version already bumped since it, and on a minor or patch bump over breaking
schema changes. It changes four files, all or nothing: ``version`` in datapackage.json, ``version`` and
``date-released`` in CITATION.cff, ``.zenodo.json`` (Zenodo's record of the release) and a new
section at the top of CHANGELOG.md: the review report (``review.py``) in the words of the domain,
suspicious changes first. Tagging is left to the maintainer, who reviews and commits those files
first.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from commitment_tracker.curation import atomic, lock
from commitment_tracker.datapackage import paths, schema
from commitment_tracker.errors import TrackerError
from commitment_tracker.publish.diff import PackageDiff, git_ref_exists, release_commit
from commitment_tracker.publish.review import Review, review
from commitment_tracker.validation import context

PARTS = ("major", "minor", "patch")
CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
ZENODO = ".zenodo.json"
CHANGELOG_HEADER = "# Changelog\n\n"
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class ReleaseError(TrackerError):
    """The release cannot be made; the message says why. Nothing was written."""


@dataclass
class ReleasePlan:
    previous: str
    old_version: str
    new_version: str
    date: dt.date
    section: str
    review: Review
    files: list[str]

    @property
    def diff(self) -> PackageDiff:
        return self.review.changes

    @property
    def tag(self) -> str:
        return f"v{self.new_version}"

    def render(self, dry_run: bool) -> str:
        head = "Dry run: nothing written. " if dry_run else ""
        verb = "would be updated" if dry_run else "updated"
        lines = [
            f"{head}Release {self.new_version} (was {self.old_version}; "
            f"compared with {self.diff.old_label}).",
            f"Files {verb}: {', '.join(self.files)}",
            "",
            self.section.rstrip(),
            "",
        ]
        if not dry_run:
            lines += [
                "Review and commit these files, then create the tag:",
                f'  git tag -a {self.tag} -m "Release {self.new_version}"',
            ]
        return "\n".join(lines) + "\n"


def bump_version(version: str, part: str) -> str:
    match = SEMVER.match(version)
    if not match:
        raise ReleaseError(f"version {version!r} in datapackage.json is not MAJOR.MINOR.PATCH")
    major, minor, patch = map(int, match.groups())
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    if part == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise ReleaseError(f"--bump must be one of {', '.join(PARTS)}")


def release(root: Path, bump: str, since: str | None = None, dry_run: bool = False) -> ReleasePlan:
    """Prepare a release of the package at ``root`` (see the module docstring)."""
    from commitment_tracker.validation.validate import validate  # imported here: it loads frictionless

    root = Path(root)
    try:
        today = context.today_from_env()
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None
    with lock.package_lock(root):
        atomic.recover(root)
        report = validate(root, today=today)
        if not report.valid:
            raise ReleaseError(
                f"the package is invalid ({len(report.problems)} problems); run `commitments validate`, "
                "fix it, then release"
            )
        descriptor = schema.read_descriptor(root)
        version = str(descriptor.get("version", ""))
        new_version = bump_version(version, bump)
        previous = _previous(root, version, since)
        report = review(previous, root, repo=root)
        changes = report.changes
        if changes.is_empty:
            raise ReleaseError(f"nothing changed since {previous}: there is nothing to release")
        if changes.old_version != version:
            raise ReleaseError(
                f"datapackage.json already says {version} but {previous} is {changes.old_version}: the "
                f"version was bumped since; tag it (git tag v{version}) or compare with the right release "
                "(--since)"
            )
        if changes.breaking and bump != "major":
            listed = "\n".join(f"  - {c.describe()}" for c in changes.schema_changes if c.breaking)
            raise ReleaseError(f"breaking schema changes since {previous} need --bump major:\n{listed}")
        section = changelog_section(report, new_version, today, previous)
        files = _updated_files(root, descriptor, new_version, today, section)
        plan = ReleasePlan(previous, version, new_version, today, section, report, sorted(files))
        if not dry_run:
            atomic.write_files(root, {root / name: data for name, data in files.items()})
        return plan


def _previous(root: Path, version: str, since: str | None) -> str:
    if since:
        return since
    tag = f"v{version}"
    if git_ref_exists(root, f"refs/tags/{tag}"):
        return tag
    # No tag (a fresh clone carries none): the commit that set the current version is the release,
    # and its name resolves to it (diff.resolve_ref), so the CHANGELOG's commands run in any clone.
    if release_commit(root, version) is not None:
        return tag
    raise ReleaseError(
        f"there is no git tag {tag} and no commit in the history of datapackage.json set the version "
        f"to {version}; pass --since REF (a git ref or a folder holding the previous release) to say "
        "what this release is compared with"
    )


def _updated_files(
    root: Path, descriptor: dict, new_version: str, today: dt.date, section: str
) -> dict[str, bytes]:
    descriptor = {**descriptor, "version": new_version}
    files = {paths.DESCRIPTOR_NAME: (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode()}
    citation = root / CITATION
    if citation.is_file():
        text = citation.read_text(encoding="utf-8")
        for key, value in (("version", new_version), ("date-released", today.isoformat())):
            line = f"{key}: {value}"
            text, n = re.subn(rf"(?m)^{re.escape(key)}:.*$", line, text)
            if n == 0:
                text = text.rstrip("\n") + f"\n{line}\n"
        files[CITATION] = text.encode("utf-8")
    files[ZENODO] = zenodo_metadata(descriptor, today).encode("utf-8")
    changelog = root / CHANGELOG
    current = changelog.read_text(encoding="utf-8") if changelog.is_file() else CHANGELOG_HEADER
    if re.search(rf"(?m)^## {re.escape(new_version)}\b", current):
        raise ReleaseError(f"{CHANGELOG} already has a section for {new_version}")
    files[CHANGELOG] = insert_section(current, section).encode("utf-8")
    return files


def zenodo_metadata(descriptor: dict, today: dt.date) -> str:
    """``.zenodo.json``: what Zenodo records for a release it archives from the repository (title,
    creators, licence, version), taken from the descriptor so the DOI record says what the package
    says. Zenodo wants an SPDX-style licence id, which the descriptor's licence ``name`` is."""
    creators = [{"name": c["title"]} for c in descriptor.get("contributors", []) if c.get("title")]
    licences = [lic["name"] for lic in descriptor.get("licenses", []) if lic.get("name")]
    record = {
        "upload_type": "dataset",
        "title": descriptor.get("title") or descriptor.get("name", ""),
        "description": descriptor.get("description", ""),
        "version": descriptor.get("version", ""),
        "publication_date": today.isoformat(),
        "creators": creators,
        "keywords": descriptor.get("keywords", []),
        "language": "fra",
    }
    if licences:
        record["license"] = licences[0].lower()
    return json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def insert_section(changelog: str, section: str) -> str:
    """Put ``section`` before the first release section (after the title and preamble)."""
    match = re.search(r"(?m)^## ", changelog)
    if match is None:
        return changelog.rstrip("\n") + "\n\n" + section
    return changelog[: match.start()] + section + "\n" + changelog[match.start() :]


def changelog_section(report: Review, version: str, date: dt.date, previous: str) -> str:
    """The CHANGELOG.md section: the review report, its headings one level down, suspicious first."""
    changes = report.changes
    lines = [f"## {version} — {date.isoformat()}", ""]
    lines.append(
        f"Compared with {changes.old_version} (`{previous}`): `commitments review {previous}` gives this "
        f"report, `commitments diff {previous}` every row."
    )
    lines += ["", *report.body(level=3, say_clean=False)]
    return "\n".join(lines) + "\n"
