"""How well `propose` finds the figures curators recorded, and how fast it is.

Score: `propose` runs on each archived seed (the source ids of data/sources.csv) and is compared
with data/claims.csv:

* recall: share of the claims with a value for which a figure proposal has the same value
  (figures.same_value) and a quote overlapping the claim's offsets;
* precision: share of the figure proposals that some claim records that way.

Per seed and in total; every miss and every unrecorded figure is listed with why. The subject
columns say how often the best candidate is the claim's own subject: with every claim recorded
(the claim's own quote is among the words its subject is known by), and without the source's own
claims (as for a new article).

Speed: a 10,000-word article (the seeds' prose repeated, so it states real figures, dates and
actors) is archived into a copy of the package, then `python cli.py propose SOURCE` runs in a
fresh process (imports included) several times; the median is reported, with the time of the
proposing alone in this process.

    python bench/propose_score.py            # writes bench/propose_results.md
    python bench/propose_score.py --repeats 5
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from commitment_tracker.curation.proposing import layout  # noqa: E402
from commitment_tracker.curation.proposing import package as package_mod  # noqa: E402
from commitment_tracker.curation.proposing.proposals import propose_source, propose_text  # noqa: E402
from commitment_tracker.figures import same_value, states_value  # noqa: E402

ARTICLE_WORDS = 10_000
RECALL_AIM, PRECISION_AIM, SECONDS_AIM = 0.95, 0.60, 2.0


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(root: Path) -> tuple[list[dict], list[str]]:
    view = package_mod.load(root)
    rows, details = [], []
    for source_id in view.sources:
        proposed = propose_source(root, source_id, view)
        figures = [p for p in proposed.proposals if p.kind == "figure"]
        claims = [c for c in view.claims if c.source_id == source_id and c.value is not None]

        def records(claim, p):
            return same_value(claim.value, p.value) and overlaps(
                (claim.start, claim.end), (p.quote_start, p.quote_end)
            )

        found = [c for c in claims if any(records(c, p) for p in figures)]
        recorded = [p for p in figures if any(records(c, p) for c in claims)]
        best = sum(1 for c in found if any(records(c, p) and p.subject == c.subject for p in figures))
        blind = propose_text(proposed.text, source_id, view_without(root, source_id), "fr")
        best_blind = sum(
            1
            for c in found
            if any(p.kind == "figure" and records(c, p) and p.subject == c.subject for p in blind)
        )
        rows.append(
            {
                "source": source_id,
                "claims": len(claims),
                "found": len(found),
                "figures": len(figures),
                "recorded": len(recorded),
                "best_is_subject": best,
                "best_blind": best_blind,
            }
        )
        for c in claims:
            if c not in found:
                details.append(
                    f"- miss {c.claim_id} ({c.value:.15g} {c.unit_id}): {why_missed(proposed.text, c)}"
                )
        for p in figures:
            if p not in recorded:
                details.append(
                    f"- unrecorded figure in {source_id} at {p.stated_start}: {p.stated!r} "
                    f"({p.reason}) in {p.quote[:90]!r}"
                )
    return rows, details


def view_without(root: Path, source_id: str) -> package_mod.PackageView:
    """The package as if this source's claims were not recorded yet (their quotes' words, figures
    and speakers unknown): how the links rank for a new article."""
    with tempfile.TemporaryDirectory(prefix="propose-blind-") as tmp:
        copy = Path(tmp)
        shutil.copy2(root / "datapackage.json", copy / "datapackage.json")
        shutil.copytree(root / "data", copy / "data")
        with open(root / "data" / "claims.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        column = rows[0].index("source_id")
        with open(copy / "data" / "claims.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(r for r in rows if r[column] != source_id)
        return package_mod.load(copy)


def why_missed(text: str, claim) -> str:
    quote = text[claim.start : claim.end]
    if not states_value(quote, claim.value, claim.unit_id):
        return "the figure grammar does not read this value in the claim's quote (a count the curator made?)"
    kinds = {s.kind for s in layout.segments(text) if overlaps((s.start, s.end), (claim.start, claim.end))}
    if layout.PROSE not in kinds:
        return f"the quote is in a part of the capture read as {', '.join(sorted(kinds))}, not prose"
    return "stated in prose and read by the grammar, but no proposal overlaps it (a sentence split?)"


def article(root: Path) -> str:
    """About ARTICLE_WORDS words of the seeds' prose, paragraph after paragraph, repeated."""
    paragraphs = []
    for path in sorted((root / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paragraphs += [text[s.start : s.end] for s in layout.prose(text)]
    out, words = [], 0
    while words < ARTICLE_WORDS:
        for p in paragraphs:
            out.append(p)
            words += len(p.split())
            if words >= ARTICLE_WORDS:
                break
    return "\n".join(out) + "\n"


def speed(repeats: int) -> dict:
    from commitment_tracker.curation import curate

    with tempfile.TemporaryDirectory(prefix="propose-speed-") as tmp:
        root = Path(tmp) / "pkg"
        root.mkdir()
        for part in ("datapackage.json", "data", "seeds", "validators", "queries"):
            src = REPO / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / part)
        text = article(root)
        capture = Path(tmp) / "article.txt"
        capture.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        outcome = curate.add_source(
            root, capture, outlet="Bench", title="Long article", published_on="2025-07-02"
        )
        archive_seconds = time.perf_counter() - started
        (source_id,) = outcome.ids("sources")
        view = package_mod.load(root)
        started = time.perf_counter()
        in_process = propose_text(text, source_id, view)
        propose_seconds = time.perf_counter() - started
        times, cpu = [], []
        for _ in range(repeats):
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    str(REPO / "cli.py"),
                    "propose",
                    source_id,
                    "--root",
                    str(root),
                    "--format",
                    "json",
                ],
                check=True,
                capture_output=True,
                cwd=tmp,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
            times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
    return {
        "words": len(text.split()),
        "characters": len(text),
        "proposals": len(in_process),
        "cold_median": statistics.median(times),
        "cold_runs": times,
        "cpu_median": statistics.median(cpu),
        "load": os.getloadavg()[0],
        "in_process": propose_seconds,
        "archive": archive_seconds,
    }


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(rows: list[dict], details: list[str], timing: dict) -> str:
    total = {k: sum(r[k] for r in rows) for k in rows[0] if k != "source"}
    recall = total["found"] / total["claims"] if total["claims"] else 1.0
    precision = total["recorded"] / total["figures"] if total["figures"] else 1.0
    lines = [
        "# propose: score against the curated claims, and speed",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}. Command: `python bench/propose_score.py`.",
        "",
        "## Figures found (recall) and figures recorded (precision)",
        "",
        "| source | claims with a value | found | recall | figure proposals | recorded by a claim "
        "| precision | best candidate = claim's subject | same, without the source's own claims |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*rows, {"source": "**total**", **total}]:
        rec = f"{r['found'] / r['claims']:.0%}" if r["claims"] else "n/a"
        prec = f"{r['recorded'] / r['figures']:.0%}" if r["figures"] else "n/a"
        cells = [r["source"], r["claims"], r["found"], rec, r["figures"], r["recorded"], prec]
        cells += [f"{r['best_is_subject']}/{r['found']}", f"{r['best_blind']}/{r['found']}"]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    lines += [
        "",
        f"Aims: recall ≥ {RECALL_AIM:.0%} ({met(recall >= RECALL_AIM)}: {recall:.1%}), "
        f"precision ≥ {PRECISION_AIM:.0%} ({met(precision >= PRECISION_AIM)}: {precision:.1%}).",
        "",
        "Misses and unrecorded figures:",
        "",
        *(details or ["- none"]),
        "",
        "## Speed on a 10,000-word article",
        "",
        f"{timing['words']} words ({timing['characters']} characters, {timing['proposals']} proposals): "
        "`python cli.py propose SOURCE --format json` in a fresh process, "
        f"median of {len(timing['cold_runs'])}: "
        f"**{timing['cold_median']:.2f} s** (runs: {', '.join(f'{t:.2f}' for t in timing['cold_runs'])}); "
        f"aim < {SECONDS_AIM:.0f} s: {met(timing['cold_median'] < SECONDS_AIM)} in wall time at load "
        f"{timing['load']:.1f} on {os.cpu_count()} cores. CPU time of the process (user + system, which "
        f"other processes on the machine do not inflate, so the wall time on an idle machine): median "
        f"**{timing['cpu_median']:.2f} s** ({met(timing['cpu_median'] < SECONDS_AIM)}). "
        f"Proposing alone, tables already read: {timing['in_process']:.2f} s. Archiving the file first "
        f"(add-source: a validated write of the whole package) took {timing['archive']:.1f} s, paid once "
        "per new article.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "propose_results.md")
    args = parser.parse_args()
    rows, details = score(REPO)
    timing = speed(args.repeats)
    text = report(rows, details, timing)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
