"""The static site, checked without a browser: files, links, escaping, size, determinism, the hook for builds.

Browser behaviour (filters, console errors, screenshots) is in test_site_browser.py.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import site_support as expect
from conftest import REPO, copy_package, run_cli, set_cell

from commitment_tracker import amounts, database
from commitment_tracker.publish import site
from commitment_tracker.publish.site import chart, downloads, markup, pages, passages, prose

MAX_PAGE_BYTES = 64 * 1024  # "a few tens of KB per page"


class PageParser(HTMLParser):
    """Collects what the checks need from one page: links, ids, asset references, script blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, href)
        self.ids: set[str] = set()
        self.assets: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.scripts = 0
        self.jsonld = 0
        self.h1 = 0
        self.in_title = False
        self.title = ""
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append((tag, a["href"]))
        for name in ("src", "srcset", "poster", "data", "action", "formaction"):
            if name in a:
                self.assets.append((tag, name, a[name]))
        if tag == "link":
            self.assets.append((tag, "href", a.get("href", "")))
        if tag in ("iframe", "object", "embed", "img", "audio", "video", "base"):
            self.assets.append((tag, "", ""))
        if tag == "script" and a.get("type") in (None, "", "module", "text/javascript"):
            self.scripts += 1  # code; a data block (JSON-LD) is never run
        if tag == "script" and a.get("type") == "application/ld+json":
            self.jsonld += 1
        if tag == "h1":
            self.h1 += 1
        if tag == "title":
            self.in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the real package and the site built from it (the copy keeps concurrent edits out)."""
    base = tmp_path_factory.mktemp("site")
    root = copy_package(base / "pkg")
    site.build_site(root, base / "site")
    return root, base / "site"


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_one_page_per_item(built):
    root, out = built
    for name in (
        "index.html",
        "sources.html",
        "discrepancies.html",
        "context.html",
        "downloads.html",
        "actors.html",
        "about.html",
        "feed.xml",
    ):
        assert (out / name).is_file(), name
    expected = {
        "commitments": expect.commitment_ids(root),
        "sources": [r["source_id"] for r in expect.rows(root, "sources")],
        "events": [r["event_id"] for r in expect.rows(root, "events")],
        "indicators": [r["indicator_id"] for r in expect.rows(root, "indicators")],
        "actors": [r["actor_id"] for r in expect.rows(root, "actors")],
    }
    for folder, ids in expected.items():
        assert sorted(p.stem for p in (out / folder).glob("*.html")) == sorted(ids), folder


def test_pages_are_small_and_well_formed(built):
    _, out = built
    for path in html_files(out):
        size = path.stat().st_size
        assert size <= MAX_PAGE_BYTES, f"{path.relative_to(out)} is {size} bytes"
        page = parse(path)
        assert page.h1 == 1, f"{path.name}: {page.h1} h1 elements"
        assert page.title.strip(), path.name
        assert page.scripts == 1, f"{path.name}: only the page's own script"
        assert {"main"} <= page.ids, path.name


def test_no_external_asset_of_any_kind(built):
    """Nothing is loaded from anywhere: no src, no stylesheet link, no frame; only data: for the icon."""
    _, out = built
    for path in html_files(out):
        text = path.read_text(encoding="utf-8")
        for tag, attribute, value in parse(path).assets:
            local_feed = tag == "link" and value.endswith(pages.FEED) and "://" not in value
            assert local_feed or (tag == "link" and value.startswith("data:")), (
                f"{path.name}: <{tag} {attribute}={value!r}>"
            )
        assert "@import" not in text and "url(" not in text, path.name
        assert "default-src 'none'" in text, f"{path.name} lacks the Content-Security-Policy"


def test_every_internal_link_resolves(built):
    """Relative links point at files in the site, and #fragments at ids that exist there."""
    _, out = built
    ids_cache: dict[Path, set[str]] = {}
    checked = 0
    for path in html_files(out):
        for _, href in parse(path).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                assert parts.scheme in ("https", "http"), f"{path.name}: {href}"
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path.relative_to(out)} links to missing {href}"
            assert out.resolve() in target.parents, f"{path.name}: {href} leaves the site"
            if parts.fragment and target.suffix == ".html":
                if target not in ids_cache:
                    ids_cache[target] = parse(target).ids
                assert parts.fragment in ids_cache[target], (
                    f"{path.relative_to(out)}: no #{parts.fragment} in {href}"
                )
            checked += 1
    assert checked > 500


def test_index_rows_and_disputed_flags_match_the_data(built):
    root, out = built
    text = (out / "index.html").read_text(encoding="utf-8")
    rows = re.findall(
        r'<tr id="row-([a-z0-9-]+)"[^>]*data-status="([a-z_]*)"[^>]*data-disputed="(true|false)"', text
    )
    assert sorted(r[0] for r in rows) == expect.commitment_ids(root)
    assert {r[0]: r[1] for r in rows} == expect.latest_status(root)
    assert {r[0] for r in rows if r[2] == "true"} == expect.disputed_commitments(root)
    assert text.count('class="badge disputed-mark"') == len(expect.disputed_commitments(root))


def test_commitment_page_holds_every_quote_and_status_row(built):
    root, out = built
    for cid, claims in expect.claims_by_commitment(root).items():
        text = (out / "commitments" / f"{cid}.html").read_text(encoding="utf-8")
        for claim in claims:
            quote = html.escape(claim["quote"], quote=False)
            assert f'data-claim="{claim["claim_id"]}">{quote}</mark>' in text, (cid, claim["claim_id"])
        assert text.count('class="status-row"') == len(expect.status_rows(root, cid))


def test_source_page_highlights_every_claim(built):
    root, out = built
    for source in expect.rows(root, "sources"):
        text = (out / "sources" / f"{source['source_id']}.html").read_text(encoding="utf-8")
        claims = [c for c in expect.rows(root, "claims") if c["source_id"] == source["source_id"]]
        for claim in claims:
            assert f'id="claim-{claim["claim_id"]}"' in text
            assert re.search(rf'data-claims="[^"]*\b{re.escape(claim["claim_id"])}\b', text), claim[
                "claim_id"
            ]


def test_chart_counts_match_the_data(built):
    root, out = built
    text = (out / "index.html").read_text(encoding="utf-8")
    bars = re.findall(
        r'<rect class="bar" data-year="([^"]+)" data-status="([a-z_]+)" data-count="(\d+)"', text
    )
    deadlines = {
        r["commitment_id"]: r["deadline_year"] or chart.NO_DEADLINE for r in expect.rows(root, "commitments")
    }
    statuses = expect.latest_status(root)
    expected: dict[tuple[str, str], int] = {}
    for cid, year in deadlines.items():
        expected[(year, statuses[cid])] = expected.get((year, statuses[cid]), 0) + 1
    assert {(y, s): int(n) for y, s, n in bars} == expected


def test_build_is_deterministic(built, tmp_path):
    root, out = built
    again = tmp_path / "again"
    site.build_site(root, again)
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_package_copy_is_complete_and_zipped(built):
    import zipfile

    root, out = built
    for rel in ("datapackage.json", *(f"data/{p.name}" for p in (root / "data").glob("*.csv"))):
        assert (out / "package" / rel).read_bytes() == (root / rel).read_bytes(), rel
    (zip_path,) = (out / "package").glob("*.zip")
    with zipfile.ZipFile(zip_path) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
    assert "datapackage.json" in names and "data/claims.csv" in names
    assert {f"seeds/{p.name}" for p in (root / "seeds").glob("*.txt")} <= names


def test_downloads_page_shows_version_and_licence(built):
    import json

    root, out = built
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    text = (out / "downloads.html").read_text(encoding="utf-8")
    assert f"<dt>Version</dt><dd>{descriptor['version']}</dd>" in text
    assert descriptor["licenses"][0]["path"] in text
    assert 'id="builds-missing"' in text  # no build folder was given


def test_markup_in_the_data_is_rendered_as_text(tmp_path):
    """Titles, quotes, source titles and descriptions holding tags are escaped on every page."""
    root, cid = expect.hostile_package(tmp_path / "pkg")
    out = tmp_path / "site"
    # The hostile rows break a rule of meaning (validation would refuse them): this test is about
    # rendering, so it builds without validating.
    site.build_site(root, out, validate_first=False)
    for path in html_files(out):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text, path.name
        assert "<img src=x" not in text and "<b>bold" not in text and "<i>plus" not in text, path.name
        assert parse(path).scripts == 1, path.name
    page = (out / "commitments" / f"{cid}.html").read_text(encoding="utf-8")
    for hostile in (
        expect.HOSTILE_TITLE,
        expect.HOSTILE_QUOTE,
        expect.HOSTILE_SOURCE_TITLE,
        expect.HOSTILE_DESCRIPTION,
    ):
        # Escaped either way: quotes need no escaping in text content, and get it in attributes.
        assert html.escape(hostile) in page or html.escape(hostile, quote=False) in page, hostile


def test_a_quote_off_its_offsets_is_a_clear_error(package, tmp_path):
    set_cell(package, "claims", 2, "quote_start", lambda v: str(int(v) + 1))
    with pytest.raises(site.SiteDataError, match=r"not at offsets .* `commitments validate`"):
        site.build_site(package, tmp_path / "site", validate_first=False)
    # Validating first (the default) refuses the same package before reading it for the pages.
    with pytest.raises(site.SiteError, match=r"does not validate .* no site was written"):
        site.build_site(package, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")
    result = run_cli("site", "--root", str(REPO), "--out", str(out))
    assert result.exit_code == 1
    assert "was not written by `commitments site`" in result.output
    assert (out / "thesis.tex").read_text(encoding="utf-8") == "precious"
    with pytest.raises(site.SiteError, match="holds the package itself"):
        site.build_site(REPO, REPO)


def test_cli_replaces_its_own_previous_site(package, tmp_path):
    out = tmp_path / "site"
    first = run_cli("site", "--root", str(package), "--out", str(out))
    assert first.exit_code == 0, first.output
    (out / "commitments" / "stale.html").write_text("old", encoding="utf-8")
    second = run_cli("site", "--root", str(package), "--out", str(out))
    assert second.exit_code == 0, second.output
    assert "pages" in second.output and "index.html" in second.output
    assert not (out / "commitments" / "stale.html").exists()


def test_a_site_folder_that_cannot_be_created_is_a_clear_error(package, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "site"
    result = run_cli("site", "--root", str(package), "--out", str(out))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write the site to {out}: ")
    assert "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_builds_are_picked_up_and_stale_ones_left_out(package, tmp_path):
    """The hook for `commitments build`: DuckDB and Parquet files under --builds are offered, if fresh."""
    builds = tmp_path / "dist"
    (builds / "data").mkdir(parents=True)
    (builds / "commitments.duckdb").write_bytes(b"duckdb")
    (builds / "data" / "claims.parquet").write_bytes(b"PAR1")
    (builds / "datapackage.json").write_text("{}", encoding="utf-8")
    (builds / "data" / "old.parquet").write_bytes(b"PAR1")
    os.utime(builds / "data" / "old.parquet", (0, 0))
    result = site.build_site(package, builds / "site", build_dir=builds)
    offered = sorted(d.path for d in result.builds)
    assert offered == ["builds/commitments.duckdb", "builds/data/claims.parquet", "builds/datapackage.json"]
    assert (builds / "site" / "builds" / "data" / "claims.parquet").read_bytes() == b"PAR1"
    assert any("old.parquet is older than the data" in n for n in result.notes)
    text = (builds / "site" / "downloads.html").read_text(encoding="utf-8")
    assert 'href="builds/commitments.duckdb"' in text and 'id="builds-missing"' not in text
    # Building the site again must not pick up the copies inside the site itself.
    again = site.build_site(package, builds / "site", build_dir=builds)
    assert sorted(d.path for d in again.builds) == offered


def test_real_build_is_offered_when_the_build_command_exists(package, tmp_path):
    build = pytest.importorskip(
        "commitment_tracker.publish.build", reason="the build command (issue 5) is not here"
    )
    build.build(package, tmp_path / "dist", validate_first=False)
    result = site.build_site(package, tmp_path / "site", build_dir=tmp_path / "dist")
    kinds = {d.kind for d in result.builds}
    assert {"DuckDB", "Parquet"} <= kinds
    assert len([d for d in result.builds if d.kind == "Parquet"]) == len(
        list((package / "data").glob("*.csv"))
    )


# --- building blocks ---------------------------------------------------------------------------------


def test_context_takes_whole_sentences_around_the_quote():
    text = "Menu\nFirst one. Second one has the quote inside. Third one. Fourth one."
    start = text.index("the quote")
    ctx = passages.context(text, start, start + len("the quote"), sentences=1)
    assert ctx.before == "First one. Second one has "
    assert ctx.after == " inside. Third one."
    assert ctx.quote == "the quote"
    assert not ctx.cut_before and not ctx.cut_after


def _context_html(ctx: passages.Context) -> str:
    """A context as the pages render it (the `context` macro of _passage.html)."""
    return str(pages.ENV.get_template("_passage.html").module.context(ctx))


def test_context_is_capped_and_says_so():
    text = "word " * 200 + "QUOTE" + " word" * 200
    start = text.index("QUOTE")
    ctx = passages.context(text, start, start + 5, limit=50)
    assert ctx.cut_before and ctx.cut_after
    assert len(ctx.before) <= 50 and len(ctx.after) <= 50
    assert _context_html(ctx).startswith("…") and _context_html(ctx).endswith("…")


def test_context_escapes_everything():
    text = "A <b>bold</b> claim & <script>x</script>. Next."
    start = text.index("<script>")
    html = _context_html(passages.context(text, start, start + len("<script>x</script>")))
    assert "<script>" not in html and "<b>" not in html
    assert '<mark class="quote">&lt;script&gt;x&lt;/script&gt;</mark>' in html
    assert "A &lt;b&gt;bold&lt;/b&gt; claim &amp; " in html


def test_segments_handle_overlapping_spans():
    text = "abcdefghij"
    x, y = passages.Span("x", 2, 6), passages.Span("y", 4, 8)
    pieces = [
        (s.text, [(span.key, n) for span, n in s.starts], [c.key for c in s.covering])
        for s in passages.segments(text, [y, x])
    ]
    assert pieces == [
        ("ab", [], []),
        ("cd", [("x", 1)], ["x"]),
        ("ef", [("y", 2)], ["x", "y"]),
        ("gh", [], ["y"]),
        ("ij", [], []),
    ]
    assert passages.coverage(len(text), [x, y]) == 6


def test_seed_is_rendered_escaped_with_overlaps_marked():
    text = 'a<b>"c"defghij'
    x, y = passages.Span("x", 1, 7), passages.Span("y", 4, 9)
    refs = {
        k: {"href": f"#{k}", "kind": "event", "item_id": "e", "name": "Les <Assises>"} for k in ("x", "y")
    }
    html = str(pages.ENV.get_template("_passage.html").module.seed(passages.segments(text, [x, y]), refs))
    assert html == (
        'a<a class="ref" id="claim-x" href="#x" title="Quote 1, about: Les &lt;Assises&gt;">[1]</a>'
        '<mark data-claims="x">&lt;b&gt;</mark>'
        '<a class="ref" id="claim-y" href="#y" title="Quote 2, about: Les &lt;Assises&gt;">[2]</a>'
        '<mark class="multi" data-claims="x y">"c"</mark><mark data-claims="y">de</mark>fghij'
    )


def test_segments_reject_a_span_outside_the_text():
    with pytest.raises(ValueError, match="outside"):
        passages.segments("abc", [passages.Span("x", 1, 9)])


@pytest.mark.parametrize("status", sorted(markup.STATUS_COLOURS))
def test_badge_and_chart_colours_have_enough_contrast(status):
    fg, bg = markup.STATUS_COLOURS[status]
    assert markup.contrast_ratio(fg, bg) >= 4.5
    assert markup.contrast_ratio(markup.STATUS_FILLS[status], markup.BACKGROUND) >= 3.0


def test_text_colours_have_enough_contrast():
    for fg, bg in [
        (markup.TEXT, markup.BACKGROUND),
        (markup.MUTED, markup.BACKGROUND),
        (markup.LINK, markup.BACKGROUND),
        (markup.TEXT, markup.MARK),
        markup.DISPUTED,
    ]:
        assert markup.contrast_ratio(fg, bg) >= 4.5, (fg, bg)


@pytest.mark.subprocess
def test_site_module_is_not_imported_by_the_cli_at_start():
    import subprocess
    import sys

    code = "import sys, cli; print('commitment_tracker.publish.site' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_downloads_lists_every_resource(built):
    root, out = built
    text = (out / "downloads.html").read_text(encoding="utf-8")
    for csv_file in (root / "data").glob("*.csv"):
        assert f'href="{downloads.PACKAGE_DIR}/data/{csv_file.name}"' in text, csv_file.name


# ---------------------------------------------------------------------------------------------
# What readers rely on: the feed, the citation, actor pages, definitions, wording, figures

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_is_valid_atom_with_an_entry_per_status_change_and_source(built):
    root, out = built
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{tag}") or "").strip(), tag
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    entries = feed.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids), "entry ids are unique"
    changes, sources = set(), set()
    for entry in entries:
        updated = entry.findtext(f"{ATOM}updated")
        dt.datetime.fromisoformat(updated.replace("Z", "+00:00"))  # RFC 3339
        assert entry.findtext(f"{ATOM}title").strip()
        link = entry.find(f"{ATOM}link").get("href")
        target = urlsplit(link)
        assert (out / unquote(target.path)).is_file(), link
        folder, _, page = target.path.partition("/")
        if folder == "commitments":
            changes.add((page.removesuffix(".html"), updated[:10]))
        elif folder == "sources":
            sources.add(page.removesuffix(".html"))
    expected = set()
    for cid in expect.commitment_ids(root):
        previous = None
        for row in expect.status_rows(root, cid):
            if row["status"] != previous:
                expected.add((cid, row["as_of"]))
            previous = row["status"]
    assert changes == expected
    assert sources == {r["source_id"] for r in expect.rows(root, "sources")}


def test_index_describes_the_dataset_in_json_ld_with_its_version(built):
    root, out = built
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    text = (out / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert len(blocks) == 1
    document = json.loads(blocks[0])
    assert document["@context"] == "https://schema.org" and document["@type"] == "Dataset"
    assert document["version"] == descriptor["version"]
    assert document["name"] == descriptor["title"]
    assert document["license"] == descriptor["licenses"][0]["path"]
    urls = [d["contentUrl"] for d in document["distribution"]]
    assert len(urls) == len(descriptor["resources"]) + 1
    for url in urls:
        assert (out / url).is_file(), url


def test_every_page_has_open_graph_and_a_citation_with_the_version(built):
    root, out = built
    version = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    for path in html_files(out):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(out).as_posix()
        assert re.search(r'<meta property="og:title" content="[^"]+">', text), rel
        assert '<meta property="og:description" content="' in text, rel
        if rel == "downloads.html":
            continue  # the downloads page states the version in its facts instead
        assert f'<a class="permalink" href="{path.name}">{rel}</a>' in text, rel
        bibtex = html.unescape(re.search(r'<pre class="bibtex">(.*?)</pre>', text, re.S).group(1))
        assert bibtex.startswith("@misc{") and f"version = {{{version}}}," in bibtex, rel
        assert f'url = {{<span class="url">{rel}</span>}}' in bibtex, rel


def _involved(root: Path) -> dict[str, set[str]]:
    """actor_id -> commitments they own, are party to or are quoted about (as queries/by-actor.sql)."""
    found: dict[str, set[str]] = {}
    for c in expect.rows(root, "commitments"):
        if c["owner_actor_id"]:
            found.setdefault(c["owner_actor_id"], set()).add(c["commitment_id"])
    for p in expect.rows(root, "commitment_parties"):
        found.setdefault(p["actor_id"], set()).add(p["commitment_id"])
    for c in expect.rows(root, "claims"):
        if c["speaker_actor_id"] and c["commitment_id"]:
            found.setdefault(c["speaker_actor_id"], set()).add(c["commitment_id"])
    return found


def test_every_actor_has_a_page_with_their_quotes_commitments_and_spellings(built):
    root, out = built
    involved = _involved(root)
    claims = expect.rows(root, "claims")
    aliases = expect.rows(root, "actor_aliases")
    for actor in expect.rows(root, "actors"):
        aid = actor["actor_id"]
        text = (out / "actors" / f"{aid}.html").read_text(encoding="utf-8")
        spoken = [c for c in claims if c["speaker_actor_id"] == aid]
        for claim in spoken:
            quote = html.escape(claim["quote"], quote=False)
            assert f'data-claim="{claim["claim_id"]}">{quote}</mark>' in text, (aid, claim["claim_id"])
        assert text.count('<article class="claim"') == len(spoken), aid
        linked = set(re.findall(r'<a href="\.\./commitments/([a-z0-9-]+)\.html">', text))
        assert linked == involved.get(aid, set()), aid
        for alias in (a["alias"] for a in aliases if a["actor_id"] == aid):
            assert f">{html.escape(alias)}</strong>" in text, (aid, alias)
    assert any(c["speaker_actor_id"] for c in claims), "the test would prove nothing without speakers"


def test_actor_filter_lists_speakers_and_search_holds_every_spelling(built):
    root, out = built
    text = (out / "index.html").read_text(encoding="utf-8")
    select = re.search(r'<select id="f-actor" name="actor">(.*?)</select>', text, re.S).group(1)
    options = set(re.findall(r'<option value="([a-z0-9-]+)">', select))
    involved = _involved(root)
    assert options == set(involved)
    assert "aziz-akhannouch" in options, "a speaker who owns nothing is in the filter"
    rows = dict(re.findall(r'<tr id="row-([a-z0-9-]+)"(.*?)</tr>', text, re.S))
    for alias in expect.rows(root, "actor_aliases"):
        for cid in involved.get(alias["actor_id"], ()):
            assert html.escape(alias["alias"]) in rows[cid], (cid, alias["alias"])


def test_method_page_defines_statuses_and_formality_from_the_schema(built):
    root, out = built
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f"{r['name']}.{f['name']}": f for r in descriptor["resources"] for f in r["schema"]["fields"]}
    text = html.unescape((out / "about.html").read_text(encoding="utf-8"))
    for key in ("status_updates.status", "commitments.kind", "commitment_parties.role"):
        field = fields[key]
        for category in field["categories"]:
            assert category["label"] in text, (key, category)
        for part in field["description"].split(";"):
            value, sep, meaning = part.partition(":")
            if sep:
                meaning = meaning.strip().rstrip(".")
                assert meaning[:1].upper() + meaning[1:] + "." in text, (key, value)
    assert 'id="corrections"' in text and "pull request" in text and "issue" in text


def test_commitment_pages_show_the_status_meter_and_its_definition(built):
    root, out = built
    statuses = expect.latest_status(root)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    status = next(
        f
        for r in descriptor["resources"]
        for f in r["schema"]["fields"]
        if (r["name"], f["name"]) == ("status_updates", "status")
    )
    labels = {c["value"]: c["label"] for c in status["categories"]}
    for cid in expect.commitment_ids(root):
        text = (out / "commitments" / f"{cid}.html").read_text(encoding="utf-8")
        meter = re.search(r'<ol class="meter"[^>]*>(.*?)</ol>', text, re.S).group(1)
        assert re.findall(r"<li[^>]*>([^<]+)</li>", meter) == list(labels.values()), cid
        current = re.findall(r'<li class="on st-([a-z_]+)" aria-current="true">', meter)
        assert current == [statuses[cid]], cid
        as_of = expect.status_rows(root, cid)[-1]["as_of"]
        assert f'Last reviewed <time datetime="{as_of}">' in text, cid


class ReaderText(HTMLParser):
    """The text a reader sees, without quoted or archived text (verbatim from the sources) and code."""

    SKIP = frozenset({"script", "style", "pre", "code", "blockquote", "q", "mark", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "link", "input", "br", "img", "hr"):
            return
        classes = (dict(attrs).get("class") or "").split()
        hidden = tag in self.SKIP or "seed" in classes or "permalink" in classes  # a URL, not words
        self.stack.append(hidden or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.text.append(data)


def test_no_internal_words_in_what_readers_read(built):
    """No backticks, "seed 004", column names or raw ids: readers see names, titles and words."""
    root, out = built
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    columns = {f["name"] for r in descriptor["resources"] for f in r["schema"]["fields"] if "_" in f["name"]}
    ids = {r["claim_id"] for r in expect.rows(root, "claims")}
    ids |= {r["discrepancy_id"] for r in expect.rows(root, "discrepancies")}
    ids |= {r["source_id"] for r in expect.rows(root, "sources")}
    ids |= set(expect.commitment_ids(root))
    for path in html_files(out):
        if path.name == "downloads.html":
            continue  # file names and commands for people downloading the data
        parser = ReaderText()
        parser.feed(path.read_text(encoding="utf-8"))
        text = " ".join(parser.text)
        rel = path.relative_to(out).as_posix()
        assert "`" not in text, rel
        assert not re.search(r"\b[Ss]eeds? \d{3}", text), (rel, re.search(r".{40}[Ss]eeds? \d{3}.{20}", text))
        words = set(re.findall(r"[a-z0-9_-]+", text))
        assert not words & columns, (rel, words & columns)
        assert not words & ids, (rel, words & ids)


def _symbol(units: dict[str, dict[str, str]], unit_id: str) -> str:
    """The symbol a figure of the unit is written with: none for a count, else its label's (…)."""
    unit = units.get(unit_id)
    return "" if unit is None or unit["dimension"] == "count" else unit["label"].split("(")[-1].rstrip(")")


def _headlines(text: str) -> dict[str, str]:
    """commitment_id -> the index's headline figure of it ("The figures promised")."""
    pattern = r'<strong class="figure">(.*?)</strong> <a href="commitments/([a-z0-9-]+)\.html"'
    found = re.findall(pattern, text)
    return {cid: figure for figure, cid in found}


def test_targets_read_as_people_read_them_stated_form_first(built):
    root, out = built
    units = {u["unit_id"]: u for u in expect.rows(root, "units")}
    text = (out / "index.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'<tr id="row-([a-z0-9-]+)"(.*?)</tr>', text, re.S))
    headlines = _headlines(text)
    claims = expect.rows(root, "claims")
    stated_first = 0
    for c in expect.rows(root, "commitments"):
        if not c["target_value"]:
            continue
        figure = amounts.unbreakable(amounts.readable(float(c["target_value"]), _symbol(units, c["unit_id"])))
        # The claim backing the target states its figure: the headline shows it first, as written,
        # and the reading beside it when it reads differently (16 GW is both).
        backing = [
            x["value_stated"]
            for x in claims
            if x["commitment_id"] == c["commitment_id"]
            and x["value_stated"]
            and x["value"] == c["target_value"]
        ]
        headline = headlines[c["commitment_id"]]
        for shown in (headline, rows[c["commitment_id"]]):
            assert html.escape(figure) in shown or [amounts.unbreakable(x) for x in backing] == [figure]
        if backing:
            stated_first += 1
            shown_first = re.sub(r"<[^>]+>", "", headline)
            assert shown_first.startswith(html.escape(backing[0], quote=False)), c["commitment_id"]
    assert stated_first, "the real package's targets have stated forms; else the test proves nothing"
    assert "11\u00a0milliards\u00a0MAD" in headlines["maroc-digital-2030-budget"]
    assert "11 milliards de dirhams" in headlines["maroc-digital-2030-budget"]
    assert "16 GW" in headlines["energy-capacity-16gw-2030"]


def test_disputed_range_is_the_views_range(built):
    """The site's range of a disputed target is the view commitment_targets, read through DuckDB:
    the same definition as `due-by` and `summary`."""
    root, out = built
    con = database.connect(root, sql="SELECT * FROM commitment_targets")
    try:
        view = con.sql(
            "SELECT t.commitment_id, t.target_low, t.target_high, t.low_qualifier, t.high_qualifier, "
            "c.unit_id FROM commitment_targets AS t JOIN commitments AS c USING (commitment_id) "
            "WHERE t.disputed"
        ).fetchall()
    finally:
        con.close()
    assert view, "the real package has a disputed target; the test would prove nothing otherwise"
    units = {u["unit_id"]: u for u in expect.rows(root, "units")}
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    claims = next(r for r in descriptor["resources"] if r["name"] == "claims")
    qualifier = next(f for f in claims["schema"]["fields"] if f["name"] == "qualifier")
    labels = {c["value"]: c["label"].lower() for c in qualifier["categories"]}
    index = (out / "index.html").read_text(encoding="utf-8")
    for cid, low, high, low_q, high_q, unit_id in view:
        ends = []
        for value, q in ((low, low_q), (high, high_q)):
            figure = amounts.unbreakable(amounts.readable(value, _symbol(units, unit_id)))
            ends.append(f"{labels[q]} {figure}" if q and q != "exactly" else figure)
        expected = html.escape(amounts.RANGE.join(dict.fromkeys(ends)))
        page = (out / "commitments" / f"{cid}.html").read_text(encoding="utf-8")
        assert f'{expected} <span class="disagree">sources disagree</span>' in page, cid
        assert f"{expected} " in _headlines(index)[cid], cid
    jobs = next(r for r in view if r[0] == "digital-jobs-2030")
    assert jobs[1:5] == (40000, 240000, "more_than", "exactly")


def test_every_stated_figure_is_on_the_page_of_its_claim(built):
    """The golden figures: each claim's figure as its quote writes it (claims.value_stated) is on
    the page that shows the claim, inside that claim's article, as the figure stated."""
    root, out = built
    folders = {"commitment_id": "commitments", "indicator_id": "indicators", "event_id": "events"}
    checked = 0
    for claim in expect.rows(root, "claims"):
        if not claim["value_stated"]:
            continue
        column = next(k for k in folders if claim[k])
        page = (out / folders[column] / f"{claim[column]}.html").read_text(encoding="utf-8")
        opening = f'<article class="claim" id="claim-{claim["claim_id"]}">'
        article = re.search(re.escape(opening) + "(.*?)</article>", page, re.S)
        assert article, claim["claim_id"]
        stated = html.escape(claim["value_stated"], quote=False)
        assert re.search(rf"Figure stated: <strong[^>]*>{re.escape(stated)}</strong>", article.group(1)), (
            claim["claim_id"]
        )
        checked += 1
    assert checked >= 10, "the real package states a dozen figures; the test would prove nothing otherwise"


def test_status_definitions_are_read_from_the_field_descriptions(package):
    from commitment_tracker.datapackage import schema

    loaded = schema.load_package(package)
    status = loaded.resource("status_updates").field("status").definitions
    assert status["announced"] == "promised, no delivery reported"
    assert status["achieved"] == ""  # listed without a meaning: its label says it
    formality = loaded.resource("status_updates").field("formality").definitions
    assert formality["announced"] == "words only"


def test_curator_references_become_named_links(built):
    root, _ = built
    data = site.load(root)
    sources = {r["source_id"]: r for r in expect.rows(root, "sources")}
    named = next(s for s, r in sources.items() if r["outlet"] and r["seed_path"].startswith("seeds/001_"))
    outlet = sources[named]["outlet"]
    discrepancy = expect.rows(root, "discrepancies")[0]
    did = discrepancy["discrepancy_id"]
    text = f"{outlet} (seed 001) says so; see discrepancy {did}; `target_value` blank."
    pieces = prose.pieces(data, text, lambda kind, item_id, anchor: pages.href(kind, item_id, 0, anchor))
    label = next(
        c["label"] for c in _categories(root, "discrepancies", "kind") if c["value"] == discrepancy["kind"]
    )
    assert pieces == [
        (outlet, f"sources/{named}.html"),
        (" says so; see ", None),
        (f"the disagreement “{label}”", f"discrepancies.html#d-{did}"),
        ("; ", None),
        ("\u2018target value\u2019", None),
        (" blank.", None),
    ]


def _categories(root: Path, resource: str, field: str) -> list[dict]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    (found,) = [
        f["categories"]
        for r in descriptor["resources"]
        for f in r["schema"]["fields"]
        if (r["name"], f["name"]) == (resource, field)
    ]
    return found


def test_the_original_article_is_linked_where_its_address_is_known(package, tmp_path):
    url = "https://www.example.org/article-1"
    set_cell(package, "sources", 2, "url", url)  # the first data row (the header is row 1)
    source = expect.rows(package, "sources")[0]
    out = tmp_path / "site"
    site.build_site(package, out, validate_first=False)  # a rendering check; test_site validates
    link = f'<a href="{url}" rel="noopener noreferrer">'
    assert link in (out / "sources" / f"{source['source_id']}.html").read_text(encoding="utf-8")
    assert link in (out / "sources.html").read_text(encoding="utf-8")
    claim = next(c for c in expect.rows(package, "claims") if c["source_id"] == source["source_id"])
    kind = "commitments" if claim["commitment_id"] else "indicators" if claim["indicator_id"] else "events"
    target = claim["commitment_id"] or claim["indicator_id"] or claim["event_id"]
    page = (out / kind / f"{target}.html").read_text(encoding="utf-8")
    assert f'<a href="{url}">original article</a>' in page
