"""The claims as W3C Web Annotations (JSON-LD), for annotation tools (``export-annotations``).

One ``AnnotationCollection`` with every claim as an ``Annotation`` in its first page:

* ``target``: the claim's seed (``source``: its path in the package, a relative IRI, with the
  source's title, language and SHA-256) and two equivalent selectors of the passage, a
  ``TextPositionSelector`` (quote_start/quote_end: Unicode code points of the seed read as UTF-8
  with newline="", as the Web Annotation model counts them) and a ``TextQuoteSelector`` (exact,
  prefix, suffix from ``selectors.py``), so a tool can re-anchor the passage when offsets drift;
* ``body``: what the claim says about the passage, as plain text (the commitment, indicator or event
  it is about and the figure as stated with its value in base units), and the subject's id as a
  ``tagging`` body;
* ``creator``: the speaker, when the source names one.

Everything is derived from the validated package: seeds and offsets stay the single source.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from commitment_tracker import selectors
from commitment_tracker.datapackage import containment, csvio, schema
from commitment_tracker.errors import TrackerError
from commitment_tracker.staging import staged_file
from commitment_tracker.validation.provenance import decode_seed

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = 'application/ld+json;profile="http://www.w3.org/ns/anno.jsonld"'


class AnnotationExportError(TrackerError):
    """The annotations cannot be written where asked."""


def _id(package: schema.Package, kind: str, key: str) -> str:
    # No URL is known for the package, so ids are URNs built from its name (stable across runs).
    return f"urn:x-commitments:{package.name}:{kind}:{key}"


def _subject(claim: dict, titles: dict[str, dict[str, str]]) -> tuple[str, str, str]:
    """(kind, id, label) of what the claim is about: a commitment, an indicator or an event."""
    for kind in ("commitment", "indicator", "event"):
        key = claim[f"{kind}_id"]
        if key is not None:
            return kind, key, titles[kind].get(key, key)
    return "claim", claim["claim_id"], claim["claim_id"]


def _figure(claim: dict) -> str:
    if claim["value"] is None:
        return ""
    qualifier = "" if claim["qualifier"] in (None, "exactly") else f"{claim['qualifier'].replace('_', ' ')} "
    unit = f" {claim['unit_id']}" if claim["unit_id"] else ""
    return f"; figure stated: {qualifier}{claim['value_stated']} (value {claim['value']:.15g}{unit})"


def _annotation(
    package: schema.Package, claim: dict, source: dict, text: str, titles: dict, speakers: dict
) -> dict:
    start, end = claim["quote_start"], claim["quote_end"]
    kind, key, label = _subject(claim, titles)
    annotation: dict = {
        "id": _id(package, "claim", claim["claim_id"]),
        "type": "Annotation",
        "motivation": "describing",
        "body": [
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "text/plain",
                "language": "en",
                "value": f"Claim {claim['claim_id']} about {kind} {key}: {label}{_figure(claim)}",
            },
            {"type": "TextualBody", "purpose": "tagging", "value": key},
        ],
        "target": {
            "source": {
                "id": source["seed_path"],
                "type": "Text",
                "format": "text/plain",
                "language": source["language"],
                **({"title": source["title"]} if source["title"] else {}),
                "sha256": source["seed_sha256"],
            },
            "selector": [
                selectors.position_selector(start, end),
                selectors.quote_selector(text, start, end),
            ],
        },
    }
    speaker = speakers.get(claim["speaker_actor_id"])
    if speaker is not None:
        name, kind = speaker
        annotation["creator"] = {
            "id": _id(package, "actor", claim["speaker_actor_id"]),
            "type": "Person" if kind == "person" else "Organization",
            "name": name,
        }
    return annotation


def _seed_text(root: Path, seed_path: str) -> str:
    # Read as provenance reads it: inside the package only, UTF-8, line ends kept (newline="").
    return decode_seed(containment.read_package_file(root, seed_path))


def collection(root: Path) -> dict:
    """Every claim of the package at ``root`` as one W3C AnnotationCollection (a JSON-LD dict)."""
    package = schema.load_package(root)
    tables = csvio.read_tables(root, package, typed=True)
    sources = {r["source_id"]: r for r in tables["sources"].iter_rows(named=True)}
    titles = {
        "commitment": dict(tables["commitments"].select("commitment_id", "title_en").iter_rows()),
        "indicator": dict(tables["indicators"].select("indicator_id", "name_en").iter_rows()),
        "event": dict(tables["events"].select("event_id", "name").iter_rows()),
    }
    actors = tables["actors"].select("actor_id", "name", "kind").iter_rows()
    speakers = {actor: (name, kind) for actor, name, kind in actors}
    texts = {sid: _seed_text(root, s["seed_path"]) for sid, s in sources.items()}
    claims = tables["claims"].sort("source_id", "quote_start", "claim_id")
    items = [
        _annotation(package, c, sources[c["source_id"]], texts[c["source_id"]], titles, speakers)
        for c in claims.iter_rows(named=True)
    ]
    return {
        "@context": CONTEXT,
        "id": _id(package, "annotations", package.version or "current"),
        "type": "AnnotationCollection",
        "label": f"Claims of {package.descriptor.get('title', package.name)}, version {package.version}",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def to_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def export(root: Path, out: Path | None) -> tuple[dict, str]:
    """Validate the package, then build the collection; write it to ``out`` when given.

    Returns the collection and its JSON text. An invalid package is refused with nothing written:
    its offsets may not point at its quotes.
    """
    from commitment_tracker.publish.build import refuse_invalid

    if out is not None:
        check_out(Path(out))  # before the validation's seconds: a wrong --out fails at once
    refuse_invalid(Path(root), "no annotations were written")
    doc = collection(Path(root))
    if out is not None:
        write(doc, out)
    return doc, to_json(doc)


def write(doc: dict, out: Path) -> None:
    """Write ``doc`` to the file ``out``, and only there; refuse a folder, a link or a missing folder.

    Whatever was at ``out`` stays as it was until the new file is complete (staged beside it).
    """
    out = Path(out)
    check_out(out)
    try:
        with staged_file(out) as temp:
            with open(temp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(to_json(doc))
            os.chmod(temp, 0o644)
    except OSError as exc:
        reason = exc.strerror or exc
        raise AnnotationExportError(f"cannot write {out}: {reason}; nothing was written") from None


def check_out(out: Path) -> None:
    """``out`` names a regular file (new or existing) in an existing folder, not a link."""
    if out.is_symlink():
        raise AnnotationExportError(f"{out} is a symbolic link; name a regular file to write")
    if out.exists() and not out.is_file():
        raise AnnotationExportError(f"{out} is not a regular file (a folder?); name a file to write")
    if not out.parent.is_dir():
        raise AnnotationExportError(f"the folder of {out} does not exist; create it first")
