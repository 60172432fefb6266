"""feed.xml: an Atom feed (RFC 4287) of status changes and sources, for readers who follow the tracker.

One entry per status row (the first status of a commitment, then each change) and one per archived
source. An entry is dated by what the data says: a status by its ``as_of`` date, a source by its
publication date, and a source that gives none by the package's ``created`` date (when this
version of the data was made). Entry ids are stable UUIDs derived from what the entry is about, so
a feed reader recognises an entry it has already shown. Links are relative to feed.xml, which sits
at the site root beside the pages.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from commitment_tracker.publish.site import meta, model, pages, prose
from commitment_tracker.publish.site.model import SiteData

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Entry:
    key: str  # what the entry is about, for its id
    title: str
    updated: str  # RFC 3339
    link: str  # relative to the site root
    summary: str


def _day(value: dt.date) -> str:
    return f"{value.isoformat()}T00:00:00Z"


def _created(data: SiteData) -> str:
    """The package's ``created`` date-time in RFC 3339 (Atom needs one), or 1970 when it has none."""
    created = str(data.descriptor.get("created") or "")
    try:
        stamp = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return "1970-01-01T00:00:00Z"
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_entries(data: SiteData) -> list[Entry]:
    """The first status of each commitment and every change of status after it."""
    entries = []
    for cid in sorted(data.statuses):
        title = data.commitments[cid]["title_en"]
        previous = None
        for row in data.statuses[cid]:
            status = row["status"]
            if status == previous:
                continue  # a later review that kept the status: not a change
            label = data.label(model.STATUS, status)
            change = label if previous is None else f"{data.label(model.STATUS, previous)} → {label}"
            previous = status
            entries.append(
                Entry(
                    key=f"status/{cid}/{row['as_of'].isoformat()}/{status}",
                    title=f"{title}: {change}",
                    updated=_day(row["as_of"]),
                    link=pages.href("commitment", cid, 0, "timeline"),
                    summary=prose.plain(data, row["rationale"])
                    + f" Source: {data.source_label(row['source_id'])}.",
                )
            )
    return entries


def source_entries(data: SiteData) -> list[Entry]:
    entries = []
    for sid, source in sorted(data.sources.items()):
        n = len(data.claims_by_source.get(sid, []))
        entries.append(
            Entry(
                key=f"source/{sid}",
                title=f"New source: {data.source_label(sid)}",
                updated=_day(source["published_on"]) if source["published_on"] else _created(data),
                link=pages.href("source", sid, 0),
                summary=f"{data.source_title(sid)}. {n} quoted claim{'s' if n != 1 else ''}.",
            )
        )
    return entries


def _id(data: SiteData, key: str) -> str:
    name = str(data.descriptor.get("name") or "data")
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{name}/{key}").urn


def atom(data: SiteData) -> str:
    """The feed document, newest entries first; the same package always gives the same bytes."""
    entries = sorted(
        status_entries(data) + source_entries(data), key=lambda e: (e.updated, e.key), reverse=True
    )
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "title", f"{data.site_title}: status changes and new sources")
    sub(feed, "id", _id(data, "feed"))
    sub(feed, "updated", max([e.updated for e in entries], default=_created(data)))
    sub(feed, "link", rel="self", href="feed.xml")
    sub(feed, "link", rel="alternate", type="text/html", href="index.html")
    for name in meta.authors(data) or [data.site_title]:
        sub(sub(feed, "author"), "name", name)
    sub(feed, "subtitle", f"Data package version {data.version}")
    for entry in entries:
        item = sub(feed, "entry")
        sub(item, "title", entry.title)
        sub(item, "id", _id(data, entry.key))
        sub(item, "updated", entry.updated)
        sub(item, "link", rel="alternate", type="text/html", href=entry.link)
        sub(item, "summary", entry.summary)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
