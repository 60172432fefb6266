"""Run every validation layer over a package and collect one report.

Layers run in order and each runs even when an earlier one found problems; a check that cannot run
(its table is unreadable) is reported as skipped with the reason, never as a crash.

The three layers: structure (files, Frictionless, canonical form), content (Great Expectations
suites and SQL rules, see content.py) and provenance (seed hashes, quotes at their offsets).

Adding a layer: write a module with ``run(ctx: ValidationContext) -> list[CheckResult]`` and insert
it into ``LAYERS``.

A layer reads tables through ``ctx.text_table(name)`` / ``ctx.typed_table(name)`` (loaded once per
run, typed from the Table Schema; ``TableUnavailable`` when the structure layer found the file
unreadable), compares dates with ``ctx.today``, and records problems with ``CheckResult.problem``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from commitment_tracker.datapackage.schema import DescriptorError, load_package
from commitment_tracker.validation import content, figure_prefetch, gx_session, provenance, structure
from commitment_tracker.validation.context import ValidationContext, today_from_env
from commitment_tracker.validation.report import CheckResult, Report

Layer = Callable[[ValidationContext], list[CheckResult]]

LAYERS: tuple[tuple[str, Layer], ...] = (
    ("structure", structure.run),
    ("content", content.run),
    ("provenance", provenance.run),
)


def validate(
    root: Path,
    layers: Sequence[tuple[str, Layer]] = LAYERS,
    today: dt.date | None = None,
    data_docs: Path | None = None,
    frictionless_rows: bool = False,
    gx: gx_session.RemoteSession | None = None,
) -> Report:
    """Validate the package at ``root``; the report says valid or lists every problem.

    ``data_docs``: a folder where the content layer writes Great Expectations Data Docs (HTML).
    ``frictionless_rows``: have Frictionless check every row itself, as ``frictionless validate``
    does, instead of the DuckDB row checks (same rules and locations, many times slower).
    ``gx``: a session whose worker a caller started earlier still (``gx_session.start_worker``);
    else one starts here when the content layer runs and a core is free. Either way it is closed
    on return.
    """
    root = Path(root)
    figures = None
    if any(run is content.run for _, run in layers):
        if gx is None:
            gx = gx_session.worker_if_idle(root)  # imports GX in another process while the layers run
        # Reads figures ahead in a worker once a large claims table is parsed (figure_prefetch.py).
        figures = figure_prefetch.Prefetch(root)
    try:
        return _validate(root, layers, today, data_docs, frictionless_rows, gx, figures)
    finally:
        if figures is not None:
            figures.close()
        if gx is not None:
            gx.close()


def _validate(
    root: Path,
    layers: Sequence[tuple[str, Layer]],
    today: dt.date | None,
    data_docs: Path | None,
    frictionless_rows: bool,
    gx: gx_session.RemoteSession | None,
    figures: figure_prefetch.Prefetch | None,
) -> Report:
    descriptor = CheckResult(
        "structure", "descriptor", "datapackage.json is JSON with a usable resource list", unit="files"
    )
    descriptor.checked = 1
    try:
        package = load_package(root)
    except DescriptorError as exc:
        for issue in exc.issues:
            # Located as resource:field, the key path leading the message (datapackage.json
            # alone when the problem is the file or its top level).
            descriptor.problem(
                "descriptor",
                f"{issue}; fix datapackage.json",
                resource=issue.resource,
                column=issue.field,
                value=issue.value,
            )
        n = len(exc.issues)
        reason = (
            f"datapackage.json is unusable ({n} problem{'s' if n != 1 else ''} in structure/descriptor): "
            "every check of this layer reads the resources it declares"
        )
        skipped = [CheckResult(name, "all", f"the {name} layer", skipped_reason=reason) for name, _ in layers]
        return Report(checks=[descriptor, *skipped])
    ctx = ValidationContext(
        root=root,
        package=package,
        today=today or today_from_env(),
        data_docs=data_docs,
        frictionless_rows=frictionless_rows,
        gx=gx,
        figures=figures,
    )
    report = Report(package=package.name, package_version=package.version, checks=[descriptor])
    for _name, run in layers:
        report.checks.extend(run(ctx))
    return report
