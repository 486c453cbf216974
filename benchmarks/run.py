"""Benchmark avr against its targets and a like-for-like Hugo site; write benchmarks/RESULTS.md.

    python benchmarks/run.py                      # 50 000 files (what `make bench` runs)
    python benchmarks/run.py --files 3000         # a quick run, into RESULTS-quick.md
    python benchmarks/run.py --before e39a5f6     # the engine to compare with (default: that commit)

Two engines are measured in one run, interleaved: "before" is avr at an older commit, taken from this
repository's history with `git archive` into a temporary folder; "after" is the working tree. Both run
as `python -m avr` with the same interpreter and libraries, each with its own output folder. Hugo
renders the same pages from the same YAML files (benchmarks/hugo/), and the raw read+parse floor
reads and parses every file with libyaml's CBaseLoader on all cores. Every figure is the median of
several runs; the ratios compare figures measured in the same run, since the machine may be busy.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import FILES_PER_PLAN, generate  # noqa: E402

BEFORE = "e39a5f6"  # main before the build engine was rewritten (issue 14)
HTML = ["build", "--format", "html", "--quiet"]

# The targets of issue 14, at 50 000 files: (key, what, limit, unit); unit "x" is a ratio.
TARGETS = [
    ("hugo_ratio", "full `avr build --format html` ÷ like-for-like Hugo", 1.0, "x"),
    ("floor_ratio", "full build ÷ raw read+parse floor", 3.0, "x"),
    ("noop", "no-op `avr build --format html`", 0.2, "s"),
    ("one", "one follow-up changed, `avr build --format html`", 0.5, "s"),
    ("serve", "`avr serve`: file written → reload event (warm)", 0.3, "s"),
    ("memory", "peak memory of a full build, all processes", 300.0, "MiB"),
]


# ------------------------------------------------------------ measuring


def _tree_rss(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes: the resident set of the command plus the private
    pages of its workers. Forked workers share their parent's pages until they write to them; counting their
    whole resident set would count those pages once per process."""
    total, todo = 0, [(pid, "Rss:")]
    while todo:
        current, prefix = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith(prefix) or (prefix == "Private" and line.startswith("Private_")):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend((int(c), "Private") for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


@dataclass
class Run:
    wall: float
    cpu: float  # user + sys of the command and every process it waited for
    peak: int  # bytes, all processes together


def run_cmd(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Wall time, CPU time and peak memory (all processes together, sampled from /proc) of one command."""
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{err.decode(errors='replace')}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Run(wall, cpu, peak)


def _raw_parse(paths: list[str]) -> int:
    for path in paths:
        with open(path, "rb") as handle:
            yaml.load(handle.read(), Loader=yaml.CBaseLoader)  # noqa: S506 - the floor: no checks at all
    return len(paths)


def floor(files: list[str], workers: int) -> float:
    """Read every file and parse it with CBaseLoader on all cores: what no YAML build can beat."""
    chunks = [files[i::workers * 4] for i in range(workers * 4)]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_raw_parse, chunks)
    return time.perf_counter() - start


# ------------------------------------------------------------- engines


@dataclass
class Engine:
    """One version of avr: its source folder (on PYTHONPATH) and its own output folder."""

    name: str
    source: Path
    out: Path
    runs: dict[str, list[Run]] = field(default_factory=dict)
    serve: list[float] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """Its source on PYTHONPATH; messages in English (serve_probe.py reads serve's "build …" line); Python's
        bytecode written and read as on a user's machine (a machine may set PYTHONDONTWRITEBYTECODE: then every
        run would compile avr from source, a cost no installed avr has)."""
        env = {**os.environ, "PYTHONPATH": str(self.source), "AVR_LANG": "en"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def avr(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "avr", *args, "--out", str(self.out)]

    def record(self, key: str, repo: Path, *args: str) -> Run:
        run = run_cmd(self.avr(*args), repo, self.env())
        self.runs.setdefault(key, []).append(run)
        return run

    def median(self, key: str) -> float:
        return statistics.median(r.wall for r in self.runs[key])


def extract(commit: str, into: Path) -> Path:
    """avr at ``commit``, from this repository's history (its package, templates and schemas)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


# ---------------------------------------------------------------- Hugo


def hugo_site(repo: Path, site: Path) -> Path:
    """A Hugo site for the same pages as `avr build --format html`: one page per report, the index and
    the accessibility statement. Hugo 0.111 makes pages only from content files, so each report gets
    an empty one naming its plan and period; everything shown comes from the repository's YAML files,
    mounted as Hugo's data folder, through the templates in benchmarks/hugo/layouts."""
    content = site / "content"
    plans = repo.resolve() / "plans"
    for org in sorted(p for p in plans.iterdir() if (p / "organisation.yaml").is_file()):
        organisation = yaml.safe_load((org / "organisation.yaml").read_text(encoding="utf-8"))
        labels = {str(p["id"]): str(p["label"]) for p in organisation["periods"]}
        for plan in sorted(p for p in org.iterdir() if (p / "plan.yaml").is_file()):
            title = yaml.safe_load((plan / "plan.yaml").read_text(encoding="utf-8"))["title"]
            folder = content / org.name / plan.name
            folder.mkdir(parents=True, exist_ok=True)
            head = f'org: "{org.name}"\nplan: "{plan.name}"\n'
            (folder / "plan.md").write_text(f'---\ntitle: "{title}"\n{head}---\n', encoding="utf-8")
            for period in sorted(p.name for p in (plan / "followups").iterdir() if p.is_dir()):
                (folder / f"uppfoljning-{period}.md").write_text(
                    f'---\ntitle: "{title} – {labels[period]}"\n{head}period: "{period}"\n'
                    f'period_label: "{labels[period]}"\n---\n', encoding="utf-8")
    (content / "tillganglighet.md").write_text("---\ntitle: Tillgänglighetsredogörelse\nkind: accessibility\n---\n",
                                               encoding="utf-8")
    title = yaml.safe_load((repo / "avr.yaml").read_text(encoding="utf-8")).get("title", "Rapporter")
    (site / "hugo.toml").write_text(
        f'baseURL = "http://localhost/"\ntitle = "{title}"\nlanguageCode = "sv"\n'
        'uglyURLs = true\ndisablePathToLower = true\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section"]\n'
        f'[[module.mounts]]\nsource = "{HERE / "hugo" / "layouts"}"\ntarget = "layouts"\n'
        f'[[module.mounts]]\nsource = "{content.resolve()}"\ntarget = "content"\n'
        f'[[module.mounts]]\nsource = "{plans}"\ntarget = "data"\n', encoding="utf-8")
    return site


def pages(folder: Path) -> tuple[int, int]:
    """Number and total size of the HTML pages under ``folder``."""
    found = [p for p in folder.rglob("*.html") if p.is_file()]
    return len(found), sum(p.stat().st_size for p in found)


# ------------------------------------------------------------- edits


def followup_file(repo: Path) -> Path:
    return sorted((repo / "plans").glob("*/*/followups/2022/a1.yaml"))[0]


def edit_followup(repo: Path) -> None:
    """Change one activity follow-up's completion (50 ↔ 55): one report shows it."""
    target = followup_file(repo)
    lines = target.read_text(encoding="utf-8").splitlines()
    lines = [("completion: 55" if line == "completion: 50" else "completion: 50") if line.startswith("completion:")
             else line for line in lines]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure_serve(engine: Engine, repo: Path, edits: int) -> list[float]:
    """Seconds from writing a follow-up to serve's reload event, for each of ``edits`` edits after two
    warm-up edits; run in the engine's own process by benchmarks/serve_probe.py."""
    cmd = [sys.executable, str(HERE / "serve_probe.py"), str(repo), str(engine.out), str(edits + 2)]
    proc = subprocess.run(cmd, env=engine.env(), capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"serve probe failed ({engine.name}):\n{proc.stderr}")
    return [float(x) for x in proc.stdout.split()][2:]


# ------------------------------------------------------------ profiles


def profile(engine: Engine, repo: Path, args: list[str], prepare: Callable[[], object], top: int = 12) -> str:
    """Where one run of ``avr args`` spends its time, sampled by py-spy from outside (worker processes
    included; also a run that ends with `os._exit`, as the no-op does): the functions with most own
    time, and avr's functions by time including what they call."""
    spy = Path(sys.executable).parent / "py-spy"
    if not spy.is_file():
        return "(py-spy not installed: `pip install py-spy`)\n"
    prepare()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "stacks.txt"
        done = subprocess.run([str(spy), "record", "--subprocesses", "--rate", "200", "--format", "raw",
                               "--output", str(raw), "--", *engine.avr(*args)],
                              cwd=repo, env=engine.env(), capture_output=True, text=True)
        if not raw.is_file():
            return f"(py-spy failed: {done.stderr.strip()[-300:]})\n"
        stacks = raw.read_text(encoding="utf-8").splitlines()

    def name(frame: str) -> str:  # "fn (path/file.py:12)" -> "fn (path/file.py)", paths shortened
        fn, _, place = frame.partition(" (")
        if place.startswith("<frozen importlib"):
            return "importing modules (importlib)"
        place = place.rsplit(":", 1)[0].replace(str(engine.source) + "/", "").split("site-packages/", 1)[-1]
        return f"`{fn}` ({place})"

    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in stacks:
        frames, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count, parts = int(count_text), [f for f in frames.split(";") if not f.startswith("process ")]
        if not parts:  # a process with no Python frame sampled (starting or ending)
            continue
        total += count
        own[name(parts[-1])] = own.get(name(parts[-1]), 0) + count
        for frame in {name(f) for f in parts if "avr/" in f.partition(" (")[2]}:
            inclusive[frame] = inclusive.get(frame, 0) + count
    if not total:
        return "(no samples)\n"
    seconds = total / 200
    lines = [f"{seconds:.2f} s of samples (all processes).\n", "| own time | share | function |", "|---|---|---|"]
    lines += [f"| {n / 200:.2f} s | {n / total:.0%} | {f} |" for f, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]]
    top += 4  # the first few are the chain of calls from the command line down to the build
    lines += ["", "| time incl. callees | share | avr function |", "|---|---|---|"]
    # without the entry points that hold nearly everything
    rows = [(f, n) for f, n in sorted(inclusive.items(), key=lambda kv: -kv[1]) if n < 0.9 * total][:top]
    lines += [f"| {n / 200:.2f} s | {n / total:.0%} | {f} |" for f, n in rows]
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------- report


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms"


def _mib(size: float) -> str:
    return f"{size / 2**20:.0f} MiB"


def _value(unit: str, value: float) -> str:
    return {"x": f"{value:.2f}×", "s": _s(value), "MiB": f"{value:.0f} MiB"}[unit]


def verdict(unit: str, value: float, limit: float) -> str:
    if value <= limit:
        return "pass"
    over = f"{value / limit:.1f}× the target" if unit == "x" else f"+{_value(unit, value - limit)}"
    return f"**miss** ({over})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=50000, help="size of the generated repository (default 50000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing (medians; default 3)")
    parser.add_argument("--before", default=BEFORE, help=f"commit of the engine to compare with (default {BEFORE})")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiles of missed targets")
    parser.add_argument("--note", default="", help="a sentence put under the heading of the results")
    parser.add_argument("--out", type=Path, default=None,
                        help="the file written (default RESULTS.md at 50 000 files, else RESULTS-quick.md)")
    args = parser.parse_args()
    out_file = args.out or HERE / ("RESULTS.md" if args.files >= 50000 else "RESULTS-quick.md")
    if shutil.which("hugo") is None:
        raise SystemExit("hugo not found: `make hugo` installs Debian's")
    repo = HERE / "repos" / str(args.files)
    if not (repo / "avr.yaml").is_file():
        print(f"generating {args.files} files …", file=sys.stderr)
        generate(args.files, repo)
    yaml_files = [str(p) for p in sorted((repo / "plans").rglob("*.yaml"))]
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    before_rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.before],
                                check=True, capture_output=True, text=True).stdout.strip()
    after_rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                               check=True, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "avr", "templates"],
                           capture_output=True, text=True).stdout.strip()

    with tempfile.TemporaryDirectory(prefix="avr-bench-") as tmp_name:
        tmp = Path(tmp_name)
        engines = [Engine("before", extract(args.before, tmp / "before"), tmp / "out-before"),
                   Engine("after", ROOT, tmp / "out-after")]
        site = hugo_site(repo, tmp / "hugo")
        public = site / "public"
        hugo_runs: list[Run] = []
        floors: list[float] = []

        print("full builds, Hugo and the floor, interleaved …", file=sys.stderr)
        for _ in range(args.runs):
            for engine in engines:
                shutil.rmtree(engine.out, ignore_errors=True)
                engine.record("full", repo, *HTML)
            shutil.rmtree(public, ignore_errors=True)
            hugo_runs.append(run_cmd(["hugo", "--quiet", "-d", str(public)], site))
            floors.append(floor(yaml_files, cores))
        volume = {e.name: pages(e.out) for e in engines}
        volume["hugo"] = pages(public)

        print("no-op and one-change builds …", file=sys.stderr)
        for _ in range(args.runs + 2):
            for engine in engines:
                engine.record("noop", repo, *HTML)
        for _ in range(args.runs):
            edit_followup(repo)
            for engine in engines:
                engine.record("one", repo, *HTML)

        print("avr serve …", file=sys.stderr)
        for engine in engines:
            engine.serve = measure_serve(engine, repo, args.runs)

        hugo = statistics.median(r.wall for r in hugo_runs)
        low = statistics.median(floors)
        figures: dict[str, dict[str, float]] = {}
        for engine in engines:
            full = engine.median("full")
            figures[engine.name] = {
                "full": full, "hugo_ratio": full / hugo, "floor_ratio": full / low,
                "noop": engine.median("noop"), "one": engine.median("one"),
                "serve": statistics.median(engine.serve),
                "memory": max(r.peak for r in engine.runs["full"]) / 2**20,
                "cpu": statistics.median(r.cpu for r in engine.runs["full"]),
                "noop_cpu": statistics.median(r.cpu for r in engine.runs["noop"]),
                "one_cpu": statistics.median(r.cpu for r in engine.runs["one"]),
            }

        profiles: list[str] = []
        after = engines[1]
        info = {"cores": cores, "started": started, "load": (load_before, os.getloadavg()), "before": before_rev,
                "after": after_rev + (" + uncommitted changes" if dirty else ""), "same": _same_engine(engines)}
        write(out_file, report(args, figures, hugo, low, hugo_runs, volume, profiles, info))
        if not args.no_profile:
            print("profiles of the missed targets …", file=sys.stderr)
            miss = {key for key, _, limit, _ in TARGETS if figures["after"][key] > limit}

            def settle() -> None:
                # a file saved within 2 s of a build's scan is never trusted by its stat (load/checked.recent):
                # after the last edit, wait that out, so that the build profiled next is a true no-op
                time.sleep(2.1)
                run_cmd(after.avr(*HTML), repo, after.env())

            if "noop" in miss:
                profiles.append("### No-op build\n\n" + profile(after, repo, HTML, settle))

            def settle_and_edit() -> None:
                settle()
                edit_followup(repo)

            if miss & {"one", "serve"}:
                profiles.append("### One follow-up changed (serve rebuilds the same way)\n\n" + profile(
                    after, repo, HTML, settle_and_edit))
            if miss & {"hugo_ratio", "floor_ratio", "memory"}:
                # one plan: a full build does this once per plan, in parallel; --jobs 1 keeps it in the profiled process
                plan_repo, what = repo, "the whole repository"
                if args.files > FILES_PER_PLAN:
                    plan_repo, what = HERE / "repos" / f"{FILES_PER_PLAN}-one-plan", f"one plan ({FILES_PER_PLAN} files)"
                    if not (plan_repo / "avr.yaml").is_file():
                        generate(FILES_PER_PLAN, plan_repo, plans=1)
                one_plan = Engine("after", after.source, tmp / "out-profile")
                profiles.append(f"### Full build of {what}, `--jobs 1`\n\n" + profile(
                    one_plan, plan_repo, [*HTML, "--jobs", "1"], lambda: None))

        write(out_file, report(args, figures, hugo, low, hugo_runs, volume, profiles, info))


def write(out_file: Path, text: str) -> None:
    notes = HERE / "NOTES.md"
    if notes.is_file():
        text += "\n" + notes.read_text(encoding="utf-8")
    out_file.write_text(text, encoding="utf-8")
    print(f"wrote {out_file}", file=sys.stderr)


def _same_engine(engines: list[Engine]) -> bool:
    """Whether before and after have the same avr package (then both columns measure one engine)."""
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "avr").rglob("*.py"))}
    return files(engines[0].source) == files(engines[1].source)


def report(args: argparse.Namespace, figures: dict[str, dict[str, float]], hugo: float, low: float,
           hugo_runs: list[Run], volume: dict[str, tuple[int, int]], profiles: list[str], info: dict[str, Any]) -> str:
    b, a = figures["before"], figures["after"]
    load = info["load"]
    lines = [
        "# Benchmark results\n",
        f"`make bench` (`benchmarks/run.py --files {args.files} --runs {args.runs}`), {info['started']}: "
        f"{args.files} generated files, {info['cores']} cores, Python {sys.version.split()[0]}, Hugo {_hugo_version()}. "
        f"Before = avr at `{info['before']}`, after = `{info['after']}`; both run as `python -m avr` with the same "
        "libraries, interleaved in one run. Medians of "
        f"{args.runs} runs ({args.runs + 2} for the no-op); CPU times (user + sys of all processes) depend less on "
        "what else runs on the machine than wall times do.\n",
        f"Load average (1 min) {load[0][0]:.1f} at the start and {load[1][0]:.1f} at the end"
        + (": the machine was shared with other work, so wall times are higher than on an idle machine; the ratios "
           "compare figures of the same run." if max(load[0][0], load[1][0]) > 0.5 * info["cores"] else ".") + "\n",
    ]
    if args.note:
        lines.append(f"**{args.note}**\n")
    if info["same"]:
        lines.append("**Before and after are the same engine in this run** (the rewritten engine was not in this "
                     "tree when it ran): the two columns differ only by noise.\n")
    lines += ["## Targets\n", "| | target | before | after | after: pass/miss |", "|---|---|---|---|---|"]
    for key, what, limit, unit in TARGETS:
        target = f"≤ {_value(unit, limit)}" if unit != "MiB" else f"≤ {limit:.0f} MiB"
        lines.append(f"| {what} | {target} | {_value(unit, b[key])} | {_value(unit, a[key])} | "
                     f"{verdict(unit, a[key], limit)} |")
    hugo_cpu = statistics.median(r.cpu for r in hugo_runs)
    lines += [
        "\n## The figures behind the ratios\n",
        "| | before | after |", "|---|---|---|",
        f"| full `avr build --format html`, wall | {_s(b['full'])} | {_s(a['full'])} |",
        f"| full build, CPU (user + sys, all processes) | {_s(b['cpu'])} | {_s(a['cpu'])} |",
        f"| like-for-like Hugo, wall (CPU) | {_s(hugo)} ({_s(hugo_cpu)}) | |",
        f"| raw read+parse floor (CBaseLoader, {info['cores']} processes) | {_s(low)} | |",
        f"| full build CPU ÷ Hugo CPU | {b['cpu'] / hugo_cpu:.2f} | {a['cpu'] / hugo_cpu:.2f} |",
        f"| no-op, CPU | {_s(b['noop_cpu'])} | {_s(a['noop_cpu'])} |",
        f"| one follow-up changed, CPU | {_s(b['one_cpu'])} | {_s(a['one_cpu'])} |",
        "\n## Same pages?\n",
        "| | HTML pages | bytes |", "|---|---|---|",
    ]
    for name, label in (("before", "`avr build --format html`, before"), ("after", "`avr build --format html`, after"),
                        ("hugo", "Hugo (benchmarks/hugo/)")):
        count, size = volume[name]
        lines.append(f"| {label} | {count} | {size / 1e6:.1f} MB |")
    lines += [
        "\nBoth write one page per report (the plan, and a follow-up report per period with every goal, indicator "
        "and activity card with its follow-up text), the index and the accessibility statement, from the same "
        "YAML files. Hugo does no validation, no positions for diagnostics and no goal verdicts; its charts are "
        "simpler. It gets one empty content file per report (Hugo 0.111 makes pages only from content files), "
        "written before the timing.\n",
        "## How each row is measured\n",
        "* Full build: `avr build --format html --quiet` into an empty output folder; Hugo: `hugo --quiet` into an "
        "empty `public/`; floor: every YAML file read and parsed by CBaseLoader in a pool of one process per core "
        "(in the benchmark's process, started fresh each run). One round runs before, after, Hugo and the floor "
        "back to back.",
        "* No-op: the same command again with nothing changed. One follow-up changed: the completion of one "
        "activity follow-up edited, then the same command (each engine keeps its own output folder and cache).",
        "* Serve: `benchmarks/serve_probe.py` runs `avr.commands.serve.serve` in the engine's process (first build "
        "done), writes a follow-up and times until serve announces the rebuild, which is when `/__avr/version` "
        "changes and the open page reloads (the page asks every 0.4 s; that wait is not counted). Two warm-up "
        "edits are not counted. Serve builds its default formats (Markdown, HTML, JSON).",
        "* Peak memory: resident set of the command plus the private pages of its worker processes, sampled every "
        "5 ms, the highest of the full builds.\n",
    ]
    if profiles:
        lines.append("## Where the time goes in the missed targets (after, py-spy)\n")
        lines += [p + "\n" for p in profiles]
    return "\n".join(lines) + "\n"


def _hugo_version() -> str:
    out = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()
    return out[1] if len(out) > 1 else "?"


if __name__ == "__main__":
    main()
