"""The downloads page: the data package itself (descriptor, CSVs, seeds, one zip) and the builds.

The package files are copied into the site so that the links work on any static host. Parquet and
DuckDB builds come from the ``build`` command, which writes them under ``dist/``: this
module picks up whatever it finds there (``commitments.duckdb`` and ``*.parquet``) and says on the
page how to produce them when they are missing or older than the data.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from commitment_tracker.datapackage import containment, paths
from commitment_tracker.publish import codebook
from commitment_tracker.publish.site import pages
from commitment_tracker.publish.site.model import SiteData

PACKAGE_DIR = "package"
BUILDS_DIR = "builds"
# What `commitments build` writes under its output folder, by pattern; first match wins.
BUILD_PATTERNS = (
    ("*.duckdb", "DuckDB", "Every table in one DuckDB database: typed, with the schema's keys and checks."),
    ("*.parquet", "Parquet", "The {stem} table, typed (zstd)."),
)
# Fixed timestamp for zip members so that the same data always gives the same bytes.
ZIP_DATE = (2000, 1, 1, 0, 0, 0)
# What a reader of the zip needs beside the data, when the package has it: how to use it, the
# licence, how to cite it. The codebook is generated from the descriptor (docs/codebook.md, where
# the README links to it).
ZIP_DOCUMENTS = ("README.md", "LICENSE", "CITATION.cff")


@dataclass(frozen=True)
class Download:
    path: str  # relative to the site root, forward slashes
    label: str
    kind: str
    description: str
    size: int
    sha256: str


def _describe(out: Path, rel: str, label: str, kind: str, description: str) -> Download:
    data = (out / rel).read_bytes()
    return Download(rel, label, kind, description, len(data), hashlib.sha256(data).hexdigest())


def package_files(data: SiteData) -> list[str]:
    """Package-relative paths of every file the package consists of, descriptor first."""
    files = [paths.DESCRIPTOR_NAME]
    files += [r.get("path") for r in data.descriptor.get("resources", []) if isinstance(r.get("path"), str)]
    files += sorted(s["seed_path"] for s in data.sources.values())
    return files


def copy_package(data: SiteData, out: Path) -> list[Download]:
    """Copy the package into ``out/package/`` (same layout, so relative paths still resolve) and zip it."""
    files = package_files(data)
    target = out / PACKAGE_DIR
    for rel in files:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Read through containment.py: a link leading outside the package is never published.
        dest.write_bytes(containment.read_package_file(data.root, rel))
    name = str(data.descriptor.get("name") or "package")
    zip_rel = f"{PACKAGE_DIR}/{name}-{data.version}.zip"
    members = [(rel, (target / rel).read_bytes()) for rel in files] + _documents(data)
    with zipfile.ZipFile(out / zip_rel, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rel, content in members:
            info = zipfile.ZipInfo(f"{name}-{data.version}/{rel}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, content)
    downloads = [
        _describe(
            out,
            zip_rel,
            Path(zip_rel).name,
            "ZIP",
            "The whole data package: descriptor, every CSV, the archived texts, the codebook, "
            "README, licence and citation.",
        ),
        _describe(
            out,
            f"{PACKAGE_DIR}/{paths.DESCRIPTOR_NAME}",
            paths.DESCRIPTOR_NAME,
            "JSON",
            "Frictionless descriptor: every table's schema, keys, licence and sources.",
        ),
    ]
    for resource in data.descriptor.get("resources", []):
        rel = resource.get("path")
        if isinstance(rel, str):
            downloads.append(
                _describe(
                    out, f"{PACKAGE_DIR}/{rel}", Path(rel).name, "CSV", str(resource.get("description", ""))
                )
            )
    for rel in sorted(s["seed_path"] for s in data.sources.values()):
        sid = next(s for s, row in data.sources.items() if row["seed_path"] == rel)
        downloads.append(
            _describe(out, f"{PACKAGE_DIR}/{rel}", Path(rel).name, "Text", f"Archived text of {sid}.")
        )
    return downloads


def _documents(data: SiteData) -> list[tuple[str, bytes]]:
    """README, LICENSE and CITATION.cff (those the package has) and the codebook, for the zip."""
    found = [
        (rel, containment.read_package_file(data.root, rel))
        for rel in ZIP_DOCUMENTS
        if (data.root / rel).exists()
    ]
    return [*found, (codebook.DOC_PATH, codebook.document(data.descriptor).encode("utf-8"))]


def _newest_input(data: SiteData) -> float:
    return max(paths.resolve(data.root, rel).stat().st_mtime for rel in package_files(data))


def _build_dir_allowed(root: Path, build_dir: Path, notes: list[str]) -> bool:
    """A build folder inside the package (the default ``dist/``) must not lead out of it by a link."""
    try:
        relative = Path(build_dir).absolute().relative_to(Path(root).absolute()).as_posix()
    except ValueError:
        return True  # a folder the user chose elsewhere: theirs to vouch for
    try:
        containment.check_folder(root, relative)
    except containment.ContainmentError as exc:
        notes.append(f"builds were not looked for: {exc}")
        return False
    return True


def copy_builds(
    data: SiteData, build_dir: Path | None, out: Path, skip: Path
) -> tuple[list[Download], list[str]]:
    """Copy the DuckDB and Parquet builds found under ``build_dir`` into ``out/builds/``.

    With the Parquet files come the build's own ``datapackage.json`` (whose resources point at
    them) and its ``seeds/``, so that descriptor works as downloaded. Builds older than the newest
    package file are left out (they would not match the CSVs) and a note says so. ``skip`` is the
    site's own folder, never searched; hidden folders (a site or build being written) neither.
    """
    notes: list[str] = []
    found: list[Download] = []
    if build_dir is None or not build_dir.is_dir() or not _build_dir_allowed(data.root, build_dir, notes):
        return found, notes
    newest = _newest_input(data)
    skip = skip.resolve()

    def fresh(path: Path, rel: str) -> bool:
        if path.stat().st_mtime < newest:
            notes.append(f"{rel} is older than the data and was left out: run `commitments build` again.")
            return False
        return True

    def copy(path: Path, rel: str) -> None:
        dest = out / BUILDS_DIR / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(containment.read_package_file(build_dir, rel))

    def publishable(path: Path, rel: str) -> bool:
        """A regular file really inside the build folder: a link to elsewhere is never published."""
        try:
            containment.require_regular(containment.inside(build_dir, rel), rel)
        except (containment.ContainmentError, FileNotFoundError):
            notes.append(f"{rel} is not a regular file inside {build_dir.name}/ and was left out.")
            return False
        return True

    for pattern, kind, description in BUILD_PATTERNS:
        for path in sorted(build_dir.rglob(pattern)):
            resolved = path.resolve()
            rel = path.relative_to(build_dir).as_posix()
            hidden = any(part.startswith(".") for part in Path(rel).parts)
            if hidden or resolved == skip or skip in resolved.parents or not publishable(path, rel):
                continue
            if fresh(path, rel):
                copy(path, rel)
                found.append(
                    _describe(out, f"{BUILDS_DIR}/{rel}", path.name, kind, description.format(stem=path.stem))
                )
    descriptor = build_dir / paths.DESCRIPTOR_NAME
    if (
        any(d.kind == "Parquet" for d in found)
        and descriptor.exists()
        and publishable(descriptor, descriptor.name)
        and fresh(descriptor, descriptor.name)
    ):
        copy(descriptor, descriptor.name)
        seeds = build_dir / paths.SEEDS_DIRNAME
        for seed in sorted(seeds.glob("*")) if seeds.is_dir() else []:
            rel = f"{paths.SEEDS_DIRNAME}/{seed.name}"
            if publishable(seed, rel):
                copy(seed, rel)
        found.append(
            _describe(
                out,
                f"{BUILDS_DIR}/{descriptor.name}",
                descriptor.name,
                "JSON",
                "Descriptor of the Parquet files (with the archived texts in builds/seeds/).",
            )
        )
    return found, notes


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n}\u00a0{unit}" if unit == "B" else f"{n:.1f}\u00a0{unit}"
        n /= 1024
    return str(n)


def downloads_page(data: SiteData, package: list[Download], builds: list[Download], notes: list[str]) -> str:
    return pages.downloads_page(
        data,
        whole=[p for p in package if p.kind in ("ZIP", "JSON")],
        tables=[p for p in package if p.kind == "CSV"],
        seeds=[p for p in package if p.kind == "Text"],
        builds=builds,
        notes=notes,
        size=_size,
    )
