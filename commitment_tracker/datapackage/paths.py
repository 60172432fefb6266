"""Where things live inside a package root.

The root is always passed in explicitly; nothing here looks at the current directory.
"""

from __future__ import annotations

from pathlib import Path

from commitment_tracker.datapackage import containment

DESCRIPTOR_NAME = "datapackage.json"
SEEDS_DIRNAME = "seeds"
VALIDATORS_DIRNAME = "validators"
RULES_DIRNAME = "rules"  # inside validators/


def default_root() -> Path:
    """The repository this package was imported from: the folder holding ``commitment_tracker/``."""
    return Path(__file__).resolve().parents[2]


def descriptor_path(root: Path) -> Path:
    return Path(root) / DESCRIPTOR_NAME


def seeds_dir(root: Path) -> Path:
    return Path(root) / SEEDS_DIRNAME


def validators_dir(root: Path) -> Path:
    """Expectation suites, one ``<resource>.json`` per resource."""
    return Path(root) / VALIDATORS_DIRNAME


def rules_dir(root: Path) -> Path:
    """Cross-resource rules, one ``<rule-id>.sql`` per rule."""
    return validators_dir(root) / RULES_DIRNAME


def resolve(root: Path, relative: str) -> Path:
    """Resolve a package-relative path (as written in datapackage.json or sources.csv).

    Raises ``containment.ContainmentError`` (a ValueError) for absolute paths, paths that climb
    out of the root, and paths whose symbolic links lead outside it: the Data Package spec forbids
    the first two, and all three would let a package read arbitrary files.
    """
    return containment.inside(root, relative)


def relative_to_root(root: Path, path: Path) -> str:
    """A path for messages: relative to the root when possible, with forward slashes."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)
