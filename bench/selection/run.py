"""Benchmark Medvirk's LEXIMIN against sortition-algorithms' MAXIMIN; print a Markdown table.

Usage::

    .venv/bin/python bench/selection/run.py                  # everything, references included
    .venv/bin/python bench/selection/run.py --skip-reference # reuse reference_results.jsonl
    .venv/bin/python bench/selection/run.py --skip-slow-reference  # re-run only fast references

The reference (sortition-algorithms' ``find_distribution_maximin`` with the HiGHS and the
python-mip/CBC back-ends) runs in a separate process per instance and back-end, with a time-out.
Reference results are appended to ``reference_results.jsonl``; with ``--skip-reference`` the
newest recorded line per instance and back-end is used instead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from generate import synthetic_instance  # noqa: E402

from medvirk.analysis.selection import draw_legacy, find_leximin, load_instance  # noqa: E402
from medvirk.analysis.selection.instance import Instance  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "sortition"
INSTANCES = ["example_small_20", "example_large_200", "n0200_k040", "n1000_k040"]
BACKENDS = ["highspy", "mip"]
RECORD = HERE / "reference_results.jsonl"
#: Reference runs known to take minutes (skipped by --skip-slow-reference).
SLOW = {("n1000_k040", "highspy"), ("n1000_k040", "mip"), ("example_large_200", "highspy")}
SLOW |= {("example_large_200", "mip")}


def paper_leximin(folder: Path) -> float | None:
    """Return the paper's LEXIMIN minimum probability from reference_statistics.txt."""
    stats = folder / "reference_statistics.txt"
    if not stats.exists():
        return None
    for line in stats.read_text(encoding="utf-8").splitlines():
        if line.startswith("LEXIMIN minimum probability"):
            return float(line.split("\t")[-1].strip().rstrip("%")) / 100
    return None


def run_reference(target: str, backend: str, timeout: float, python: str) -> dict:
    """Run sortition-algorithms once in a subprocess; record and return its JSON result."""
    cmd = [python, str(HERE / "reference.py"), target, backend]
    name = Path(target).name if not target.startswith("synthetic:") else target
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
        if lines:
            result = json.loads(lines[-1])
        else:
            tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
            result = {"instance": name, "backend": backend, "seconds": None, "error": tail[0]}
    except subprocess.TimeoutExpired:
        result = {"instance": name, "backend": backend, "seconds": None, "timeout": timeout}
    result["recorded"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with RECORD.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")
    return result


def recorded_reference() -> dict[tuple[str, str], dict]:
    """Return the newest recorded successful reference result per (instance, back-end)."""
    out: dict[tuple[str, str], dict] = {}
    if RECORD.exists():
        for line in RECORD.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                key = (row["instance"], row["backend"])
                # Prefer the newest successful run that also measured CPU time.
                rank = (row.get("seconds") is not None, row.get("cpu_seconds") is not None)
                old = out.get(key)
                if old is None or rank >= (
                    old.get("seconds") is not None,
                    old.get("cpu_seconds") is not None,
                ):
                    out[key] = row
    return out


def time_ours(instance: Instance, repeats: int) -> tuple[float, float, object]:
    """Return (median wall seconds, median CPU seconds, last distribution) over ``repeats``."""
    walls, cpus, dist = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        dist = find_leximin(instance)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), dist


def legacy_frequencies(instance: Instance, draws: int, dist: object) -> dict[str, float]:
    """Estimate LEGACY's minimum selection frequency and its share below LEXIMIN's minimum."""
    counts = dict.fromkeys(instance.people, 0)
    start = time.process_time()
    for seed in range(draws):
        for pid in draw_legacy(instance, seed).panel:
            counts[pid] += 1
    freq = {pid: c / draws for pid, c in counts.items()}
    below = sum(1 for f in freq.values() if f < dist.minimum - 1e-9) / len(freq)  # type: ignore[attr-defined]
    return {
        "min": min(freq.values()),
        "share_below": below,
        "cpu_per_draw": (time.process_time() - start) / draws,
    }


def fmt_s(value: float | None) -> str:
    """Format seconds for the table."""
    return "—" if value is None else f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def main() -> None:
    """Run the benchmark and print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-reference", action="store_true", help="reuse recorded results")
    parser.add_argument("--skip-slow-reference", action="store_true", help="reuse slow ones")
    parser.add_argument("--reference-timeout", type=float, default=1800.0)
    parser.add_argument("--repeats", type=int, default=3, help="runs of ours per instance")
    parser.add_argument("--skip-3000", action="store_true", help="skip the synthetic n=3000 pool")
    parser.add_argument(
        "--legacy-draws",
        type=int,
        default=0,
        help="also estimate LEGACY's selection frequencies from this many draws per instance",
    )
    parser.add_argument("--instances", nargs="*", default=INSTANCES)
    parser.add_argument(
        "--reference-python",
        default=sys.executable,
        help="interpreter with sortition-algorithms (python-mip 1.15 needs cffi<2)",
    )
    args = parser.parse_args()

    cases: list[tuple[str, Instance, str]] = [
        (name, load_instance(DATA / name), str(DATA / name)) for name in args.instances
    ]
    if not args.skip_3000:
        cases.append(("synthetic_n3000_k040", synthetic_instance(3000, seed=6000), "synthetic:3000"))
    recorded = recorded_reference()
    rows = []
    for name, instance, target in cases:
        wall, cpu, dist = time_ours(instance, args.repeats if instance.n <= 1000 else 1)
        refs: dict[str, dict | None] = {}
        for backend in BACKENDS:
            key = (name if not target.startswith("synthetic:") else target, backend)
            skip = args.skip_reference or (args.skip_slow_reference and key in SLOW)
            if target.startswith("synthetic:"):
                skip = True  # minutes to hours; not part of the ratio target
            refs[backend] = (
                recorded.get(key) if skip else run_reference(target, backend, args.reference_timeout)
            )
        ref_times = [r["seconds"] for r in refs.values() if r and r.get("seconds") is not None]
        ref_cpu = [r["cpu_seconds"] for r in refs.values() if r and r.get("cpu_seconds")]
        ref_mins = [r["min_probability"] for r in refs.values() if r and r.get("min_probability")]
        fastest = min(ref_times) if ref_times else None
        paper = paper_leximin(DATA / name) if not target.startswith("synthetic:") else None
        checks = []
        if ref_mins:
            checks.append(abs(dist.minimum - max(ref_mins)) * 100 <= 0.1)
        if paper is not None:
            checks.append(abs(dist.minimum - paper) * 100 <= 0.1)
        rows.append(
            {
                "name": name,
                "n": instance.n,
                "k": instance.k,
                "profiles": dist.stats.profiles,
                "ours_min": dist.minimum,
                "ref_min": max(ref_mins) if ref_mins else None,
                "paper": paper,
                "wall": wall,
                "cpu": cpu,
                "ref": refs,
                "ratio": wall / fastest if fastest else None,
                "cpu_ratio": cpu / min(ref_cpu) if ref_cpu else None,
                "quality": all(checks) if checks else None,
                "panels": len(dist.compositions),
                "columns": dist.stats.columns,
                "path": dist.stats.path,
            }
        )
        if args.legacy_draws and instance.n <= 1000:
            rows[-1]["legacy"] = legacy_frequencies(instance, args.legacy_draws, dist)
        print(f"done {name}: {wall:.2f} s", file=sys.stderr)

    def ref_cell(r: dict | None) -> str:
        if r is None:
            return "not run"
        if r.get("seconds") is None:
            return "no result (crash/time-out)"
        cpu = r.get("cpu_seconds")
        return fmt_s(r["seconds"]) + (f" ({fmt_s(cpu)})" if cpu else "")

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.3f} %"

    def times(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}×"

    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print()
    print(
        "| instance | n | k | profiles | LEXIMIN min (ours) | MAXIMIN min (sortition-alg.) | "
        "paper LEXIMIN | ours wall (CPU) | ref. HiGHS wall (CPU) | ref. CBC wall (CPU) | "
        "ours / fastest ref., wall | …, CPU | panels in support | path | min within 0.1 pp |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['n']} | {r['k']} | {r['profiles']} | {pct(r['ours_min'])} | "
            f"{pct(r['ref_min'])} | {pct(r['paper'])} | {fmt_s(r['wall'])} ({fmt_s(r['cpu'])}) | "
            f"{ref_cell(r['ref']['highspy'])} | {ref_cell(r['ref']['mip'])} | "
            f"{times(r['ratio'])} | {times(r['cpu_ratio'])} | {r['panels']} | {r['path']} | "
            f"{'—' if r['quality'] is None else 'yes' if r['quality'] else 'NO'} |"
        )

    legacy = [r for r in rows if "legacy" in r]
    if legacy:
        print()
        print(
            "| instance | LEGACY draws | LEGACY min frequency | share of pool below LEXIMIN min | "
            "LEGACY CPU per draw |"
        )
        print("|---|---|---|---|---|")
        for r in legacy:
            lg = r["legacy"]
            print(
                f"| {r['name']} | {args.legacy_draws} | {lg['min'] * 100:.2f} % | "
                f"{lg['share_below'] * 100:.1f} % | {fmt_s(lg['cpu_per_draw'])} |"
            )


if __name__ == "__main__":
    main()
