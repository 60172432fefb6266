"""A report as GitHub workflow commands: one ``::error`` line per problem, on the file it concerns.

A step that prints ``::error file=data/claims.csv,line=12,col=40,title=RULE::message`` puts the
message on that line of the pull request's diff. The report counts CSV records (header = row 1, as
Frictionless does); an annotation needs the file's physical line, which differs as soon as a quoted
field holds a newline, so each file is read once with the csv module to map records to lines and
fields to character columns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from commitment_tracker.datapackage import containment, paths
from commitment_tracker.datapackage.schema import Package
from commitment_tracker.validation.report import Problem, Report

# Where a record starts (line, 1-based) and where each of its fields starts (column, 1-based).
RecordPlaces = dict[int, tuple[int, list[int]]]


def to_github(report: Report, root: Path, package: Package | None) -> str:
    """Every problem (and warning) as one workflow command line, then a notice with the totals."""
    places: dict[str, RecordPlaces | None] = {}
    lines = []
    levels = [("error", p) for p in report.problems] + [("warning", p) for p in report.warnings]
    for level, problem in levels:
        file, header = _file_of(problem, package)
        line = col = None
        if problem.row is not None and file.endswith(".csv"):
            if file not in places:
                places[file] = _record_places(root, file)
            record = (places[file] or {}).get(problem.row)
            if record is not None:
                line, starts = record
                if problem.column and header and problem.column in header:
                    index = header.index(problem.column)
                    col = starts[index] if index < len(starts) else None
            else:
                line = problem.row
        props = [f"file={_prop(file)}"]
        if line is not None:
            props.append(f"line={line}")
        if col is not None:
            props.append(f"col={col}")
        props.append(f"title={_prop(f'{problem.check}/{problem.rule}')}")
        lines.append(f"::{level} {','.join(props)}::{_data(_message(problem))}")
    total = len(report.problems)
    verdict = "valid" if report.valid else f"invalid: {total} problem{'s' * (total != 1)}"
    lines.append(f"::notice title=commitments validate::{_data(f'{report.package} {verdict}')}")
    return "\n".join(lines) + "\n"


def _file_of(problem: Problem, package: Package | None) -> tuple[str, list[str] | None]:
    """The package file a problem concerns and, for a table, its field names in order."""
    name = problem.resource
    if package is not None and name:
        for resource in package.resources:
            if resource.name == name and isinstance(resource.path, str):
                return resource.path, [f.name for f in resource.fields]
    if name == paths.SEEDS_DIRNAME and problem.value and problem.value.startswith(f"{name}/"):
        return problem.value, None
    return paths.DESCRIPTOR_NAME, None


def _record_places(root: Path, relative: str) -> RecordPlaces | None:
    """Record number -> (line, field columns) for one CSV file; None when it cannot be read."""
    try:
        text = containment.read_package_file(root, relative).decode("utf-8")
    except (OSError, ValueError):
        return None
    places: RecordPlaces = {}
    source = io.StringIO(text, newline="")
    physical = source.readlines()
    reader = csv.reader(iter(physical))
    line_before = 0
    try:
        for number, record in enumerate(reader, start=1):
            first_line = line_before + 1
            places[number] = (first_line, _field_columns(physical[first_line - 1], len(record)))
            line_before = reader.line_num
    except csv.Error:
        pass  # the structure layer reports the syntax; records up to here keep their places
    return places


def _field_columns(line: str, count: int) -> list[int]:
    """Where each field of a record starts on its first line (fields past a newline get none)."""
    starts, quoted = [1], False
    for position, char in enumerate(line, start=1):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(position + 1)
        elif char == "\n" and not quoted:
            break
    return starts[:count]


def _message(problem: Problem) -> str:
    text = f"{problem.location()} — {problem.rule}: {problem.message}"
    if problem.value is not None:
        value = problem.value if len(problem.value) <= 120 else problem.value[:119] + "…"
        text += f" (value: {value!r})"
    return text


def _data(text: str) -> str:
    """Escape a workflow command's message, as the runner's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
