"""What the package holds: row counts, and one line per commitment with its latest status.

A commitment's target is its range from the view ``commitment_targets`` (database.py): its own
target_value, or, when the sources disagree and target_value is blank, the lowest and highest
figure they state ("> 40 000 to 240 000 (sources disagree)"). ``as_stated`` shows the figures as
the quotes write them (claims.value_stated: "11 milliards de dirhams", "16 GW").
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from commitment_tracker import database, text
from commitment_tracker.amounts import group_digits, unit_symbol
from commitment_tracker.datapackage import csvio, schema

# The compact sign of each qualifier in the text summary: notation, not a label (the labels are the
# qualifier fields' `categories` in datapackage.json); tests/test_labels.py checks every value has one.
QUALIFIER_SIGNS = {"exactly": "", "at_least": "≥ ", "more_than": "> ", "about": "~ ", "up_to": "≤ "}

COMMITMENT_COLUMNS = [
    "commitment_id",
    "kind",
    "target",
    "as_stated",
    "unit",
    "deadline",
    "status",
    "as_of",
    "claims",
    "disputed",
]


def format_amount(value: float | None, qualifier: str | None = None) -> str:
    """11000000000 -> '11 000 000 000' (exact, grouped by thousands); blank stays blank."""
    if value is None:
        return ""
    # Grouped by spaces, with a decimal point: the text summary's one fixed notation.
    return QUALIFIER_SIGNS.get(qualifier or "", "") + group_digits(value, "en").replace(",", " ")


def resource_counts(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return pl.DataFrame(
        {"resource": list(tables), "rows": [t.height for t in tables.values()]},
        schema={"resource": pl.String, "rows": pl.Int64},
    )


# The commitment's range and, per commitment, the figures as its quotes write them: those stating
# its target, or all its figures when the target is disputed (the range's ends).
TARGETS_SQL = """
SELECT t.commitment_id, t.target_low, t.target_high, t.low_qualifier, t.high_qualifier, t.disputed,
       (SELECT string_agg(DISTINCT k.value_stated, ' / ' ORDER BY k.value_stated)
          FROM claims AS k
         WHERE k.commitment_id = t.commitment_id AND k.value_stated IS NOT NULL
           AND (t.disputed OR k.value = t.target_low)) AS as_stated
FROM commitment_targets AS t
"""


def targets(root: Path, package: schema.Package) -> pl.DataFrame:
    """commitment_targets with the stated forms, as polars (one row per commitment)."""
    con = database.connect(root, package=package, sql=TARGETS_SQL)
    try:
        return pl.from_arrow(con.sql(TARGETS_SQL).to_arrow_table())
    finally:
        con.close()


def format_target(rec: dict, unit: str) -> str:
    """'11 000 000 000 MAD'; a disputed target as its range: '> 40 000 to 240 000 (sources disagree)'."""
    low = format_amount(rec["target_low"], rec["low_qualifier"])
    if not low:
        return ""
    if not rec["disputed"]:
        return f"{low} {unit}".strip()
    high = format_amount(rec["target_high"], rec["high_qualifier"])
    return f"{low} to {high} {unit} (sources disagree)".replace("  ", " ")


def commitments_table(tables: dict[str, pl.DataFrame], ranges: pl.DataFrame) -> pl.DataFrame:
    """One row per commitment: target (a range when disputed) with unit and as stated, deadline,
    latest status, claim count, disputed flag."""
    commitments = tables["commitments"]
    units = tables["units"].select("unit_id", "label")
    latest = (
        tables["status_updates"]
        .sort("commitment_id", "as_of")
        .group_by("commitment_id", maintain_order=True)
        .last()
        .select("commitment_id", "status", "as_of")
    )
    claims = tables["claims"].filter(pl.col("commitment_id").is_not_null())
    claim_counts = claims.group_by("commitment_id").agg(pl.len().alias("claims"))
    disputed = (
        tables["discrepancy_claims"]
        .join(claims.select("claim_id", "commitment_id"), on="claim_id")
        .select("commitment_id")
        .unique()
        .with_columns(pl.lit(True).alias("disputed"))
    )
    joined = (
        commitments.join(units, on="unit_id", how="left")
        .join(latest, on="commitment_id", how="left")
        .join(claim_counts, on="commitment_id", how="left")
        .join(disputed, on="commitment_id", how="left")
        .join(ranges.drop("disputed"), on="commitment_id", how="left")
        .join(ranges.select("commitment_id", pl.col("disputed").alias("target_disputed")), on="commitment_id")
        .sort("commitment_id")
    )
    rows = []
    for rec in joined.iter_rows(named=True):
        unit = unit_symbol(rec["label"], rec["unit_id"])
        rows.append(
            {
                "commitment_id": rec["commitment_id"],
                "kind": rec["kind"],
                "target": format_target({**rec, "disputed": rec["target_disputed"]}, unit),
                "as_stated": rec["as_stated"] or "",
                "unit": rec["unit_id"] or "",
                "deadline": str(rec["deadline_year"]) if rec["deadline_year"] is not None else "",
                "status": rec["status"] or "",
                "as_of": rec["as_of"].isoformat() if rec["as_of"] is not None else "",
                "claims": rec["claims"] or 0,
                "disputed": bool(rec["disputed"]),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            c: (pl.Int64 if c == "claims" else pl.Boolean if c == "disputed" else pl.String)
            for c in COMMITMENT_COLUMNS
        },
    )


def _cell(value: object) -> str:
    return "yes" if value is True else "" if value is False or value is None else str(value)


def _render_table(df: pl.DataFrame) -> list[str]:
    header = [str(c) for c in df.columns]
    body = [[_cell(v) for v in rec] for rec in df.rows()]
    widths = text.column_widths([header, *body])
    numeric = [df.schema[c].is_numeric() for c in df.columns]
    rows = [text.aligned(row, widths, numeric) for row in body]
    return [text.aligned(header, widths), text.rule(widths), *rows]


def render(root: Path) -> str:
    """The text `commitments summary` prints."""
    package = schema.load_package(root)
    tables = csvio.read_tables(root, package, typed=True)
    counts = resource_counts(tables)
    table = commitments_table(tables, targets(root, package))
    lines = [f"{package.descriptor.get('title', package.name)} — version {package.version}", ""]
    lines.append("Rows per resource:")
    lines.extend("  " + line for line in _render_table(counts))
    lines.append("")
    disputed = int(table["disputed"].sum())
    lines.append(f"Commitments ({table.height}, {disputed} disputed):")
    lines.extend("  " + line for line in _render_table(table))
    return "\n".join(lines) + "\n"
