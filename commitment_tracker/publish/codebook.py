"""The codebook: a Markdown description of every resource and field, derived from datapackage.json.

``commitments codebook --write`` writes it to docs/codebook.md, which the README links to, so the
documentation cannot drift from the schema; a test regenerates it and fails on any difference.
The site's downloadable zip carries the same text.
"""

from __future__ import annotations

from pathlib import Path

from commitment_tracker.datapackage import containment, schema
from commitment_tracker.staging import staged_file

BEGIN = "<!-- codebook:begin (generated from datapackage.json by `commitments codebook`; do not edit) -->"
END = "<!-- codebook:end -->"
DOC_PATH = "docs/codebook.md"
# What a reader needs before the tables; the tables themselves come from the descriptor.
PREAMBLE = """\
# Codebook

Every table and column of the data package, generated from `datapackage.json` (the single source
of truth) by `commitments codebook --write`; a test fails when this file and the descriptor
disagree, so do not edit it by hand.

- **Blank means "not stated"**, never zero: an outlet, a date or a value that no source gives
  stays empty.
- Amounts are plain numbers in the unit's base unit: 11 billion MAD is `11000000000`; 16 GW is
  `16000000000` in unit `w` (watt).
- `quote` equals the seed text from `quote_start` (inclusive) to `quote_end` (exclusive), counted
  in Unicode characters (code points) of the seed read as UTF-8 without newline translation.
- An enumerated field lists its values with their labels for people (the field's `categories`),
  beside the `enum` that validation enforces; the order of `categories` is the order the site and
  this codebook show them in.

## Tables

"""


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


def document(descriptor: dict) -> str:
    """The whole docs/codebook.md: the preamble, then one table per resource."""
    return PREAMBLE + render(descriptor) + "\n"


def document_for(root: Path) -> str:
    return document(schema.read_descriptor(root))


def write(root: Path, text: str) -> Path | None:
    """Write ``text`` to docs/codebook.md; None when it already holds exactly that.

    The file is written beside and renamed into place; a ``docs`` link or a ``docs/codebook.md``
    link that leads out of the package is refused (ContainmentError), never written through.
    """
    folder = containment.check_folder(root, DOC_PATH.rsplit("/", 1)[0])
    target = containment.inside(root, DOC_PATH)
    if target.is_file() and containment.read_package_file(root, DOC_PATH) == text.encode("utf-8"):
        return None
    folder.mkdir(exist_ok=True)
    with staged_file(target) as temp:
        temp.write_text(text, encoding="utf-8")
    return target
