"""Benchmark avr against its targets and against Hugo on the same data; write benchmarks/RESULTS.md.

    python benchmarks/run.py            # 1k, 10k and 50k files (what `make bench` runs)
    python benchmarks/run.py --quick    # 1k only, a minute, into RESULTS-quick.md
    python benchmarks/run.py --big      # also 200k

Every figure is the median of several runs; ratios compare figures measured in the same run, because the
machine may be busy with other work. Stages are timed in-process; the targets run the real `avr` command
as a newcomer would, with the peak memory of all its processes together (sampled from /proc).
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
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

AVR = [sys.executable, "-m", "avr"]
SIZES = {"1k": 1000, "10k": 10000, "50k": 50000, "200k": 200000}


# ------------------------------------------------------------ measuring


def _tree_rss(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes: the resident set of the command plus the private
    pages of its workers. Forked workers share their parent's pages until they write to them; counting their
    whole resident set would count those pages once per process."""
    total, todo = 0, [(pid, "Rss:")]
    while todo:
        current, field = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith(field) or (field == "Private" and line.startswith("Private_")):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend((int(c), "Private") for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


CPU: dict[str, list[float]] = {}  # command label -> CPU seconds (user + sys, all processes) per run


def run_cmd(cmd: list[str], cwd: Path, check: bool = True, label: str = "") -> tuple[float, int]:
    """Wall time and peak memory (all processes together) of one command; its CPU time goes to CPU[label]."""
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if label:
        CPU.setdefault(label, []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{err.decode(errors='replace')}")
    return elapsed, peak


def median_of(runs: int, action: Callable[[], Any], before: Callable[[], Any] | None = None) -> tuple[float, int]:
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        result = action()
        if isinstance(result, tuple):
            times.append(result[0])
            peaks.append(result[1])
        else:
            times.append(result)
    return statistics.median(times), max(peaks, default=0)


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# ------------------------------------------------------------- stages


def _raw_parse(paths: list[str]) -> int:
    count = 0
    for path in paths:
        with open(path, "rb") as handle:
            yaml.load(handle.read(), Loader=yaml.CBaseLoader)  # noqa: S506 - the lower bound: no checks at all
        count += 1
    return count


def lower_bound(files: list[Path], workers: int) -> float:
    """Read every file and parse it with CBaseLoader on all cores: what no YAML build can beat."""
    paths = [str(p) for p in files]
    chunks = [paths[i::workers * 4] for i in range(workers * 4)]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_raw_parse, chunks)
    return time.perf_counter() - start


def stages(repo: Path, runs: int) -> dict[str, float]:
    """Each stage of a full build, in one process, without cache: read, parse, validate, compute, render, write."""
    out: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, value in _stages_once(repo).items():
            out.setdefault(name, []).append(value)
    return {name: statistics.median(values) for name, values in out.items()}


def _stages_once(repo: Path) -> dict[str, float]:
    from avr.compute.results import compute_plan
    from avr.load.cache import DocStore
    from avr.load.yamlfile import Limits
    from avr.model.repository import load_repository
    from avr.render.build import render_job, report_env, report_jobs, write_atomic

    cores = os.cpu_count() or 1
    files = sorted((repo / "plans").rglob("*.yaml"))
    out: dict[str, float] = {}
    out["read"] = timed(lambda: [p.read_bytes() for p in files])
    out["read+parse, CBaseLoader, 1 core"] = timed(lambda: _raw_parse([str(p) for p in files]))
    out[f"read+parse, CBaseLoader, {cores} cores (lower bound)"] = lower_bound(files, cores)
    t0 = time.perf_counter()
    docs = DocStore(repo, None, 1).load_all(files, Limits())
    out["read+parse, avr loader (positions, checks), 1 core"] = time.perf_counter() - t0
    parallel = DocStore(repo, None, cores)
    out[f"read+parse, avr loader, {cores} cores"] = timed(lambda: parallel.load_all(files, Limits()))
    t0 = time.perf_counter()
    loaded = load_repository(repo, preload=lambda paths, limits: docs)
    out["validate + cross-file checks (pydantic)"] = time.perf_counter() - t0
    jobs = report_jobs(loaded)
    env = report_env(loaded)
    t_compute = timed(lambda: [compute_plan(j.org, j.plan, j.spec.period, loaded.config.rules) for j in jobs])
    out["compute results"] = t_compute
    texts: list[dict[str, str]] = []
    t_render = timed(lambda: texts.extend(render_job(loaded, j, env) for j in jobs))
    out["render Markdown, HTML, JSON (Jinja; compute included above)"] = max(0.0, t_render - t_compute)
    with tempfile.TemporaryDirectory() as tmp:
        out["write"] = timed(lambda: [write_atomic(Path(tmp) / f"{i}.{ext}", text)  # type: ignore[func-returns-value]
                                      for i, t in enumerate(texts) for ext, text in t.items()])
    return out


# ------------------------------------------------------------- targets


def hugo_site(repo: Path) -> Path:
    site = repo / ".hugo"
    site.mkdir(exist_ok=True)
    (site / "hugo.toml").write_text(
        'baseURL = "http://localhost/"\ntitle = "Uppföljningsrapporter"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section", "page"]\n'
        f'[[module.mounts]]\nsource = "{HERE / "hugo" / "layouts"}"\ntarget = "layouts"\n'
        f'[[module.mounts]]\nsource = "{repo / "plans"}"\ntarget = "data"\n', encoding="utf-8")
    return site


def edit_one_followup(repo: Path, round_: int) -> None:
    target = next((repo / "plans").glob("*/*/followups/2022/a1.yaml"))
    text = target.read_text(encoding="utf-8").split("\ncompletion: ")[0]
    rest = target.read_text(encoding="utf-8").split("\ncompletion: ")[1].split("\n", 1)[1]
    target.write_text(f"{text}\ncompletion: {round_ % 2 * 5 + 50}\n{rest}", encoding="utf-8")


def edit_one_outcome(repo: Path, round_: int) -> None:
    """An indicator outcome in one goal follow-up: every report of its plan shows it (history, charts)."""
    target = next((repo / "plans").glob("*/*/followups/2021-H1/mal-1.yaml"))
    lines = target.read_text(encoding="utf-8").splitlines()
    lines[-1] = f"  ind-1: {300 + round_ % 2}/1000"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def same_tree(a: Path, b: Path) -> bool:
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and ".avr-cache" not in p.parts}
    return files(a) == files(b)


def targets(repo: Path, runs: int, hugo: bool) -> dict[str, Any]:
    out = repo / "build"
    clean = repo / "build-clean"
    res: dict[str, Any] = {}

    def wipe() -> None:
        shutil.rmtree(out, ignore_errors=True)

    CPU.clear()
    res["full"] = median_of(runs, lambda: run_cmd([*AVR, "build", "--quiet"], repo, label="avr"), before=wipe)
    res["full_j1"] = median_of(1, lambda: run_cmd([*AVR, "build", "--quiet", "--jobs", "1"], repo), before=wipe)
    res["check"] = median_of(runs, lambda: run_cmd([*AVR, "check"], repo), before=wipe)
    run_cmd([*AVR, "build", "--quiet"], repo)
    res["noop"] = median_of(runs + 2, lambda: run_cmd([*AVR, "build", "--quiet"], repo, label="noop"))
    res["check_warm"] = median_of(runs, lambda: run_cmd([*AVR, "check"], repo))
    rounds = iter(range(1000))
    res["one_change"] = median_of(runs, lambda: run_cmd([*AVR, "build", "--quiet"], repo, label="one"),
                                  before=lambda: (edit_one_followup(repo, next(rounds)), time.sleep(0.01)))
    res["one_outcome"] = median_of(runs, lambda: run_cmd([*AVR, "build", "--quiet"], repo, label="outcome"),
                                   before=lambda: (edit_one_outcome(repo, next(rounds)), time.sleep(0.01)))
    shutil.rmtree(clean, ignore_errors=True)
    run_cmd([*AVR, "build", "--quiet", "--jobs", "1", "--out", str(clean)], repo)
    res["identical"] = same_tree(out, clean)
    shutil.rmtree(clean, ignore_errors=True)
    if hugo:
        site = hugo_site(repo)
        res["hugo"] = median_of(runs, lambda: run_cmd(["hugo", "--quiet", "-d", str(site / "public")], site, label="hugo"))
        res["hugo_cpu"] = statistics.median(CPU["hugo"])
    res["cpu"] = statistics.median(CPU["avr"])
    res["noop_cpu"] = statistics.median(CPU["noop"])
    res["one_cpu"] = statistics.median(CPU["one"])
    res["wall_per_cpu"] = res["full"][0] / res["cpu"] * (os.cpu_count() or 1)
    res["lower"] = statistics.median(lower_bound(sorted((repo / "plans").rglob("*.yaml")), os.cpu_count() or 1)
                                     for _ in range(runs))
    return res


# -------------------------------------------------------------- report


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms"


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def report(results: dict[str, dict[str, Any]], stage_times: dict[str, dict[str, float]], hugo: bool) -> str:
    sizes = list(results)
    head = "| | " + " | ".join(f"{s} files" for s in sizes) + " |\n|---|" + "---|" * len(sizes) + "\n"

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> str:
        return f"| {label} | " + " | ".join(cell(results[s]) for s in sizes) + " |\n"

    lines = ["# Benchmark results\n",
             f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
             f"{'Hugo ' + _hugo_version() if hugo else 'no Hugo'}. Generated by `make bench` "
             f"(`benchmarks/run.py`) on {time.strftime('%Y-%m-%d')}; medians of several runs.\n",
             "## Targets\n", head,
             row("full build (`avr build`, no cache)", lambda r: _s(r["full"][0])),
             row("full build, `--jobs 1`", lambda r: _s(r["full_j1"][0])),
             row("Hugo, same data, no checks", lambda r: _s(r["hugo"][0]) if "hugo" in r else "–"),
             row("**full build ÷ Hugo** (target ≤ 0.75)",
                 lambda r: f"**{r['full'][0] / r['hugo'][0]:.2f}**" if "hugo" in r else "–"),
             row("CPU time of the full build (user + sys, all processes)", lambda r: _s(r["cpu"])),
             row("CPU time of Hugo", lambda r: _s(r["hugo_cpu"]) if "hugo" in r else "–"),
             row("CPU time ÷ Hugo's (independent of other load)",
                 lambda r: f"{r['cpu'] / r['hugo_cpu']:.2f}" if "hugo" in r else "–"),
             row("read + CBaseLoader parse, all cores (lower bound)", lambda r: _s(r["lower"])),
             row("**full build ÷ lower bound** (target ≤ 1.2)", lambda r: f"**{r['full'][0] / r['lower']:.2f}**"),
             row("**no-op rebuild** (target ≤ 0.25 s at 50k)", lambda r: f"**{_s(r['noop'][0])}**"),
             row("**one follow-up changed** (target ≤ 0.5 s at 50k)", lambda r: f"**{_s(r['one_change'][0])}**"),
             row("no-op rebuild, CPU time", lambda r: _s(r["noop_cpu"])),
             row("one follow-up changed, CPU time", lambda r: _s(r["one_cpu"])),
             row("one indicator outcome changed (every report of its plan)", lambda r: _s(r["one_outcome"][0])),
             row("`avr check`, no cache", lambda r: _s(r["check"][0])),
             row("`avr check`, cache warm", lambda r: _s(r["check_warm"][0])),
             row("**check ÷ full build** (target ≤ 1)", lambda r: f"**{r['check'][0] / r['full'][0]:.2f}**"),
             row("**peak memory, all processes** (target ≤ 300 MiB at 50k)", lambda r: f"**{_mib(r['full'][1])}**"),
             row("peak memory, `--jobs 1`", lambda r: _mib(r["full_j1"][1])),
             row("incremental output = clean `--jobs 1` build", lambda r: "identical" if r["identical"] else "**DIFFERENT**"),
             "\n## Stages of a full build (one process, no cache)\n", head]
    names = list(next(iter(stage_times.values())))
    for name in names:
        lines.append(f"| {name} | " + " | ".join(_s(stage_times[s][name]) for s in sizes) + " |\n")
    return "".join(lines)


def _hugo_version() -> str:
    out = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()
    return out[1] if len(out) > 1 else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1k files only")
    parser.add_argument("--big", action="store_true", help="also 200k files")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the table (default RESULTS.md; RESULTS-quick.md with --quick)")
    args = parser.parse_args()
    args.out = args.out or HERE / ("RESULTS-quick.md" if args.quick else "RESULTS.md")
    sizes = ["1k"] if args.quick else ["1k", "10k", "50k"] + (["200k"] if args.big else [])
    hugo = shutil.which("hugo") is not None
    if not hugo:
        print("hugo not found: the comparison with Hugo is left out (make bench installs it)", file=sys.stderr)
    results: dict[str, dict[str, Any]] = {}
    stage_times: dict[str, dict[str, float]] = {}
    for size in sizes:
        repo = HERE / "repos" / size
        if not (repo / "avr.yaml").is_file():
            print(f"generating {size} …", file=sys.stderr)
            generate(SIZES[size], repo)
        print(f"{size}: stages …", file=sys.stderr)
        stage_times[size] = stages(repo, 1 if SIZES[size] > 20000 else args.runs)
        print(f"{size}: targets …", file=sys.stderr)
        results[size] = targets(repo, args.runs, hugo)
        text = report(results, stage_times, hugo)
        print(text)
    notes = HERE / "NOTES.md"
    text = report(results, stage_times, hugo)
    if notes.is_file():
        text += "\n" + notes.read_text(encoding="utf-8")
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
