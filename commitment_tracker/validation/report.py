"""Problems found by validation, grouped by check, and the two ways of printing them.

JSON report (``commitments validate --format json``), schema version 1, formally in
``report.schema.json`` beside this module (a test validates real reports against it)::

    {
      "report_version": 1,
      "package": "<name>",  "package_version": "<version>",
      "valid": true | false,
      "summary": {"checks": N, "failed": N, "skipped": N, "problems": N},
      "checks": [
        {"layer": "structure" | "content" | "provenance", "check": "<id>",
         "description": "<what it verifies>",
         "status": "passed" | "failed" | "skipped",
         "checked": <int, how many items were looked at>, "unit": "<what they are>",
         "problem_count": <int>, "skipped_reason": "<text>" | null}
      ],
      "problems": [
        {"layer": ..., "check": ...,
         "rule": "<machine id of the rule broken>", "message": "<why the rule exists / what is wrong>",
         "resource": "<resource name or file>" | null,
         "row": <int> | null, "column": "<field name(s), ', '-separated>" | null,
         "value": "<offending value, as stored>" | null}
      ],
      "warnings": [ <same shape as a problem> ]
    }

A warning points at something a reader should look at but that does not make the package invalid
(a quote whose context does not tell it apart from another place of its seed): it never changes
``valid``, a check's ``status`` or the exit code.

The report is standard JSON (no NaN or Infinity anywhere: values are reported as the text stored).
Rows are numbered as frictionless numbers them: the header is row 1, the first record row 2 (a
record whose quoted cell spans lines still counts as one row). Keys keep this order; new keys may be
added, existing ones will not change meaning without bumping ``report_version``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from commitment_tracker.text import aligned, column_widths, shorten

REPORT_VERSION = 1
DEFAULT_LIMIT = 20  # failures listed per rule of each check in text output


@dataclass(frozen=True)
class Problem:
    layer: str
    check: str
    rule: str
    message: str
    resource: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        # A value is reported as text, as stored: a float NaN or Infinity handed in by a layer
        # would otherwise make the JSON report non-standard (bare NaN, which JSON has no word for).
        if self.value is not None and not isinstance(self.value, str):
            object.__setattr__(self, "value", str(self.value))

    def to_line(self) -> str:
        """``resource:row:column — rule (why) — 'offending value'``."""
        line = f"{self.location()} — {self.rule} ({self.message})"
        return line + (f" — {_quote(self.value)}" if self.value is not None else "")

    def location(self) -> str:
        parts = [self.resource or "datapackage.json"]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            parts.append(self.column)
        return ":".join(parts)


@dataclass
class CheckResult:
    layer: str
    check: str
    description: str
    checked: int = 0
    unit: str = "items"
    problems: list[Problem] = field(default_factory=list)
    skipped_reason: str | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.skipped_reason is not None:
            return "skipped"
        return "failed" if self.problems else "passed"

    def problem(self, rule: str, message: str, **where: object) -> Problem:
        """Record a problem for this check and return it."""
        p = Problem(layer=self.layer, check=self.check, rule=rule, message=message, **where)  # type: ignore[arg-type]
        self.problems.append(p)
        return p

    def warn(self, rule: str, message: str, **where: object) -> Problem:
        """Record a warning for this check (the package stays valid) and return it."""
        p = Problem(layer=self.layer, check=self.check, rule=rule, message=message, **where)  # type: ignore[arg-type]
        self.warnings.append(p)
        return p


@dataclass
class Report:
    package: str = ""
    package_version: str = ""
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for c in self.checks for p in c.problems]

    @property
    def warnings(self) -> list[Problem]:
        return [p for c in self.checks for p in c.warnings]

    @property
    def valid(self) -> bool:
        # A skipped check has not shown the package is sound, so it makes the package invalid too;
        # checks are only skipped when an earlier problem already made it invalid.
        return all(c.status == "passed" for c in self.checks)

    def to_dict(self) -> dict:
        return {
            "report_version": REPORT_VERSION,
            "package": self.package,
            "package_version": self.package_version,
            "valid": self.valid,
            "summary": {
                "checks": len(self.checks),
                "failed": sum(c.status == "failed" for c in self.checks),
                "skipped": sum(c.status == "skipped" for c in self.checks),
                "problems": len(self.problems),
            },
            "checks": [
                {
                    "layer": c.layer,
                    "check": c.check,
                    "description": c.description,
                    "status": c.status,
                    "checked": c.checked,
                    "unit": c.unit,
                    "problem_count": len(c.problems),
                    "skipped_reason": c.skipped_reason,
                }
                for c in self.checks
            ],
            "problems": [asdict(p) for p in self.problems],
            "warnings": [asdict(p) for p in self.warnings],
        }

    def to_json(self) -> str:
        # allow_nan=False: standard JSON or an error, never a bare NaN/Infinity a parser rejects.
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"

    def to_text(self, limit: int = DEFAULT_LIMIT) -> str:
        """Human report: one line per check, then the failures of each failed check."""
        lines = [f"Validating {self.package or 'package'} {self.package_version}".rstrip()]
        rows = [[f"{c.layer}/{c.check}", _outcome(c)] for c in self.checks]
        widths = [*column_widths(rows)[:1], 0]  # the outcome, last, is not padded
        lines.extend(
            f"{_MARKS[c.status]} {aligned(row, widths)}" for c, row in zip(self.checks, rows, strict=True)
        )
        for c in self.checks:
            if c.status != "failed":
                continue
            lines.append("")
            lines.append(f"✗ {c.layer}/{c.check}:")
            for rule, group in _group_by_rule(c.problems).items():
                shown = group if limit <= 0 else group[:limit]
                lines.extend(f"  {p.to_line()}" for p in shown)
                hidden = len(group) - len(shown)
                if hidden:
                    lines.append(f"  … and {hidden} more {rule} (use --limit 0 or --format json to see all)")
        for c in self.checks:
            if c.warnings:
                lines.append("")
                lines.append(f"! {c.layer}/{c.check} (warnings, the package stays valid):")
                lines.extend(f"  {p.to_line()}" for p in c.warnings)
        lines.append("")
        n = len(self.problems)
        if self.valid:
            lines.append(f"VALID: {len(self.checks)} checks passed.")
        else:
            failed = sum(c.status == "failed" for c in self.checks)
            skipped = sum(c.status == "skipped" for c in self.checks)
            lines.append(
                f"INVALID: {n} problem{'s' if n != 1 else ''} in {failed} check{'s' if failed != 1 else ''}"
                + (f", {skipped} skipped" if skipped else "")
                + "."
            )
        return "\n".join(lines) + "\n"


_MARKS = {"passed": "✓", "skipped": "-", "failed": "✗"}


def _outcome(c: CheckResult) -> str:
    if c.status == "passed":
        return f"{c.checked} {c.unit} ok — {c.description}"
    if c.status == "skipped":
        return f"skipped: {c.skipped_reason}"
    n = len(c.problems)
    return f"{n} problem{'s' if n != 1 else ''} in {c.checked} {c.unit} — {c.description}"


def _group_by_rule(problems: list[Problem]) -> dict[str, list[Problem]]:
    """Problems of one check by rule, rules in order of first appearance."""
    groups: dict[str, list[Problem]] = {}
    for p in problems:
        groups.setdefault(p.rule, []).append(p)
    return groups


def _quote(value: str, width: int = 120) -> str:
    return repr(shorten(value, width))
