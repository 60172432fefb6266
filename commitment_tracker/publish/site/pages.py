"""One function per kind of page; each returns a complete HTML document as a string.

Pages read only from ``SiteData``. Links are relative (``depth`` says how far below the site root a
page sits), so the site works from ``file://`` and from any folder of any static host.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from commitment_tracker.publish import summary
from commitment_tracker.publish.site import chart, passages
from commitment_tracker.publish.site.markup import (
    attrs,
    bilingual,
    disputed_mark,
    esc,
    formality_badge,
    kind_label,
    link,
    not_stated,
    page,
    status_badge,
    time_tag,
)
from commitment_tracker.publish.site.model import (
    DISCREPANCY_KIND_LABELS,
    KIND_LABELS,
    QUALIFIER_WORDS,
    ROLE_LABELS,
    STATUS_LABELS,
    Row,
    SiteData,
)

NBSP = "\u00a0"
DASH = "\u2013"  # between two offsets
CRUMB = "\u203a"  # breadcrumb separator

# Folders of the per-item pages, by what the item is.
FOLDERS = {"commitment": "commitments", "indicator": "indicators", "event": "events", "source": "sources"}


def file_name(kind: str, item_id: str) -> str:
    """Path of an item's page relative to the site root (``model.load`` checked every id against
    the schema's id pattern, so an id is a safe file name)."""
    return f"{FOLDERS[kind]}/{item_id}.html"


def href(kind: str, item_id: str, depth: int, anchor: str = "") -> str:
    return "../" * depth + file_name(kind, item_id) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------------
# Values


def _compact(value: float, symbol: str) -> str:
    if symbol == "W":
        for size, prefix in ((1e9, "GW"), (1e6, "MW"), (1e3, "kW")):
            if value >= size:
                return f"{value / size:g}{NBSP}{prefix}"
        return ""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{value / size:g}{NBSP}{word}" + (f" {symbol}" if symbol else "")
    return ""


def amount_text(data: SiteData, value: float | None, unit_id: str | None, qualifier: str | None) -> str:
    """Plain text: 'more than 40 000', '11 000 000 000 MAD (11 billion MAD)', '16 000 000 000 W (16 GW)'."""
    if value is None:
        return ""
    unit = data.units.get(unit_id or "")
    symbol = "" if unit is None else summary.unit_symbol(unit["label"], unit_id)
    if unit is not None and unit["dimension"] == "count":
        symbol = ""
    number = summary.format_amount(value).replace(" ", NBSP)
    words = QUALIFIER_WORDS.get(qualifier or "", "") if qualifier != "exactly" else ""
    text = " ".join(p for p in (words, number + (f"{NBSP}{symbol}" if symbol else "")) if p)
    compact = _compact(float(value), symbol)
    return f"{text} ({compact})" if compact else text


def target_html(data: SiteData, commitment: Row) -> str:
    text = amount_text(
        data, commitment["target_value"], commitment["unit_id"], commitment["target_qualifier"]
    )
    if text:
        return esc(text)
    has_values = any(c["value"] is not None for c in data.commitment_claims(commitment["commitment_id"]))
    if has_values and data.is_disputed(commitment["commitment_id"]):
        return not_stated("sources disagree")
    return not_stated("none stated")


def actor_name(data: SiteData, actor_id: str | None) -> str:
    actor = data.actors.get(actor_id or "")
    return actor["name"] if actor else (actor_id or "")


def entity_label(data: SiteData, kind: str, item_id: str) -> str:
    """HTML naming a commitment, indicator or event (in French, as the sources word it)."""
    if kind == "commitment":
        return f'<span lang="fr">{esc(data.commitments[item_id]["title_fr"])}</span>'
    if kind == "indicator":
        return f'<span lang="fr">{esc(data.indicators[item_id]["name_fr"])}</span>'
    if kind == "event":
        return f'<span lang="fr">{esc(data.events[item_id]["name"])}</span>'
    raise ValueError(kind)


def source_label(data: SiteData, source_id: str) -> str:
    """Plain text naming a source: its outlet (else its title, else its id) and date when stated."""
    source = data.sources[source_id]
    name = source["outlet"] or _shorten(source["title"] or "", 60) or source_id
    return f"{name}, {source['published_on'].isoformat()}" if source["published_on"] else name


def _shorten(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: width - 1].rsplit(" ", 1)[0] + "…"


def footer(data: SiteData) -> str:
    licences = " ".join(
        link(lic.get("path"), esc(lic.get("name", "")), rel="license") for lic in data.licences
    )
    return (
        f"Data package <code>{esc(data.descriptor.get('name', ''))}</code> version {esc(data.version)}"
        f" · data licence {licences or 'not stated'} · pages generated from <code>datapackage.json</code>"
        " by <code>commitments site</code>. The archived source texts remain the property of their"
        " publishers and are shown as evidence."
    )


def site_title(data: SiteData) -> str:
    """The short name in every page's header: the package title up to its colon."""
    return data.title.split(":", 1)[0].strip() or data.title


def _page(data: SiteData, *, title: str, body: str, depth: int, active: str, description: str = "") -> str:
    return page(
        title=title,
        body=body,
        depth=depth,
        active=active,
        site_title=site_title(data),
        footer=footer(data),
        description=description,
    )


# ---------------------------------------------------------------------------------------------
# Shared blocks


def claim_article(data: SiteData, claim: Row, depth: int, show_about: bool = False) -> str:
    """A claim: source, byline and date, the quote highlighted in a few sentences of its seed."""
    cid = claim["claim_id"]
    source = data.sources[claim["source_id"]]
    seed = data.seeds[claim["source_id"]]
    ctx = passages.context(seed, claim["quote_start"], claim["quote_end"])
    byline = [
        f"by {esc(source['author'])}" if source["author"] else "author not stated",
        time_tag(source["published_on"]) if source["published_on"] else "date not stated",
    ]
    if claim["speaker_actor_id"]:
        byline.append(f"speaker: {esc(actor_name(data, claim['speaker_actor_id']))}")
    byline.append(f"claim <code>{esc(cid)}</code>")
    facts = []
    value = amount_text(data, claim["value"], claim["unit_id"], claim["qualifier"])
    if value:
        facts.append(f"Figure stated: <strong>{esc(value)}</strong>")
    if show_about:
        kind, item_id = data.claim_target(claim)
        facts.append(f'About: <a href="{href(kind, item_id, depth)}">{entity_label(data, kind, item_id)}</a>')
    facts.append(
        f'<a href="{href("source", claim["source_id"], depth, f"claim-{cid}")}">'
        f"characters {claim['quote_start']}{DASH}{claim['quote_end']} of the archived text</a>"
    )
    disputes = data.discrepancies_of_claim.get(cid, [])
    dispute_html = ""
    if disputes:
        links = ", ".join(f'<a href="#d-{esc(d)}">{esc(d)}</a>' for d in disputes)
        dispute_html = f'<p class="meta"><span class="badge disputed-mark">Disputed</span> see {links}</p>'
    notes = f'<p class="meta">Note: {esc(claim["notes"])}</p>' if claim["notes"] else ""
    title = source["title"] or f"Untitled text ({claim['source_id']})"
    lang = esc(source["language"])
    outlet = f"{esc(source['outlet'])}: " if source["outlet"] else ""
    source_link = f'<a href="{href("source", claim["source_id"], depth)}" lang="{lang}">{esc(title)}</a>'
    return (
        f'<article class="claim" id="claim-{esc(cid)}">'
        f"<h3>{outlet}{source_link}</h3>"
        f'<p class="meta">{" · ".join(byline)}</p>'
        f'<blockquote class="context" lang="{lang}">'
        f"{ctx.to_html(attrs(class_='quote', data_claim=cid))}</blockquote>"
        f'<p class="meta">{" · ".join(facts)}</p>{dispute_html}{notes}</article>'
    )


def _version_claim(data: SiteData, claim: Row, n: int, depth: int) -> str:
    source = data.sources[claim["source_id"]]
    ctx = passages.context(
        data.seeds[claim["source_id"]], claim["quote_start"], claim["quote_end"], limit=160
    )
    kind, item_id = data.claim_target(claim)
    value = amount_text(data, claim["value"], claim["unit_id"], claim["qualifier"])
    value_html = f"<p>Figure stated: <strong>{esc(value)}</strong></p>" if value else ""
    return (
        f'<article class="version" data-claim="{esc(claim["claim_id"])}">'
        f"<h4>Version {n}: {esc(source_label(data, claim['source_id']))}</h4>{value_html}"
        f'<blockquote class="context" lang="{esc(source["language"])}">'
        f"{ctx.to_html(attrs(class_='quote'))}</blockquote>"
        f'<p class="meta">About {link(href(kind, item_id, depth), entity_label(data, kind, item_id))}'
        f' · <a href="{href("source", claim["source_id"], depth, "claim-" + claim["claim_id"])}">'
        f"in the archived text</a> · claim <code>{esc(claim['claim_id'])}</code></p></article>"
    )


def _version_alias(data: SiteData, alias: Row, n: int, depth: int) -> str:
    source = data.sources[alias["source_id"]]
    ctx = passages.context(
        data.seeds[alias["source_id"]], alias["quote_start"], alias["quote_end"], limit=120
    )
    return (
        f'<article class="version" data-alias="{esc(alias["alias"])}">'
        f"<h4>Spelling {n}: {esc(source_label(data, alias['source_id']))}</h4>"
        f'<p>“<strong lang="{esc(source["language"])}">{esc(alias["alias"])}</strong>” '
        f"for {esc(actor_name(data, alias['actor_id']))}</p>"
        f'<blockquote class="context" lang="{esc(source["language"])}">'
        f"{ctx.to_html(attrs(class_='quote'))}</blockquote>"
        f'<p class="meta"><a href="{href("source", alias["source_id"], depth)}">{esc(source["title"] or "")}'
        "</a></p></article>"
    )


def discrepancy_block(data: SiteData, discrepancy_id: str, depth: int, level: int = 3) -> str:
    """A disagreement: what it is, then every version side by side, none preferred."""
    disc = data.discrepancies[discrepancy_id]
    versions = [
        _version_claim(data, data.claims[c], n, depth)
        for n, c in enumerate(data.discrepancy_claims.get(discrepancy_id, []), start=1)
    ]
    versions += [
        _version_alias(data, a, n, depth)
        for n, a in enumerate(data.discrepancy_aliases.get(discrepancy_id, []), start=1)
    ]
    kind = DISCREPANCY_KIND_LABELS.get(disc["kind"], disc["kind"])
    did = esc(discrepancy_id)
    return (
        f'<section class="discrepancy" id="d-{did}" aria-labelledby="d-{did}-h">'
        f'<h{level} id="d-{esc(discrepancy_id)}-h">{esc(kind)} <code>{esc(discrepancy_id)}</code></h{level}>'
        f"<p>{esc(disc['description'])}</p>"
        f'<div class="versions">{"".join(versions)}</div></section>'
    )


def _claims_section(data: SiteData, claims: Sequence[Row], depth: int) -> str:
    if not claims:
        return '<section id="claims"><h2>What the sources say</h2><p>No claim is recorded.</p></section>'
    n_sources = len({c["source_id"] for c in claims})
    articles = "".join(claim_article(data, c, depth) for c in claims)
    return (
        '<section id="claims" aria-labelledby="claims-h">'
        f'<h2 id="claims-h">What the sources say ({len(claims)} claim{"s" if len(claims) != 1 else ""}, '
        f"{n_sources} source{'s' if n_sources != 1 else ''})</h2>"
        '<p class="meta">Each quote is shown highlighted inside the sentences around it in the archived '
        "text, exactly as captured (typography and typos kept).</p>"
        f"{articles}</section>"
    )


def _discrepancies_section(data: SiteData, claims: Sequence[Row], depth: int) -> str:
    ids = data.discrepancies_of(list(claims))
    if not ids:
        return ""
    blocks = "".join(discrepancy_block(data, d, depth) for d in ids)
    return (
        '<section id="discrepancies" aria-labelledby="disc-h">'
        f'<h2 id="disc-h">Where the sources disagree ({len(ids)})</h2>'
        "<p>Every version is kept as published; none is silently preferred.</p>"
        f"{blocks}</section>"
    )


def _sort_claims(claims: Sequence[Row], data: SiteData) -> list[Row]:
    def key(c: Row):
        published = data.sources[c["source_id"]]["published_on"]
        return (published.isoformat() if published else "9999", c["source_id"], c["quote_start"])

    return sorted(claims, key=key)


# ---------------------------------------------------------------------------------------------
# Index


def _options(label: str, name: str, choices: Sequence[tuple[str, str]], all_label: str) -> str:
    opts = "".join(f'<option value="{esc(v)}">{esc(t)}</option>' for v, t in choices)
    return (
        f'<label for="f-{name}">{esc(label)}<select id="f-{name}" name="{name}">'
        f'<option value="">{esc(all_label)}</option>{opts}</select></label>'
    )


def _index_row(data: SiteData, cid: str) -> str:
    c = data.commitments[cid]
    current = data.current_status(cid) or {}
    status = current.get("status") or ""
    sector = data.sectors.get(c["sector_id"], {})
    actor_ids = data.actor_ids(cid)
    people = []
    if c["owner_actor_id"]:
        people.append(f'{esc(actor_name(data, c["owner_actor_id"]))} <span class="muted">(owner)</span>')
    for p in data.parties.get(cid, []):
        if p["actor_id"] == c["owner_actor_id"] and p["role"] == "owner":
            continue
        role = ROLE_LABELS.get(p["role"], p["role"])
        people.append(f'{esc(actor_name(data, p["actor_id"]))} <span class="muted">({esc(role)})</span>')
    people_html = (
        '<ul class="plain">' + "".join(f"<li>{p}</li>" for p in people) + "</ul>" if people else not_stated()
    )
    deadline = esc(c["deadline_year"]) if c["deadline_year"] is not None else not_stated("none")
    n_sources = len(data.commitment_source_ids(cid))
    mark = disputed_mark(href("commitment", cid, 0, "discrepancies")) if data.is_disputed(cid) else ""
    row_attrs = attrs(
        id_=f"row-{cid}",
        data_id=cid,
        data_sector=c["sector_id"],
        data_kind=c["kind"],
        data_status=status,
        data_actors=" ".join(actor_ids),
        data_disputed="true" if mark else "false",
    )
    sector_html = bilingual(sector.get("name_fr", c["sector_id"]), sector.get("name_en", ""))
    return (
        f"<tr{row_attrs}>"
        f'<th scope="row">{link(href("commitment", cid, 0), bilingual(c["title_fr"], c["title_en"]))}'
        f' {mark}<span class="cid">{esc(cid)}</span></th>'
        f'<td data-label="Kind">{kind_label(c["kind"])}</td>'
        f'<td data-label="Sector" class="sector">{sector_html}</td>'
        f'<td data-label="Owner and parties">{people_html}</td>'
        f'<td data-label="Target">{target_html(data, c)}</td>'
        f'<td data-label="Deadline">{deadline}</td>'
        f'<td data-label="Status">{status_badge(status)} {formality_badge(current.get("formality"))}</td>'
        f'<td data-label="Sources" class="num"><a href="{href("commitment", cid, 0, "claims")}" '
        f'aria-label="{n_sources} sources">{n_sources}</a></td>'
        "</tr>"
    )


def index_page(data: SiteData) -> str:
    ids = sorted(data.commitments, key=lambda i: (data.commitments[i]["title_fr"].casefold(), i))
    currents = {cid: (data.current_status(cid) or {}).get("status") or "" for cid in ids}
    status_counts = Counter(currents.values())
    kind_counts = Counter(data.commitments[c]["kind"] for c in ids)
    disputed = [c for c in ids if data.is_disputed(c)]

    stats = [
        (len(ids), "commitments"),
        (len(data.claims), "quoted claims"),
        (len(data.sources), "archived sources"),
        (len(data.discrepancies), "disagreements between sources"),
        (len(disputed), "disputed commitments"),
    ]
    stats_html = "".join(f"<li><strong>{n}</strong> {esc(label)}</li>" for n, label in stats)
    status_rows = "".join(
        f'<tr><th scope="row"><a href="index.html?status={esc(s)}#list-h">{status_badge(s)}</a></th>'
        f'<td class="num">{status_counts[s]}</td></tr>'
        for s in STATUS_LABELS
        if status_counts[s]
    )
    kind_rows = "".join(
        f'<tr><th scope="row"><a href="index.html?kind={esc(k)}#list-h">{esc(label)}</a></th>'
        f'<td class="num">{kind_counts[k]}</td></tr>'
        for k, label in KIND_LABELS.items()
        if kind_counts[k]
    )
    chart_rows = [(data.commitments[c]["deadline_year"], currents[c]) for c in ids]

    sectors_used = sorted({data.commitments[c]["sector_id"] for c in ids})
    actors_used = sorted(
        {a for c in ids for a in data.actor_ids(c)}, key=lambda a: actor_name(data, a).casefold()
    )
    filters = (
        '<form id="filters" class="filters" role="search" aria-label="Filter the commitments" hidden>'
        + _options(
            "Sector",
            "sector",
            [(s, data.sectors[s]["name_en"] if s in data.sectors else s) for s in sectors_used],
            "All sectors",
        )
        + _options("Kind", "kind", [(k, KIND_LABELS[k]) for k in KIND_LABELS if kind_counts[k]], "All kinds")
        + _options(
            "Status",
            "status",
            [(s, STATUS_LABELS[s]) for s in STATUS_LABELS if status_counts[s]],
            "All statuses",
        )
        + _options("Actor", "actor", [(a, actor_name(data, a)) for a in actors_used], "All actors")
        + '<label for="f-q">Search<input id="f-q" name="q" type="search" placeholder="title, actor, id">'
        "</label>"
        '<button type="reset">Clear</button></form>'
    )
    rows = "".join(_index_row(data, cid) for cid in ids)
    description = str(data.descriptor.get("description", ""))
    body = f"""<h1>{esc(data.title)}</h1>
<p>{esc(description)}</p>
<section aria-labelledby="glance-h">
<h2 id="glance-h">At a glance</h2>
<ul class="stats">{stats_html}</ul>
<div class="glance">
<table class="counts"><caption>By current status</caption><thead><tr><th scope="col">Status</th>
<th scope="col" class="num">Commitments</th></tr></thead><tbody>{status_rows}</tbody></table>
<table class="counts"><caption>By kind</caption><thead><tr><th scope="col">Kind</th>
<th scope="col" class="num">Commitments</th></tr></thead><tbody>{kind_rows}</tbody></table>
<figure>{chart.svg(chart_rows)}
<figcaption>Commitments by deadline year, coloured by current status.
<details><summary>The numbers</summary>{chart.table(chart_rows)}</details></figcaption></figure>
</div>
</section>
<section aria-labelledby="list-h">
<h2 id="list-h">All commitments</h2>
<p>A commitment is something an actor said will be done. Open one to read every quote in its archived
source, its status history and, where sources disagree, each version side by side.</p>
{filters}
<p id="shown" aria-live="polite">{len(ids)} commitments</p>
<table id="commitments" class="list">
<caption class="visually-hidden">Commitments with their owner, target, deadline and current status</caption>
<thead><tr><th scope="col">Commitment</th><th scope="col">Kind</th><th scope="col">Sector</th>
<th scope="col">Owner and parties</th><th scope="col">Target</th><th scope="col">Deadline</th>
<th scope="col">Status and formality</th><th scope="col" class="num">Sources</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</section>"""
    return _page(data, title="Commitments", body=body, depth=0, active="index", description=description)


# ---------------------------------------------------------------------------------------------
# Commitment pages


def _timeline(data: SiteData, cid: str) -> str:
    rows = data.statuses.get(cid, [])
    if not rows:
        return '<section id="timeline"><h2>Status over time</h2><p>No status is recorded yet.</p></section>'
    items = []
    for row in rows:
        evidence = [
            "Source: " + link(href("source", row["source_id"], 1), esc(source_label(data, row["source_id"])))
        ]
        quote = ""
        if row["claim_id"] and row["claim_id"] in data.claims:
            claim = data.claims[row["claim_id"]]
            lang = data.sources[claim["source_id"]]["language"]
            quote = (
                f'<blockquote class="evidence" lang="{esc(lang)}"><q>{esc(claim["quote"])}</q></blockquote>'
            )
            anchor = (
                f"#claim-{row['claim_id']}"
                if claim["commitment_id"] == cid
                else href("source", claim["source_id"], 1, f"claim-{row['claim_id']}")
            )
            evidence.append(
                f'evidence: claim <a href="{esc(anchor)}"><code>{esc(row["claim_id"])}</code></a>'
            )
        actual = amount_text(data, row["actual_value"], data.commitments[cid]["unit_id"], None)
        if actual:
            evidence.append(f"delivered so far: <strong>{esc(actual)}</strong>")
        items.append(
            f'<li class="status-row" data-status="{esc(row["status"])}">'
            f"<p>{time_tag(row['as_of'])} {status_badge(row['status'])} "
            f"{formality_badge(row['formality'])}</p>"
            f"<p>{esc(row['rationale'])}</p>{quote}"
            f'<p class="meta">{" · ".join(evidence)}</p></li>'
        )
    return (
        '<section id="timeline" aria-labelledby="timeline-h">'
        f'<h2 id="timeline-h">Status over time ({len(rows)} update{"s" if len(rows) != 1 else ""})</h2>'
        '<p class="meta">Status rows are never edited: a change is a new dated row with its evidence.</p>'
        f'<ol class="timeline">{"".join(items)}</ol></section>'
    )


def commitment_page(data: SiteData, cid: str) -> str:
    c = data.commitments[cid]
    current = data.current_status(cid) or {}
    claims = _sort_claims(data.commitment_claims(cid), data)
    sector = data.sectors.get(c["sector_id"], {})
    disputed = data.is_disputed(cid)
    facts: list[tuple[str, str]] = [
        (
            "Status",
            f"{status_badge(current.get('status'))} {formality_badge(current.get('formality'))}"
            + (f' <span class="meta">as of {time_tag(current["as_of"])}</span>' if current else ""),
        ),
        ("Kind", kind_label(c["kind"])),
        ("Sector", bilingual(sector.get("name_fr", c["sector_id"]), sector.get("name_en", ""))),
        ("Owner", esc(actor_name(data, c["owner_actor_id"])) if c["owner_actor_id"] else not_stated()),
    ]
    parties = data.parties.get(cid, [])
    if parties:
        items = "".join(
            f"<li>{esc(actor_name(data, p['actor_id']))} ({esc(ROLE_LABELS.get(p['role'], p['role']))}), "
            f'<a href="{esc(_claim_href(data, p["claim_id"], cid))}">quote</a></li>'
            for p in parties
        )
        facts.append(("Parties", f"<ul>{items}</ul>"))
    facts.append(("Target", target_html(data, c)))
    if c["target_qualifier"] and c["target_value"] is not None:
        facts.append(("Qualifier", esc(QUALIFIER_WORDS.get(c["target_qualifier"], c["target_qualifier"]))))
    if c["unit_id"]:
        facts.append(("Unit", esc(data.units.get(c["unit_id"], {}).get("label", c["unit_id"]))))
    facts.append(
        ("Deadline", esc(c["deadline_year"]) if c["deadline_year"] is not None else not_stated("none stated"))
    )
    facts.append(("Announced on", time_tag(c["announced_on"]) if c["announced_on"] else not_stated()))
    if c["event_id"]:
        facts.append(
            (
                "Event",
                link(href("event", c["event_id"], 1), entity_label(data, "event", c["event_id"])),
            )
        )
    if c["parent_commitment_id"]:
        parent = c["parent_commitment_id"]
        facts.append(
            (
                "Part of",
                f'<a href="{href("commitment", parent, 1)}">{entity_label(data, "commitment", parent)}</a>',
            )
        )
    kids = data.children.get(cid, [])
    if kids:
        items = "".join(
            f'<li><a href="{href("commitment", k, 1)}">{entity_label(data, "commitment", k)}</a></li>'
            for k in sorted(kids)
        )
        facts.append(("Includes", f"<ul>{items}</ul>"))
    source_ids = data.commitment_source_ids(cid)
    facts.append(
        (
            "Sources",
            f"{len(source_ids)}: "
            + ", ".join(
                f'<a href="{href("source", s, 1)}">{esc(source_label(data, s))}</a>' for s in source_ids
            ),
        )
    )
    if c["notes"]:
        facts.append(("Curator's note", esc(c["notes"])))
    facts.append(("Identifier", f"<code>{esc(cid)}</code>"))
    dl = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts)
    mark = (
        f"<p>{disputed_mark('#discrepancies')} Sources disagree about this commitment.</p>"
        if disputed
        else ""
    )
    body = (
        f'<p class="meta"><a href="../index.html">All commitments</a> {CRUMB} {kind_label(c["kind"])}</p>'
        f"<h1>{bilingual(c['title_fr'], c['title_en'])}</h1>{mark}"
        f'<dl class="facts">{dl}</dl>'
        f"{_timeline(data, cid)}{_claims_section(data, claims, 1)}{_discrepancies_section(data, claims, 1)}"
    )
    return _page(data, title=c["title_en"], body=body, depth=1, active="index", description=c["title_en"])


def _claim_href(data: SiteData, claim_id: str, cid: str) -> str:
    claim = data.claims.get(claim_id)
    if claim is None:
        return "#claims"
    if claim["commitment_id"] == cid:
        return f"#claim-{claim_id}"
    return href("source", claim["source_id"], 1, f"claim-{claim_id}")


# ---------------------------------------------------------------------------------------------
# Events and indicators


def event_page(data: SiteData, event_id: str) -> str:
    ev = data.events[event_id]
    claims = _sort_claims(data.claims_by_target.get(("event", event_id), []), data)
    disputed = bool(data.discrepancies_of(claims))
    dates = " to ".join(time_tag(d) for d in (ev["start_date"], ev["end_date"]) if d) or not_stated()
    city = esc(ev["city"]) if ev["city"] else not_stated("sources disagree" if disputed else "not stated")
    commitments = sorted(c for c, row in data.commitments.items() if row["event_id"] == event_id)
    items = "".join(
        f'<li><a href="{href("commitment", c, 1)}">{entity_label(data, "commitment", c)}</a></li>'
        for c in commitments
    )
    facts = [
        ("Dates", dates),
        ("Venue", esc(ev["venue"]) if ev["venue"] else not_stated()),
        ("City", city),
        (
            "Organiser",
            esc(actor_name(data, ev["organiser_actor_id"])) if ev["organiser_actor_id"] else not_stated(),
        ),
        ("Commitments announced", f"{len(commitments)}<ul>{items}</ul>" if commitments else "0"),
    ]
    if ev["notes"]:
        facts.append(("Curator's note", esc(ev["notes"])))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    body = (
        f'<p class="meta"><a href="../context.html">Event and indicators</a> {CRUMB} event</p>'
        f'<h1 lang="fr">{esc(ev["name"])}</h1><dl class="facts">{dl}</dl>'
        f"{_claims_section(data, claims, 1)}{_discrepancies_section(data, claims, 1)}"
    )
    return _page(data, title=ev["name"], body=body, depth=1, active="context")


def indicator_page(data: SiteData, indicator_id: str) -> str:
    ind = data.indicators[indicator_id]
    claims = _sort_claims(data.claims_by_target.get(("indicator", indicator_id), []), data)
    sector = data.sectors.get(ind["sector_id"], {})
    value = amount_text(data, ind["value"], ind["unit_id"], ind["qualifier"])
    facts = [
        (
            "Value",
            esc(value)
            if value
            else not_stated("sources disagree" if data.discrepancies_of(claims) else "not stated"),
        ),
        ("Unit", esc(data.units.get(ind["unit_id"], {}).get("label", ind["unit_id"]))),
        ("Reference period", esc(ind["reference_period"]) if ind["reference_period"] else not_stated()),
        ("Sector", bilingual(sector.get("name_fr", ind["sector_id"]), sector.get("name_en", ""))),
    ]
    if ind["notes"]:
        facts.append(("Curator's note", esc(ind["notes"])))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    body = (
        f'<p class="meta"><a href="../context.html">Event and indicators</a> {CRUMB} indicator '
        "(a context figure "
        "nobody promised)</p>"
        f'<h1>{bilingual(ind["name_fr"], ind["name_en"])}</h1><dl class="facts">{dl}</dl>'
        f"{_claims_section(data, claims, 1)}{_discrepancies_section(data, claims, 1)}"
    )
    return _page(data, title=ind["name_en"], body=body, depth=1, active="context")


def context_page(data: SiteData) -> str:
    events = "".join(
        f'<li><a href="{href("event", e, 0)}" lang="fr">{esc(row["name"])}</a> '
        f'<span class="meta">{time_tag(row["start_date"]) if row["start_date"] else ""}</span></li>'
        for e, row in data.events.items()
    )
    rows = []
    for i, ind in data.indicators.items():
        value = amount_text(data, ind["value"], ind["unit_id"], ind["qualifier"])
        n = len(data.claims_by_target.get(("indicator", i), []))
        name = link(href("indicator", i, 0), bilingual(ind["name_fr"], ind["name_en"]))
        rows.append(
            f'<tr><th scope="row">{name}</th>'
            f'<td class="num">{esc(value) if value else not_stated()}</td>'
            f'<td>{esc(ind["reference_period"] or "")}</td><td class="num">{n}</td></tr>'
        )
    body = (
        "<h1>Event and context indicators</h1>"
        '<section aria-labelledby="ev-h"><h2 id="ev-h">Events</h2>'
        f"<p>Where the commitments were announced.</p><ul>{events}</ul></section>"
        '<section aria-labelledby="ind-h"><h2 id="ind-h">Indicators</h2>'
        "<p>Context figures quoted by the sources that nobody promised: they frame the commitments but are "
        "not tracked as promises.</p>"
        '<table class="list"><thead><tr><th scope="col">Indicator</th><th scope="col" class="num">Value</th>'
        '<th scope="col">Period</th><th scope="col" class="num">Claims</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )
    return _page(data, title="Event and indicators", body=body, depth=0, active="context")


# ---------------------------------------------------------------------------------------------
# Sources


def _claim_target_href(data: SiteData, claim: Row, depth: int) -> str:
    kind, item_id = data.claim_target(claim)
    return href(kind, item_id, depth, f"claim-{claim['claim_id']}")


def source_page(data: SiteData, source_id: str) -> str:
    source = data.sources[source_id]
    seed = data.seeds[source_id]
    claims = data.claims_by_source.get(source_id, [])
    spans = [passages.Span(c["claim_id"], c["quote_start"], c["quote_end"]) for c in claims]
    by_id = {c["claim_id"]: c for c in claims}

    def marker(span: passages.Span, n: int) -> str:
        claim = by_id[span.key]
        kind, item_id = data.claim_target(claim)
        label = {"commitment": "commitment", "indicator": "indicator", "event": "event"}[kind]
        return (
            f'<a class="ref" id="claim-{esc(span.key)}" href="{esc(_claim_target_href(data, claim, 1))}" '
            f'title="Claim {n}: about the {label} {esc(item_id)}">[{n}]</a>'
        )

    def mark_attrs(covering: list[passages.Span]) -> str:
        keys = " ".join(s.key for s in covering)
        return attrs(class_="multi" if len(covering) > 1 else None, data_claims=keys)

    text_html = passages.highlight(seed, spans, marker, mark_attrs)
    covered = passages.coverage(len(seed), spans)
    share = f"{100 * covered / len(seed):.1f}" if seed else "0"
    ordered = sorted(claims, key=lambda c: (c["quote_start"], -c["quote_end"], c["claim_id"]))
    rows = []
    for n, claim in enumerate(ordered, start=1):
        kind, item_id = data.claim_target(claim)
        disputed = (
            " " + '<span class="badge disputed-mark">Disputed</span>'
            if claim["claim_id"] in data.discrepancies_of_claim
            else ""
        )
        about = link(_claim_target_href(data, claim, 1), entity_label(data, kind, item_id))
        rows.append(
            f'<tr><td class="num"><a href="#claim-{esc(claim["claim_id"])}">[{n}]</a></td>'
            f"<td><code>{esc(claim['claim_id'])}</code>{disputed}</td>"
            f"<td>{esc(kind)}: {about}</td>"
            f'<td class="num">{claim["quote_start"]}{DASH}{claim["quote_end"]}</td></tr>'
        )
    aliases = data.aliases_by_source.get(source_id, [])
    alias_html = ""
    if aliases:
        items = "".join(
            f'<li><strong lang="{esc(source["language"])}">{esc(a["alias"])}</strong> for '
            f"{esc(actor_name(data, a['actor_id']))} "
            f"(characters {a['quote_start']}{DASH}{a['quote_end']})</li>"
            for a in aliases
        )
        alias_html = (
            f'<section aria-labelledby="names-h"><h2 id="names-h">Names as spelled here ({len(aliases)})</h2>'
            f"<ul>{items}</ul></section>"
        )
    url = (
        link(source["url"], esc(source["url"]), rel="noopener noreferrer")
        if source["url"]
        else not_stated("not stated by the archived text")
    )
    facts = [
        ("Outlet", esc(source["outlet"]) if source["outlet"] else not_stated()),
        ("Author", esc(source["author"]) if source["author"] else not_stated()),
        ("Published", time_tag(source["published_on"]) if source["published_on"] else not_stated()),
        ("Genre", esc(source["genre"])),
        ("Language", f"<code>{esc(source['language'])}</code>"),
        ("Original address", url),
        ("Archived text", f"<code>{esc(source['seed_path'])}</code>, {len(seed)} characters"),
        ("SHA-256", f"<code>{esc(source['seed_sha256'])}</code>"),
        ("Coverage", f"{len(claims)} claims quote {covered} characters ({share}% of the archived text)"),
    ]
    if source["notes"]:
        facts.append(("Curator's note", esc(source["notes"])))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    title = source["title"] or f"Untitled text ({source_id})"
    body = (
        f'<p class="meta"><a href="../sources.html">Sources</a> {CRUMB} archived text</p>'
        f'<h1 lang="{esc(source["language"])}">{esc(title)}</h1><dl class="facts">{dl}</dl>'
        '<section aria-labelledby="claims-h"><h2 id="claims-h">Quoted passages</h2>'
        '<table class="list"><thead><tr><th scope="col" class="num">#</th><th scope="col">Claim</th>'
        '<th scope="col">About</th><th scope="col" class="num">Characters</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
        f"{alias_html}"
        '<section aria-labelledby="text-h"><h2 id="text-h">The archived text</h2>'
        '<p class="meta">Byte for byte as captured, page furniture included. Every quoted passage is '
        "highlighted; a number before it links to what it is about (darker where two quotes overlap).</p>"
        f'<div class="seed" lang="{esc(source["language"])}">{text_html}</div></section>'
    )
    return _page(data, title=source["title"] or source_id, body=body, depth=1, active="sources")


def sources_page(data: SiteData) -> str:
    rows = []
    for sid, source in sorted(
        data.sources.items(),
        key=lambda kv: (kv[1]["published_on"] is None, str(kv[1]["published_on"]), kv[0]),
    ):
        claims = data.claims_by_source.get(sid, [])
        published = time_tag(source["published_on"]) if source["published_on"] else not_stated()
        rows.append(
            f'<tr><th scope="row"><a href="{href("source", sid, 0)}" lang="{esc(source["language"])}">'
            f'{esc(source["title"] or f"Untitled text ({sid})")}</a><span class="cid">{esc(sid)}</span></th>'
            f'<td data-label="Outlet">{esc(source["outlet"]) if source["outlet"] else not_stated()}</td>'
            f'<td data-label="Author">{esc(source["author"]) if source["author"] else not_stated()}</td>'
            f'<td data-label="Published">{published}</td>'
            f'<td data-label="Genre">{esc(source["genre"])}</td>'
            f'<td data-label="Claims" class="num">{len(claims)}</td></tr>'
        )
    body = (
        "<h1>Archived sources</h1>"
        "<p>Each source is kept as captured, with its SHA-256. Open one to read it with every quoted "
        "passage highlighted and linked to what it is about.</p>"
        '<table class="list"><thead><tr><th scope="col">Title</th><th scope="col">Outlet</th>'
        '<th scope="col">Author</th><th scope="col">Published</th><th scope="col">Genre</th>'
        '<th scope="col" class="num">Claims</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _page(data, title="Sources", body=body, depth=0, active="sources")


def discrepancies_page(data: SiteData) -> str:
    blocks = "".join(discrepancy_block(data, d, 0, level=2) for d in data.discrepancies)
    body = (
        "<h1>Where the sources disagree</h1>"
        f"<p>{len(data.discrepancies)} disagreements, between sources or within one. Every version is kept "
        "as published and shown side by side; the tracker does not pick one.</p>"
        f"{blocks}"
    )
    return _page(data, title="Disagreements", body=body, depth=0, active="discrepancies")
