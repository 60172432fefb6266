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
    help="text for people; json for machines (schema in commitment_tracker/problems.py).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Failures listed per check in text output (0 lists all).",
)
def validate(root: Path, output_format: str, limit: int) -> None:
    """Check the package: files, Frictionless schema, seed hashes and quote offsets.

    Lists every problem as resource:row:column: rule — value. Exits 0 when the package is valid,
    1 when it is not, 2 on a usage error.

    Example:

        commitments validate --format json > report.json
    """
    from commitment_tracker.validate import validate as run_validation

    try:
        report = run_validation(root)
    except ValueError as exc:  # e.g. a malformed $COMMITMENTS_TODAY
        raise click.ClickException(str(exc)) from None
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


def main() -> None:
    """Console-script entry point (`commitments`)."""
    cli()


if __name__ == "__main__":
    main()
