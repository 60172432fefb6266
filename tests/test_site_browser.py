"""The static site in a real browser: Debian's Chromium driven by Playwright.

Locally, without Chromium or Playwright, these tests skip and say why; in CI (CI=true) they fail
instead, so a green CI run means the pages were really opened. Screenshots of the index and of one
commitment page are saved to tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import csv
import functools
import http.server
import json
import os
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import site_support as expect
from conftest import copy_package, run_cli

from commitment_tracker.publish import site

# One worker runs them all: one Chromium, one site build, one writer of tests/artifacts/.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ENV = "COMMITMENTS_CHROMIUM"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    """$COMMITMENTS_CHROMIUM when set (and only it), else Debian's /usr/bin/chromium or one on PATH."""
    if os.environ.get(CHROMIUM_ENV):
        candidates = [os.environ[CHROMIUM_ENV]]
    else:
        candidates = ["/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    message = f"BROWSER TESTS SKIPPED: {reason}"
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (make setup installs it from requirements.lock)")
    path = _chromium_path()
    if path is None:
        where = os.environ.get(CHROMIUM_ENV) or "/usr/bin/chromium or on PATH"
        _unavailable(f"no Chromium at {where} (apt-get install -y chromium, or set ${CHROMIUM_ENV})")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("browser-site")
    root = copy_package(base / "pkg")
    site.build_site(root, base / "site")
    return root, base / "site"


class Watched:
    """A page whose console errors, uncaught exceptions, dialogs and non-local requests are recorded."""

    def __init__(self, context, allowed_prefixes: tuple[str, ...] = ("file://",)) -> None:
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on(
            "console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        self.page.on(
            "request", lambda r: None if r.url.startswith(allowed_prefixes) else self.requests.append(r.url)
        )

        def on_dialog(dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)

    def open(self, url: str) -> Watched:
        self.page.goto(url, wait_until="load")
        return self

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.requests == [], f"requests leaving the site: {self.requests}"
        assert self.dialogs == [], f"a script ran: {self.dialogs}"


@pytest.fixture
def context(browser) -> Iterator:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def visible_ids(page) -> list[str]:
    return sorted(
        page.eval_on_selector_all(
            "#commitments tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.id)"
        )
    )


def test_index_loads_clean_and_lists_every_commitment(context, built):
    root, out = built
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    assert page.locator("h1").count() == 1
    assert page.locator("#commitments tbody tr").count() == len(expect.commitment_ids(root))
    assert visible_ids(page) == expect.commitment_ids(root)
    assert page.locator("#filters").is_visible(), "the script shows the filters"
    assert page.locator("svg.chart").is_visible()
    watched.assert_clean()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)


def test_filtering_by_status_shows_exactly_those_commitments(context, built):
    root, out = built
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    statuses = expect.latest_status(root)
    options = page.eval_on_selector_all("#f-status option", "os => os.map(o => o.value).filter(Boolean)")
    assert sorted(options) == sorted(set(statuses.values()))
    for status in options:
        page.select_option("#f-status", status)
        wanted = sorted(cid for cid, s in statuses.items() if s == status)
        assert visible_ids(page) == wanted, status
        assert page.locator("#shown").inner_text() == f"{len(wanted)} of {len(statuses)} commitments shown"
    page.select_option("#f-status", "")
    assert visible_ids(page) == expect.commitment_ids(root)
    watched.assert_clean()


def test_filters_by_text_and_from_the_address(context, built):
    root, out = built
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    target = expect.rows(root, "commitments")[0]
    page.fill("#f-q", target["title_en"])
    assert target["commitment_id"] in visible_ids(page)
    page.fill("#f-q", "zzzz-no-such-thing")
    assert visible_ids(page) == []
    status = next(iter(expect.latest_status(root).values()))
    page.goto((out / "index.html").as_uri() + f"?status={status}")
    assert visible_ids(page) == sorted(c for c, s in expect.latest_status(root).items() if s == status)
    watched.assert_clean()


def by_actor(root: Path, text: str) -> list[dict]:
    """The rows of the CLI's `by-actor` named query for ``text``, run for real on the package."""
    result = run_cli("query", "by-actor", "--param", f"actor={text}", "--format", "json", "--root", str(root))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_actor_filter_matches_the_by_actor_query_for_every_actor(context, built):
    root, out = built
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    options = set(page.eval_on_selector_all("#f-actor option", "os => os.map(o => o.value).filter(Boolean)"))
    listed = 0
    for actor in expect.rows(root, "actors"):
        aid = actor["actor_id"]
        wanted = sorted({r["commitment_id"] for r in by_actor(root, aid) if r["actor_id"] == aid})
        if not wanted:
            assert aid not in options, f"{aid} is in no commitment but is offered"
            continue
        listed += 1
        page.select_option("#f-actor", aid)
        assert visible_ids(page) == wanted, aid
    assert listed == len(options)
    assert "aziz-akhannouch" in options, "speakers are in the filter"
    watched.assert_clean()


def test_search_finds_every_spelling_of_a_name(context, built):
    root, out = built
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    for spelling in ("Amel", *(a["alias"] for a in expect.rows(root, "actor_aliases"))):
        wanted = {r["commitment_id"] for r in by_actor(root, spelling)}
        page.fill("#f-q", spelling)
        assert wanted <= set(visible_ids(page)), spelling
    page.fill("#f-q", "Amel")
    assert visible_ids(page), "the spelling of one source finds the minister's commitments"
    watched.assert_clean()


def test_a_shared_filter_address_restores_the_view(browser, context, built):
    root, out = built
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    page.select_option("#f-kind", "agreement")
    page.fill("#f-q", "Seghrouchni")
    page.click("th[data-key=title] button")
    page.click("th[data-key=title] button")  # descending
    order = page.eval_on_selector_all(
        "#commitments tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.id)"
    )
    assert order and order == sorted(order, key=lambda c: 0) and len(order) < len(expect.commitment_ids(root))
    shared = page.url
    assert "kind=agreement" in shared and "q=Seghrouchni" in shared and "dir=desc" in shared
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        fresh = Watched(other).open(shared)
        assert fresh.page.input_value("#f-kind") == "agreement"
        assert fresh.page.input_value("#f-q") == "Seghrouchni"
        restored = fresh.page.eval_on_selector_all(
            "#commitments tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.id)"
        )
        assert restored == order
        assert fresh.page.get_attribute("th[data-key=title]", "aria-sort") == "descending"
        fresh.assert_clean()
    finally:
        other.close()
    watched.assert_clean()


def test_columns_sort_both_ways(context, built):
    root, out = built
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    deadlines = {r["commitment_id"]: r["deadline_year"] for r in expect.rows(root, "commitments")}
    page.click("th[data-key=deadline] button")
    shown = page.eval_on_selector_all("#commitments tbody tr", "rs => rs.map(r => r.dataset.id)")
    years = [deadlines[c] for c in shown]
    dated = [y for y in years if y]
    assert dated == sorted(dated) and years == dated + [""] * (len(years) - len(dated)), years
    page.click("th[data-key=deadline] button")
    shown = page.eval_on_selector_all("#commitments tbody tr", "rs => rs.map(r => r.dataset.id)")
    years = [deadlines[c] for c in shown]
    assert [y for y in years if y] == sorted(dated, reverse=True), "blanks stay last"
    watched.assert_clean()


def test_csv_download_holds_exactly_the_rows_shown(context, built):
    root, out = built
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    status = next(iter(expect.latest_status(root).values()))
    page.select_option("#f-status", status)
    with page.expect_download() as info:
        page.click("#csv")
    path = info.value.path()
    with open(path, encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert [r["commitment_id"] for r in records] == visible_ids_in_order(page)
    titles = {r["commitment_id"]: r for r in expect.rows(root, "commitments")}
    for record in records:
        source = titles[record["commitment_id"]]
        assert record["title_fr"] == source["title_fr"] and record["title_en"] == source["title_en"]
        assert record["deadline"] == source["deadline_year"]
        assert record["last_reviewed"] == expect.status_rows(root, record["commitment_id"])[-1]["as_of"]
    watched.assert_clean()


def visible_ids_in_order(page) -> list[str]:
    return page.eval_on_selector_all("#commitments tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.id)")


def test_disputed_mark_appears_where_and_only_where_a_discrepancy_exists(context, built):
    root, out = built
    disputed = expect.disputed_commitments(root)
    assert disputed, "the real package has disputed commitments; the test would prove nothing otherwise"
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    marked = page.eval_on_selector_all(
        "#commitments tbody tr",
        "rows => rows.filter(r => r.querySelector('.disputed-mark')).map(r => r.dataset.id)",
    )
    assert set(marked) == disputed
    for cid in expect.commitment_ids(root):
        page.goto((out / "commitments" / f"{cid}.html").as_uri())
        has_mark = page.locator("h1 + p .disputed-mark").count() == 1
        assert has_mark == (cid in disputed), cid
        assert (page.locator("#discrepancies").count() == 1) == (cid in disputed), cid
    watched.assert_clean()


def test_commitment_page_shows_quotes_verbatim_and_timeline(context, built):
    root, out = built
    claims = expect.claims_by_commitment(root)
    # The commitment with the most claims, so that several quotes are checked on one page.
    cid = max(sorted(claims), key=lambda c: len(claims[c]))
    watched = Watched(context).open((out / "commitments" / f"{cid}.html").as_uri())
    page = watched.page
    for claim in claims[cid]:
        mark = page.locator(f'mark.quote[data-claim="{claim["claim_id"]}"]')
        assert mark.count() == 1, claim["claim_id"]
        assert mark.text_content() == claim["quote"], claim["claim_id"]
        assert mark.is_visible()
    rows = expect.status_rows(root, cid)
    timeline = page.locator("#timeline li.status-row")
    assert timeline.count() == len(rows)
    for i, row in enumerate(rows):
        item = timeline.nth(i)
        assert item.locator("time").first.get_attribute("datetime") == row["as_of"]
        assert item.get_attribute("data-status") == row["status"]
        assert row["rationale"] in item.inner_text()
    watched.assert_clean()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "commitment.png"), full_page=True)


def test_source_page_links_each_highlight_to_what_it_is_about(context, built):
    root, out = built
    source = expect.rows(root, "sources")[0]
    claims = [c for c in expect.rows(root, "claims") if c["source_id"] == source["source_id"]]
    watched = Watched(context).open((out / "sources" / f"{source['source_id']}.html").as_uri())
    page = watched.page
    refs = page.locator(".seed a.ref")
    assert refs.count() == len(claims)
    first = min(claims, key=lambda c: int(c["quote_start"]))
    page.click(f"#claim-{first['claim_id']}")
    folder = "commitments" if first["commitment_id"] else "indicators" if first["indicator_id"] else "events"
    assert f"/{folder}/" in page.url and page.url.endswith(f"#claim-{first['claim_id']}")
    assert page.locator(f"#claim-{first['claim_id']} mark.quote").text_content() == first["quote"]
    watched.assert_clean()


def test_every_page_loads_without_errors(context, built):
    _, out = built
    watched = Watched(context)
    pages = sorted(out.rglob("*.html"))
    for path in pages:
        watched.open(path.as_uri())
        assert watched.page.locator("main h1").count() == 1, path.name
    watched.assert_clean()


def test_readable_with_javascript_off(browser, built):
    root, out = built
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto((out / "index.html").as_uri())
        assert page.locator("#filters").is_hidden()
        assert page.locator("#commitments tbody tr:visible").count() == len(expect.commitment_ids(root))
        page.goto((out / "commitments" / f"{expect.commitment_ids(root)[0]}.html").as_uri())
        assert page.locator("mark.quote").first.is_visible()
    finally:
        ctx.close()


def test_language_switch_shows_one_language_and_remembers_it(context, built):
    _, out = built
    watched = Watched(context).open((out / "index.html").as_uri())
    page = watched.page
    first_fr = page.locator("#commitments tbody th .tt:not(.tt-en)").first
    first_en = page.locator("#commitments tbody th .tt-en").first
    assert first_fr.is_visible() and first_en.is_visible()
    page.check("#lang-en")
    assert first_en.is_visible() and not first_fr.is_visible()
    # The choice is kept in localStorage by the change handler: navigate once it is stored, so the
    # test judges whether the next page restores it, not how fast the write lands.
    page.wait_for_function("localStorage.getItem('commitments-lang') === 'en'", timeout=5000)
    page.goto((out / "context.html").as_uri())
    # The saved choice is restored by the page's script: wait for it (up to 5 s) rather than race it.
    from playwright.sync_api import expect

    expect(page.locator("#lang-en"), "the choice carries to the next page").to_be_checked()
    page.check("#lang-fr")
    assert not page.locator(".tt-en").first.is_visible()
    watched.assert_clean()


def test_markup_in_the_data_shows_as_text_and_never_runs(context, tmp_path):
    root, cid = expect.hostile_package(tmp_path / "pkg")
    out = tmp_path / "site"
    site.build_site(root, out, validate_first=False)  # the hostile rows do not validate: rendering only
    watched = Watched(context)
    for rel in (
        "index.html",
        f"commitments/{cid}.html",
        "discrepancies.html",
        *(f"sources/{p.name}" for p in (out / "sources").iterdir()),
    ):
        watched.open((out / rel).as_uri())
    watched.assert_clean()
    page = watched.page
    page.goto((out / "commitments" / f"{cid}.html").as_uri())
    assert expect.HOSTILE_TITLE in page.locator("h1").inner_text()
    assert (
        page.locator(f'mark.quote[data-claim="{expect.HOSTILE_CLAIM_ID}"]').text_content()
        == expect.HOSTILE_QUOTE
    )
    assert page.locator("main script, main img, main b, main i").count() == 0
    watched.assert_clean()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def test_works_from_a_static_http_host(context, built):
    """Served as plain files over HTTP on 127.0.0.1, in a subfolder, the pages load with no error."""
    _, out = built
    handler = functools.partial(_QuietHandler, directory=str(out.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/{out.name}/"
        watched = Watched(context, allowed_prefixes=(base,))
        watched.open(base + "index.html")
        watched.page.click("#commitments tbody tr a >> nth=0")
        assert "/commitments/" in watched.page.url
        watched.page.click("header nav >> text=Downloads")
        watched.page.locator("a[href$='.csv']").first.wait_for()
        watched.assert_clean()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ---------------------------------------------------------------------------------------------
# Every page, every width: accessibility (axe-core) and no sideways scrolling on a phone

AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1280, "mobile": 390}


def _axe_path() -> Path:
    if not AXE.is_file():
        _unavailable(f"axe-core is not installed at {AXE} (npm ci --prefix tests/js)")
    return AXE


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_accessibility_violation_on_any_page(browser, built, width):
    """axe-core, from the local npm package (nothing downloaded), finds no violation on any page.

    The pages' policy allows only their own script, so the context bypasses it to inject axe.
    """
    _, out = built
    axe = _axe_path()
    ctx = browser.new_context(viewport={"width": WIDTHS[width], "height": 900}, bypass_csp=True)
    try:
        watched = Watched(ctx)
        problems = []
        for path in sorted(out.rglob("*.html")):
            watched.open(path.as_uri())
            watched.page.add_script_tag(path=str(axe))
            result = watched.page.evaluate("axe.run()")
            for violation in result["violations"]:
                targets = [n["target"] for n in violation["nodes"]][:3]
                problems.append(
                    f"{path.relative_to(out)}: {violation['id']} ({violation['impact']}) {targets}"
                )
        assert problems == []
        watched.assert_clean()
    finally:
        ctx.close()


def test_no_page_scrolls_sideways_on_a_phone(browser, built):
    _, out = built
    ctx = browser.new_context(viewport={"width": WIDTHS["mobile"], "height": 800})
    try:
        watched = Watched(ctx)
        wide = {}
        for path in sorted(out.rglob("*.html")):
            watched.open(path.as_uri())
            width = watched.page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTHS["mobile"]:
                wide[path.relative_to(out).as_posix()] = width
        assert wide == {}
        watched.assert_clean()
    finally:
        ctx.close()
