"""What datapackage.json must hold before any tool relies on it, each problem located by key.

``schema.parse_package`` runs ``descriptor_issues`` first and refuses the descriptor (DescriptorError
with every issue) when one is found, so no reader, row check, query or page is ever handed a
descriptor it would crash on: a resource named twice (two DuckDB tables of one name), a ``path``
that is a list, a field type no tool knows, a pattern neither Python's ``re`` (Frictionless) nor
RE2 (DuckDB) compiles, a key naming a field that does not exist, a constraint of the wrong type.

These are the conditions the tools need, not a full Data Package profile: Frictionless still
validates the descriptor against the profile in the structure layer (licences, dates, …).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Every resource the code reads by name: the layers, the SQL rules in validators/rules/, the named
# queries in queries/, the summary, the site and the curation commands. A descriptor without one
# of them is not this package.
EXPECTED_RESOURCES = (
    "sources",
    "actors",
    "actor_aliases",
    "events",
    "sectors",
    "units",
    "commitments",
    "commitment_parties",
    "indicators",
    "claims",
    "discrepancies",
    "discrepancy_claims",
    "discrepancy_aliases",
    "status_updates",
)

# Table Schema (v1 and v2) field types; those without a SQL form are read as text by DuckDB and
# judged by Frictionless's own cell reader in the row checks.
TABLE_SCHEMA_TYPES = (
    "string",
    "number",
    "integer",
    "boolean",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "object",
    "array",
    "list",
    "geopoint",
    "geojson",
    "any",
)
_ORDERED = ("number", "integer", "date", "time", "datetime", "year", "yearmonth")
_NUMERIC = ("number", "integer", "year")
_SIZED = ("string", "array", "list", "object")
# The constraints both row engines judge (rowchecks.py in DuckDB, Frictionless per row), by type.
_CONSTRAINTS = {
    "required": TABLE_SCHEMA_TYPES,
    "unique": TABLE_SCHEMA_TYPES,
    "enum": tuple(t for t in TABLE_SCHEMA_TYPES if t != "list"),
    "pattern": ("string",),
    "minimum": _ORDERED,
    "maximum": _ORDERED,
    "minLength": _SIZED,
    "maxLength": _SIZED,
}
# Resource and field names become DuckDB identifiers, file names (validators/<resource>.json) and
# CSV headers: snake_case only, as the house style asks.
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHOWN = 80  # characters of an offending value quoted in a message


@dataclass(frozen=True)
class DescriptorIssue:
    """One thing wrong in datapackage.json: what, and where (resource, field, key path)."""

    message: str
    resource: str | None = None
    field: str | None = None
    key: str | None = None  # e.g. resources[units].schema.fields[label].type
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.key}: {self.message}" if self.key else self.message


def descriptor_issues(descriptor: dict[str, Any]) -> list[DescriptorIssue]:
    """Every problem that would stop the tools from using ``descriptor`` (empty when usable)."""
    return list(_package_issues(descriptor))


def sound_resources(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    """The resources of ``descriptor`` usable on their own (a unique snake_case name, a sound path and
    schema), whatever concerns the package as a whole (a resource it needs is missing, a foreign key
    points at it). For comparing versions, where a dropped resource is a change to show."""
    raw_resources = descriptor.get("resources")
    found: dict[str, dict[str, Any]] = {}
    for raw in raw_resources if isinstance(raw_resources, list) else []:
        name = raw.get("name") if isinstance(raw, dict) else None
        if isinstance(name, str) and _NAME.fullmatch(name) and name not in found:
            found[name] = raw
    return [raw for name, raw in found.items() if next(_resource_issues(raw, name), None) is None]


def shown(value: Any) -> str:
    """An offending value as JSON, cut to a readable length."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _package_issues(descriptor: dict[str, Any]) -> Iterator[DescriptorIssue]:
    raw_resources = descriptor.get("resources")
    if not isinstance(raw_resources, list) or not raw_resources:
        yield DescriptorIssue(
            "must be a non-empty list of resources", key="resources", value=_opt(raw_resources)
        )
        return
    names: dict[str, int] = {}
    usable: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(raw_resources):
        where = f"resources[{index}]"
        if not isinstance(raw, dict):
            yield DescriptorIssue("a resource must be a JSON object", key=where, value=shown(raw))
            continue
        name = raw.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            yield DescriptorIssue(
                "a resource needs a snake_case 'name' (lowercase letters, digits, '_')",
                key=f"{where}.name",
                value=_opt(name),
            )
            continue
        if name in names:
            yield DescriptorIssue(
                f"two resources are named {name!r} (resources[{names[name]}] and resources[{index}]): "
                "rename or remove one",
                resource=name,
                key=f"{where}.name",
                value=name,
            )
            continue
        names[name] = index
        issues = list(_resource_issues(raw, name))
        yield from issues
        if not issues:
            usable[name] = raw
    for name in EXPECTED_RESOURCES:
        if name not in names:
            yield DescriptorIssue(
                f"resource {name!r} is missing: the validation rules, queries, summary and site read it "
                "by name; restore it",
                resource=name,
                key="resources",
            )
    # Keys between resources, once each resource's own shape is known to be sound.
    for name, raw in usable.items():
        yield from _foreign_key_issues(raw, name, usable, set(names))


def _opt(value: Any) -> str | None:
    return None if value is None else shown(value)


def _resource_issues(raw: dict[str, Any], name: str) -> Iterator[DescriptorIssue]:
    where = f"resources[{name}]"
    path = raw.get("path")
    if not isinstance(path, str) or not path.strip():
        yield DescriptorIssue(
            "'path' must be one relative file path (a string; this package has no multi-file resources)",
            resource=name,
            key=f"{where}.path",
            value=_opt(path),
        )
    encoding = raw.get("encoding", "utf-8")
    if not isinstance(encoding, str) or encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        yield DescriptorIssue(
            "'encoding' must be utf-8: every file of the package is UTF-8",
            resource=name,
            key=f"{where}.encoding",
            value=shown(encoding),
        )
    yield from _dialect_issues(raw.get("dialect"), name, f"{where}.dialect")
    schema = raw.get("schema")
    if not isinstance(schema, dict):
        yield DescriptorIssue(
            "'schema' must be an inline Table Schema object with 'fields'",
            resource=name,
            key=f"{where}.schema",
            value=_opt(schema),
        )
        return
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        yield DescriptorIssue(
            "'fields' must be a non-empty list of field objects",
            resource=name,
            key=f"{where}.schema.fields",
            value=_opt(fields),
        )
        return
    seen: set[str] = set()
    for index, f in enumerate(fields):
        yield from _field_issues(f, name, f"{where}.schema.fields", index, seen)
    yield from _missing_values_issues(schema, name, f"{where}.schema.missingValues")
    if "primaryKey" in schema:
        yield from _key_issues(schema["primaryKey"], seen, name, f"{where}.schema.primaryKey")
    foreign_keys = schema.get("foreignKeys", [])
    if not isinstance(foreign_keys, list) or not all(isinstance(fk, dict) for fk in foreign_keys):
        yield DescriptorIssue(
            "'foreignKeys' must be a list of objects with 'fields' and 'reference'",
            resource=name,
            key=f"{where}.schema.foreignKeys",
            value=shown(foreign_keys),
        )


def _dialect_issues(dialect: Any, name: str, where: str) -> Iterator[DescriptorIssue]:
    if dialect is None:
        return
    if not isinstance(dialect, dict):
        yield DescriptorIssue("'dialect' must be an object", resource=name, key=where, value=shown(dialect))
        return
    for key in ("delimiter", "quoteChar"):
        value = dialect.get(key)
        if value is not None and not (isinstance(value, str) and len(value) == 1 and value not in "\r\n"):
            yield DescriptorIssue(
                f"'{key}' must be one character", resource=name, key=f"{where}.{key}", value=shown(value)
            )


def _field_issues(f: Any, resource: str, where: str, index: int, seen: set[str]) -> Iterator[DescriptorIssue]:
    if not isinstance(f, dict):
        yield DescriptorIssue(
            "a field must be a JSON object", resource=resource, key=f"{where}[{index}]", value=shown(f)
        )
        return
    name = f.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        yield DescriptorIssue(
            "a field needs a snake_case 'name' (lowercase letters, digits, '_')",
            resource=resource,
            key=f"{where}[{index}].name",
            value=_opt(name),
        )
        return
    here = f"{where}[{name}]"
    if name in seen:
        yield DescriptorIssue(
            f"two fields are named {name!r}: rename or remove one",
            resource=resource,
            field=name,
            key=f"{here}.name",
            value=name,
        )
        return
    seen.add(name)
    type_ = f.get("type", "string")
    if type_ not in TABLE_SCHEMA_TYPES:
        yield DescriptorIssue(
            f"{shown(type_)} is not a Table Schema type; use one of {', '.join(TABLE_SCHEMA_TYPES)}",
            resource=resource,
            field=name,
            key=f"{here}.type",
            value=shown(type_),
        )
        return
    if "format" in f and not isinstance(f["format"], str):
        yield DescriptorIssue(
            "'format' must be a string",
            resource=resource,
            field=name,
            key=f"{here}.format",
            value=shown(f["format"]),
        )
    constraints = f.get("constraints", {})
    if not isinstance(constraints, dict):
        yield DescriptorIssue(
            "'constraints' must be an object",
            resource=resource,
            field=name,
            key=f"{here}.constraints",
            value=shown(constraints),
        )
        return
    for key, value in constraints.items():
        problem = _constraint_problem(type_, key, value)
        if problem:
            yield DescriptorIssue(
                problem, resource=resource, field=name, key=f"{here}.constraints.{key}", value=shown(value)
            )


def _constraint_problem(type_: str, key: str, value: Any) -> str | None:
    """Why constraint ``key: value`` cannot be judged on a field of ``type_``, or None."""
    if key not in _CONSTRAINTS:
        return f"constraint {key!r} is not judged by this package's row checks; use {', '.join(_CONSTRAINTS)}"
    if type_ not in _CONSTRAINTS[key]:
        return f"constraint {key!r} does not apply to a field of type {type_!r}"
    if key in ("required", "unique"):
        return None if isinstance(value, bool) else "must be true or false"
    if key in ("minLength", "maxLength"):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a whole number of characters, 0 or more"
    if key == "pattern":
        return _pattern_problem(value)
    if key == "enum":
        if not isinstance(value, list) or not value:
            return "must be a non-empty list of the allowed values"
        bad = next((v for v in value if _value_problem(type_, v)), None)
        return None if bad is None else f"value {shown(bad)}: {_value_problem(type_, bad)}"
    return _value_problem(type_, value)  # minimum, maximum


def _value_problem(type_: str, value: Any) -> str | None:
    """Why ``value`` cannot be a value (bound or enum member) of a field of ``type_``, or None."""
    if type_ in _NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return f"must be a finite JSON number for a field of type {type_!r}"
        if type_ != "number" and not isinstance(value, int):
            return f"must be a whole number for a field of type {type_!r}"
        return None
    if not isinstance(value, str):
        return f"must be a string for a field of type {type_!r}"
    if type_ == "date":
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            return "must be a date written YYYY-MM-DD"
    return None


def _pattern_problem(pattern: Any) -> str | None:
    if not isinstance(pattern, str):
        return "must be a regular expression (a string)"
    return _regex_problem(pattern)


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return _re2_problem(pattern)


@functools.lru_cache(maxsize=256)
def _re2_problem(pattern: str) -> str | None:
    """Why DuckDB's RE2 (the row checks and the build's CHECK constraints), which accepts less than
    Python, refuses ``pattern``, or None. Each distinct pattern is judged once per process, on one
    connection: a connection per field cost about a second per command on the real descriptor."""
    import duckdb

    try:
        con = _RE2_DATABASE.get()
        with contextlib.closing((_re2_connection() if con is None else con).cursor()) as cursor:
            cursor.execute("SELECT regexp_full_match('', $p)", {"p": pattern}).fetchall()
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0].removeprefix("Invalid Input Error: ")
        return f"is not a regular expression DuckDB (RE2) accepts: {message}"
    return None


@functools.lru_cache(maxsize=1)
def _re2_connection():  # -> duckdb.DuckDBPyConnection, imported lazily
    import duckdb

    return duckdb.connect()


# A connection whose database judges the patterns instead of one opened for it (see patterns_on).
_RE2_DATABASE: contextvars.ContextVar = contextvars.ContextVar("re2_database", default=None)


@contextlib.contextmanager
def patterns_on(con) -> Iterator[None]:  # con: duckdb.DuckDBPyConnection, imported lazily
    """Within the block, judge patterns in RE2 on a cursor of ``con`` (an open DuckDB connection
    not yet locked) rather than on a database opened for it: opening a DuckDB database costs about
    40 ms, a tenth of a cold `query` on the real package, which opens one anyway."""
    token = _RE2_DATABASE.set(con)
    try:
        yield
    finally:
        _RE2_DATABASE.reset(token)


def _missing_values_issues(schema: dict[str, Any], resource: str, where: str) -> Iterator[DescriptorIssue]:
    values = schema.get("missingValues", [""])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        yield DescriptorIssue(
            "'missingValues' must be a list of strings (this package uses [\"\"])",
            resource=resource,
            key=where,
            value=shown(values),
        )


def _key_issues(key: Any, fields: set[str], resource: str, where: str) -> Iterator[DescriptorIssue]:
    names = [key] if isinstance(key, str) else key
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        yield DescriptorIssue(
            "must name one field or a list of fields", resource=resource, key=where, value=shown(key)
        )
        return
    for n in names:
        if n not in fields:
            yield DescriptorIssue(
                f"names field {n!r}, which resource {resource!r} does not have",
                resource=resource,
                field=n,
                key=where,
                value=shown(key),
            )
    if len(set(names)) != len(names):
        yield DescriptorIssue("names a field twice", resource=resource, key=where, value=shown(key))


def _field_names(raw: dict[str, Any]) -> set[str]:
    return {f["name"] for f in raw["schema"]["fields"]}


def _foreign_key_issues(
    raw: dict[str, Any], name: str, usable: dict[str, dict[str, Any]], all_names: set[str]
) -> Iterator[DescriptorIssue]:
    for index, fk in enumerate(raw["schema"].get("foreignKeys", [])):
        where = f"resources[{name}].schema.foreignKeys[{index}]"
        fields_issues = list(_key_issues(fk.get("fields"), _field_names(raw), name, f"{where}.fields"))
        yield from fields_issues
        reference = fk.get("reference")
        if not isinstance(reference, dict):
            yield DescriptorIssue(
                "'reference' must be an object with 'resource' and 'fields'",
                resource=name,
                key=f"{where}.reference",
                value=_opt(reference),
            )
            continue
        target = reference.get("resource") or name  # "" or absent: the table references itself
        if target in EXPECTED_RESOURCES and target not in all_names:
            continue  # reported once, as the missing resource
        if not isinstance(target, str) or target not in all_names:
            yield DescriptorIssue(
                f"references resource {shown(target)}, which datapackage.json does not have",
                resource=name,
                key=f"{where}.reference.resource",
                value=shown(target),
            )
            continue
        if target not in usable:
            continue  # its own problems are reported where they are
        ref_issues = list(
            _key_issues(
                reference.get("fields"), _field_names(usable[target]), target, f"{where}.reference.fields"
            )
        )
        yield from (
            # Located in the referencing resource; the missing field is the target's, named in the message.
            DescriptorIssue(i.message, resource=name, key=i.key, value=i.value)
            for i in ref_issues
        )
        if fields_issues or ref_issues:
            continue
        count = lambda v: 1 if isinstance(v, str) else len(v)  # noqa: E731
        if count(fk["fields"]) != count(reference["fields"]):
            yield DescriptorIssue(
                "'fields' and 'reference.fields' must name as many fields each",
                resource=name,
                key=where,
                value=shown(fk),
            )
