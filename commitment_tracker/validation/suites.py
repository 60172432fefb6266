"""Expectation suites: the rules of meaning in ``validators/<resource>.json``, and the full contract.

The Table Schema in datapackage.json is the one home of mechanical constraints (types, required,
unique, enum, pattern, ranges, lengths, keys); the structure layer judges them. The suites in
``validators/`` hold only what a Table Schema cannot say (a unit needs a value, a quote is not
blank…), each expectation with ``meta.rule`` (the id the report prints) and ``meta.why`` (why the
rule exists). A resource with no such rule has no suite file.

``export`` writes the whole contract as Great Expectations suites for consumers who run GX on
the data themselves: the schema's constraints restated as expectations (``meta.origin:
"schema"``: not-null for ``required``, unique, in-set for ``enum``, regex for ``pattern``, between
for ``minimum``/``maximum``, value lengths for ``minLength``/``maxLength``, compound-unique for a
multi-column primary key), then the package's own suite (``meta.origin: "hand-written"``). Those
copies are never stored in ``validators/``: validate would then report each violation twice.

Each suite is plain JSON that Great Expectations 1.x loads with ``gx.ExpectationSuite(**suite)``,
stored with sorted keys, two-space indent and no GX ids, so a diff shows exactly what changed.
Nothing here imports Great Expectations: reading, checking and exporting suites stays fast.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from commitment_tracker.datapackage import containment, paths
from commitment_tracker.datapackage.schema import Field, Package, Resource
from commitment_tracker.errors import TrackerError

ORIGIN_SCHEMA = "schema"
ORIGIN_HAND = "hand-written"
EXPORT = "commitments export-suites --out DIR"
# Rule names of the expectations generated from the schema all start with this; a stored suite
# may not use it (see read_suite).
SCHEMA_RULE_PREFIX = "schema-"
MALFORMED = "suite-malformed"
SCHEMA_COPY = "suite-schema-copy"
ORPHAN = "suite-orphan"


class SuiteError(TrackerError):
    """A suite file cannot be read, does not have the shape of a suite, or restates the schema."""

    def __init__(self, message: str, rule: str = MALFORMED) -> None:
        super().__init__(message)
        self.rule = rule


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
    """A stored suite as a dict; SuiteError saying what to fix when it is not a well-formed one.

    Well-formed: a JSON object with an ``expectations`` list, each expectation with a ``type``,
    ``meta.rule`` and ``meta.why``, and none of them a copy of a schema constraint (``meta.origin``
    "schema" or a rule named ``schema-…``): those are judged from datapackage.json already.
    """
    try:
        # Only a regular file: a FIFO committed as a suite would block validate forever.
        # And inside the package: a suite linked to a file outside is refused unread.
        data = json.loads(containment.read_package_path(Path(path).parents[1], Path(path)).decode("utf-8"))
    except containment.ContainmentError as exc:
        raise SuiteError(str(exc)) from None
    except FileNotFoundError:
        raise SuiteError(f"{path.name} does not exist") from None
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
        if meta.get("origin") == ORIGIN_SCHEMA or meta["rule"].startswith(SCHEMA_RULE_PREFIX):
            raise SuiteError(
                f"{path.name}: expectation {n} ({meta['rule']}) restates a constraint of "
                "datapackage.json, which the structure layer judges already: remove it (state a "
                "mechanical constraint in the Table Schema only)",
                SCHEMA_COPY,
            )
    return data


def stored_suites(root: Path, package: Package) -> list[str]:
    """Names of the resources that have a suite file in validators/ (a rule of meaning or more)."""
    return [r.name for r in package.resources if os.path.lexists(suite_path(root, r.name))]


def build_export(resource: Resource, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The full contract of one resource: the schema's constraints, then its rules of meaning."""
    own = [
        {**e, "meta": {"origin": ORIGIN_HAND, **e["meta"]}} for e in (stored or {}).get("expectations", [])
    ]
    return {
        "name": resource.name,
        "meta": {
            "about": "Exported by `commitments export-suites`. Expectations with meta.origin "
            "'schema' restate datapackage.json's Table Schema; those with 'hand-written' are the "
            "package's rules of meaning (validators/). The package itself judges the schema's "
            "constraints from datapackage.json: edit that, not this file.",
        },
        "expectations": generated_expectations(resource) + own,
    }


def render(suite: dict[str, Any]) -> str:
    """The stored form: sorted keys, two-space indent, UTF-8 text, final newline."""
    return json.dumps(suite, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def orphan_files(root: Path, package: Package) -> list[Path]:
    """Suite files in validators/ that belong to no resource (a renamed or removed one)."""
    names = set(package.resource_names)
    folder = paths.validators_dir(root)
    return sorted(p for p in folder.glob("*.json") if p.stem not in names) if folder.is_dir() else []


def problems(root: Path, package: Package) -> list[tuple[str, str, str]]:
    """(file, rule, what to do) for each suite file that is not a well-formed suite of a resource."""
    found = []
    for name in stored_suites(root, package):
        path = suite_path(root, name)
        try:
            read_suite(path)
        except SuiteError as exc:
            found.append((paths.relative_to_root(root, path), exc.rule, str(exc)))
    for path in orphan_files(root, package):
        rel = paths.relative_to_root(root, path)
        found.append((rel, ORPHAN, "no resource of that name in datapackage.json: remove or rename it"))
    return found


def export(root: Path, package: Package, out: Path) -> list[Path]:
    """Write every resource's full contract as ``out/<resource>.json``; returns the files written.

    Every stored suite is read first, so a malformed one stops the export before anything is
    written. ``out`` may not be the package's validators/ folder (that would store the copies the
    package judges from its schema). Each file is written beside its target and renamed into place,
    which replaces a symbolic link planted there instead of writing through it.
    """
    out = Path(out)
    if out.resolve() == paths.validators_dir(root).resolve():
        raise SuiteError(
            f"{out} is the package's validators/ folder, which holds only rules of meaning: "
            "export to another folder"
        )
    stored = set(stored_suites(root, package))
    texts = {
        out / f"{r.name}.json": render(
            build_export(r, read_suite(suite_path(root, r.name)) if r.name in stored else None)
        )
        for r in package.resources
    }
    if out.exists() and not out.is_dir():
        raise SuiteError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return list(texts)
