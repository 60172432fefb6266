"""The codebook: a Markdown description of every resource and field, derived from datapackage.json.

README.md embeds it between markers so the documentation cannot drift from the schema; a test
regenerates it and fails on any difference.
"""

from __future__ import annotations

from pathlib import Path

from commitment_tracker.datapackage import schema

BEGIN = "<!-- codebook:begin (generated from datapackage.json by `python cli.py codebook`; do not edit) -->"
END = "<!-- codebook:end -->"


def _field(raw: dict) -> schema.Field:
    """A descriptor's field as the tools read it (for its labels)."""
    return schema.Field(
        name=raw["name"],
        type=raw.get("type", schema.DEFAULT_TEXT_TYPE),
        constraints=dict(raw.get("constraints", {})),
        descriptor=raw,
    )


def _constraints(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        # The labels (and order) are the field's `categories`, read as every other tool reads them.
        labels = _field(field).labels
        parts.append(
            "one of "
            + ", ".join(f"`{v}` ({label})" if label != str(v) else f"`{v}`" for v, label in labels.items())
        )
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    for key in ("minimum", "maximum", "minLength", "maxLength"):
        if key in c:
            parts.append(f"{key} {c[key]}")
    return "; ".join(parts)


def render(descriptor: dict) -> str:
    """Markdown tables, one per resource, in datapackage order."""
    out = [BEGIN, ""]
    for res in descriptor["resources"]:
        table_schema = res["schema"]
        out.append(f"### `{res['name']}` ({res['path']})")
        out.append("")
        out.append(res.get("description", ""))
        out.append("")
        pk = ", ".join(table_schema["primaryKey"])
        out.append(f"Primary key: `{pk}`.")
        for fk in table_schema.get("foreignKeys", []):
            target = fk["reference"]["resource"] or res["name"]
            fields, ref_fields = ", ".join(fk["fields"]), ", ".join(fk["reference"]["fields"])
            out.append(f"Foreign key: `{fields}` → `{target}({ref_fields})`.")
        out.append("")
        out.append("| column | type | constraints | meaning |")
        out.append("|---|---|---|---|")
        for f in table_schema["fields"]:
            desc = f["description"].replace("|", "\\|")
            out.append(f"| `{f['name']}` | {f['type']} | {_constraints(f)} | {desc} |")
        out.append("")
    out.append(END)
    return "\n".join(out)


def render_for(root: Path) -> str:
    # Through the one descriptor reader: a descriptor linked outside the package is never read.
    return render(schema.read_descriptor(root))


def embed(readme_text: str, codebook: str) -> str:
    """Replace the text between the markers (inclusive) with a fresh codebook."""
    start = readme_text.index(BEGIN)
    end = readme_text.index(END) + len(END)
    return readme_text[:start] + codebook + readme_text[end:]
