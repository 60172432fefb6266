"""Structure layer: the files themselves, then Frictionless and the row checks, then canonical form.

Frictionless judges what it judges without reading rows: the descriptor (profile, resources,
schemas, keys) and each file's header (names, order, missing, extra, blank or duplicate labels).
The row work (types, constraints, unique, primary and foreign keys) runs set-wise in DuckDB
(``rowchecks.py``) with Frictionless's rule names and row numbers, because Frictionless reads
about 25k rows/s and cannot run in parallel once foreign keys exist. ``frictionless_rows=True``
(``validate --frictionless-rows``) has Frictionless judge the rows too, exactly as
``frictionless validate datapackage.json`` does, and skips the DuckDB row check; a test runs both
over the broken-package corpus and asserts they agree. Before either runs, the file checks catch what
Frictionless passes silently or reports badly (a missing file, bad UTF-8, a BOM, CRLF line ends,
ragged rows); resources that cannot be read are recorded in ``ctx.unreadable`` so later layers skip
them instead of crashing.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from commitment_tracker.curation import atomic
from commitment_tracker.database import no_field_size_limit
from commitment_tracker.datapackage import containment, csvio
from commitment_tracker.datapackage.containment import ContainmentError
from commitment_tracker.datapackage.schema import Resource
from commitment_tracker.validation import csvbytes, rowchecks, utf8
from commitment_tracker.validation.context import TableUnavailable, ValidationContext
from commitment_tracker.validation.report import CheckResult, Problem

LAYER = "structure"
BOM = b"\xef\xbb\xbf"

# Frictionless errors that only restate what the file checks already reported for that resource.
_RESTATED = {
    "file-missing": {"scheme-error", "source-error", "encoding-error"},
    "empty-file": {"source-error", "scheme-error"},
    "encoding": {"encoding-error", "source-error"},
    "ragged-row": {"extra-cell", "missing-cell"},
    "csv-syntax": {"source-error", "format-error"},
}
# Rules of the file checks after which a resource's file is never opened again.
REFUSED = {containment.OUTSIDE, containment.NOT_REGULAR, "file-unreadable"}
_LOAD_ERRORS = {"scheme-error", "source-error", "encoding-error", "format-error", "io-error"}


def run(ctx: ValidationContext) -> list[CheckResult]:
    files = check_files(ctx)
    rules_by_resource: dict[str, set[str]] = {}
    for p in files.problems:
        if p.resource:
            rules_by_resource.setdefault(p.resource, set()).add(p.rule)
    # A file outside the package or not a regular one is never opened, Frictionless included.
    refused = {name for name, rules in rules_by_resource.items() if rules & REFUSED}
    frictionless_check = check_frictionless(
        ctx, rules_by_resource, rows=ctx.frictionless_rows, exclude=refused
    )
    if ctx.frictionless_rows:
        return [files, frictionless_check, check_canonical(ctx, rules_by_resource)]
    return [files, frictionless_check, rowchecks.run(ctx), check_canonical(ctx, rules_by_resource)]


def check_files(ctx: ValidationContext) -> CheckResult:
    result = CheckResult(
        LAYER,
        "files",
        "each data file is a regular file inside the package, UTF-8 without BOM, ends lines with \\n "
        "and has no ragged rows",
        unit="files",
    )
    _check_pending_write(result, ctx.root)
    for resource in ctx.package.resources:
        result.checked += 1
        try:
            path = resource.file(ctx.root)
        except ContainmentError as exc:
            result.problem(exc.rule, str(exc), resource=resource.name, value=resource.path)
            ctx.unreadable[resource.name] = containment.refusal(exc, resource.path)
            continue
        reason = _inspect_file(ctx, result, resource, path)
        if reason:
            ctx.unreadable[resource.name] = reason
    return result


def _check_pending_write(result: CheckResult, root: Path) -> None:
    """A journal of an interrupted write means some files may hold half of it: not a valid package."""
    if os.path.lexists(atomic.journal_path(root)):
        result.problem(
            "pending-write",
            f"{atomic.JOURNAL_NAME} is present: a curation write was interrupted (or is running), so "
            "files may hold half of it; run any curation command without --dry-run to roll it back "
            "(delete the journal instead if no command of this tool wrote it), then validate again",
            value=atomic.JOURNAL_NAME,
        )


def _inspect_file(ctx: ValidationContext, result: CheckResult, resource: Resource, path: Path) -> str | None:
    """Report format problems of one file; return why it is unreadable, or None.

    The file is read once: its text frame is parsed from the same bytes and kept for the run
    (``ctx.text_table``), and what its bytes say about its records is kept for the canonical check.
    """
    name, relpath = resource.name, resource.path
    try:
        data = containment.read_bytes(path, relpath)
    except FileNotFoundError:
        result.problem(
            "file-missing",
            f"{relpath} does not exist: create it (header row at least) or fix 'path' in datapackage.json",
            resource=name,
            value=relpath,
        )
        return "file missing"
    except ContainmentError as exc:
        result.problem(exc.rule, str(exc), resource=name, value=relpath)
        return containment.refusal(exc, relpath)
    except OSError as exc:
        result.problem(
            "file-unreadable",
            f"{relpath} cannot be read: {exc.strerror or exc}",
            resource=name,
            value=relpath,
        )
        return "cannot be read"
    whole = data
    if data.startswith(BOM):
        result.problem(
            "bom",
            f"{relpath} starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM",
            resource=name,
            row=1,
        )
        data = data[len(BOM) :]
    if not utf8.is_valid(data):
        exc = utf8.first_error(data)
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.end]
        result.problem(
            "encoding",
            f"invalid UTF-8 byte {bad.hex(' ')} at byte {exc.start} (line {line}); re-save the file as UTF-8",
            resource=name,
            row=line,
            value=data[max(0, exc.start - 20) : exc.end + 20].decode("utf-8", "replace"),
        )
        return "not valid UTF-8"
    if _blank(data):
        result.problem("empty-file", f"{relpath} is empty: it needs at least the header row", resource=name)
        return "empty file"
    # Counted on the bytes, not on a list of lines, and only when a carriage return is there at
    # all (found at memchr's speed, where counting a two-byte pattern took 0.3 s at 10^6 claims).
    crlf_count = data.count(b"\r\n") if b"\r" in data else 0
    if crlf_count:
        first = data.count(b"\n", 0, data.find(b"\r\n")) + 1
        result.problem(
            "line-ending",
            f"{crlf_count} line{'s' if crlf_count != 1 else ''} end with CRLF (first: line {first}); "
            "the package uses \\n line ends only",
            resource=name,
            row=first,
        )
    dialect = resource.dialect
    layout = csvbytes.layout(data, dialect.delimiter, dialect.quote_char)
    if not layout.judged or layout.ragged:
        # Located (or judged, for bytes the set-wise count cannot read) record by record.
        reason = _read_records(result, name, relpath, data)
        if reason:
            return reason
    if layout.judged:
        ctx.layouts[name] = layout
    # The run's text frame, parsed from these bytes. A file whose header or CSV the frame reader
    # refuses is left to be read (and reported) where it was before.
    frame = None
    with contextlib.suppress(csvio.TableReadError):
        frame = csvio.parse_text_frame(whole, path, resource)
    # The bytes are done with: freed before keep_text joins the frame's chunks (a copy of the
    # frame for a moment), so the file, its chunked frame and the joined one never coexist
    # (at 10^7 claims this moment, reading claims.csv, had become the run's peak).
    del data, whole
    if frame is not None and frame.columns == resource.field_names:
        ctx.keep_text(name, frame)
    return None


# Bytes that can belong to a character ``str.isspace`` accepts: ASCII whitespace, the separators
# U+001C-U+001F, and any byte of a multi-byte character (U+0085, U+00A0, U+2000…).
_MAYBE_SPACE = re.compile(rb"[^\t\n\x0b\x0c\r\x1c-\x1f \x80-\xff]")


def _blank(data: bytes) -> bool:
    """Whether the UTF-8 text is empty or whitespace only (``not text.strip()``), usually from its
    first bytes."""
    if _MAYBE_SPACE.search(data):
        return False
    return not data.decode("utf-8").strip()


def _read_records(result: CheckResult, name: str, relpath: str, data: bytes) -> str | None:
    """Python's csv reader over every record: ragged rows and malformed CSV, located."""
    text = data.decode("utf-8")
    # Records are streamed, never held as a list: only the width of each is needed.
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    ragged = False
    row_number = 0  # the last record read whole (the header is row 1) and the line it ended on
    last_line = 0
    try:
        with no_field_size_limit(len(data)):
            width = len(next(records))
            row_number, last_line = 1, records.line_num
            for row_number, record in enumerate(records, start=2):
                last_line = records.line_num
                if record and len(record) != width:
                    ragged = True
                    result.problem(
                        "ragged-row",
                        f"row has {len(record)} fields, the header has {width}: "
                        "a missing or extra comma, or an unquoted comma inside a value",
                        resource=name,
                        row=row_number,
                        value=",".join(record),
                    )
    except csv.Error as exc:
        result.problem(
            "csv-syntax",
            f"{relpath} is not well-formed CSV in the row starting at line {last_line + 1}: {exc}",
            resource=name,
            row=row_number + 1,
        )
        return "malformed CSV"
    return "ragged rows" if ragged else None


def check_frictionless(
    ctx: ValidationContext,
    rules_by_resource: dict[str, set[str]],
    rows: bool = False,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> CheckResult:
    """Frictionless's judgement: metadata and headers; with ``rows`` every row as well.

    Resources in ``exclude`` (refused by the file checks) are left out: Frictionless would open them.
    """
    if rows:
        description = (
            "metadata, headers, types, constraints, primary and foreign keys (frictionless validate)"
        )
    else:
        description = "metadata, resources, schemas and headers (frictionless, without reading rows)"
    result = CheckResult(LAYER, "frictionless", description, unit="rows" if rows else "resources")
    try:
        report = frictionless_report(ctx.root, rows=rows, exclude=exclude)
    except Exception as exc:  # frictionless raises on some broken descriptors; report, never crash
        result.problem("frictionless-error", f"frictionless could not validate the package: {exc}")
        return result
    for error in report.errors:
        d = error.to_descriptor()
        result.problem(d.get("type", "package-error"), d.get("note") or d.get("message", ""))
    for task in report.tasks:
        name = task.name
        result.checked += int((task.stats or {}).get("rows") or 0) if rows else 1
        own_rules = rules_by_resource.get(name, set())
        restated = set().union(*(_RESTATED.get(rule, set()) for rule in own_rules)) if own_rules else set()
        for error in task.errors:
            d = error.to_descriptor()
            kind = d.get("type", "error")
            if kind in restated:
                continue
            if kind in _LOAD_ERRORS:
                # Frictionless loads referenced tables for foreign keys, so one unreadable file
                # stops the validation of every resource pointing at it.
                result.problem(
                    "not-validated",
                    "frictionless could not validate this resource (fix the file problems above first): "
                    + d.get("message", ""),
                    resource=name,
                )
                continue
            problem = _problem_from_error(result, name, d)
            if problem.rule == "type-error":
                # Worded as the DuckDB row check words it: what the package expects of the cell.
                problem = _with_type_note(ctx, problem)
            result.problems.append(problem)
    return result


def _with_type_note(ctx: ValidationContext, problem: Problem) -> Problem:
    try:
        f = ctx.package.resource(problem.resource or "").field(problem.column or "")
    except KeyError:
        return problem
    return dataclasses.replace(problem, message=csvio.type_error_note(f.type, f.format))


def frictionless_report(root: Path, rows: bool = True, exclude: frozenset[str] | set[str] = frozenset()):
    """frictionless's Report on the package; without ``rows``, metadata and headers only.

    Header-only: the descriptor is validated whole (foreign keys included), then each resource is
    opened for its header with its foreign keys set aside (opening a resource with foreign keys
    reads every referenced table row by row to build a lookup) and row errors out of scope.
    Resources named in ``exclude`` are removed before anything is opened, with the foreign keys
    that point at them.
    """
    import frictionless  # slow import: only when validating
    from frictionless import Checklist, FrictionlessException, Report

    path = str(root / "datapackage.json")
    if rows and not exclude:
        with canonical_readers():
            return frictionless.validate(path)
    try:
        package = frictionless.Package(path)
        package.to_descriptor(validate=True)
    except FrictionlessException as exc:
        return Report.from_validation(errors=exc.to_errors())
    for name in exclude:
        if package.has_resource(name):
            package.remove_resource(name)
    for resource in package.resources:
        schema = getattr(resource, "schema", None)
        if schema is not None:
            schema.foreign_keys = [
                fk for fk in schema.foreign_keys if rows and _referenced(fk, resource.name) not in exclude
            ]
    if rows:
        with canonical_readers():
            return package.validate()
    # One row is read (frictionless cannot open a table without its first one); its errors and
    # every row error are out of scope: rowchecks.py judges them all.
    return package.validate(Checklist(skip_errors=["#row"]), limit_rows=1)


def _referenced(foreign_key: dict, own_name: str) -> str:
    """The resource a Table Schema foreign key points at (an empty name means the table itself)."""
    reference = foreign_key.get("reference") or {}
    return reference.get("resource") or own_name


@contextlib.contextmanager
def canonical_readers() -> Iterator[None]:
    """Within the block, Frictionless reads integer, number and date cells as the package does.

    Frictionless's own readers take whatever Python's ``int``, ``Decimal`` and ``strptime`` take
    (NaN, INF, ``1_03``, `` 103``, ``2025-7-3``); a Table Schema ``pattern`` cannot say otherwise, since
    Frictionless allows it on strings only. So a plugin hands Frictionless the same readers, refusing
    any cell not in ``csvio.CANONICAL_FORMS`` before the usual reading: the cell is a type-error
    and its constraints are not judged, exactly as in rowchecks.py. Registered for the block only.
    """
    from frictionless import Plugin, fields, system

    classes = {
        base.type: _canonical_field_class(base)
        for base in (fields.IntegerField, fields.NumberField, fields.DateField)
    }

    class CanonicalValues(Plugin):
        def select_field_class(self, field_type=None):
            return classes.get(field_type)

    system.register(_PLUGIN, CanonicalValues())
    try:
        yield
    finally:
        system.deregister(_PLUGIN)


_PLUGIN = "commitments-canonical-values"


def _canonical_field_class(base: type) -> type:
    """A subclass of Frictionless field class ``base`` whose reader refuses non-canonical text."""

    def create_value_reader(self):
        read = base.create_value_reader(self)
        form = csvio.canonical_form(self.type, self.format)
        if form is None:
            return read
        pattern = re.compile(f"(?:{form})")

        def value_reader(cell):
            if isinstance(cell, str) and not pattern.fullmatch(cell):
                return None
            return read(cell)

        return value_reader

    return type(f"Canonical{base.__name__}", (base,), {"create_value_reader": create_value_reader})


def _problem_from_error(result: CheckResult, resource: str, d: dict) -> Problem:
    column = d.get("fieldName") or ", ".join(d.get("fieldNames") or []) or d.get("label") or None
    value = d.get("cell")
    if value is None and d.get("fieldCells"):
        value = ", ".join(str(c) for c in d["fieldCells"])
    if value is None and d.get("label") is not None:
        value = d.get("label")
    row = d.get("rowNumber")
    if row is None and "#header" in (d.get("tags") or []):
        row = 1
    return Problem(
        layer=result.layer,
        check=result.check,
        rule=d.get("type", "error"),
        message=d.get("note") or d.get("message", ""),
        resource=resource,
        row=row,
        column=column or None,
        value=value,
    )


def check_canonical(ctx: ValidationContext, rules_by_resource: dict[str, set[str]]) -> CheckResult:
    result = CheckResult(
        LAYER,
        "canonical-format",
        "each file is byte-identical to its canonical rewrite (quoting, sort by primary key, \\n)",
        unit="files",
    )
    for resource in ctx.package.resources:
        if resource.name in ctx.unreadable or rules_by_resource.get(resource.name, set()) & {
            "bom",
            "line-ending",
        }:
            continue  # already reported; canonical form would only restate it
        try:
            # The run's cached text frame (the row checks and the content layer read it too).
            text = ctx.text_table(resource.name)
        except TableUnavailable:
            continue  # header or parse problems: frictionless reports them with locations
        result.checked += 1
        if _canonical_by_count(ctx.layouts.get(resource.name), text, resource):
            continue
        # Something differs (or the bytes were not judged set-wise): rewrite and compare, to say what.
        try:
            expected = csvio.canonical_bytes(text, resource)
        except csvio.TableReadError:
            continue
        actual = resource.file(ctx.root).read_bytes()
        if actual != expected:
            result.problem(**_describe_difference(resource, actual, expected))
    return result


def _canonical_by_count(layout: csvbytes.Layout | None, text: pl.DataFrame, resource: Resource) -> bool:
    """Whether the file is its canonical rewrite, judged without writing it (False: not shown).

    With quotes only where the reader reads them as quotes, no carriage return (``layout.judged``)
    and the same values, a file can differ from its rewrite only by adding bytes: a needless pair
    of quotes, a blank line, or a missing value written as another of ``missingValues`` (the
    rewrite writes the first). So the same header, a final newline and the rows in key order
    mean the same bytes when the bytes show no needless quote and no blank line and the only
    missing value is the empty field; with other missing values, when the rewrite's size is the
    file's (counted on every cell: 1.4 s of CPU at 10^6 claims, the bytes' own verdict ~0).
    """
    if layout is None or not layout.ends_with_newline or resource.dialect.line_terminator != "\n":
        return False
    if layout.header != csvio.canonical_bytes(text.clear(), resource):
        return False
    if (resource.missing_values or ("",))[0] != "":
        return False  # a missing value written as text: an empty field would then be shorter
    if set(resource.missing_values) <= {""}:
        if layout.needless_quotes or layout.blank_lines:
            return False
    else:
        dialect = resource.dialect
        body = csvbytes.canonical_body_size(text, dialect.delimiter, dialect.quote_char)
        if layout.size != len(layout.header) + body:
            return False
    return csvbytes.sorted_by(text, list(resource.primary_key) or resource.field_names)


def _describe_difference(resource, actual: bytes, expected: bytes) -> dict:
    got = actual.decode("utf-8").split("\n")
    want = expected.decode("utf-8").split("\n")
    fix = "rewrite it with commitment_tracker.datapackage.csvio.write_tables_atomically"
    if sorted(got) == sorted(want):
        key = ", ".join(resource.primary_key)
        return {
            "rule": "sort-order",
            "message": f"rows are not sorted by primary key ({key}); {fix}",
            "resource": resource.name,
        }
    line = next((i for i, (a, b) in enumerate(zip(got, want, strict=False), start=1) if a != b), None)
    if line is None:
        line = min(len(got), len(want))
        detail = "missing final newline" if len(got) < len(want) else "extra blank lines at the end"
        return {"rule": "canonical-format", "message": f"{detail}; {fix}", "resource": resource.name}
    return {
        "rule": "canonical-format",
        "message": f"line {line} differs from canonical form, expected {want[line - 1][:200]!r}; {fix}",
        "resource": resource.name,
        "value": got[line - 1],
    }
