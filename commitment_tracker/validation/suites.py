"""Expectation suites in ``validators/<resource>.json``: the part generated from the Table Schema.

Each suite is plain JSON that Great Expectations 1.x loads with ``gx.ExpectationSuite(**suite)``.
Every expectation carries ``meta.rule`` (a short id the report prints), ``meta.why`` (why the rule
exists) and ``meta.origin``:

* ``"schema"`` — generated here from datapackage.json (not-null for ``required``, unique, in-set for
  ``enum``, regex for ``pattern``, between for ``minimum``/``maximum``, value lengths for
  ``minLength``/``maxLength``, compound-unique for a multi-column primary key). Never edit these by
  hand: change datapackage.json and run ``python cli.py generate-suites``.
* ``"hand-written"`` — the rules of meaning that no schema states. Regeneration keeps them, in
  their order, after the generated ones.

Files are written with sorted keys, two-space indent and no GX ids, so a diff shows exactly what
changed. Nothing here imports Great Expectations: generating and checking suites stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from commitment_tracker.datapackage import containment, paths
from commitment_tracker.datapackage.schema import Field, Package, Resource
from commitment_tracker.errors import TrackerError

ORIGIN_SCHEMA = "schema"
ORIGIN_HAND = "hand-written"
REGENERATE = "python cli.py generate-suites"
SUITE_META = {
    "about": "Expectations with meta.origin 'schema' are generated from datapackage.json by "
    f"`{REGENERATE}`; do not edit them. Those with meta.origin 'hand-written' are kept as written.",
}


class SuiteError(TrackerError):
    """A suite file cannot be read or does not have the shape of a suite."""


def _expectation(kind: str, kwargs: dict[str, Any], rule: str, why: str) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "meta": {"origin": ORIGIN_SCHEMA, "rule": rule, "why": why}}


def _anchored(pattern: str) -> str:
    """Table Schema patterns are full matches; GX's regex on pandas is a search, so anchor it."""
    if pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern
    return f"^(?:{pattern})$"


def _field_expectations(f: Field) -> list[dict[str, Any]]:
    c = f.constraints
    about = f.description.rstrip(".") or f.name
    col = {"column": f.name}
    out = []
    if c.get("required"):
        out.append(
            _expectation(
                "expect_column_values_to_not_be_null",
                col,
                "schema-required",
                f"`{f.name}` is required in datapackage.json ({about}).",
            )
        )
    if c.get("unique"):
        out.append(
            _expectation(
                "expect_column_values_to_be_unique",
                col,
                "schema-unique",
                f"`{f.name}` is unique in datapackage.json: two rows with one value are a duplicate.",
            )
        )
    if "enum" in c:
        out.append(
            _expectation(
                "expect_column_values_to_be_in_set",
                {**col, "value_set": list(c["enum"])},
                "schema-enum",
                f"`{f.name}` takes one of the values listed in datapackage.json ({about}).",
            )
        )
    if "pattern" in c:
        out.append(
            _expectation(
                "expect_column_values_to_match_regex",
                {**col, "regex": _anchored(c["pattern"])},
                "schema-pattern",
                f"`{f.name}` must match the pattern in datapackage.json ({about}).",
            )
        )
    # Values and value lengths are bounded the same way; only the expectation and wording differ.
    bounded = (
        ("minimum", "maximum", "schema-range", "", "expect_column_values_to_be_between"),
        (
            "minLength",
            "maxLength",
            "schema-length",
            " characters",
            "expect_column_value_lengths_to_be_between",
        ),
    )
    for low, high, rule, unit, expectation in bounded:
        bounds = {k: c[k] for k in (low, high) if k in c}
        if not bounds:
            continue
        kwargs = dict(col)
        if low in bounds:
            kwargs["min_value"] = bounds[low]
        if high in bounds:
            kwargs["max_value"] = bounds[high]
        said = " and ".join(f"{k} {v}" for k, v in bounds.items())
        why = f"datapackage.json gives `{f.name}` {said}{unit} ({about})."
        out.append(_expectation(expectation, kwargs, rule, why))
    return out


def generated_expectations(resource: Resource) -> list[dict[str, Any]]:
    """The mechanical expectations of one resource, in schema field order, then its key."""
    out = [e for f in resource.fields for e in _field_expectations(f)]
    key = list(resource.primary_key)
    if len(key) > 1:
        out.append(
            _expectation(
                "expect_compound_columns_to_be_unique",
                {"column_list": key},
                "schema-primary-key",
                f"({', '.join(key)}) is the primary key in datapackage.json: each combination once.",
            )
        )
    elif key and not resource.field(key[0]).constraints.get("unique"):
        out.append(
            _expectation(
                "expect_column_values_to_be_unique",
                {"column": key[0]},
                "schema-primary-key",
                f"`{key[0]}` is the primary key in datapackage.json: each value once.",
            )
        )
    return out


def suite_path(root: Path, resource_name: str) -> Path:
    return paths.validators_dir(root) / f"{resource_name}.json"


def read_suite(path: Path) -> dict[str, Any]:
    """A suite file as a dict; SuiteError saying what to fix when it is not one."""
    try:
        # Only a regular file: a FIFO committed as a suite would block validate forever.
        data = json.loads(containment.read_bytes(Path(path), path.name).decode("utf-8"))
    except containment.ContainmentError as exc:
        raise SuiteError(str(exc)) from None
    except FileNotFoundError:
        raise SuiteError(f"{path.name} does not exist: run `{REGENERATE}`") from None
    except UnicodeDecodeError as exc:
        raise SuiteError(f"{path.name} is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise SuiteError(f"{path.name} must be an object with an 'expectations' list")
    for n, e in enumerate(data["expectations"], start=1):
        if not isinstance(e, dict) or not isinstance(e.get("type"), str):
            raise SuiteError(f"{path.name}: expectation {n} needs a 'type'")
        meta = e.get("meta")
        if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) for k in ("rule", "why")):
            raise SuiteError(
                f"{path.name}: expectation {n} ({e['type']}) needs meta.rule and meta.why: "
                "say which rule it is and why it exists"
            )
    return data


def hand_written(suite: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in suite["expectations"] if e.get("meta", {}).get("origin") != ORIGIN_SCHEMA]


def build_suite(resource: Resource, existing: dict[str, Any] | None) -> dict[str, Any]:
    """The suite as it should be: fresh generated part, then the existing hand-written part."""
    kept = hand_written(existing) if existing else []
    return {
        "name": resource.name,
        "meta": SUITE_META,
        "expectations": generated_expectations(resource) + kept,
    }


def render(suite: dict[str, Any]) -> str:
    """The stored form: sorted keys, two-space indent, UTF-8 text, final newline."""
    return json.dumps(suite, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def expected_files(root: Path, package: Package) -> dict[Path, str]:
    """Every suite file's expected text (SuiteError if an existing one is unreadable)."""
    out = {}
    for resource in package.resources:
        path = suite_path(root, resource.name)
        existing = read_suite(path) if path.exists() else None
        out[path] = render(build_suite(resource, existing))
    return out


def orphan_files(root: Path, package: Package) -> list[Path]:
    """Suite files in validators/ that belong to no resource (a renamed or removed one)."""
    names = set(package.resource_names)
    folder = paths.validators_dir(root)
    return sorted(p for p in folder.glob("*.json") if p.stem not in names) if folder.is_dir() else []


def stale(root: Path, package: Package) -> list[tuple[str, str, str]]:
    """(file, rule, what to do) for each suite file that differs from what generation would write."""
    problems = []
    for resource in package.resources:
        path = suite_path(root, resource.name)
        rel = paths.relative_to_root(root, path)
        if not path.exists():
            problems.append(
                (rel, "suite-missing", f"no suite for resource {resource.name}: run `{REGENERATE}`")
            )
            continue
        try:
            want = render(build_suite(resource, read_suite(path)))
        except SuiteError as exc:
            problems.append((rel, "suite-malformed", str(exc)))
            continue
        if path.read_text(encoding="utf-8") != want:
            problems.append(
                (
                    rel,
                    "suite-stale",
                    "differs from what datapackage.json generates (or is not in stored form): "
                    f"run `{REGENERATE}`",
                )
            )
    for path in orphan_files(root, package):
        rel = paths.relative_to_root(root, path)
        problems.append(
            (rel, "suite-orphan", "no resource of that name in datapackage.json: remove or rename it")
        )
    return problems


def write(root: Path, package: Package) -> list[Path]:
    """Regenerate every suite file; returns the files that changed."""
    changed = []
    files = expected_files(root, package)  # read everything first: a bad file stops before any write
    for path, text in files.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
