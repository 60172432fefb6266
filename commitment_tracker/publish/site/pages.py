"""One function per kind of page: it gathers what the page shows from ``SiteData`` and renders its template.

The markup is in ``templates/`` (``base.html`` for the layout, one template per kind of page,
partials starting with ``_``). The environment escapes every value it prints, by ``finalize``:
plain values go through ``markup.esc`` (quotes escaped, bidirectional controls shown as
``[U+202E]``), and even markup built by a macro or filter has its bidirectional controls shown.
``autoescape`` stays on underneath, and ``StrictUndefined`` makes a misspelt name an error
instead of an empty cell. Links are relative (``depth`` says how far below the site root a page
sits), so the site works from ``file://`` and from any folder of any static host.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from commitment_tracker.publish.site import chart, markup, meta, model, passages, prose
from commitment_tracker.publish.site.model import Row, SiteData

# Folders of the per-item pages, by what the item is.
FOLDERS = {
    "commitment": "commitments",
    "indicator": "indicators",
    "event": "events",
    "source": "sources",
    "actor": "actors",
}

NAV = [
    ("index", "index.html", "Commitments"),
    ("actors", "actors.html", "People & bodies"),
    ("sources", "sources.html", "Sources"),
    ("discrepancies", "discrepancies.html", "Disagreements"),
    ("context", "context.html", "Event & indicators"),
    ("downloads", "downloads.html", "Downloads"),
    ("about", "about.html", "Method"),
]
FEED = "feed.xml"


def file_name(kind: str, item_id: str) -> str:
    """Path of an item's page relative to the site root (``model.load`` checked every id against
    the schema's id pattern, so an id is a safe file name)."""
    return f"{FOLDERS[kind]}/{item_id}.html"


def href(kind: str, item_id: str, depth: int, anchor: str = "") -> str:
    return "../" * depth + file_name(kind, item_id) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------------
# The environment


def _finalize(value: Any) -> Markup:
    """What every ``{{ ... }}`` prints: escaped text, or markup with its bidi controls made visible."""
    if value is None:
        return Markup("")
    if hasattr(value, "__html__"):
        # Markup from a macro or a filter: its data was escaped, but a filter such as join escapes
        # with markupsafe, which leaves bidirectional controls alone.
        return Markup(str(value.__html__()).translate(markup.SHOW_BIDI))
    return Markup(markup.esc(value))


def _text(value: Any) -> Markup:
    """Text content only (never an attribute): quotation marks kept as typed, as in a quote."""
    return Markup(markup.esc(value, quote=False))


def _prose_pieces(data: SiteData, text: str | None) -> list[prose.Piece]:
    """A curator's text as readers read it, links relative to the site root (see prose.py)."""
    return prose.pieces(data, text, lambda kind, item_id, anchor: href(kind, item_id, 0, anchor))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("commitment_tracker.publish.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["text"] = _text
    env.globals.update(
        href=href,
        prose_pieces=_prose_pieces,
        SPEAKER=model.SPEAKER,
        FEED=FEED,
        safe_url=markup.safe_url,
        NAV=NAV,
        # The stylesheet, the script and the policy that allows exactly them are ours, not data.
        CSS=Markup(markup.CSS),
        JS=Markup(markup.JS),
        CSP=Markup(markup.CSP),
        STATUS=model.STATUS,
        FORMALITY=model.FORMALITY,
        COMMITMENT_KIND=model.COMMITMENT_KIND,
        ROLE=model.ROLE,
        DISCREPANCY_KIND=model.DISCREPANCY_KIND,
        GENRE=model.GENRE,
        ACTOR_KIND=model.ACTOR_KIND,
        TARGET_QUALIFIER=model.TARGET_QUALIFIER,
        CLAIM_QUALIFIER=model.CLAIM_QUALIFIER,
    )
    return env


ENV = _environment()


def _render(
    template: str,
    data: SiteData,
    *,
    title: str,
    path: str,
    active: str,
    description: str = "",
    cite: bool = True,
    **context: Any,
) -> str:
    """A complete HTML document; ``path`` is where the page sits, relative to the site root.

    ``cite`` adds the "Cite this page" block (permalink, BibTeX, the package version).
    """
    depth = path.count("/")
    page = ENV.get_template(template).render(
        data=data,
        title=title,
        depth=depth,
        up="../" * depth,
        path=path,
        own=path.rsplit("/", 1)[-1],
        active=active,
        description=description or str(data.descriptor.get("description", "")),
        bibtex=meta.bibtex(data, title, path) if cite else None,
        **context,
    )
    return page + "\n"  # Jinja drops a template's final newline; a page ends with one


# ---------------------------------------------------------------------------------------------
# What pages share


DISPUTED = "sources disagree"  # said of a figure the sources give differently


@dataclass(frozen=True)
class Shown:
    """A value as a page shows it: ``text``, or when there is none, a muted ``note`` saying why.

    ``disputed``: ``text`` is the range of figures the sources give, shown with the note.
    ``stated``: ``text`` is the figure as the source writes it (in language ``lang``), kept on one
    line; ``beside``: the same figure as people read it, when it reads differently.
    """

    text: str
    note: str = "not stated"
    disputed: bool = False
    beside: str = ""
    stated: bool = False
    lang: str = ""


def target(data: SiteData, commitment: Row) -> Shown:
    """The promised figure; when sources disagree on it, the range they give and "sources disagree"."""
    cid = commitment["commitment_id"]
    text = data.amount(
        commitment["target_value"],
        commitment["unit_id"],
        commitment["target_qualifier"],
        model.TARGET_QUALIFIER,
    )
    if text:
        as_stated = data.stated_target(cid)
        if not as_stated:
            return Shown(text)
        stated, beside = model.stated_first(as_stated, text)
        return Shown(stated, beside=beside, stated=True, lang=_claims_language(data, cid))
    spread = data.disputed_range(cid)
    if spread:
        return Shown(spread, DISPUTED, True)
    has_values = any(c["value"] is not None for c in data.commitment_claims(cid))
    return Shown("", DISPUTED if has_values and data.is_disputed(cid) else "none stated")


def _claims_language(data: SiteData, cid: str) -> str:
    """The language the commitment's quoted figures are written in, when they share one."""
    stated = [c for c in data.commitment_claims(cid) if c["value_stated"]]
    languages = {data.sources[c["source_id"]]["language"] for c in stated}
    return languages.pop() if len(languages) == 1 else ""


def claim_href(data: SiteData, claim: Row, depth: int) -> str:
    """Where a claim is shown with what it is about (its commitment, indicator or event page)."""
    kind, item_id = data.claim_target(claim)
    return href(kind, item_id, depth, f"claim-{claim['claim_id']}")


def _claims_context(data: SiteData, claims: list[Row]) -> dict[str, Any]:
    """What _claims.html needs for a page's claims and their disagreements."""
    return {
        "claims": claims,
        "n_sources": len({c["source_id"] for c in claims}),
        "discrepancy_ids": data.discrepancies_of(claims),
    }


# ---------------------------------------------------------------------------------------------
# Index


def index_page(data: SiteData) -> str:
    ids = sorted(data.commitments, key=lambda i: (data.commitments[i]["title_fr"].casefold(), i))
    currents = {cid: data.current_status(cid) or {} for cid in ids}
    statuses = {cid: current.get("status") or "" for cid, current in currents.items()}
    status_counts = Counter(statuses.values())
    kind_counts = Counter(data.commitments[c]["kind"] for c in ids)
    disputed = [c for c in ids if data.is_disputed(c)]
    stats = [
        (len(ids), "commitments"),
        (len(data.claims), "quoted claims"),
        (len(data.sources), "archived sources"),
        (len(data.discrepancies), "disagreements between sources"),
        (len(disputed), "disputed commitments"),
    ]
    status_labels = data.labels(model.STATUS)
    chart_rows = [(data.commitments[c]["deadline_year"], statuses[c]) for c in ids]
    years, chart_statuses, chart_counts = chart.counts_by_year(chart_rows, status_labels)
    rows = [_index_row(data, cid, currents[cid]) for cid in ids]
    return _render(
        "index.html",
        data,
        title="Commitments",
        path="index.html",
        active="index",
        stats=stats,
        headlines=[
            (cid, row["target"], row["status"])
            for cid, row in zip(ids, rows, strict=True)
            if row["target"].text
        ],
        status_counts=[(s, status_counts[s]) for s in status_labels if status_counts[s]],
        kind_counts=[
            (k, label, kind_counts[k])
            for k, label in data.labels(model.COMMITMENT_KIND).items()
            if kind_counts[k]
        ],
        chart_svg=Markup(chart.svg(chart_rows, status_labels)),
        chart_table={
            "years": years,
            "statuses": chart_statuses,
            "counts": chart_counts,
            "totals": {y: sum(chart_counts[(y, s)] for s in chart_statuses) for y in years},
        },
        filters=_filters(data, ids, status_counts, kind_counts),
        rows=rows,
        jsonld=Markup(meta.dataset_jsonld(data)),
    )


def _filters(data: SiteData, ids: list[str], status_counts: Counter, kind_counts: Counter) -> list[tuple]:
    """(label, name, [(value, text)], "all" text) of each filter of the index, values in use only."""
    sectors_used = sorted({data.commitments[c]["sector_id"] for c in ids})
    actors_used = sorted(
        {a for c in ids for a in data.actor_ids(c)}, key=lambda a: (data.actor_name(a).casefold(), a)
    )
    return [
        (
            "Sector",
            "sector",
            [(s, data.sectors[s]["name_en"] if s in data.sectors else s) for s in sectors_used],
            "All sectors",
        ),
        (
            "Kind",
            "kind",
            [(k, label) for k, label in data.labels(model.COMMITMENT_KIND).items() if kind_counts[k]],
            "All kinds",
        ),
        (
            "Status",
            "status",
            [(s, label) for s, label in data.labels(model.STATUS).items() if status_counts[s]],
            "All statuses",
        ),
        ("Person or body", "actor", [(a, data.actor_name(a)) for a in actors_used], "Anyone"),
    ]


def role_label(data: SiteData, role: str) -> str:
    """A role in a commitment: a party's role from the schema, or "quoted" for a speaker."""
    return "quoted" if role == model.SPEAKER else data.label(model.ROLE, role).lower()


def _index_row(data: SiteData, cid: str, current: Row) -> dict[str, Any]:
    c = data.commitments[cid]
    people: dict[str, list[str]] = {}
    for actor_id, role in data.involvement(cid):
        people.setdefault(actor_id, []).append(role_label(data, role))
    status_order = list(data.labels(model.STATUS))
    return {
        "c": c,
        "status": current.get("status") or "",
        "status_rank": status_order.index(current["status"]) if current.get("status") in status_order else "",
        "formality": current.get("formality"),
        "reviewed": current.get("as_of"),
        "actor_ids": list(people),
        # Every spelling of every actor involved, for the search box (kept out of the visible cell).
        "names": sorted({n for a in people for n in data.names(a)} - {data.actor_name(a) for a in people}),
        "disputed": data.is_disputed(cid),
        "people": [(a, data.actor_name(a), ", ".join(roles)) for a, roles in people.items()],
        "target": target(data, c),
        "target_sort": data.target(cid)["target_low"] if data.target(cid)["target_low"] is not None else "",
        "n_sources": len(data.commitment_source_ids(cid)),
    }


# ---------------------------------------------------------------------------------------------
# Commitments, events and indicators


def commitment_page(data: SiteData, cid: str) -> str:
    c = data.commitments[cid]
    claims = data.sorted_claims(data.commitment_claims(cid))
    timeline = []
    for row in data.statuses.get(cid, []):
        claim = data.claims.get(row["claim_id"]) if row["claim_id"] else None
        evidence_href = _quote_href(claim, cid) if claim is not None else None
        timeline.append(
            {
                "row": row,
                "claim": claim,
                "language": data.sources[claim["source_id"]]["language"] if claim else None,
                "evidence_href": evidence_href,
                "actual": data.amount(row["actual_value"], c["unit_id"], None, model.TARGET_QUALIFIER),
            }
        )
    return _render(
        "commitment.html",
        data,
        title=c["title_en"],
        path=file_name("commitment", cid),
        active="index",
        description=c["title_en"],
        c=c,
        current=data.current_status(cid) or {},
        disputed=data.is_disputed(cid),
        parties=_involved(data, cid),
        formality_definition=data.package.resource("status_updates")
        .field("formality")
        .definitions.get((data.current_status(cid) or {}).get("formality"), ""),
        target=target(data, c),
        children=sorted(data.children.get(cid, [])),
        source_ids=data.commitment_source_ids(cid),
        timeline=timeline,
        **_claims_context(data, claims),
    )


def _involved(data: SiteData, cid: str) -> list[tuple[str, str, str]]:
    """(actor_id, role, link to the quote naming them in that role or "") of everyone involved
    but the owner, who has a line of their own."""
    owner = data.commitments[cid]["owner_actor_id"]
    quotes = {(p["actor_id"], p["role"]): p["claim_id"] for p in data.parties.get(cid, [])}
    found = []
    for actor_id, role in data.involvement(cid):
        if actor_id == owner and role == "owner":
            continue
        claim = data.claims.get(quotes.get((actor_id, role)) or "")
        found.append((actor_id, role_label(data, role), _quote_href(claim, cid) if claim else ""))
    return found


def _quote_href(claim: Row, cid: str) -> str:
    """From the page of commitment ``cid``: the claim on that page, else in its archived text."""
    if claim["commitment_id"] == cid:
        return f"#claim-{claim['claim_id']}"
    return href("source", claim["source_id"], 1, f"claim-{claim['claim_id']}")


def event_page(data: SiteData, event_id: str) -> str:
    ev = data.events[event_id]
    claims = data.sorted_claims(data.claims_by_target.get(("event", event_id), []))
    return _render(
        "event.html",
        data,
        title=ev["name"],
        path=file_name("event", event_id),
        active="context",
        ev=ev,
        dates=[d for d in (ev["start_date"], ev["end_date"]) if d],
        commitments=sorted(c for c, row in data.commitments.items() if row["event_id"] == event_id),
        **_claims_context(data, claims),
    )


def indicator_page(data: SiteData, indicator_id: str) -> str:
    ind = data.indicators[indicator_id]
    claims = data.sorted_claims(data.claims_by_target.get(("indicator", indicator_id), []))
    return _render(
        "indicator.html",
        data,
        title=ind["name_en"],
        path=file_name("indicator", indicator_id),
        active="context",
        ind=ind,
        value=data.amount(ind["value"], ind["unit_id"], ind["qualifier"], model.INDICATOR_QUALIFIER),
        **_claims_context(data, claims),
    )


def context_page(data: SiteData) -> str:
    indicators = [
        (
            i,
            ind,
            data.amount(ind["value"], ind["unit_id"], ind["qualifier"], model.INDICATOR_QUALIFIER),
            len(data.claims_by_target.get(("indicator", i), [])),
        )
        for i, ind in data.indicators.items()
    ]
    return _render(
        "context.html",
        data,
        title="Event and indicators",
        path="context.html",
        active="context",
        indicators=indicators,
    )


# ---------------------------------------------------------------------------------------------
# Sources and disagreements


def source_page(data: SiteData, source_id: str) -> str:
    source = data.sources[source_id]
    seed = data.seeds[source_id]
    claims = data.claims_by_source.get(source_id, [])
    spans = [passages.Span(c["claim_id"], c["quote_start"], c["quote_end"]) for c in claims]
    covered = passages.coverage(len(seed), spans)
    ordered = sorted(claims, key=lambda c: (c["quote_start"], -c["quote_end"], c["claim_id"]))
    quoted = []
    for claim in ordered:
        kind, item_id = data.claim_target(claim)
        quoted.append(
            {
                "claim": claim,
                "kind": kind,
                "item_id": item_id,
                "name": data.entity_name(kind, item_id),
                "href": claim_href(data, claim, 1),
                "disputed": claim["claim_id"] in data.discrepancies_of_claim,
            }
        )
    return _render(
        "source.html",
        data,
        title=data.source_title(source_id),
        path=file_name("source", source_id),
        active="sources",
        source_id=source_id,
        source=source,
        seed_length=len(seed),
        covered=covered,
        share=f"{100 * covered / len(seed):.1f}" if seed else "0",
        quoted=quoted,
        refs={q["claim"]["claim_id"]: q for q in quoted},
        segments=passages.segments(seed, spans),
        aliases=data.aliases_by_source.get(source_id, []),
    )


def sources_page(data: SiteData) -> str:
    ordered = sorted(
        data.sources.items(),
        key=lambda kv: (kv[1]["published_on"] is None, str(kv[1]["published_on"]), kv[0]),
    )
    rows = [(sid, source, len(data.claims_by_source.get(sid, []))) for sid, source in ordered]
    return _render("sources.html", data, title="Sources", path="sources.html", active="sources", rows=rows)


def discrepancies_page(data: SiteData) -> str:
    return _render(
        "discrepancies.html",
        data,
        title="Disagreements",
        path="discrepancies.html",
        active="discrepancies",
        discrepancy_ids=list(data.discrepancies),
    )


def downloads_page(data: SiteData, **context: Any) -> str:
    """The downloads page; ``context`` holds the files (see ``downloads.downloads_page``)."""
    return _render(
        "downloads.html",
        data,
        title="Downloads",
        path="downloads.html",
        cite=False,
        active="downloads",
        description=f"Download the data package version {data.version}",
        **context,
    )


# ---------------------------------------------------------------------------------------------
# People and bodies


def actors_page(data: SiteData) -> str:
    ordered = sorted(data.actors, key=lambda a: (data.actor_name(a).casefold(), a))
    rows = [
        (a, data.actors[a], len(data.actor_commitments(a)), len(data.spoken_claims(a)), len(data.names(a)))
        for a in ordered
    ]
    return _render(
        "actors.html", data, title="People and bodies", path="actors.html", active="actors", rows=rows
    )


def actor_page(data: SiteData, actor_id: str) -> str:
    actor = data.actors[actor_id]
    roles: dict[str, list[str]] = {}
    for cid, role in data.actor_commitments(actor_id):
        roles.setdefault(cid, []).append(role_label(data, role))
    return _render(
        "actor.html",
        data,
        title=actor["name"],
        path=file_name("actor", actor_id),
        active="actors",
        description=f"Every commitment {actor['name']} is involved in and every quote attributed to them.",
        actor_id=actor_id,
        actor=actor,
        spellings=data.aliases_by_actor.get(actor_id, []),
        commitments=[(cid, ", ".join(r), data.current_status(cid) or {}) for cid, r in roles.items()],
        claims=data.spoken_claims(actor_id),
        events=sorted(e for e, row in data.events.items() if row["organiser_actor_id"] == actor_id),
    )


# ---------------------------------------------------------------------------------------------
# The method, from the schema


def _first_sentence(text: str) -> str:
    """The first sentence of a field description (the rest says how blanks and keys work)."""
    head = text.split(". ", 1)[0].strip()
    return head if head.endswith(".") else head + "."


def _without_columns(text: str) -> str:
    """A description without its sentences about columns (those naming one, like ``event_id``)."""
    sentences = re.split(r"(?<=\.)\s+", text)
    return " ".join(s for s in sentences if not re.search(r"\b[a-z]+_[a-z_]+\b", s))


def about_page(data: SiteData) -> str:
    """What every word of the site means, each definition read from datapackage.json."""

    def field(name: str) -> Any:
        resource, column = name.split(".", 1)
        return data.package.resource(resource).field(column)

    def terms(name: str) -> list[tuple[str, str, str]]:
        f = field(name)
        defined = f.definitions
        # A definition that only repeats its label ("announced (words only)") says nothing more.
        return [
            (value, label, "" if defined[value].casefold() == label.casefold() else defined[value])
            for value, label in f.labels.items()
        ]

    def described(resource: str) -> str:
        return str(data.package.resource(resource).descriptor.get("description", ""))

    return _render(
        "about.html",
        data,
        title="Method and definitions",
        path="about.html",
        active="about",
        description=f"How the {data.site_title} works: what a commitment, a claim and each status mean.",
        described=described,
        claim=_without_columns(described("claims")),
        statuses=terms(model.STATUS),
        formalities=terms(model.FORMALITY),
        kinds=terms(model.COMMITMENT_KIND),
        roles=terms(model.ROLE),
        discrepancy_kinds=terms(model.DISCREPANCY_KIND),
        as_of=re.split(r"\s*[(;]", field("status_updates.as_of").description, maxsplit=1)[0],
        speaker=_first_sentence(field("claims.speaker_actor_id").description),
        quote=_first_sentence(field("claims.quote").description),
        homepage=data.descriptor.get("homepage"),
    )
