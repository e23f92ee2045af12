"""Benchmark of the yearly classification at region scale (not a test: it prints timings).

Generates N providers with about 400 declaration rows each (N = 5,000: 2 M rows), then times
  1. the plain domain call: factual figures + scoring on a data frame (``clm.classification``);
  2. the flow ``yearly-classification`` on SQLite under a Prefect test server, split into its
     steps from the task runs' own timings.
Usage: python bench/classification.py [--providers N] [--rows-per-provider R]
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

import calibrate  # bench/calibrate.py, beside this script

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--providers", type=int, default=5000)
    parser.add_argument("--rows-per-provider", type=int, default=400)
    args = parser.parse_args()
    calibration = calibrate.measure()  # this machine now, in this process

    var = Path(tempfile.mkdtemp(prefix="clm-bench-"))
    os.environ["CLM_VAR_DIR"] = str(var)

    import pandas as pd

    from admin.demo import demo_declarations, demo_judged_scores, demo_providers, upsert_providers
    from clm.rules.classification import classify, factual_figures
    from clm.rules.config import load_config
    from clm.settings import get_settings
    from clm.storage.db import UnitOfWork, migrate

    cfg = load_config(get_settings().region_config)
    t0 = time.perf_counter()
    providers = demo_providers(cfg, count=args.providers)
    decl = demo_declarations(cfg, providers, 2025, rows_per_provider=args.rows_per_provider)
    judged = demo_judged_scores(providers).set_index("provider_code")
    print(
        f"generated {len(providers)} providers, {len(decl):,} rows "
        f"in {time.perf_counter() - t0:.1f} s"
    )

    codes = [p.code for p in providers]
    t0 = time.perf_counter()
    result = classify(factual_figures(decl, codes), judged, cfg.classification)
    domain_s = time.perf_counter() - t0
    print(f"domain call (factual_figures + classify): {domain_s:.2f} s")

    # Load the region into SQLite directly (set-up, not timed as part of the flow).
    migrate()
    upsert_providers(UnitOfWork(), providers)
    t0 = time.perf_counter()
    with sqlite3.connect(var / "clm.db") as conn:
        ids = dict(conn.execute("select code, id from providers"))
        conn.execute(
            "insert into declaration_imports (id, file_name, content_hash, periods, "
            "row_count, total_amount, imported_at, as_of) values (1, 'bench', 'x', "
            "'[]', 0, 0, '2026-01-01', '2026-01-01')"
        )
        rows = zip(
            decl["provider_code"].map(ids),
            decl["client_ref"],
            decl["municipality_code"],
            decl["period"].astype(str),
            decl["amount"],
            decl["care_type"],
            strict=True,
        )
        conn.executemany(
            "insert into declarations (provider_id, client_ref, municipality_code,"
            " period, amount, care_type, import_id) values (?,?,?,?,?,?,1)",
            ((*r,) for r in rows),
        )
        year = 2027
        conn.executemany(
            "insert into judged_scores (provider_id, year, specialisation, information, "
            "political_importance, remark, entered_by, entered_at) "
            "values (?,?,?,?,?,'',  'bench', '2026-11-01')",
            [
                (
                    ids[c],
                    year,
                    int(r.specialisation),
                    int(r.information),
                    int(r.political_importance),
                )
                for c, r in judged.iterrows()
            ],
        )
    print(f"loaded into SQLite in {time.perf_counter() - t0:.1f} s")
    # the generated rows and the plain call on them are the benchmark's, not the flow's: the
    # peak memory reported is the flow's own (it reads the 2,000,000 rows from the database)
    categories = result["category"].value_counts().sort_index().to_dict()
    rows_count = len(decl)
    before_flow_mib = calibrate.peak_mib()
    del decl, rows, result, judged, providers
    gc.collect()
    calibrate.reset_peak()

    from prefect.testing.utilities import prefect_test_harness

    from flows.yearly_classification import YearlyClassificationInput, yearly_classification

    with prefect_test_harness(server_startup_timeout=180):
        t0 = time.perf_counter()
        state = yearly_classification(
            YearlyClassificationInput(as_of=date(2026, 11, 23), year=year), return_state=True
        )
        flow_s = time.perf_counter() - t0
        summary = state.result()
        steps = _task_timings(state.state_details.flow_run_id)
    print(
        f"flow yearly-classification (first run, {summary['new']} rows, "
        f"{summary['letters']} letters): {flow_s:.2f} s"
    )
    for name, seconds in steps.items():
        print(f"  {name:<28} {seconds:6.2f} s")
    out = {
        "providers": args.providers,
        "rows": rows_count,
        "domain_s": round(domain_s, 2),
        "flow_s": round(flow_s, 2),
        "steps": steps,
        "categories": categories,
        "setup_peak_mib": before_flow_mib,  # generated frame and the plain domain call
        "cpus": os.cpu_count(),
        "pandas": pd.__version__,
    }
    calibrate.write("classification", out, calibration)


def _task_timings(flow_run_id) -> dict[str, float]:  # noqa: ANN001
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {
        r.name.rsplit("-", 1)[0]: round(r.total_run_time.total_seconds(), 2)
        for r in sorted(runs, key=lambda r: r.start_time or r.expected_start_time)
    }


if __name__ == "__main__":
    main()
