"""Curators' notes, rationales and descriptions made readable: their references become named links.

The data's free text is written for curators and refers to things the way the data does: "seed
004", "see discrepancy digital-jobs-value", "claim c002-strategy-budget", "target_value left
blank", words in backticks. Readers know none of these names. ``pieces`` keeps the text as
written and replaces each such reference by what a reader knows it as, linked where the site has
a page for it: a source by its outlet or title, a disagreement by its kind, a claim by the source
that quotes it, a commitment or an actor by its name, a column by its words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from commitment_tracker.publish.site import model
from commitment_tracker.publish.site.model import SiteData

# One pattern, tried left to right: words in backticks; "seed 004" / "seeds 000, 002 and 004";
# an id (lowercase words joined by hyphens), with the word "claim" or "discrepancy" before it
# when the text says one; a column name (lowercase words joined by underscores); "seed" alone.
TOKEN = re.compile(
    r"`(?P<code>[^`]*)`"
    r"|\b[Ss]eeds? (?P<seeds>\d{3}(?:(?:, | and )\d{3})*)\b"
    r"|(?:\b(?P<word>claim|discrepancy) )?(?<![\w-])(?P<id>[a-z0-9]+(?:-[a-z0-9]+)+)(?![\w-])"
    r"|\b(?P<field>[a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b"
    r"|\b(?P<seed>[Ss]eeds?)\b"
)
SEED_NUMBER = re.compile(r"\d{3}")

Piece = tuple[str, str | None]  # (text, link relative to the site root, or None)
Href = Callable[[str, str, str], str]  # (kind, id, anchor) -> link relative to the site root


def _seed_numbers(data: SiteData) -> dict[str, str]:
    """The three-digit number of each seed file ("000" of seeds/000_….txt) -> its source id."""
    found = {}
    for source_id, source in data.sources.items():
        match = re.match(r"(\d{3})_", PurePosixPath(source["seed_path"]).name)
        if match:
            found[match.group(1)] = source_id
    return found


def _column_words(data: SiteData) -> dict[str, str]:
    """Every column name with an underscore -> its title in the schema, else its words, quoted."""
    words = {}
    for resource in data.package.resources:
        for f in resource.fields:
            if "_" in f.name:
                title = f.descriptor.get("title")
                spelled = f.name.replace("_", " ")
                words[f.name] = title if isinstance(title, str) and title else f"\u2018{spelled}\u2019"
    return words


def _id_piece(data: SiteData, item_id: str, href: Href) -> Piece | None:
    """What a reader knows the item ``item_id`` as, and where its page is; None when no item has it."""
    if item_id in data.claims:
        claim = data.claims[item_id]
        kind, target = data.claim_target(claim)
        return f"the quote in {data.source_label(claim['source_id'])}", href(kind, target, f"claim-{item_id}")
    if item_id in data.discrepancies:
        label = data.label(model.DISCREPANCY_KIND, data.discrepancies[item_id]["kind"])
        return f"the disagreement “{label}”", f"discrepancies.html#d-{item_id}"
    for kind, table, name in (
        ("commitment", data.commitments, "title_en"),
        ("actor", data.actors, "name"),
        ("event", data.events, "name"),
        ("indicator", data.indicators, "name_en"),
    ):
        if item_id in table:
            return table[item_id][name], href(kind, item_id, "")
    if item_id in data.sources:
        return data.source_name(item_id), href("source", item_id, "")
    return None


def pieces(data: SiteData, text: str | None, href: Href) -> list[Piece]:
    """``text`` as a reader reads it: a list of (text, link or None), links relative to the site root."""
    if not text:
        return []
    seeds = _seed_numbers(data)
    columns = _column_words(data)
    out: list[Piece] = []
    last = 0
    for match in TOKEN.finditer(text):
        out.append((text[last : match.start()], None))
        last = match.end()
        group = match.lastgroup
        if match.group("code") is not None:
            out += pieces(data, match.group("code"), href)
        elif match.group("seeds"):
            numbers = match.group("seeds")
            cut = 0
            for number in SEED_NUMBER.finditer(numbers):
                out.append((numbers[cut : number.start()], None))
                cut = number.end()
                source_id = seeds.get(number.group())
                out.append(
                    (data.source_name(source_id), href("source", source_id, ""))
                    if source_id
                    else (f"archived text {number.group()}", None)
                )
        elif match.group("id"):
            piece = _id_piece(data, match.group("id"), href)
            out.append(piece if piece else (match.group(), None))
        elif match.group("field"):
            out.append((columns.get(match.group("field"), match.group()), None))
        elif group == "seed":
            # "the archived seed" is "the archived text", not "the archived archived text"
            archived = text[: match.start()].endswith("archived ")
            plural = "s" if match.group("seed").endswith("s") else ""
            word = ("" if archived else "archived ") + "text" + plural
            out.append((word.capitalize() if match.group("seed")[0] == "S" else word, None))
    out.append((text[last:], None))
    return _fold_named_twice([(t, link) for t, link in out if t])


def _fold_named_twice(out: list[Piece]) -> list[Piece]:
    """'Hespress (seed 001) reports' reads 'Hespress (Hespress) reports' once the seed is named:
    link the name already written instead, and drop the parenthesis."""
    folded: list[Piece] = []
    i = 0
    while i < len(out):
        text, link = out[i]
        before = folded[-1][0] if folded and folded[-1][1] is None else ""
        after = out[i + 1][0] if i + 1 < len(out) and out[i + 1][1] is None else ""
        if link and before.endswith(f"{text} (") and after.startswith(")"):
            folded[-1] = (before[: -len(text) - 2], None)
            folded.append((text, link))
            out[i + 1] = (after[1:], None)
        else:
            folded.append((text, link))
        i += 1
    return [(t, link) for t, link in folded if t]


def plain(data: SiteData, text: str | None) -> str:
    """``text`` as a reader reads it, without links (for a feed summary or a meta description)."""
    return "".join(t for t, _ in pieces(data, text, lambda kind, item_id, anchor: ""))
