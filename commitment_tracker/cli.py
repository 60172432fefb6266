"""Command line for the Morocco AI commitments data package.

A thin layer: each command parses its options, calls commitment_tracker, and prints. Heavy
libraries (frictionless, Great Expectations) are imported inside the commands that need them so
that other commands start fast. Errors are not converted command by command: the modules raise
``errors.TrackerError`` subclasses, which the group (``TrackerGroup``) prints and maps to an exit
code; a command catches an error only to add what the module cannot know (the --output path).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from commitment_tracker import __version__, errors
from commitment_tracker.datapackage import paths
from commitment_tracker.errors import TrackerError
from commitment_tracker.query import limits
from commitment_tracker.staging import staged_file

ROOT_ENV = "COMMITMENTS_ROOT"
# The key of the list, in the root context's obj, of connections ``main`` keeps open until it ends
# the process with os._exit (see ``_release``).
OPEN_UNTIL_EXIT = "open_until_exit"


def _check_root(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    root = Path(value).resolve()
    if not paths.descriptor_path(root).is_file():
        raise click.BadParameter(
            f"no datapackage.json in {root}; pass the package folder (--root PATH or ${ROOT_ENV})",
            ctx=ctx,
            param=param,
        )
    return root


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=paths.default_root,
    show_default="the repository holding cli.py",
    envvar=ROOT_ENV,
    callback=_check_root,
    help="Folder of the data package (the one holding datapackage.json).",
)


class _Reported(click.ClickException):
    """A TrackerError on its way out through click: printed as title, message and hint."""

    def __init__(self, error: TrackerError) -> None:
        super().__init__(error.message)
        self.error = error
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:
        lines = [f"{self.error.title}: {self.error.message}"]
        if self.error.hint:
            lines.append(f"Hint: {self.error.hint}")
        click.echo("\n".join(lines), file=file, err=file is None)


class TrackerGroup(click.Group):
    """The click group that catches errors once, for every command.

    A TrackerError (a user's mistake, an invalid package) is printed without a traceback and ends
    the command with its exit code; click's own usage errors keep theirs (2). Any other exception
    is a bug: it is reported as one, with exit code 3, and its traceback is shown only with
    --debug or $COMMITMENTS_DEBUG=1.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except TrackerError as exc:
            if ctx.params.get("debug"):
                traceback.print_exc()
            raise _Reported(exc) from None
        except Exception as exc:
            if ctx.params.get("debug"):
                traceback.print_exc()
            raise _Reported(errors.InternalError.from_exception(exc)) from None


EXIT_CODES_EPILOG = f"""\b
Exit codes:
  {errors.EXIT_OK}    valid, or done
  {errors.EXIT_INVALID}    the package is invalid, a user's input was refused, or a query timed out
  {errors.EXIT_USAGE}    usage error (unknown command or option, bad option value)
  {errors.EXIT_BUG}    the tool itself failed: a bug, to report (--debug shows the traceback)
  {limits.INTERRUPTED_EXIT_CODE}  a query stopped by Ctrl-C
"""


@click.group(
    cls=TrackerGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_EPILOG,
)
@click.version_option(__version__, prog_name="commitments")
@click.option(
    "--debug",
    is_flag=True,
    envvar=errors.DEBUG_ENV,
    help=f"Show the Python traceback of an error (also ${errors.DEBUG_ENV}=1).",
)
def cli(debug: bool) -> None:
    """Validate, summarise and query the Morocco AI commitments data package.

    Example:

        commitments validate

        commitments summary
    """


@cli.command()
@root_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people; json for machines (schema: commitment_tracker/validation/report.schema.json); "
    "github: one ::error workflow command per problem (an annotation on the pull request), then the text.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Failures listed per rule of each check in text output (0 lists all).",
)
@click.option(
    "--data-docs",
    "data_docs",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write Great Expectations Data Docs (HTML) for this run into this folder.",
)
@click.option(
    "--frictionless-rows",
    is_flag=True,
    help="Have Frictionless check every row itself (as `frictionless validate` does) instead of "
    "the DuckDB row checks: same rules and locations, many times slower on large packages.",
)
def validate(
    root: Path, output_format: str, limit: int, data_docs: Path | None, frictionless_rows: bool
) -> None:
    """Check the package in three layers: structure (files, Frictionless schema, canonical form),
    content (Great Expectations suites in validators/ and cross-resource SQL rules) and provenance
    (seed hashes, quotes at their offsets).

    Lists every problem as resource:row:column — rule (why) — value. Exits 0 when the package is
    valid, 1 when it is not, 2 on a usage error. "Today", for date rules, is $COMMITMENTS_TODAY
    (YYYY-MM-DD) when set.

    Example:

        commitments validate --format json > report.json

        commitments validate --data-docs build/data-docs

        commitments validate --frictionless-rows

        commitments validate --format github
    """
    from commitment_tracker.validation import gx_session

    # Great Expectations imports in a worker process from here on, while this one imports the
    # rest and runs the structure layer (see gx_session).
    with gx_session.worker_for(root) as gx:
        report = _validation_report(root, data_docs, frictionless_rows, gx)
    if output_format == "json":
        click.echo(report.to_json(), nl=False)
    elif output_format == "github":
        click.echo(_github_annotations(root, report), nl=False)
        click.echo(report.to_text(limit=limit), nl=False)
    else:
        click.echo(report.to_text(limit=limit), nl=False)
    sys.exit(errors.EXIT_OK if report.valid else errors.EXIT_INVALID)


def _validation_report(root: Path, data_docs: Path | None, frictionless_rows: bool, gx: object):
    from commitment_tracker.validation.context import today_from_env
    from commitment_tracker.validation.validate import validate as run_validation

    try:
        today = today_from_env()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if data_docs is not None:
        try:
            data_docs.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise click.BadParameter(
                f"cannot create {data_docs}: {exc.strerror}", param_hint="--data-docs"
            ) from None
        data_docs = data_docs.resolve()
    return run_validation(root, today=today, data_docs=data_docs, frictionless_rows=frictionless_rows, gx=gx)


def _github_annotations(root: Path, report) -> str:
    from commitment_tracker.datapackage.schema import DescriptorError, load_package
    from commitment_tracker.validation.annotations import to_github

    try:
        package = load_package(root)
    except DescriptorError:
        package = None  # its problems are in the report, attached to datapackage.json
    return to_github(report, root, package)


@cli.command()
@root_option
def summary(root: Path) -> None:
    """Print row counts per resource and a table of commitments with their latest status.

    Example:

        commitments summary
    """
    from commitment_tracker.datapackage import csvio, schema
    from commitment_tracker.publish import summary as summary_mod

    try:
        text = summary_mod.render(root)
    except (schema.DescriptorError, csvio.TableReadError) as exc:
        exc.hint = "run `commitments validate` to see every problem."
        raise
    click.echo(text, nl=False)


@cli.command()
@root_option
@click.option("--write", is_flag=True, help="Write it to docs/codebook.md, the codebook the README links to.")
def codebook(root: Path, write: bool) -> None:
    """Print the Markdown codebook generated from datapackage.json (or write docs/codebook.md).

    Example:

        commitments codebook --write
    """
    import json

    from commitment_tracker.datapackage import containment
    from commitment_tracker.publish import codebook as codebook_mod

    try:
        text = codebook_mod.document_for(root)
    except (json.JSONDecodeError, KeyError) as exc:
        raise TrackerError(f"datapackage.json cannot be rendered: {exc!r}") from None
    if not write:
        click.echo(text, nl=False)
        return
    try:
        written = codebook_mod.write(root, text)
    except containment.ContainmentError as exc:
        raise TrackerError(f"{codebook_mod.DOC_PATH}: {exc}") from None
    except OSError as exc:
        raise TrackerError(f"cannot write {codebook_mod.DOC_PATH}: {exc.strerror or exc}") from None
    click.echo(f"updated {written}" if written else f"{codebook_mod.DOC_PATH} already up to date")


@cli.command("export-annotations")
@root_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the JSON-LD to (replaced when complete); standard output when omitted.",
)
def export_annotations(root: Path, out: Path | None) -> None:
    """Write every claim as a W3C Web Annotation (JSON-LD) that annotation tools can load.

    One AnnotationCollection: each claim's target is its seed, located by a TextPositionSelector
    (quote_start/quote_end) and a TextQuoteSelector (exact quote with 32 characters of prefix and
    suffix); its body names the commitment, indicator or event and the figure as stated. The
    package is validated first; only the --out file is written, never a folder or a link.

    Example:

        commitments export-annotations --out dist/annotations.jsonld
    """
    from commitment_tracker.publish import webannotations

    doc, text = webannotations.export(root, out)
    if out is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {doc['total']} annotations to {out}")


@cli.command("export-suites")
@root_option
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write one <resource>.json suite into per resource (created if needed).",
)
def export_suites(root: Path, out: Path) -> None:
    """Write the package's whole contract as Great Expectations suites, for consumers who run GX.

    Each resource's suite holds the Table Schema's constraints as expectations (not-null, unique,
    in-set, regex, between, lengths, compound keys; meta.origin "schema"), then the rules of meaning
    from validators/ (meta.origin "hand-written"). The package itself judges the schema from
    datapackage.json, so validators/ never stores these copies.

    Example:

        commitments export-suites --out dist/suites
    """
    from commitment_tracker.datapackage import schema
    from commitment_tracker.validation import suites

    try:
        package = schema.load_package(root)
        written = suites.export(root, package, out)
    except (schema.DescriptorError, suites.SuiteError) as exc:
        raise TrackerError(f"{exc}; nothing was written") from None
    except OSError as exc:
        raise TrackerError(f"{out} cannot be written: {exc.strerror or exc}") from None
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(written)} suites exported to {out}")


format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json", "jsonl", "markdown", "parquet"]),
    default="table",
    show_default=True,
    help="table for people; csv, json, jsonl, markdown or parquet (needs --output) for tools.",
)
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the result to this file instead of standard output.",
)
width_option = click.option(
    "--width",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    help="In table format, cut longer cells with '…' (0 never cuts; other formats never cut).",
)


def _check_memory_limit(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        return limits.check_memory_limit(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=limits.DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop the query after this many seconds, writing its rows included (0: no limit).",
)
memory_limit_option = click.option(
    "--memory-limit",
    default=limits.DEFAULT_MEMORY_LIMIT,
    show_default=True,
    callback=_check_memory_limit,
    metavar="SIZE",
    help="Memory DuckDB may use, e.g. 500MB or 4GB; a query needing more stops with an error.",
)
max_rows_option = click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help=f"Write at most N rows (0: all). Default: {limits.DEFAULT_MAX_ROWS} on standard output, "
    "every row with --output.",
)


def query_options(function: Callable) -> Callable:
    """The options of `query` and `sql`: output, and the limits that keep a query from taking the machine."""
    for option in (root_option, max_rows_option, memory_limit_option, timeout_option, width_option):
        function = option(function)
    return format_option(output_option(function))


def _emit(
    root: Path,
    sql: str,
    params: dict,
    output_format: str,
    output: Path | None,
    width: int,
    timeout: float,
    memory_limit: str,
    max_rows: int | None,
    from_build: bool = False,
) -> None:
    """Load, run and write one query within its limits; QueryError and QueryStopped are the caller's.

    ``from_build``: the tables are the build's (``query.from_build``), not read from the CSV files.
    """
    from commitment_tracker.query import named as queries

    if output_format == "parquet" and output is None:
        raise click.UsageError("--format parquet writes a binary file: add --output FILE.parquet")
    if max_rows is None:
        max_rows = 0 if output is not None else limits.DEFAULT_MAX_ROWS
    with limits.process_memory_cap(memory_limit), limits.Stopper(timeout) as stopper:
        # The locked connection holding only the tables and columns ``sql`` reads with these
        # parameters (loading only those is the speed-up). Ctrl-C is a clean stop from here on.
        con, confirm = _connect(root, sql, params, memory_limit, from_build)
        try:
            with queries.QueryRun(con, sql, params, stopper, confirm) as run:
                written = _deliver(output, output_format, run, max_rows, width)
                total = run.count() if run.truncated else None
        finally:
            _release(con)
    if run.truncated:
        of = f" of {total}" if total is not None else " (the result has more)"
        hint = "--max-rows N (0 for all) or --output FILE" if output is None else "--max-rows 0 for all"
        verb = "showing" if output is None else "wrote"
        click.echo(f"{verb} the first {written}{of} rows; use {hint}", err=True)


def _connect(
    root: Path, sql: str, params: dict, memory_limit: str, from_build: bool
) -> tuple[object, Callable[[], None] | None]:
    """The query's connection, and what QueryRun must confirm before showing anything of it: with
    --from-build, that the CSV files hashed meanwhile are those of the build."""
    config = {"memory_limit": memory_limit}
    if from_build:
        from commitment_tracker.query.from_build import connect_hashing

        return connect_hashing(root, sql, params, config)
    from commitment_tracker.database import connect

    return connect(root, sql=sql, params=params, config=config), None


def _release(con) -> None:
    """Close the query's connection, or leave it to ``main``, which ends the process after the command.

    Closing a DuckDB database frees its tables, the attached build and the result buffers one by
    one: 10 ms of CPU on the real package, 60-75 ms (100 ms wall) for a `query --from-build` at
    10^6 claims (docs/scaling.md, "queries"), work that os._exit hands back to the system at once.
    The database is in memory (the build is attached read-only), so there is nothing to write.
    Run any other way (a test's CliRunner, a caller of ``cli``), the connection is closed here.
    """
    ctx = click.get_current_context(silent=True)
    kept = (ctx.find_root().obj or {}).get(OPEN_UNTIL_EXIT) if ctx is not None else None
    if kept is None:
        con.close()
    else:  # referenced until os._exit: dropping the last reference would close it all the same
        kept.append(con)


def _deliver_document(
    output: Path | None, parquet: bool, text: Callable[[], str], write_parquet: Callable[[Path], None]
) -> None:
    """Print a document (diff), or write it (or Parquet, which needs a file) to --output.

    A file is written as ``_deliver`` writes one: whatever was at --output stays until it is complete.
    """
    if parquet and output is None:
        raise click.UsageError("--format parquet writes a binary file: add --output FILE.parquet")
    try:
        if output is None:
            click.echo(text(), nl=False)
            return
        with staged_file(output) as temp:
            if parquet:
                write_parquet(temp)
            else:
                temp.write_text(text(), encoding="utf-8")
    except OSError as exc:
        raise TrackerError(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}", err=True)


def _deliver(output: Path | None, output_format: str, run, max_rows: int, width: int) -> int:
    """Print the rows, or write them (Parquet needs a file) to --output; the number of rows written.

    A file is written under a temporary name beside it and renamed at the end, so a query that
    fails or is stopped half-way leaves whatever was at --output as it was.
    """
    from commitment_tracker.query import output as output_mod

    if output is None:
        try:
            return output_mod.write(run.result(max_rows), output_format, sys.stdout, width)
        except BrokenPipeError:
            # The reader (`| head`) has gone: stop quietly, and keep Python from complaining at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    try:
        with staged_file(output) as temp:
            if output_format == "parquet":
                written = output_mod.write_parquet(*run.arrow(max_rows), temp)
            else:
                with open(temp, "x", encoding="utf-8", newline="") as fh:
                    written = output_mod.write(run.result(max_rows), output_format, fh, width)
    except OSError as exc:
        raise TrackerError(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}", err=True)
    return written


@cli.command("queries")
@root_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="text for a terminal; markdown for the list in docs/querying.md.",
)
def list_queries(root: Path, output_format: str) -> None:
    """List the named queries in the package's queries/ with what each answers and its parameters.

    Example:

        commitments queries
    """
    from commitment_tracker.query import named as queries

    folder = queries.queries_dir(root)
    found = queries.discover(folder)
    if not found:
        click.echo(f"no named queries in {folder} (each is a queries/NAME.sql file of the package)", err=True)
    click.echo(queries.describe(found, markdown=output_format == "markdown"), nl=False)


@cli.command("query")
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "param_options",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the query (repeatable); `commitments queries` lists them.",
)
@click.option(
    "--from-build",
    is_flag=True,
    help="Answer from dist/commitments.duckdb (written by `commitments build`) instead of reading "
    "the CSV files: faster on a large package. Refused unless every CSV file the query reads has "
    "the SHA-256 the build recorded.",
)
@query_options
def query_command(
    name: str,
    param_options: tuple[str, ...],
    from_build: bool,
    output_format: str,
    output: Path | None,
    width: int,
    timeout: float,
    memory_limit: str,
    max_rows: int | None,
    root: Path,
) -> None:
    """Run a named query from queries/ over the package (read-only; parameters bound by DuckDB).

    A query stops after --timeout seconds or at Ctrl-C, may use --memory-limit of memory, and
    prints at most --max-rows rows (the rest is counted; --output FILE takes every row).
    With --from-build it reads the build's tables once it has checked that they were built from
    the CSV files as they are now (docs/querying.md).

    Example:

        commitments query due-by --param year=2030

        commitments query evidence-trail -p commitment=digital-jobs-2030 --format json

        commitments build && commitments query status-as-of --from-build
    """
    from commitment_tracker.query import named as queries

    named = queries.get(name, queries.queries_dir(root))
    params = named.bind(queries.parse_param_options(param_options))
    try:
        _emit(
            root, named.sql, params, output_format, output, width, timeout, memory_limit, max_rows, from_build
        )
    except (queries.QueryError, limits.QueryStopped) as exc:
        # Name the query: its SQL is not on the command line, so a DuckDB message alone is cryptic.
        raise TrackerError(f"query {name!r}: {exc.message}", exc.hint, exit_code=exc.exit_code) from None


@cli.command("sql")
@click.argument("statement")
@query_options
def sql_command(
    statement: str,
    output_format: str,
    output: Path | None,
    width: int,
    timeout: float,
    memory_limit: str,
    max_rows: int | None,
    root: Path,
) -> None:
    """Run one ad-hoc read-only SQL statement over the package's tables (one per resource).

    The connection cannot read or write files, attach databases, install extensions or change
    settings; only SELECT (and WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) is accepted. A statement
    stops after --timeout seconds or at Ctrl-C, may use --memory-limit of memory, and prints at
    most --max-rows rows (the rest is counted; --output FILE takes every row).

    Example:

        commitments sql "SELECT kind, count(*) AS n FROM commitments GROUP BY kind ORDER BY n DESC"

        commitments sql "SELECT * FROM claims" --max-rows 0 --format csv --timeout 120
    """
    _emit(root, statement, {}, output_format, output, width, timeout, memory_limit, max_rows)


@cli.command("build")
@root_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder to write commitments.duckdb, data/*.parquet, seeds/ and datapackage.json into.",
)
@click.option(
    "--skip-validation",
    is_flag=True,
    help="Do not run `commitments validate` first, for development (the database constraints still "
    "apply, and files outside the package or not regular files are refused all the same).",
)
@click.option(
    "--partition-by",
    metavar="COLUMN",
    default=None,
    help="Also write partitioned/<resource>/COLUMN=<value>/*.parquet (hive layout) for every "
    "resource with that column, for DuckDB, Spark or Trino (docs/scaling.md).",
)
def build(root: Path, out: Path, skip_validation: bool, partition_by: str | None) -> None:
    """Build commitments.duckdb (with PK/FK/NOT NULL/CHECK) and zstd Parquet files from the package.

    Refuses a package that does not validate. Every file is checked after writing (reopened,
    rows counted, constraints and types compared with the schema) before it replaces the old one.

    Example:

        commitments build --out dist/
        commitments build --out dist/ --partition-by source_id
    """
    from commitment_tracker.publish import build as build_mod

    try:
        written = build_mod.build(root, out, validate_first=not skip_validation, partition_by=partition_by)
    except OSError as exc:
        raise TrackerError(f"cannot write the build to {out}: {exc.strerror or exc}") from None
    for line in written.lines():
        click.echo(line)
    if partition_by:
        where = f"{out}/partitioned/<resource>/{partition_by}=<value>/*.parquet"
        click.echo(f"wrote {where} (hive layout, read back and checked)")


@cli.command()
@root_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the site into (replaced if it holds a previous site).  [default: ROOT/dist/site]",
)
@click.option(
    "--builds",
    "build_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder where `build` wrote the Parquet and DuckDB files, copied into the site's downloads.  "
    "[default: ROOT/dist]",
)
@click.option(
    "--skip-validation",
    is_flag=True,
    help="Do not run `commitments validate` first, for development (files outside the package or "
    "not regular files are refused all the same).",
)
def site(root: Path, out: Path | None, build_dir: Path | None, skip_validation: bool) -> None:
    """Build the public tracker: a static HTML site that works from file:// and any static host.

    Writes index.html (summary, headline figures, chart, every commitment with filters, sorting
    and a CSV of the rows shown), one page per commitment, person or body, source, event and
    indicator, the disagreements, the method (about.html), an Atom feed (feed.xml) and a
    downloads page with the package files. Refuses a package that does not validate, and writes
    nothing then.

    Example:

        commitments site --out dist/site && xdg-open dist/site/index.html
    """
    from commitment_tracker.publish import site as site_mod

    out = out if out is not None else root / "dist" / "site"
    build_dir = build_dir if build_dir is not None else root / "dist"
    try:
        result = site_mod.build_site(root, out, build_dir=build_dir, validate_first=not skip_validation)
    except OSError as exc:
        raise TrackerError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    click.echo(f"wrote {len(result.pages)} pages and {len(result.downloads)} package files to {result.out}")
    if result.builds:
        click.echo(f"included {len(result.builds)} build files from {build_dir}")
    else:
        click.echo(f"no Parquet/DuckDB build in {build_dir}: run `commitments build` first to offer them")
    for note in result.notes:
        click.echo(f"note: {note}")
    click.echo(f"open {result.out / 'index.html'}")


# --- Curation (curation/curate.py), diffs and releases (publish/diff.py, release.py) ---------------

dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Validate the change and show the rows it would add; write nothing."
)
occurrence_option = click.option(
    "--occurrence",
    type=click.IntRange(min=1),
    help="Which occurrence of the quote to use when the seed contains it several times (1 = first).",
)
id_option = click.option("--id", "new_id", help="Id to use instead of the generated slug.")


# add-source's description of a text, which `propose FILE` takes too: (option, required, default, help).
SOURCE_FIELDS = (
    ("--outlet", True, None, "Publication as the text names it; '' when it names none."),
    ("--title", True, None, "Headline as printed in the text; '' when it has none."),
    (
        "--published-on",
        True,
        None,
        "Publication date the text gives (YYYY-MM-DD); '' when it gives none (never guessed).",
    ),
    ("--author", False, None, "Byline as printed in the text."),
    ("--url", False, None, "Address of the original article, only when the text states it."),
    ("--genre", False, "news", "Kind of text (sources.genre in the codebook)."),
    ("--language", False, "fr", "ISO 639-1 code of the text's language."),
    ("--notes", False, None, "How fields were read from the page; what is missing."),
)


def source_options(command: Callable) -> Callable:
    """add-source's options, in SOURCE_FIELDS' order."""
    for name, required, default, text in reversed(SOURCE_FIELDS):
        shown = default is not None
        option = click.option(name, required=required, default=default, show_default=shown, help=text)
        command = option(command)
    return command


def propose_source_options(command: Callable) -> Callable:
    """The same options for `propose`, all optional and without defaults: they apply to a FILE only,
    so propose tells a given option from an absent one, and names the missing required ones itself."""
    for name, required, default, _ in reversed(SOURCE_FIELDS):
        if name == "--published-on":
            note = " (required; '' when the text gives none)"
        else:
            note = " (required)" if required else ""
        shown = f"  [default: {default}]" if default is not None else ""
        command = click.option(name, help=f"With a FILE: as add-source{note}{shown}.")(command)
    return command


@contextlib.contextmanager
def _file_errors(doing: str | None = None) -> Iterator[None]:
    """An OSError (a file that cannot be read or written) as a TrackerError: the user's to fix, not a
    bug. ``doing`` (e.g. "cannot write X") goes before the system's reason; without it, its message."""
    try:
        yield
    except OSError as exc:
        raise TrackerError(f"{doing}: {exc.strerror or exc}" if doing else str(exc)) from None


def _writes(command: Callable) -> Callable:
    """A curation command, which validates a staged copy of the package before it writes: Great
    Expectations starts importing in a worker before the command imports its own modules
    (``gx_session.early_worker``), about 1 s earlier than the validation itself would start it."""

    @functools.wraps(command)
    def run(*args, root: Path, **kwargs) -> None:
        from commitment_tracker.validation import gx_session

        with gx_session.early_worker(root):
            command(*args, root=root, **kwargs)

    return run


def _curate(action, /, *args, **kwargs) -> None:
    """Run one curation function and print what it added (its refusals are TrackerErrors)."""
    with _file_errors():
        outcome = action(*args, **kwargs)
    click.echo(outcome.render(), nl=False)


def _split(values: tuple[str, ...], parts: int, shape: str) -> list[tuple[str, ...]]:
    """Options like ACTOR:ROLE, split on ':' (the last part may itself contain ':')."""
    out = []
    for value in values:
        items = tuple(value.split(":", parts - 1))
        if len(items) != parts or not all(items):
            raise click.BadParameter(f"{value!r} is not of the form {shape}")
        out.append(items)
    return out


@cli.command("add-source")
@root_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@source_options
@id_option
@dry_run_option
@_writes
def add_source(root: Path, file: Path, new_id: str | None, dry_run: bool, **fields: str | None) -> None:
    """Archive a captured text in seeds/, byte for byte, and record it as a source.

    Computes its SHA-256, stores it as seeds/NNN_<hash>.txt, allocates an id
    (seed-NNN-outlet-title-words) and refuses a text that is already archived, naming the source
    that holds it.

    Example:

    \b
        commitments add-source capture.txt --outlet Hespress \\
            --title "Le centre Al Jazari ouvre" --published-on 2026-11-10
    """
    from commitment_tracker.curation import curate

    _curate(curate.add_source, root, file, source_id=new_id, dry_run=dry_run, **fields)


@cli.command("add-claim")
@root_option
@click.option("--source", required=True, help="Source id the quote is taken from.")
@click.option(
    "--quote", required=True, help="The passage, verbatim (line breaks included: $'…\\n…' in bash)."
)
@click.option("--commitment", help="Commitment the claim is about.")
@click.option("--indicator", help="Indicator the claim is about.")
@click.option("--event", help="Event the claim is about.")
@click.option("--value", help="Figure the quote states, in the base unit (11 milliards = 11000000000).")
@click.option("--unit", help="Unit id of --value [default: the commitment's or indicator's unit].")
@click.option("--qualifier", help="How the quote qualifies the value (claims.qualifier in the codebook).")
@click.option("--speaker", help="Actor id of who the source says made the statement.")
@click.option("--notes", help="Curator's remarks, e.g. how the value was read.")
@click.option("--discrepancy", help="Link the claim to this existing discrepancy in the same write.")
@click.option(
    "--disputes",
    multiple=True,
    metavar="CLAIM",
    help="Record a new discrepancy between this claim and CLAIM (repeatable), in the same write.",
)
@click.option("--discrepancy-kind", help="Kind of the new discrepancy (discrepancies.kind in the codebook).")
@click.option("--discrepancy-description", help="Plain statement of the new discrepancy.")
@occurrence_option
@id_option
@dry_run_option
@_writes
def add_claim(root: Path, new_id: str | None, dry_run: bool, **fields) -> None:
    """Quote a source about one commitment, indicator or event; the offsets are found for you.

    The quote must appear verbatim in the source's seed. When it does not, the error shows the
    nearest passage; when it appears several times, pick one with --occurrence. A figure that
    differs from another claim's must be linked to it by a discrepancy in the same write
    (--discrepancy ID, or --disputes CLAIM with --discrepancy-kind and --discrepancy-description).

    Example:

    \b
        commitments add-claim --source seed-005-hespress-centre-jazari-ouvre \\
            --commitment centre-al-jazari-nador --quote "Le centre Al Jazari a ouvert ses portes"
    """
    from commitment_tracker.curation import curate

    _curate(curate.add_claim, root, claim_id=new_id, dry_run=dry_run, **fields)


@cli.command("add-commitment")
@root_option
@click.option("--title-fr", required=True, help="What was promised, in French, worded from the source.")
@click.option("--title-en", required=True, help="The same in English (the id is a slug of it).")
@click.option(
    "--kind", required=True, help="commitments.kind in the codebook (target, budget, agreement, …)."
)
@click.option("--sector", required=True, help="Sector id.")
@click.option("--source", required=True, help="Source of the first claim.")
@click.option("--quote", required=True, help="Verbatim passage of that source stating the commitment.")
@click.option("--rationale", required=True, help="Why the evidence supports the first status.")
@click.option("--status", default="announced", show_default=True, help="First status.")
@click.option("--formality", help="How binding it is (status_updates.formality in the codebook).")
@click.option("--as-of", help="Date of the first status [default: --announced-on, else the source's date].")
@click.option("--owner", help="Actor id responsible for delivery.")
@click.option("--parent", help="Commitment id of the programme or agreement it belongs to.")
@click.option("--target-value", help="Promised amount in the base unit.")
@click.option("--unit", help="Unit id of --target-value.")
@click.option("--qualifier", help="How the target is qualified (commitments.target_qualifier).")
@click.option("--deadline-year", help="Year it is due by.")
@click.option("--announced-on", help="Date it was announced (YYYY-MM-DD), when the source gives it.")
@click.option("--event", help="Event id where it was announced.")
@click.option("--speaker", help="Actor id of who made the statement quoted.")
@click.option("--notes", help="Curator's remarks.")
@click.option(
    "--party", "parties", multiple=True, metavar="ACTOR:ROLE", help="A party named by the quote (repeatable)."
)
@occurrence_option
@id_option
@dry_run_option
@_writes
def add_commitment(root: Path, parties: tuple[str, ...], new_id: str | None, dry_run: bool, **fields) -> None:
    """Add a commitment together with its first claim, first status row and parties, in one write.

    The claim quotes --quote from --source (with the target value, unit and qualifier); the status
    row cites that claim; each --party ACTOR:ROLE is recorded with that claim as evidence.

    Example:

    \b
        commitments add-commitment --title-fr "Ouverture du centre" \\
            --title-en "Opening of the centre" --kind project --sector innovation \\
            --source seed-005-x --quote "…" --rationale "Announced by the minister."
    """
    from commitment_tracker.curation import curate

    pairs = _split(parties, 2, "ACTOR:ROLE")
    _curate(curate.add_commitment, root, parties=pairs, commitment_id=new_id, dry_run=dry_run, **fields)


@cli.command("add-actor")
@root_option
@click.argument("name", required=False)
@click.option("--kind", help="actors.kind in the codebook (person, government_body, company, …).")
@click.option("--source", required=True, help="Source in which the name and each --alias are written.")
@click.option("--alias", "aliases", multiple=True, help="Another spelling found in the source (repeatable).")
@click.option("--title", help="Office or role, as the sources give it.")
@click.option("--country", help="ISO 3166-1 alpha-2 code.")
@click.option("--notes", help="Curator's remarks.")
@click.option(
    "--party",
    "parties",
    multiple=True,
    metavar="COMMITMENT:ROLE:CLAIM",
    help="A commitment the actor takes part in, with the claim naming it (repeatable).",
)
@click.option("--to", "existing", help="Record --alias spellings of this existing actor instead.")
@id_option
@dry_run_option
@_writes
def add_actor(
    root: Path,
    name: str | None,
    kind: str | None,
    source: str,
    aliases: tuple[str, ...],
    parties: tuple[str, ...],
    existing: str | None,
    new_id: str | None,
    dry_run: bool,
    **fields: str | None,
) -> None:
    """Add an actor, its name located in a source; or, with --to, more spellings of an actor.

    The name and every --alias must appear verbatim in the source; each becomes an actor_aliases
    row with its offsets (first occurrence).

    Example:

        commitments add-actor "Ghita Mezzour" --kind person --source seed-005-x --alias "G. Mezzour"

        commitments add-actor --to amal-el-fallah-seghrouchni --alias "Mme Seghrouchni" --source seed-005-x
    """
    from commitment_tracker.curation import curate

    if existing:
        if name or kind or new_id or parties or any(fields.values()):
            raise click.UsageError("--to records spellings only: pass just --alias and --source with it")
        _curate(curate.add_aliases, root, existing, aliases, source, dry_run=dry_run)
        return
    if not name or not kind:
        raise click.UsageError("a new actor needs NAME and --kind (or use --to ACTOR to add spellings)")
    triples = _split(parties, 3, "COMMITMENT:ROLE:CLAIM")
    _curate(
        curate.add_actor,
        root,
        name,
        kind=kind,
        source=source,
        aliases=aliases,
        parties=triples,
        actor_id=new_id,
        dry_run=dry_run,
        **fields,
    )


@cli.command("record-discrepancy")
@root_option
@click.option("--kind", help="What disagrees (discrepancies.kind in the codebook).")
@click.option("--description", help="Plain statement of the disagreement, naming the versions.")
@click.option("--claim", "claims", multiple=True, help="A claim holding one version (repeatable).")
@click.option(
    "--alias",
    "aliases",
    multiple=True,
    metavar="ACTOR:SPELLING",
    help="A spelling holding one version (repeatable).",
)
@click.option("--to", help="Add these versions to an existing discrepancy instead.")
@id_option
@dry_run_option
@_writes
def record_discrepancy(
    root: Path, claims: tuple[str, ...], aliases: tuple[str, ...], new_id: str | None, dry_run: bool, **fields
) -> None:
    """Record that sources disagree, linking every version (claims or name spellings).

    Nothing is resolved: each version stays its own claim or alias. At least two versions for a
    new discrepancy; with --to, the versions join an existing one.

    Example:

    \b
        commitments record-discrepancy --kind value \\
            --description "Jobs by 2030: 240,000 vs 40,000" \\
            --claim c001-jobs-240000 --claim c002-strategy-jobs
    """
    from commitment_tracker.curation import curate

    pairs = _split(aliases, 2, "ACTOR:SPELLING")
    _curate(
        curate.record_discrepancy,
        root,
        claims=claims,
        aliases=pairs,
        discrepancy_id=new_id,
        dry_run=dry_run,
        **fields,
    )


@cli.command("set-status")
@root_option
@click.argument("commitment")
@click.option("--as-of", required=True, help="Date the evidence establishes the status (YYYY-MM-DD).")
@click.option(
    "--status", required=True, help="status_updates.status in the codebook (in_progress, achieved, …)."
)
@click.option("--formality", help="How binding it now is (status_updates.formality in the codebook).")
@click.option("--actual-value", help="Amount delivered so far, in the commitment's unit.")
@click.option("--source", required=True, help="Source that establishes the status.")
@click.option("--claim", help="Claim that is the evidence (about this commitment, from --source).")
@click.option("--rationale", required=True, help="Why the evidence supports this status.")
@dry_run_option
@_writes
def set_status(root: Path, commitment: str, dry_run: bool, **fields) -> None:
    """Append a dated status row for a commitment; earlier rows are never edited.

    The date must be after the commitment's latest status row, not before its announcement and
    not in the future ($COMMITMENTS_TODAY pins "today").

    Example:

    \b
        commitments set-status centre-al-jazari-nador --as-of 2026-11-10 --status achieved \\
            --formality in_operation --source seed-005-x --claim c005-centre-al-jazari-nador \\
            --rationale "Opening reported."
    """
    from commitment_tracker.curation import curate

    _curate(curate.set_status, root, commitment, dry_run=dry_run, **fields)


@cli.command("propose")
@root_option
@click.argument("target", metavar="FILE_OR_SOURCE_ID")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a table for a curator; json: one array of proposals for tools.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the changeset (CSV, one row per proposal) here, for review and `apply`.",
)
@click.option("--force", is_flag=True, help="Replace the --out file if it exists.")
@propose_source_options
@click.option("--id", "new_id", help="With a FILE: the new source's id instead of the generated slug.")
def propose_command(
    root: Path, target: str, output_format: str, out: Path | None, force: bool, new_id: str | None, **archive
) -> None:
    """Propose the figures, dates, actors and status phrases of an article, for review.

    FILE_OR_SOURCE_ID is an archived source's id, or a saved text file: the file is first archived
    exactly as add-source does (same options; --outlet, --title and --published-on are required).
    Each proposal quotes the sentence stating it at exact offsets of the archived text, with the
    commitments, indicators or events it most likely belongs to (best first), the claim that
    already records it and the recorded figures it contradicts. Headlines of other stories and page
    scripts in a capture are skipped. --out writes the changeset a curator marks accept/reject for
    `apply`; see docs/curating.md.

    Example:

    \b
        commitments propose seed-002-lematin-table-decisions
        commitments propose capture.txt --outlet Hespress --title "Le centre ouvre" \\
            --published-on 2026-11-10 --out changesets/centre.csv
    """
    from commitment_tracker.curation import proposing
    from commitment_tracker.curation.proposing import output

    if out is not None:
        output.check_out(root, out, force)  # refused before anything is archived
    resolved = proposing.resolve(root, target)
    given = {k: v for k, v in archive.items() if v is not None}
    if resolved.file is None and (given or new_id):
        raise click.UsageError(f"{target} is a source id: the add-source options apply to a FILE only")
    if resolved.file is not None:
        missing = [f"--{k.replace('_', '-')}" for k in ("outlet", "title", "published_on") if k not in given]
        if missing:
            raise click.UsageError(
                f"{target} is a file to archive first, as add-source: pass {', '.join(missing)}"
            )
        given = {"genre": "news", "language": "fr", **given, "source_id": new_id}
    with _file_errors():
        result = proposing.propose(root, resolved, given)
    for note in result.notes:
        click.echo(note, err=True)
    click.echo(
        output.to_json(result.proposed) if output_format == "json" else output.to_text(result.proposed),
        nl=False,
    )
    if out is not None:
        written = output.write_changeset(root, out, result.proposed, force)
        click.echo(f"Changeset written to {written} ({len(result.proposed.proposals)} rows)", err=True)


@cli.command("diff")
@root_option
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json", "parquet"]),
    default="markdown",
    show_default=True,
    help="markdown for people, json for tools, parquet (needs --output) for a table of changes.",
)
@output_option
def diff_command(root: Path, old: str, new: str | None, output_format: str, output: Path | None) -> None:
    """Show what changed between two versions: rows added, removed and changed, schema changes.

    OLD and NEW are each a package folder or a git ref (tag, branch, commit) of the repository
    holding --root; NEW defaults to the package folder itself. Rows are matched by primary key and
    changed rows show each column's before and after; schema changes are flagged breaking or not.

    Example:

        commitments diff v0.1.0

        commitments diff v0.1.0 HEAD --format parquet --output changes.parquet
    """
    from commitment_tracker.publish import diff as diff_mod

    result = diff_mod.diff(old, new if new is not None else str(root), repo=root)
    _deliver_document(
        output,
        output_format == "parquet",
        text=result.to_json if output_format == "json" else result.to_markdown,
        write_parquet=lambda path: result.to_frame().write_parquet(path),
    )


@cli.command("review")
@root_option
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown for people (and a CI job summary), json for tools (schema: publish/review.schema.json).",
)
@click.option("--fail-on-suspicious", is_flag=True, help="Exit 1 when the report lists suspicious changes.")
@output_option
def review_command(
    root: Path, base: str, head: str | None, output_format: str, fail_on_suspicious: bool, output: Path | None
) -> None:
    """Say what changed between two versions in the words of the domain, suspicious changes first.

    BASE and HEAD are each a package folder or a git ref (tag, branch, commit; `vX.Y.Z` is the
    commit that set that version when there is no such tag); HEAD defaults to the package folder
    itself. The report names commitments added, withdrawn and retitled, status and formality
    moves with their date, source and quote, targets, deadlines and amounts changed (old → new),
    new sources, claims, disagreements, actors and spellings. Suspicious: a claim, status row or
    source edited or deleted, an archived text changed, a status going backwards or backdated, a
    figure changed without a new claim, a commitment left without claims, a duplicated key.

    Example:

    \b
        commitments review v0.1.0
        commitments review origin/main HEAD --format json --output review.json
    """
    from commitment_tracker.publish import review as review_mod

    report = review_mod.review(base, head if head is not None else str(root), repo=root)
    _deliver_document(
        output,
        False,
        text=report.to_json if output_format == "json" else report.to_markdown,
        write_parquet=lambda path: None,
    )
    if fail_on_suspicious and report.suspicious:
        click.echo(f"{len(report.suspicious)} suspicious changes (--fail-on-suspicious)", err=True)
        sys.exit(errors.EXIT_INVALID)


@cli.command("release")
@root_option
@click.option(
    "--bump", required=True, type=click.Choice(["major", "minor", "patch"]), help="SemVer part to bump."
)
@click.option(
    "--since",
    help="Previous release to compare with (git ref or folder).  [default: the git tag v<current version>]",
)
@click.option(
    "--dry-run", is_flag=True, help="Show the changelog section and the new version; write nothing."
)
def release_command(root: Path, bump: str, since: str | None, dry_run: bool) -> None:
    """Bump the version, write a dated CHANGELOG section from the diff, and print the tag to create.

    Refuses an invalid package, a release with no changes, and a minor or patch bump over breaking
    schema changes. Updates datapackage.json, CITATION.cff and CHANGELOG.md together.

    Example:

        commitments release --bump minor
    """
    from commitment_tracker.publish import release as release_mod

    with _file_errors("cannot write the release files"):
        plan = release_mod.release(root, bump, since=since, dry_run=dry_run)
    click.echo(plan.render(dry_run), nl=False)


@cli.command("apply")
@root_option
@click.argument("changeset_path", metavar="CHANGESET.csv", type=click.Path(path_type=Path))
@dry_run_option
@_writes
def apply_command(root: Path, changeset_path: Path, dry_run: bool) -> None:
    """Record the accepted rows of a reviewed changeset (from `propose --out`) in one write.

    Each row marked accept in the decision column becomes package rows: a figure a claim (and a
    discrepancy with the claims in disputes), a status phrase a claim and a status row, an actor's
    spelling an alias. The source's text must be unchanged since the changeset was made and each
    quote at its offsets. All or nothing: when a row is refused, every refused row is listed with
    its line and nothing is written; otherwise the whole package is validated, then written, and
    the rows added are shown. See docs/curating.md.

    Example:

    \b
        commitments apply changesets/centre.csv --dry-run
        commitments apply changesets/centre.csv
    """
    from commitment_tracker.curation import apply as apply_mod

    _curate(apply_mod.apply, root, changeset_path, dry_run=dry_run)


def main() -> None:
    """Console-script entry point (`commitments`).

    The process ends as soon as the command is done: output is flushed and the exit handlers run
    (temporary folders, logging), then the interpreter stops without tearing every module down one
    by one, which costs 0.3-0.7 s of CPU after a validation that imported Great Expectations. A
    query's DuckDB connection is left open for the same reason (``_release``).
    """
    open_until_exit: list = []  # see _release
    try:
        cli(obj={OPEN_UNTIL_EXIT: open_until_exit})
        code = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`) or stream
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    main()
