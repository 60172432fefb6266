"""The public tracker: a static HTML site built from the data package, with no server and no external asset.

``build_site(root, out)`` writes, under ``out``:

- ``index.html``: summary (counts, headline figures, chart) and every commitment with filters,
  sorting and a CSV of the rows shown;
- ``commitments/<id>.html``, ``events/<id>.html``, ``indicators/<id>.html``: status meter and
  timeline, every claim with its quote in context, disagreements side by side;
- ``actors.html`` and ``actors/<id>.html``: each person or body with every spelling of their name,
  every commitment they are involved in and every quote attributed to them;
- ``sources.html`` and ``sources/<id>.html``: each archived text with every quote highlighted;
- ``discrepancies.html``, ``context.html``, ``downloads.html``, ``about.html`` (the method and
  every definition, from datapackage.json);
- ``feed.xml``: an Atom feed of status changes and sources;
- ``package/`` (the data package, copied) and ``builds/`` (Parquet and DuckDB, when built).

The output is a pure function of the package: building twice gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from commitment_tracker.datapackage import containment
from commitment_tracker.errors import TrackerError
from commitment_tracker.publish.site import downloads, feed, pages
from commitment_tracker.publish.site.model import SiteData, SiteDataError, load
from commitment_tracker.staging import staged_folder

__all__ = ["SiteData", "SiteDataError", "SiteError", "SiteResult", "build_site", "load", "render"]

# Written into every site folder; a folder without it is never deleted or replaced.
MARKER = ".commitments-site"


class SiteError(TrackerError):
    """The site cannot be written where asked; the message says what to do."""


@dataclass
class SiteResult:
    out: Path
    pages: list[str] = field(default_factory=list)
    downloads: list[downloads.Download] = field(default_factory=list)
    builds: list[downloads.Download] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def render(data: SiteData) -> dict[str, str]:
    """Every HTML page of the site except downloads.html, by path relative to the site root."""
    out = {
        "index.html": pages.index_page(data),
        "sources.html": pages.sources_page(data),
        "discrepancies.html": pages.discrepancies_page(data),
        "context.html": pages.context_page(data),
        "actors.html": pages.actors_page(data),
        "about.html": pages.about_page(data),
    }
    for aid in data.actors:
        out[pages.file_name("actor", aid)] = pages.actor_page(data, aid)
    for cid in data.commitments:
        out[pages.file_name("commitment", cid)] = pages.commitment_page(data, cid)
    for sid in data.sources:
        out[pages.file_name("source", sid)] = pages.source_page(data, sid)
    for eid in data.events:
        out[pages.file_name("event", eid)] = pages.event_page(data, eid)
    for iid in data.indicators:
        out[pages.file_name("indicator", iid)] = pages.indicator_page(data, iid)
    return out


def _check_target(out: Path, root: Path) -> None:
    if out == root or out in root.parents:
        raise SiteError(f"{out} holds the package itself; choose an output folder such as dist/site")
    if out.exists():
        if not out.is_dir():
            raise SiteError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise SiteError(
                f"{out} is not empty and was not written by `commitments site`; "
                "choose another --out or empty it first"
            )


def build_site(
    root: Path, out: Path, build_dir: Path | None = None, validate_first: bool = True
) -> SiteResult:
    """Write the site for the package at ``root`` into ``out``, replacing a previous build there.

    The package is validated first and refused, with nothing written, when it is not valid
    (``validate_first=False`` is for development; files outside the package or not regular are
    refused all the same, by every reader). Everything is written into a temporary folder beside
    ``out`` first, so a failure leaves the previous site as it was. ``build_dir`` is where the
    Parquet/DuckDB builds are looked for.
    """
    try:  # before resolving: a dist/ link leading outside must be seen as a link
        containment.check_output(Path(root), Path(out))
    except containment.ContainmentError as exc:
        raise SiteError(f"--out {out}: {exc}") from None
    root = Path(root).resolve()
    out = Path(out).resolve()
    _check_target(out, root)
    if validate_first:
        from commitment_tracker.publish.build import BuildError, refuse_invalid

        try:
            refuse_invalid(root, "no site was written")
        except BuildError as exc:
            raise SiteError(str(exc)) from None
    data = load(root)
    html_pages = render(data)
    with staged_folder(out, whole=True) as tmp:
        result = SiteResult(out=out)
        for rel, text in sorted(html_pages.items()):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        result.downloads = downloads.copy_package(data, tmp)
        result.builds, result.notes = downloads.copy_builds(data, build_dir, tmp, skip=out)
        (tmp / "downloads.html").write_text(
            downloads.downloads_page(data, result.downloads, result.builds, result.notes),
            encoding="utf-8",
            newline="\n",
        )
        (tmp / pages.FEED).write_text(feed.atom(data), encoding="utf-8", newline="\n")
        (tmp / MARKER).write_text(f"{data.descriptor.get('name', '')} {data.version}\n", encoding="utf-8")
        result.pages = sorted([*html_pages, "downloads.html"])
    return result
