"""How fast this machine is right now, measured in the benchmark's own process.

One machine's mood (another job, a throttled core) moved every benchmark by a factor of two
between two evenings. Each benchmark therefore measures two fixed workloads in its own
process, just before its timed work, and the table shows its result also as a multiple of
them: a CPU-bound one (Python arithmetic, sorting and hashing) and an SQLite write one (small
transactions committed to a file, as the product's SQLite does). The best of three runs of
each is taken: noise only ever makes a run slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def _cpu_once() -> float:
    start = time.perf_counter()
    rng = random.Random(2026)
    values = [rng.random() for _ in range(400_000)]
    values.sort()
    total = 0
    for i in range(3_000_000):
        total += i % 7 * (i & 3)
    digest = b"calibration"
    for _ in range(150_000):
        digest = hashlib.sha256(digest).digest()
    assert total and digest and values
    return time.perf_counter() - start


def _sqlite_once() -> float:
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "calibration.db")
        conn.execute("create table t (id integer primary key, a text, b integer, c real)")
        start = time.perf_counter()
        for batch in range(200):
            conn.executemany(
                "insert into t (a, b, c) values (?, ?, ?)",
                [(f"rij {batch}-{i}", i, i / 3) for i in range(250)],
            )
            conn.commit()
        elapsed = time.perf_counter() - start
        conn.close()
    return elapsed


def measure() -> dict[str, float]:
    """The two calibration figures in seconds, best of three each."""
    return {
        "cpu_s": round(min(_cpu_once() for _ in range(3)), 3),
        "sqlite_s": round(min(_sqlite_once() for _ in range(3)), 3),
    }


def reset_peak() -> None:
    """Start this process's peak resident memory afresh (Linux: /proc/self/clear_refs), so
    that a benchmark's own set-up (data it generates to feed the product) is not counted."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mib() -> float:
    """The largest resident memory of this process since :func:`reset_peak` (or its start)
    and of the children it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with contextlib.suppress(OSError, StopIteration, ValueError):
        status = Path("/proc/self/status").read_text().splitlines()
        own = int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def write(name: str, figures: dict, calibration: dict[str, float]) -> None:
    """Keep a benchmark's figures with its calibration and peak memory for the table."""
    RESULTS.mkdir(exist_ok=True)
    out = {**figures, "calibration": calibration, "peak_mib": peak_mib()}
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=2))
    print(
        f"calibration: cpu {calibration['cpu_s']:.3f} s, sqlite {calibration['sqlite_s']:.3f} s; "
        f"peak memory {out['peak_mib']:.0f} MiB"
    )


if __name__ == "__main__":
    print(measure())
