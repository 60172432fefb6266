"""Command line for the Morocco AI commitments data package.

A thin layer: each command parses its options, calls commitment_tracker, and prints. Heavy
libraries (frictionless, Great Expectations) are imported inside the commands that need them so
that other commands start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from commitment_tracker import __version__, paths

ROOT_ENV = "COMMITMENTS_ROOT"


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="commitments")
def cli() -> None:
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
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json for machines (schema: commitment_tracker/report.schema.json).",
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
def validate(root: Path, output_format: str, limit: int, data_docs: Path | None) -> None:
    """Check the package in three layers: structure (files, Frictionless schema, canonical form),
    content (Great Expectations suites in validators/ and cross-resource SQL rules) and provenance
    (seed hashes, quotes at their offsets).

    Lists every problem as resource:row:column — rule (why) — value. Exits 0 when the package is
    valid, 1 when it is not, 2 on a usage error. "Today", for date rules, is $COMMITMENTS_TODAY
    (YYYY-MM-DD) when set.

    Example:

        commitments validate --format json > report.json

        commitments validate --data-docs build/data-docs
    """
    from commitment_tracker.context import today_from_env
    from commitment_tracker.validate import validate as run_validation

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
    report = run_validation(root, today=today, data_docs=data_docs)
    click.echo(report.to_json() if output_format == "json" else report.to_text(limit=limit), nl=False)
    sys.exit(0 if report.valid else 1)


@cli.command()
@root_option
def summary(root: Path) -> None:
    """Print row counts per resource and a table of commitments with their latest status.

    Example:

        commitments summary
    """
    from commitment_tracker import csvio, schema
    from commitment_tracker import summary as summary_mod

    try:
        text = summary_mod.render(root)
    except (schema.DescriptorError, csvio.TableReadError) as exc:
        raise click.ClickException(f"{exc}\nRun `commitments validate` to see every problem.") from None
    click.echo(text, nl=False)


@cli.command()
@root_option
@click.option("--write", is_flag=True, help="Replace the codebook between the markers in README.md.")
def codebook(root: Path, write: bool) -> None:
    """Print the Markdown codebook generated from datapackage.json (or embed it in README.md).

    Example:

        commitments codebook --write
    """
    import json

    from commitment_tracker import codebook as codebook_mod

    try:
        text = codebook_mod.render_for(root)
    except (json.JSONDecodeError, KeyError) as exc:
        raise click.ClickException(f"datapackage.json cannot be rendered: {exc!r}") from None
    if not write:
        click.echo(text)
        return
    readme = root / "README.md"
    try:
        current = readme.read_text(encoding="utf-8")
        updated = codebook_mod.embed(current, text)
    except FileNotFoundError:
        raise click.ClickException(f"{readme} does not exist") from None
    except ValueError:
        raise click.ClickException(
            f"{readme} lacks the codebook markers; add them:\n{codebook_mod.BEGIN}\n{codebook_mod.END}"
        ) from None
    if updated != current:
        readme.write_text(updated, encoding="utf-8")
        click.echo(f"updated {readme}")
    else:
        click.echo(f"{readme} already up to date")


@cli.command("generate-suites")
@root_option
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a suite is not current.")
def generate_suites(root: Path, check: bool) -> None:
    """Regenerate the schema part of each suite in validators/ from datapackage.json.

    Expectations marked meta.origin "schema" (not-null, unique, in-set, regex, between, lengths,
    compound keys) are rewritten; hand-written ones are kept as they are.

    Example:

        commitments generate-suites

        commitments generate-suites --check
    """
    from commitment_tracker import schema, suites

    try:
        package = schema.load_package(root)
    except schema.DescriptorError as exc:
        raise click.ClickException(str(exc)) from None
    if check:
        stale = suites.stale(root, package)
        for rel, rule, message in stale:
            click.echo(f"{rel}: {rule} — {message}")
        if stale:
            sys.exit(1)
        click.echo(f"{len(package.resources)} suites current")
        return
    try:
        changed = suites.write(root, package)
    except suites.SuiteError as exc:
        raise click.ClickException(f"{exc}; nothing was written") from None
    for path in changed:
        click.echo(f"wrote {paths.relative_to_root(root, path)}")
    click.echo(f"{len(package.resources)} suites, {len(changed)} changed")


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


def _query_connection(root: Path):
    from commitment_tracker import schema
    from commitment_tracker.load import LoadError, connect

    try:
        return connect(root)
    except (schema.DescriptorError, LoadError) as exc:
        raise click.ClickException(f"{exc}") from None


def _emit(con, sql: str, params: dict, output_format: str, output: Path | None, width: int) -> None:
    from commitment_tracker import output as output_mod
    from commitment_tracker import queries

    if output_format == "parquet":
        if output is None:
            raise click.UsageError("--format parquet writes a binary file: add --output FILE.parquet")
        output_mod.write_parquet(queries.run_arrow(con, sql, params), output)
        click.echo(f"wrote {output}", err=True)
        return
    text = output_mod.render(queries.run(con, sql, params), output_format, max_width=width)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@cli.command("queries")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="text for a terminal; markdown for the README's list.",
)
def list_queries(output_format: str) -> None:
    """List the named queries in queries/ with what each answers and its parameters.

    Example:

        commitments queries
    """
    from commitment_tracker import queries

    try:
        found = queries.discover()
    except queries.QueryDefinitionError as exc:
        raise click.ClickException(str(exc)) from None
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
@format_option
@output_option
@width_option
@root_option
def query_command(
    name: str, param_options: tuple[str, ...], output_format: str, output: Path | None, width: int, root: Path
) -> None:
    """Run a named query from queries/ over the package (read-only; parameters bound by DuckDB).

    Example:

        commitments query due-by --param year=2030

        commitments query evidence-trail -p commitment=digital-jobs-2030 --format json
    """
    from commitment_tracker import queries

    try:
        named = queries.get(name)
        params = named.bind(queries.parse_param_options(param_options))
    except (queries.QueryError, queries.QueryDefinitionError) as exc:
        raise click.ClickException(str(exc)) from None
    con = _query_connection(root)
    try:
        _emit(con, named.sql, params, output_format, output, width)
    except queries.QueryError as exc:
        raise click.ClickException(f"query {name!r}: {exc}") from None


@cli.command("sql")
@click.argument("statement")
@format_option
@output_option
@width_option
@root_option
def sql_command(statement: str, output_format: str, output: Path | None, width: int, root: Path) -> None:
    """Run one ad-hoc read-only SQL statement over the package's tables (one per resource).

    The connection cannot read or write files, attach databases, install extensions or change
    settings; only SELECT (and WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) is accepted.

    Example:

        commitments sql "SELECT kind, count(*) AS n FROM commitments GROUP BY kind ORDER BY n DESC"
    """
    from commitment_tracker import queries

    con = _query_connection(root)
    try:
        _emit(con, statement, {}, output_format, output, width)
    except queries.QueryError as exc:
        raise click.ClickException(str(exc)) from None


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
    help="Do not run `commitments validate` first (the database constraints still apply).",
)
def build(root: Path, out: Path, skip_validation: bool) -> None:
    """Build commitments.duckdb (with PK/FK/NOT NULL/CHECK) and zstd Parquet files from the package.

    Refuses a package that does not validate. Every file is checked after writing (reopened,
    rows counted, constraints and types compared with the schema) before it replaces the old one.

    Example:

        commitments build --out dist/
    """
    from commitment_tracker import build as build_mod

    try:
        written = build_mod.build(root, out, validate_first=not skip_validation)
    except build_mod.BuildError as exc:
        raise click.ClickException(str(exc)) from None
    for line in written.lines():
        click.echo(line)


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
def site(root: Path, out: Path | None, build_dir: Path | None) -> None:
    """Build the public tracker: a static HTML site that works from file:// and any static host.

    Writes index.html (summary, chart, every commitment with filters), one page per commitment,
    source, event and indicator, the disagreements and a downloads page with the package files.

    Example:

        commitments site --out dist/site && xdg-open dist/site/index.html
    """
    from commitment_tracker import site as site_mod

    out = out if out is not None else root / "dist" / "site"
    build_dir = build_dir if build_dir is not None else root / "dist"
    try:
        result = site_mod.build_site(root, out, build_dir=build_dir)
    except (site_mod.SiteError, site_mod.SiteDataError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {len(result.pages)} pages and {len(result.downloads)} package files to {result.out}")
    if result.builds:
        click.echo(f"included {len(result.builds)} build files from {build_dir}")
    else:
        click.echo(f"no Parquet/DuckDB build in {build_dir}: run `commitments build` first to offer them")
    for note in result.notes:
        click.echo(f"note: {note}")
    click.echo(f"open {result.out / 'index.html'}")


def main() -> None:
    """Console-script entry point (`commitments`)."""
    cli()


if __name__ == "__main__":
    main()
