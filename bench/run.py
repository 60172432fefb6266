"""Benchmark harness: our commands against what a user would otherwise run, on the same packages.

For the real package and synthetic packages of each size (bench/generate.py), every command runs in
a fresh process (a cold interpreter, imports included; the OS file cache is warm after the first
run), several times; the median wall time, the CPU time (user + system) and the peak resident
memory of the process (``wait4`` rusage, per child) and the load average when it started are
recorded:

    validate               python cli.py validate
    validate:<layer>       one layer of validate alone (bench/probe.py layer)
    frictionless-validate  frictionless validate datapackage.json (the .venv CLI)
    read-floor             DuckDB typed read_csv of every resource (bench/probe.py floor)
    query:<name>           python cli.py query <name>, for three named queries
    build                  python cli.py build --out <tmp> (validates first, as users run it)
    build:skip-validation  the same with --skip-validation: the build work alone
    validate:without-<rule> validate on a copy of the package without that SQL rule
                           (--without-rule; data and seeds hard-linked, not copied)

Commands that do not exist yet (no `query`/`build` in cli.py) are reported as missing. Writes
bench/results.json (one object per size and command) and bench/results.md (machine, tables,
ratios, growth, targets, and a pyinstrument profile of the slowest layer at 10^5 claims).

    python bench/run.py                          # real,1000,10000,100000,1000000 within 30 minutes
    python bench/run.py --sizes real,1000 --repeats 3
    python bench/run.py --sizes real,1000000 --only query,read-floor --out-dir /tmp/q   # queries only
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

# Deliberately nothing from commitment_tracker or the generator here: a forked child starts with
# this process's memory high-water mark (Linux carries ru_maxrss across exec), so the harness stays
# small and generates packages in a subprocess, or every peak below would read at least its size.
BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CLI = str(REPO / "cli.py")
PROBE = str(BENCH / "probe.py")
DEFAULT_SIZES = "real,1000,10000,100000,1000000"
# Date rules compare against this fixed day so that runs are comparable (see context.py).
TODAY = "2026-01-01"
# Named queries tried first (if they exist and run without parameters), then any other.
PROFILE_NAME = "profile.txt"
PREFERRED_QUERY_WORDS = ("due", "dispute", "status", "parties", "sector")


@dataclass
class Measure:
    claims: int
    package: str  # "real" or "synthetic"
    command: str
    times: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    peaks_kib: list[int] = field(default_factory=list)
    status: str = "ok"  # ok | failed (exit code) | timeout
    detail: str = ""

    @property
    def median_s(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def cpu_s(self) -> float | None:
        return statistics.median(self.cpus) if self.cpus else None

    @property
    def load(self) -> float | None:
        return statistics.median(self.loads) if self.loads else None

    @property
    def peak_mib(self) -> float | None:
        return max(self.peaks_kib) / 1024 if self.peaks_kib else None

    def to_json(self) -> dict:
        return {
            "claims": self.claims,
            "command": self.command,
            "median_s": round(self.median_s, 4) if self.median_s is not None else None,
            "cpu_s": round(self.cpu_s, 4) if self.cpu_s is not None else None,
            "load": round(self.load, 2) if self.load is not None else None,
            "peak_mib": round(self.peak_mib, 1) if self.peak_mib is not None else None,
            "runs": len(self.times),
            "package": self.package,
            "status": self.status,
        }


@dataclass
class Run:
    seconds: float
    cpu: float  # user + system seconds of the process
    peak_kib: int
    code: int  # exit code, -1 on timeout
    tail: str  # the end of stderr
    load: float  # 1-minute load average when it started


def run_once(argv: list[str], cwd: Path, timeout: float) -> Run:
    """Run one cold process and measure it."""
    # PYTHONPATH: bench/probe.py imports this checkout's commitment_tracker, not an installed one.
    env = dict(os.environ, COMMITMENTS_TODAY=TODAY, PYTHONPATH=str(REPO))
    env.pop("COMMITMENTS_ROOT", None)
    # A user's Python reads the project's modules from cached bytecode (pip writes it, a checkout's
    # first run does); with PYTHONDONTWRITEBYTECODE set every cold process would compile them again
    # (about 0.06 s of CPU for `query`, a quarter of its cost), which no user pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            # wait4 gives this child's own rusage (ru_maxrss in KiB on Linux), unlike RUSAGE_CHILDREN
            # which is the maximum over every child waited for so far.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    code = -1 if proc.returncode < 0 else proc.returncode
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code, tail, load)


class Harness:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.started = time.monotonic()
        self.load_before = os.getloadavg()[0]
        self.budget = args.budget_minutes * 60
        self.results: list[Measure] = []
        self.notes: list[str] = []
        self.python = sys.executable
        self.frictionless = Path(self.python).with_name("frictionless")
        Path(args.out_dir).mkdir(parents=True, exist_ok=True)
        self.workdir = Path(tempfile.mkdtemp(prefix="commitments-bench-", dir=args.workdir))
        self.has_query = self._has_command("query")
        self.has_build = self._has_command("build")
        self.queries = self._pick_queries() if self.has_query else []
        self.layers = self._layers()

    # --- discovery -------------------------------------------------------------------------------

    def remaining(self) -> float:
        return self.budget - (time.monotonic() - self.started)

    def _has_command(self, name: str) -> bool:
        code = run_once([self.python, CLI, name, "--help"], REPO, 60).code
        if code != 0:
            self.notes.append(f"`cli.py {name}` does not exist yet: not measured.")
        return code == 0

    def _pick_queries(self) -> list[str]:
        """Three named queries that run with their default parameters on the real package."""
        names = sorted(p.stem for p in (REPO / "queries").glob("*.sql"))
        names.sort(key=lambda n: next((i for i, w in enumerate(PREFERRED_QUERY_WORDS) if w in n), 99))
        chosen = []
        for name in names:
            code = run_once([self.python, CLI, "query", name, "--root", str(REPO)], REPO, 60).code
            if code == 0:
                chosen.append(name)
            if len(chosen) == 3:
                break
        if len(chosen) < 3:
            self.notes.append(
                f"only {len(chosen)} named queries run without parameters ({', '.join(chosen) or 'none'})."
            )
        return chosen

    def _layers(self) -> list[str]:
        code = (
            "from commitment_tracker.validation.validate import LAYERS; print(' '.join(n for n, _ in LAYERS))"
        )
        out = subprocess.run([self.python, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
        return out.stdout.split()

    def commands(self, root: Path) -> list[tuple[str, list[str], Path]]:
        root_s = str(root)
        cmds = [("validate", [self.python, CLI, "validate", "--root", root_s, "--format", "json"], REPO)]
        for rule in self.args.without_rule:
            variant = str(self.without_rule(root, rule))
            argv = [self.python, CLI, "validate", "--root", variant, "--format", "json"]
            cmds.append((f"validate:without-{rule}", argv, REPO))
        cmds += [(f"validate:{n}", [self.python, PROBE, "layer", root_s, n], REPO) for n in self.layers]
        if self.frictionless.exists():
            cmds.append(
                ("frictionless-validate", [str(self.frictionless), "validate", "datapackage.json"], root)
            )
        else:
            self.notes.append(f"{self.frictionless} not found: frictionless-validate not measured.")
        cmds.append(("read-floor", [self.python, PROBE, "floor", root_s], REPO))
        cmds += [
            (f"query:{q}", [self.python, CLI, "query", q, "--root", root_s, "--format", "csv"], REPO)
            for q in self.queries
        ]
        if self.has_build:
            # `build` validates first, as users run it; the second line is the build work alone.
            build = [self.python, CLI, "build", "--root", root_s, "--out", "{out}"]
            cmds.append(("build", build, REPO))
            cmds.append(("build:skip-validation", [*build, "--skip-validation"], REPO))
        if self.args.only:
            wanted = [p.strip() for p in self.args.only.split(",") if p.strip()]
            exact = {p.removesuffix("$") for p in wanted if p.endswith("$")}
            prefixes = tuple(p for p in wanted if not p.endswith("$"))
            cmds = [c for c in cmds if c[0] in exact or c[0].startswith(prefixes)]
        return cmds

    def without_rule(self, root: Path, rule: str) -> Path:
        """A copy of the package at ``root`` without ``validators/rules/<rule>.sql`` (made once).

        Data, seeds and queries are hard links (no copy of 10^6 rows; a symbolic link would be
        refused as leading outside the package); the descriptor and validators/ are copied.
        """
        variant = self.workdir / f"{root.name}-without-{rule}"
        if variant.exists():
            return variant
        variant.mkdir()
        for part in ("data", "seeds", "queries"):
            if (root / part).exists():
                shutil.copytree(root / part, variant / part, copy_function=os.link)
        shutil.copy2(root / "datapackage.json", variant / "datapackage.json")
        shutil.copytree(root / "validators", variant / "validators")
        rule_file = variant / "validators" / "rules" / f"{rule}.sql"
        if not rule_file.exists():
            raise SystemExit(f"--without-rule {rule}: no validators/rules/{rule}.sql in {root}")
        rule_file.unlink()
        return variant

    # --- measuring -------------------------------------------------------------------------------

    def measure_package(self, root: Path, claims: int, kind: str) -> float:
        """Measure every command on one package; return the seconds spent."""
        spent = time.monotonic()
        for command, argv, cwd in self.commands(root):
            m = Measure(claims, kind, command)
            for i in range(self.args.repeats):
                out = self.workdir / f"build-{claims}-{i}"
                real_argv = [a.replace("{out}", str(out)) for a in argv]
                timeout = max(60.0, self.remaining())
                run = run_once(real_argv, cwd, timeout)
                shutil.rmtree(out, ignore_errors=True)
                m.times.append(run.seconds)
                m.cpus.append(run.cpu)
                m.loads.append(run.load)
                m.peaks_kib.append(run.peak_kib)
                if run.code != 0:
                    m.status = "timeout" if run.code == -1 else f"failed (exit {run.code})"
                    m.detail = run.tail.strip().splitlines()[-1] if run.tail.strip() else ""
                    break
            self.results.append(m)
            print(_row(m), flush=True)
        return time.monotonic() - spent

    def run(self) -> None:
        sizes = [s.strip() for s in self.args.sizes.split(",") if s.strip()]
        previous: tuple[int, float] | None = None
        print(f"{'claims':>9}  {'command':<28} {'median s':>9} {'peak MiB':>9}  runs  status")
        for size in sizes:
            if size == "real":
                claims = _count_claims(REPO)
                self.measure_package(REPO, claims, "real")
                continue
            claims = int(float(size))
            if previous is not None:
                estimate = previous[1] * claims / previous[0] * 1.3
                if estimate > self.remaining():
                    self.notes.append(
                        f"{claims} claims skipped: estimated {estimate / 60:.0f} min (linear from "
                        f"{previous[0]}) exceeds the remaining budget of {self.remaining() / 60:.0f} min "
                        "(raise --budget-minutes or pass --sizes)."
                    )
                    print(f"skipping {claims} claims: estimated {estimate / 60:.0f} min > budget", flush=True)
                    continue
            spent = time.monotonic()
            reused = self.args.packages is not None and (self.args.packages / f"pkg-{claims}").is_dir()
            root = (self.args.packages if reused else self.workdir) / f"pkg-{claims}"
            if not reused:
                self.generate(root, claims)
            self.measure_package(root, claims, "synthetic")
            if self.args.profile_size == claims:
                self.profile(root, claims)
            if not self.args.keep and not reused:
                shutil.rmtree(root, ignore_errors=True)
            previous = (claims, time.monotonic() - spent)

    def generate(self, root: Path, claims: int) -> None:
        argv = [self.python, str(BENCH / "generate.py"), "--claims", str(claims), "--out", str(root)]
        if self.args.seed is not None:
            argv += ["--seed", str(self.args.seed)]
        subprocess.run(argv, cwd=REPO, check=True, stdout=subprocess.DEVNULL)

    def profile(self, root: Path, claims: int) -> None:
        layer_results = [
            m
            for m in self.results
            if m.claims == claims and m.command.startswith("validate:") and m.median_s is not None
        ]
        if not layer_results:
            return
        slowest = max(layer_results, key=lambda m: m.median_s or 0)
        layer = slowest.command.split(":", 1)[1]
        target = self.workdir / "profile.txt"
        target.unlink(missing_ok=True)
        subprocess.run(
            [self.python, PROBE, "layer", str(root), layer, "--profile", str(target)],
            cwd=REPO,
            env=dict(os.environ, COMMITMENTS_TODAY=TODAY, PYTHONPATH=str(REPO)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if target.exists():
            # Kept beside the results so that a later --merge run still shows it.
            header = f"{layer} layer at {claims} claims\n"
            (Path(self.args.out_dir) / PROFILE_NAME).write_text(header + target.read_text(encoding="utf-8"))

    # --- reporting -------------------------------------------------------------------------------

    def write(self) -> None:
        out_dir = Path(self.args.out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        entries = [m.to_json() for m in self.results]
        if self.args.merge and (out_dir / "results.json").exists():
            fresh = {(e["claims"], e["command"]) for e in entries}
            kept = [
                e
                for e in json.loads((out_dir / "results.json").read_text(encoding="utf-8"))
                if (e["claims"], e["command"]) not in fresh
            ]
            entries = sorted(kept + entries, key=lambda e: e["claims"])  # stable: run order kept
        (out_dir / "results.json").write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
        (out_dir / "results.md").write_text(self.markdown(entries), encoding="utf-8")
        print(f"wrote {out_dir / 'results.json'} and {out_dir / 'results.md'}")

    def markdown(self, entries: list[dict]) -> str:
        by = {(e["claims"], e["command"]): e for e in entries}
        sizes = sorted({e["claims"] for e in entries})
        commands = list(dict.fromkeys(e["command"] for e in entries))
        argv = " ".join(["python bench/run.py", *sys.argv[1:]])
        lines = [
            "# Benchmark results",
            "",
            f"Written by `{argv}` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC at commit "
            f"`{_git_commit()}`. Re-run with `make bench` (see bench/run.py for options).",
            "",
            "## Machine",
            "",
            *[f"- {line}" for line in machine_description()],
            f"- load average (1 min) {self.load_before:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end: other work on the machine slows every figure; "
            "compare runs taken at similar load",
            "",
            "## Method",
            "",
            f"Each command runs in a fresh process (`--repeats {self.args.repeats}`; median wall time; "
            "peak resident memory of that process from `wait4`, which on Linux is at least the "
            "harness's own few MiB at fork). The OS file cache is warm after the "
            "first run, and so is Python's bytecode cache (PYTHONDONTWRITEBYTECODE is dropped, as a "
            "user's Python has the project's modules compiled). "
            f"`COMMITMENTS_TODAY={TODAY}`. Synthetic packages come from `bench/generate.py` "
            f"(seed {self.args.seed or 'default'}); the smallest size is the real package. "
            "`validate:<layer>` runs one layer alone in its own process (imports included), so the "
            "layers add up to more than `validate`, which pays interpreter start-up once. "
            "`read-floor` is DuckDB's typed `read_csv` of every resource into memory: just reading the data.",
            "",
            "## Median wall seconds / CPU seconds (peak MiB) [load average at start]",
            "",
            "| command | " + " | ".join(f"{n:,} claims" for n in sizes) + " |",
            "|---|" + "---:|" * len(sizes),
        ]
        for c in commands:
            cells = []
            for n in sizes:
                e = by.get((n, c))
                if e is None or e["median_s"] is None:
                    cells.append("—")
                else:
                    flag = "" if e.get("status", "ok") == "ok" else f" **{e['status']}**"
                    cpu = f" / {e['cpu_s']:.2f}" if e.get("cpu_s") is not None else ""
                    load = f" [{e['load']:.1f}]" if e.get("load") is not None else ""
                    cells.append(f"{e['median_s']:.2f}{cpu} ({e['peak_mib']:.0f}){load}{flag}")
            lines.append(f"| `{c}` | " + " | ".join(cells) + " |")
        lines += [
            "",
            "## Ratios",
            "",
            "frictionless / ours is how many times faster `cli.py validate` (all layers) is than "
            "`frictionless validate` alone, by wall time and by CPU time (each side's own process); "
            "ours / floor is how many times the bare typed read.",
            "",
            "| claims | validate s (CPU) | frictionless s (CPU) | speed-up wall | speed-up CPU | floor s "
            "| ours / floor | slowest query s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n in sizes:
            v, f, fl = (by.get((n, c), {}) for c in ("validate", "frictionless-validate", "read-floor"))
            qs = [by[(n, c)]["median_s"] for c in commands if c.startswith("query:") and (n, c) in by]
            lines.append(
                f"| {n:,} | {_s(v.get('median_s'))} ({_s(v.get('cpu_s'))}) "
                f"| {_s(f.get('median_s'))} ({_s(f.get('cpu_s'))}) "
                f"| {_ratio(f.get('median_s'), v.get('median_s'))} "
                f"| {_ratio(f.get('cpu_s'), v.get('cpu_s'))} "
                f"| {_s(fl.get('median_s'))} | {_ratio(v.get('median_s'), fl.get('median_s'))} "
                f"| {_s(max(qs) if qs else None)} |"
            )
        synthetic = sorted({e["claims"] for e in entries if e.get("package") == "synthetic"})
        if len(synthetic) > 1:
            lines += [
                "",
                "## Growth",
                "",
                "Time ratio between consecutive synthetic sizes; 10 per 10x claims is linear growth "
                "(much less than 10 at small sizes means start-up dominates).",
                "",
                "| command | " + " | ".join(f"{a:,}→{b:,}" for a, b in itertools.pairwise(synthetic)) + " |",
                "|---|" + "---:|" * (len(synthetic) - 1),
            ]
            for c in commands:
                cells = [
                    _ratio(by.get((b, c), {}).get("median_s"), by.get((a, c), {}).get("median_s"))
                    for a, b in itertools.pairwise(synthetic)
                ]
                lines.append(f"| `{c}` | " + " | ".join(cells) + " |")
        lines += ["", "## Aims (issue 17)", "", *self.targets(by, sizes)]
        if self.notes:
            lines += ["", "## Not measured", "", *[f"- {n}" for n in self.notes]]
        profile = Path(self.args.out_dir) / PROFILE_NAME
        if profile.exists():
            title, *text = profile.read_text(encoding="utf-8").splitlines()
            top = [ln for ln in text if ln.strip()][:45]
            lines += [
                "",
                f"## Profile: {title} (pyinstrument; full text in bench/{PROFILE_NAME})",
                "",
                "```",
                *top,
                "```",
            ]
        failed = [e for e in entries if e.get("status", "ok") != "ok"]
        if failed:
            lines += ["", "## Failures", ""]
            lines += [f"- {e['claims']:,} claims, `{e['command']}`: {e['status']}" for e in failed]
            lines += [f"  - {m.detail}" for m in self.results if m.status != "ok" and m.detail]
        return "\n".join(lines) + "\n"

    def targets(self, by: dict, sizes: list[int]) -> list[str]:
        out = []
        real = next((e["claims"] for e in by.values() if e.get("package") == "real"), None)

        def check(label: str, value: float | None, ok: bool | None) -> None:
            mark = "not measured" if value is None else ("met" if ok else "**missed**")
            out.append(f"- {label}: {mark}" + (f" ({value:.2f})" if value is not None else ""))

        def get(n: int | None, command: str, key: str = "median_s") -> float | None:
            return by.get((n, command), {}).get(key)

        if real is not None:
            v = get(real, "validate")
            check("real package, validate < 2.5 s cold", v, v is not None and v < 2.5)
            queries = [e["median_s"] for (n, c), e in by.items() if n == real and c.startswith("query:")]
            q = max(queries) if queries else None
            check("real package, slowest cold query < 0.25 s", q, q is not None and q < 0.25)
        big = 1_000_000
        for key, what in (("median_s", "wall"), ("cpu_s", "CPU")):
            v, f = get(big, "validate", key), get(big, "frictionless-validate", key)
            speedup = f / v if v and f else None
            check(f"10^6 claims, validate at least 10x faster than frictionless by {what} time", speedup,
                  (speedup or 0) >= 10)  # fmt: skip
        p = get(big, "validate", "peak_mib")
        check("10^6 claims, validate peak memory < 1536 MiB", p, p is not None and p < 1536)
        for (n, c), e in sorted(by.items()):
            if n == big and c.startswith("query:"):
                limit = 2.0 if "status" in c else 1.0
                check(f"10^6 claims, `{c}` < {limit:g} s", e["median_s"], e["median_s"] < limit)
        huge = 10_000_000
        p = get(huge, "validate", "peak_mib")
        check("10^7 claims, validate peak memory < 8192 MiB", p, p is not None and p < 8192)
        v7, v6 = get(huge, "validate"), get(big, "validate")
        growth = v7 / v6 if v7 and v6 else None
        check("10^7 claims, validate time at most 10x that at 10^6 (linear)", growth, (growth or 99) <= 10)
        return out


def _row(m: Measure) -> str:
    med = f"{m.median_s:9.3f}" if m.median_s is not None else f"{'—':>9}"
    peak = f"{m.peak_mib:9.0f}" if m.peak_mib is not None else f"{'—':>9}"
    return f"{m.claims:>9}  {m.command:<28} {med} {peak}  {len(m.times):>4}  {m.status}"


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if not a or not b else f"{a / b:.2f}"


def _count_claims(root: Path) -> int:
    with open(root / "data" / "claims.csv", encoding="utf-8", newline="") as fh:
        import csv

        return sum(1 for _ in csv.reader(fh)) - 1


def _git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, cwd=REPO)
    return (out.stdout.strip() or "unknown") + (" + uncommitted changes" if dirty.stdout.strip() else "")


def machine_description() -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        memory = "RAM unknown"
    versions = []
    for dist in ("duckdb", "frictionless", "great_expectations", "polars", "pyinstrument"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} not installed")
    return [
        f"{cpu}, {os.cpu_count()} logical cores, {memory}",
        f"{platform.system()} {platform.release()} ({platform.machine()})",
        f"Python {platform.python_version()}; " + ", ".join(versions),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"comma-separated; 'real' is the real package ({DEFAULT_SIZES})",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per command; the median is reported")
    parser.add_argument(
        "--budget-minutes", type=float, default=30, help="skip sizes estimated to overrun this"
    )
    parser.add_argument("--seed", type=int, default=None, help="generator seed (default: generate.py's)")
    parser.add_argument(
        "--profile-size", type=int, default=100_000, help="claims at which to profile the slowest layer"
    )
    parser.add_argument("--out-dir", type=Path, default=BENCH, help="where results.json and results.md go")
    parser.add_argument(
        "--merge", action="store_true", help="keep earlier results.json entries for sizes not re-run"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="parent folder for generated packages")
    parser.add_argument("--keep", action="store_true", help="keep the generated packages")
    parser.add_argument(
        "--packages",
        type=Path,
        default=None,
        help="folder holding packages generated earlier as pkg-<claims>/ (bench/generate.py); "
        "a size found there is measured without generating it again",
    )
    parser.add_argument(
        "--without-rule",
        action="append",
        default=[],
        metavar="RULE_ID",
        help="also time validate on a copy of each package without this SQL rule (repeatable)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated command-name prefixes to measure, e.g. query,read-floor; a name ending "
        "in $ is matched exactly, e.g. validate$ (default: all)",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    harness = Harness(args)
    try:
        harness.run()
    finally:
        if not args.keep:
            shutil.rmtree(harness.workdir, ignore_errors=True)
    harness.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
