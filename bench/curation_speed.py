"""Cold-process time of a curation write on a temporary copy of the real package.

Each command runs as a fresh `python cli.py …` process on its own fresh copy (a write changes the
copy), a few times; the median wall time and the median CPU time (user + system, from
``resource.getrusage(RUSAGE_CHILDREN)``) are printed side by side with the 1-minute load average
before and after, since on a shared machine wall time says as much about the neighbours as about
the code. CPU time is the steadier figure.

Timed: the floors (`python -c pass`, `import great_expectations`, a cold `validate`), then single
writes (`set-status`, `add-claim`, `apply` of a one-row changeset) and `apply` of a 25-row
changeset, each a real write (not a dry run). The copies quote a small article archived with
`add-source` once, before any timing: one sentence per commitment, each a status phrase.

    python bench/curation_speed.py                 # 3 runs each, a table on stdout
    python bench/curation_speed.py --runs 5 --out bench/curation_results.md
    python bench/curation_speed.py --cli /work/main/cli.py   # another checkout's CLI, as a baseline
                                                             # (commands it lacks are left out)
    python bench/curation_speed.py --cli /tmp/before/cli.py --cli cli.py   # both, runs interleaved

Nothing here asserts a time: the aims (a write under 3 s, a 25-row apply under 6 s, at load ~1)
are for people to judge from the table.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the package's own code, as `python bench/…` from the repository

from commitment_tracker.curation import changeset, curate  # noqa: E402

PARTS = ("datapackage.json", "data", "seeds", "validators", "queries")
TODAY = "2026-11-24"
PUBLISHED = "2026-11-10"
APPLY_ROWS = 25


@dataclass
class Timing:
    label: str
    wall: list[float]
    cpu: list[float]
    load_before: list[float]
    load_after: list[float]

    def row(self) -> str:
        med = statistics.median
        return (
            f"| {self.label} | {med(self.wall):.2f} | {min(self.wall):.2f} | {med(self.cpu):.2f} "
            f"| {med(self.load_before):.2f} → {med(self.load_after):.2f} |"
        )


def article(root: Path) -> str:
    """One status sentence per commitment, in the order of commitments.csv."""
    with open(root / "data" / "commitments.csv", encoding="utf-8", newline="") as fh:
        titles = [(r["commitment_id"], r["title_fr"]) for r in csv.DictReader(fh)]
    lines = ["Le Matin", "Bilan d'étape des engagements des Assises, publié le 10 novembre 2026."]
    lines += [f"Selon le ministère, le chantier « {t} » est en cours de réalisation." for _, t in titles]
    return "\n".join(lines) + "\n"


def template(folder: Path) -> tuple[Path, str]:
    """A copy of the real package with the bench article archived; returns it and the source id."""
    root = folder / "template"
    root.mkdir()
    for part in PARTS:
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / part)
    capture = folder / "article.txt"
    capture.write_text(article(root), encoding="utf-8", newline="")
    outcome = curate.add_source(
        root, capture, outlet="Le Matin", title="Bilan d'étape des engagements", published_on=PUBLISHED
    )
    (source,) = outcome.ids("sources")
    return root, source


def status_changeset(root: Path, source: str, path: Path, accepted: int) -> list[str]:
    """A changeset of one status row per commitment, the first ``accepted`` of them accepted."""
    with open(root / "data" / "sources.csv", encoding="utf-8", newline="") as fh:
        (seed_path,) = [r["seed_path"] for r in csv.DictReader(fh) if r["source_id"] == source]
    data = (root / seed_path).read_bytes()
    text = data.decode("utf-8")
    with open(root / "data" / "commitments.csv", encoding="utf-8", newline="") as fh:
        titles = [(r["commitment_id"], r["title_fr"]) for r in csv.DictReader(fh)]
    rows = []
    for n, (commitment, title) in enumerate(titles, start=1):
        quote = f"le chantier « {title} » est en cours de réalisation"
        start = text.index(quote)
        rows.append(
            {
                "proposal_id": f"p{n:03d}",
                "decision": "accept" if n <= accepted else "",
                "kind": "status",
                "source_id": source,
                "source_sha256": hashlib.sha256(data).hexdigest(),
                "quote": quote,
                "quote_start": start,
                "quote_end": start + len(quote),
                "stated": "est en cours de réalisation",
                "commitment_id": commitment,
                "status": "in_progress",
                "as_of": PUBLISHED,
                "reason": "bench",
            }
        )
    if accepted > len(rows):
        raise SystemExit(f"the package has {len(rows)} commitments, fewer than the {accepted} rows asked for")
    path.write_text(changeset.to_csv(rows), encoding="utf-8", newline="")
    return [r["commitment_id"] for r in rows]


def has_command(python: str, cli: str, command: str) -> bool:
    return subprocess.run([python, cli, command, "--help"], capture_output=True).returncode == 0


def timed_once(timing: Timing, make_argv, fresh: Path | None, folder: Path, n: int) -> None:
    """Run ``make_argv(root)`` once, on a fresh copy of ``fresh`` when given; add it to ``timing``."""
    env = {**os.environ, "COMMITMENTS_TODAY": TODAY}
    root = None
    if fresh is not None:
        root = folder / f"run-{n}"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(fresh, root, symlinks=True)
    argv = make_argv(root)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    timing.load_before.append(os.getloadavg()[0])
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=Path(argv[1]).parent, env=env, capture_output=True, text=True)
    timing.wall.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    timing.load_after.append(os.getloadavg()[0])
    timing.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{timing.label} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold runs per command (default 3)")
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) to this file")
    parser.add_argument(
        "--cli", action="append", help="a cli.py to time (repeatable: runs interleaved; default: this one)"
    )
    args = parser.parse_args()
    os.environ["COMMITMENTS_TODAY"] = TODAY
    python = sys.executable
    clis = [str(Path(c).resolve()) for c in args.cli or [REPO / "cli.py"]]

    with tempfile.TemporaryDirectory(prefix="curation-bench-") as tmp:
        folder = Path(tmp)
        root, source = template(folder)
        one, many = folder / "one.csv", folder / "many.csv"
        status_changeset(root, source, one, 1)
        commitments = status_changeset(root, source, many, APPLY_ROWS)
        first = commitments[0]
        quote = next(iter(changeset.read(one))).values["quote"]

        def commands(cli: str) -> list:
            found = [
                ("python -c pass", lambda r: [python, "-c", "pass"], None),
                ("import great_expectations", lambda r: [python, "-c", "import great_expectations"], None),
                ("validate (read only)", lambda r: [python, cli, "validate", "--root", str(r)], root),
                (
                    "set-status (one status row)",
                    lambda r: [
                        python, cli, "set-status", first, "--root", str(r), "--as-of", PUBLISHED,
                        "--status", "in_progress", "--source", source, "--rationale", "Reported in progress.",
                    ],
                    root,
                ),
                (
                    "add-claim (one claim)",
                    lambda r: [
                        python, cli, "add-claim", "--root", str(r), "--source", source,
                        "--commitment", first, "--quote", quote,
                    ],
                    root,
                ),
                ("apply, 1 accepted row", lambda r: [python, cli, "apply", str(one), "--root", str(r)], root),
                (
                    f"apply, {APPLY_ROWS} accepted rows",
                    lambda r: [python, cli, "apply", str(many), "--root", str(r)],
                    root,
                ),
            ]  # fmt: skip
            if not has_command(python, cli, "apply"):
                found = [c for c in found if not c[0].startswith("apply")]
            return found

        # Each command's runs take turns between the CLIs, so a neighbour's load falls on all alike.
        listed = {cli: commands(cli) for cli in clis}
        timings = []
        for index in range(max(len(found) for found in listed.values())):
            rows = []
            for cli, found in listed.items():
                if index < len(found):
                    label, make_argv, fresh = found[index]
                    label = f"{label} [{cli}]" if len(clis) > 1 else label
                    rows.append((Timing(label, [], [], [], []), make_argv, fresh))
            for n in range(args.runs):
                for timing, make_argv, fresh in rows:
                    timed_once(timing, make_argv, fresh, folder, n)
            timings.extend(timing for timing, _, _ in rows)

    lines = [
        f"{args.runs} cold runs each, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, {', '.join(clis)}; each write on a fresh copy.",
        "",
        "| command | wall median (s) | wall min (s) | CPU median (s) | load avg (1 min) before → after |",
        "|---|---:|---:|---:|---|",
        *(t.row() for t in timings),
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
