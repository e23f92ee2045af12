"""Benchmark of what a hostile spreadsheet costs (not a test: it prints times).

The four hostile workbooks of tests/hostile.py, built from a valid data sheet as a provider
could send them (the shared strings of a 0.1 MB file padded out to 100 MB, 1.5 million
empty rows, a 200 MB zip bomb as a picture, a range claiming 5 million rows), each read by
every .xlsx path's reader: the data sheet (mail and folder), the minutes sheet, the judged
scores, the register and the declarations. Reports the slowest refusal.
Usage: python bench/hostile.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import calibrate  # bench/calibrate.py, beside this script

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def main() -> None:
    calibration = calibrate.measure()
    from clm.errors import InvalidInput
    from clm.rules.config import load_config
    from clm.settings import PROJECT_DIR
    from tests.hostile import HOSTILE, packed_picture, padded_strings, readers

    cfg = load_config(PROJECT_DIR / "config" / "region.yaml")
    makers = {
        **HOSTILE,
        "gedeelde-teksten.xlsx": lambda b: padded_strings(b, 100),
        "zipbom-plaatje.xlsx": lambda b: packed_picture(b, 200),
    }
    folder = Path(tempfile.mkdtemp(prefix="clm-bench-hostile-"))
    times: dict[str, float] = {}
    for name, make in makers.items():
        for kind, (valid, read) in readers(cfg).items():
            path = folder / kind / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(make(valid))
            start = time.perf_counter()
            try:
                read(path)
                outcome = "gelezen"
            except InvalidInput as error:
                outcome = error.problems[0].message[:70]
            times[f"{name} / {kind}"] = seconds = time.perf_counter() - start
            print(f"{name:24} {kind:18} {seconds * 1000:8.1f} ms  {outcome}")
    worst = max(times, key=times.get)
    print(f"slowest: {worst}, {times[worst] * 1000:.1f} ms")
    calibrate.write(
        "hostile",
        {"files": len(makers), "paths": len(readers(cfg)), "worst": worst, "worst_s": times[worst]},
        calibration,
    )


if __name__ == "__main__":
    main()
