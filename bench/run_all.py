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
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"


def _classification(r: dict) -> tuple[str, str, str, bool]:
    steps = r["steps"]
    seconds = sum(v for k, v in steps.items() if k.startswith(("compute", "store")))
    size = f"{r['providers']:,} providers, {r['rows']:,} declaration rows"
    return size, f"compute + store {seconds:.1f} s", "≤ 10 s", seconds <= 10


def _preparation(r: dict) -> tuple[str, str, str, bool]:
    ok = r["flow_s"] <= 60 and r["ratio"] <= 1.3
    return (
        f"{r['providers']:,} providers",
        f"flow {r['flow_s']:.1f} s, plain {r['plain_s']:.1f} s, ratio {r['ratio']:.2f}",
        "≤ 60 s, ratio ≤ 1.3",
        ok,
    )


def _sweep(r: dict) -> tuple[str, str, str, bool]:
    return (
        f"{r['deadlines']:,} open deadlines",
        f"{r['sweep_s']:.2f} s (same day again {r['rerun_s']:.2f} s)",
        "≤ 5 s",
        r["sweep_s"] <= 5,
    )


def _delivery(r: dict) -> tuple[str, str, str, bool]:
    return (
        f"{r['messages']:,} messages, SMTP on 127.0.0.1",
        f"{r['per_second']} messages/s",
        "≥ 50 /s per worker",
        r["per_second"] >= 50,
    )


BENCHMARKS = {
    "classification": _classification,
    "preparation": _preparation,
    "sweep": _sweep,
    "delivery": _delivery,
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
        f"Python {platform.python_version()}"
    )
    print(f"| {'benchmark':<15} | {'size':<42} | {'result':<48} | {'target':<20} | met |")
    print(f"|{'-' * 17}|{'-' * 44}|{'-' * 50}|{'-' * 22}|-----|")
    all_met = True
    for name in names:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            print(f"| {name:<15} | {'(not run)':<42} | {'':<48} | {'':<20} |     |")
            all_met = False
            continue
        size, result, target, met = BENCHMARKS[name](json.loads(path.read_text()))
        all_met &= met
        verdict = "yes" if met else "NO"
        print(f"| {name:<15} | {size:<42} | {result:<48} | {target:<20} | {verdict:<3} |")
    return 0 if all_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
