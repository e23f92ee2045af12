"""Run every benchmark of the product, one after the other, and print one table.

Each benchmark is its own script (see its docstring) and leaves its figures in
bench/results/<name>.json; this runner starts them in fresh processes and compares the
figures with the targets. Usage: python bench/run_all.py [--only NAME ...] [--table-only]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"


# The calibration of this machine on the day the targets were set (bench/calibrate.py, best
# of three): a target in seconds is also a multiple of it, and that multiple decides whether
# a run met the target, so a busy evening neither passes nor fails a benchmark by itself.
REFERENCE = {"cpu_s": 0.276, "sqlite_s": 0.182}


@dataclass(frozen=True)
class Row:
    size: str
    result: str
    target: str
    met: bool


def _scaled(r: dict, seconds: float, limit: float, kind: str = "cpu_s") -> tuple[str, str, bool]:
    """``seconds`` and ``limit`` both ways: as seconds and as a multiple of the calibration
    (``kind``) measured in the benchmark's process; met when the multiple is within."""
    cal = r.get("calibration", {}).get(kind) or REFERENCE[kind]
    multiple, allowed = seconds / cal, limit / REFERENCE[kind]
    label = "cal" if kind == "cpu_s" else "sqlite-cal"
    return (
        f"{seconds:.1f} s = {multiple:.0f} × {label}",
        f"≤ {limit:g} s (≤ {allowed:.0f} × {label})",
        (multiple <= allowed),
    )


def _classification(r: dict) -> Row:
    steps = r["steps"]
    seconds = sum(v for k, v in steps.items() if k.startswith(("compute", "store")))
    result, target, met = _scaled(r, seconds, 10)
    whole, whole_target, whole_met = _scaled(r, r["flow_s"], 20)
    peak = r.get("peak_mib")
    memory_ok = peak is None or peak <= 1024
    return Row(
        f"{r['providers']:,} providers, {r['rows']:,} declaration rows",
        f"compute + store {result}; first run with letters delivered {whole}"
        + (
            f" (peak: the flow's; the generated rows and the plain call on them before it "
            f"{r['setup_peak_mib']:.0f} MiB)"
            if "setup_peak_mib" in r
            else ""
        ),
        f"{target}; {whole_target}; < 1 GB",
        met and whole_met and memory_ok,
    )


def _preparation(r: dict) -> Row:
    result, target, met = _scaled(r, r["flow_s"], 60)
    return Row(
        f"{r['providers']:,} providers",
        f"flow {result}, ratio {r['ratio']:.2f}",
        f"{target}, ratio ≤ 1.15",
        met and r["ratio"] <= 1.15,
    )


def _sweep(r: dict) -> Row:
    result, target, met = _scaled(r, r["sweep_s"], 5)
    again, again_target, again_met = _scaled(r, r["rerun_s"], 0.5)
    return Row(
        f"{r['deadlines']:,} open deadlines",
        f"{result}; same day again {again}",
        f"{target}; again {again_target}",
        met and again_met,
    )


def _rate(r: dict, per_second: float, floor: float) -> tuple[str, str, bool]:
    """A rate both ways: per second, and per calibration second (the other way round)."""
    cal = r.get("calibration", {}).get("cpu_s") or REFERENCE["cpu_s"]
    per_cal, allowed = per_second * cal, floor * REFERENCE["cpu_s"]
    return (
        f"{per_second:.0f} /s = {per_cal:.0f} per cal",
        f"≥ {floor:g} /s (≥ {allowed:.0f} per cal)",
        per_cal >= allowed,
    )


def _delivery(r: dict) -> Row:
    smtp, smtp_target, smtp_met = _rate(r, r["per_second"], 300)
    files, files_target, files_met = _rate(r, r.get("files_per_second", 0), 500)
    return Row(
        f"{r['messages']:,} messages, one worker",
        f"SMTP on 127.0.0.1 {smtp}; files {files}",
        f"SMTP {smtp_target}; files {files_target}",
        smtp_met and files_met,
    )


def _analysis(r: dict) -> Row:
    result, target, met = _scaled(r, r["flow_s"], 60)
    return Row(
        f"{r['providers']:,} providers, six quarters",
        f"flow {result} (same quarter again {r['rerun_s']:.1f} s)",
        target,
        met,
    )


def _hostile(r: dict) -> Row:
    result, target, met = _scaled(r, r["worst_s"], 0.5)
    return Row(
        f"{r['files']} hostile .xlsx × {r['paths']} readers",
        f"slowest refusal {result} ({r['worst']})",
        target,
        met,
    )


BENCHMARKS = {
    "classification": _classification,
    "preparation": _preparation,
    "sweep": _sweep,
    "delivery": _delivery,
    "analysis": _analysis,
    "hostile": _hostile,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), default=None)
    parser.add_argument("--table-only", action="store_true", help="print the last results")
    args = parser.parse_args()
    names = args.only or list(BENCHMARKS)
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    if not args.table_only:
        for name in names:
            print(f"== {name}", flush=True)
            subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=True, env=env)
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. "
        f"cal = the CPU calibration, sqlite-cal = the SQLite write calibration "
        f"(bench/calibrate.py), each measured in the benchmark's own process; the targets' "
        f"reference: cal {REFERENCE['cpu_s']} s, sqlite-cal {REFERENCE['sqlite_s']} s"
    )
    header = ("benchmark", "size", "result", "target", "cal / sqlite-cal", "peak", "met")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    all_met = True
    for name in names:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            print(f"| {name} | (not run) | | | | | |")
            all_met = False
            continue
        figures = json.loads(path.read_text())
        row = BENCHMARKS[name](figures)
        all_met &= row.met
        cal = figures.get("calibration", {})
        calibration = f"{cal.get('cpu_s', '?')} s / {cal.get('sqlite_s', '?')} s"
        peak = f"{figures['peak_mib']:.0f} MiB" if "peak_mib" in figures else "?"
        verdict = "yes" if row.met else "NO"
        print(
            f"| {name} | {row.size} | {row.result} | {row.target} | {calibration} | {peak} "
            f"| {verdict} |"
        )
    return 0 if all_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
