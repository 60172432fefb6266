"""datapackage.json, read once, and the one mapping from Table Schema types to polars and DuckDB.

Everything else (CSV reading, the summary, DuckDB loads, generated expectation suites) asks this
module about resources, fields and keys instead of restating the schema.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commitment_tracker.datapackage import containment, paths
from commitment_tracker.datapackage.schema_checks import DescriptorIssue, descriptor_issues, sound_resources
from commitment_tracker.errors import TrackerError

if TYPE_CHECKING:
    import polars as pl

# datapackage.json is metadata: the real one is under 50 kB. Anything past this is refused before
# it is parsed (Frictionless would then walk it with jsonschema, for minutes).
MAX_DESCRIPTOR_BYTES = 4 * 1024 * 1024
_LISTED_ISSUES = 10  # issues spelled out in the one-line message of a DescriptorError


class DescriptorError(TrackerError):
    """datapackage.json is missing, is not valid JSON, or lacks what the tools need.

    ``issues`` holds every problem found, each located (resource, field, key path); ``str()`` is a
    one-line summary for commands that print a single error.
    """

    def __init__(self, problem: str | list[DescriptorIssue]) -> None:
        self.issues = [DescriptorIssue(problem)] if isinstance(problem, str) else list(problem)
        shown = "; ".join(str(i) for i in self.issues[:_LISTED_ISSUES])
        more = len(self.issues) - _LISTED_ISSUES
        if more > 0:
            shown += f"; and {more} more (run `commitments validate` for all)"
        prefix = "datapackage.json is unusable: " if isinstance(problem, list) else ""
        super().__init__(prefix + shown)


# Table Schema type -> polars dtype. Types the package does not use yet are mapped to text so a new
# field never crashes a reader; add a real mapping here when one is adopted. Built on first use
# (see __getattr__ below) so that the DuckDB query path never pays for importing polars.
@functools.cache
def polars_types() -> dict[str, pl.DataType]:
    import polars as pl

    return {
        "string": pl.String(),
        "integer": pl.Int64(),
        "number": pl.Float64(),
        "boolean": pl.Boolean(),
        "date": pl.Date(),
        "datetime": pl.Datetime("us"),
        "year": pl.Int64(),
    }


DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "year": "BIGINT",
}

DEFAULT_TEXT_TYPE = "string"

# Table Schema's default format of a `date` field (ISO 8601), the only one the package uses: how
# every reader (polars, DuckDB) parses a date and every writer writes one.
DATE_FORMAT = "%Y-%m-%d"


def __getattr__(name: str) -> Any:
    # POLARS_TYPES stays a module constant for its readers while polars is imported lazily.
    if name == "POLARS_TYPES":
        return polars_types()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str = ""
    format: str | None = None
    constraints: dict[str, Any] = field(default_factory=dict)
    descriptor: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))

    @property
    def enum(self) -> list[Any] | None:
        return self.constraints.get("enum")

    @property
    def labels(self) -> dict[Any, str]:
        """Each allowed value and its label for people, in display order.

        From the field's Data Package v2 ``categories`` (``[{"value": ..., "label": ...}]``, whose
        order is the display order); a value without a label is labelled by itself, and the
        ``enum`` values a category leaves out follow in ``enum`` order. Frictionless reads
        ``categories`` without judging them, so entries that are not ``{"value": ...}`` objects
        or plain values are skipped here rather than trusted.
        """
        labels: dict[Any, str] = {}
        categories = self.descriptor.get("categories")
        for entry in categories if isinstance(categories, list) else []:
            if isinstance(entry, dict) and "value" in entry:
                label = entry.get("label")
                labels[entry["value"]] = label if isinstance(label, str) and label else str(entry["value"])
            elif isinstance(entry, str | int):
                labels[entry] = str(entry)
        for value in self.enum or []:
            labels.setdefault(value, str(value))
        return labels

    @property
    def definitions(self) -> dict[Any, str]:
        """What each allowed value means, as the field's ``description`` defines it; "" when it does not.

        A description lists its values with their meaning, either ``value: meaning; value: …``
        (``status_updates.status``) or ``value (meaning), …`` (``status_updates.formality``). The
        description stays the one statement of it, read by people in the codebook and here by code.
        """
        found: dict[Any, str] = {}
        for value in self.labels:
            name = re.escape(str(value))
            colon = re.search(rf"(?:^|[;:]\s*){name}:\s*([^;]+)", self.description)
            paren = re.search(rf"(?:^|[;:,]\s*){name} \(([^)]+)\)", self.description)
            match = colon or paren
            found[value] = match.group(1).strip().rstrip(".") if match else ""
        return found

    @property
    def order(self) -> list[Any]:
        """The allowed values in display order (see ``labels``); empty for a field without a list."""
        return list(self.labels)

    @property
    def polars_dtype(self) -> pl.DataType:
        types = polars_types()
        return types.get(self.type, types[DEFAULT_TEXT_TYPE])

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES.get(self.type, DUCKDB_TYPES[DEFAULT_TEXT_TYPE])


@dataclass(frozen=True)
class Dialect:
    """A resource's CSV dialect (Table Dialect), with the specification's defaults."""

    delimiter: str = ","
    quote_char: str = '"'
    line_terminator: str = "\r\n"

    @classmethod
    def of(cls, raw: Any) -> Dialect:
        raw = raw if isinstance(raw, dict) else {}
        given = {
            name: raw[key]
            for name, key in (
                ("delimiter", "delimiter"),
                ("quote_char", "quoteChar"),
                ("line_terminator", "lineTerminator"),
            )
            if isinstance(raw.get(key), str) and raw[key]
        }
        return cls(**given)


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # the referenced resource, already resolved for self-references
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    path: str  # relative to the package root, as in the descriptor
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    descriptor: dict[str, Any]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def dialect(self) -> Dialect:
        """How the resource's CSV file is written: read by every reader and writer of it."""
        return Dialect.of(self.descriptor.get("dialect"))

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"resource {self.name!r} has no field {name!r}")

    def file(self, root: Path) -> Path:
        return paths.resolve(root, self.path)

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {f.name: f.polars_dtype for f in self.fields}

    def duckdb_columns(self) -> dict[str, str]:
        """The ``columns={...}`` argument of DuckDB's read_csv for this resource."""
        return {f.name: f.duckdb_type for f in self.fields}


@dataclass(frozen=True)
class Package:
    descriptor: dict[str, Any]
    resources: tuple[Resource, ...]

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", ""))

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    @property
    def resource_names(self) -> list[str]:
        return [r.name for r in self.resources]

    def resource(self, name: str) -> Resource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(f"datapackage.json has no resource {name!r}")

    def id_pattern(self) -> str | None:
        """The ``pattern`` every id field shares, or None when they do not share one.

        Id fields are the single-field primary keys and the foreign-key fields that point at
        them. The schema is the one home of what an id looks like; readers that rely on it (the
        site turns ids into file names) ask here instead of restating it.
        """
        ids = {(r.name, r.primary_key[0]) for r in self.resources if len(r.primary_key) == 1}
        ids |= {
            (r.name, name)
            for r in self.resources
            for fk in r.foreign_keys
            if (fk.resource, fk.reference_fields[0]) in ids and len(fk.fields) == 1
            for name in fk.fields
        }
        found = {self.resource(res).field(name).constraints.get("pattern") for res, name in ids}
        return found.pop() if len(found) == 1 else None

    def referencing(self, name: str) -> list[tuple[Resource, ForeignKey]]:
        """Foreign keys (in any resource) that point at resource ``name``."""
        return [(r, fk) for r in self.resources for fk in r.foreign_keys if fk.resource == name]


def read_descriptor(root: Path) -> dict[str, Any]:
    """The parsed datapackage.json; DescriptorError with a fix hint when it cannot be read."""
    path = paths.descriptor_path(root)
    try:
        # Through containment.py: a descriptor linked to a file outside, or a FIFO, is never read.
        data = containment.read_package_file(root, paths.DESCRIPTOR_NAME)
    except FileNotFoundError:
        raise DescriptorError(f"{path} does not exist (is --root the package folder?)") from None
    except OSError as exc:
        raise DescriptorError(f"{path} cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_DESCRIPTOR_BYTES:
        raise DescriptorError(
            f"datapackage.json is larger than {MAX_DESCRIPTOR_BYTES // (1024 * 1024)} MiB: "
            "it holds metadata only, the data belongs in the CSV files"
        )
    return parse_descriptor(data)


def parse_descriptor(data: bytes) -> dict[str, Any]:
    """The descriptor in ``data`` (the bytes of a datapackage.json); DescriptorError if unusable."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DescriptorError(
            f"datapackage.json is not UTF-8 (byte {data[exc.start : exc.end].hex(' ')} at offset "
            f"{exc.start}): re-save it as UTF-8"
        ) from None
    if not text.strip():
        raise DescriptorError("datapackage.json is empty: it must hold the package's JSON object")
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"datapackage.json is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise DescriptorError(
            "datapackage.json nests arrays or objects too deeply to be read (a descriptor needs a few "
            "levels, not hundreds)"
        ) from None
    if not isinstance(descriptor, dict):
        raise DescriptorError("datapackage.json must hold a JSON object")
    return descriptor


def parse_package(descriptor: dict[str, Any]) -> Package:
    """Turn a descriptor into typed accessors; DescriptorError listing every issue if unusable."""
    issues = descriptor_issues(descriptor)
    if issues:
        raise DescriptorError(issues)
    resources = tuple(_parse_resource(raw) for raw in descriptor["resources"])
    return Package(descriptor=descriptor, resources=resources)


def parse_sound_resources(descriptor: dict[str, Any]) -> Package:
    """The resources of ``descriptor`` that are usable on their own, whatever is wrong with the
    package as a whole (``schema_checks.sound_resources``): what `diff` compares when a version
    dropped a resource the tools need."""
    return Package(
        descriptor=descriptor, resources=tuple(_parse_resource(r) for r in sound_resources(descriptor))
    )


def load_package(root: Path) -> Package:
    return parse_package(read_descriptor(root))


def _as_tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _parse_resource(raw: dict[str, Any]) -> Resource:
    # The shape was checked by schema_checks.descriptor_issues: every key read here is sound.
    schema = raw["schema"]
    fields = tuple(
        Field(
            name=f["name"],
            type=f.get("type", DEFAULT_TEXT_TYPE),
            description=f.get("description", ""),
            format=f.get("format"),
            constraints=dict(f.get("constraints", {})),
            descriptor=f,
        )
        for f in schema["fields"]
    )
    foreign_keys = []
    for fk in schema.get("foreignKeys", []):
        reference = fk["reference"]
        # Table Schema: an empty or absent resource means the table references itself.
        target = reference.get("resource") or raw["name"]
        foreign_keys.append(
            ForeignKey(
                fields=_as_tuple(fk["fields"]),
                resource=target,
                reference_fields=_as_tuple(reference["fields"]),
            )
        )
    return Resource(
        name=raw["name"],
        path=raw["path"],
        fields=fields,
        primary_key=_as_tuple(schema.get("primaryKey")),
        foreign_keys=tuple(foreign_keys),
        missing_values=tuple(schema.get("missingValues", [""])),
        descriptor=raw,
    )
