"""Benchmark of the quarter's regional analysis (not a test: it prints timings).

A region of N providers (default 1,000) with six quarters of data-sheet figures and of
declarations, the quarter's meetings with minutes, reactions and action deadlines, open
signals and escalations with their steps; then the flow ``regional-analysis`` under a
Prefect test server: the first run (figures, signals, plots, the region's PDF, every
provider's page in its dossier) and the same quarter again (nothing new).
Usage: python bench/analysis.py [--providers N]; CLM_BENCH_PROFILE=1 prints a profile of
the first run's work as plain calls instead.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

import calibrate  # bench/calibrate.py, beside this script

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
QUARTER, AS_OF = "2027-Q1", date(2027, 4, 20)


def _region(providers: int) -> None:
    """A fresh var folder with the region's history (see the module's docstring)."""
    os.environ["CLM_VAR_DIR"] = tempfile.mkdtemp(prefix="clm-bench-analysis-")
    import numpy as np
    import pandas as pd
    from sqlalchemy import insert, select

    from admin.demo import (
        demo_declarations,
        demo_providers,
        store_demo_kpis,
        upsert_providers,
    )
    from clm.rules.config import load_config
    from clm.rules.kpis import quarters_back
    from clm.settings import PROJECT_DIR
    from clm.storage.db import UnitOfWork, migrate
    from clm.storage.models import (
        ClassificationRow,
        Deadline,
        Declaration,
        DeclarationImport,
        Escalation,
        EscalationStep,
        Meeting,
        Minutes,
        MinutesReaction,
        Provider,
        Signal,
    )

    cfg = load_config(PROJECT_DIR / "config" / "region.yaml")
    migrate()
    demo = demo_providers(cfg, count=providers)
    upsert_providers(UnitOfWork(), demo)
    store_demo_kpis(UnitOfWork(), cfg, quarters_back(QUARTER, 6), AS_OF)
    categories = cfg.classification.categories
    rng = np.random.default_rng(2027)
    with UnitOfWork() as uow:
        s = uow.session
        ids = dict(s.execute(select(Provider.code, Provider.id)).all())
        frame = pd.concat(
            [
                demo_declarations(cfg, demo, 2026, rows_per_provider=160),
                demo_declarations(cfg, demo, 2027, rows_per_provider=80),
            ]
        )
        frame = frame[frame["period"] <= date(2027, 3, 1)]
        batch = DeclarationImport(
            file_name="bench.csv",
            content_hash="bench",
            periods=[],
            row_count=len(frame),
            total_amount=0,
            as_of=AS_OF,
        )
        s.add(batch)
        s.flush()
        s.execute(
            insert(Declaration),
            [
                {
                    "provider_id": ids[r.provider_code],
                    "client_ref": r.client_ref,
                    "municipality_code": r.municipality_code,
                    "period": r.period,
                    "amount": r.amount,
                    "care_type": r.care_type,
                    "import_id": batch.id,
                }
                for r in frame.itertuples()
            ],
        )
        manager = cfg.staff[0].key
        for n, pid in enumerate(sorted(ids.values())):
            category = categories[n % len(categories)]
            s.add(
                ClassificationRow(
                    provider_id=pid,
                    year=2026,
                    reference_start=date(2025, 1, 1),
                    reference_end=date(2025, 12, 31),
                    clients=100,
                    municipalities=3,
                    revenue=1,
                    points={},
                    score=8,
                    computed_category=category.number,
                    category=category.number,
                    meeting_months=category.meeting_months,
                    as_of=AS_OF,
                )
            )
            if n % 5 == 0:
                s.add(
                    Signal(
                        key=f"bench:{pid}",
                        provider_id=pid,
                        kind=("quality", "continuity", "lawfulness", "timeliness")[n % 4],
                        source="bench",
                        description="Signaal",
                        as_of=date(2027, 2, 1),
                    )
                )
            if n % 25 == 0:
                escalation = Escalation(
                    provider_id=pid, current_step=1 + n % 6, opened_on=date(2026, 9, 1)
                )
                s.add(escalation)
                s.flush()
                for step in range(1, 2 + n % 6):
                    s.add(
                        EscalationStep(
                            escalation_id=escalation.id,
                            step=step,
                            status="taken",
                            reason="Bench",
                            requested_by=manager,
                            requested_on=date(2026, 9, 1) + timedelta(days=30 * step),
                            taken_on=date(2026, 9, 1) + timedelta(days=30 * step),
                        )
                    )
            if 1 not in category.meeting_months:
                continue
            starts = datetime(2027, 1, 4, 9, tzinfo=UTC) + timedelta(days=n % 20)
            meeting = Meeting(
                provider_id=pid,
                meeting_month=date(2027, 1, 1),
                cycle_year=2026,
                quarter="2026-Q4",
                uid=f"bench-{pid}@clm",
                status="cancelled" if n % 40 == 7 else "planned",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                location="Zaal 1",
                contract_manager=manager,
                support_officer=manager,
                contract_administration=manager,
                data_deadline=date(2026, 12, 15),
                final_agenda_due=date(2026, 12, 28),
                planned_on=date(2026, 10, 1),
            )
            s.add(meeting)
            s.flush()
            sent = starts.date() + timedelta(days=int(rng.integers(5, 20)))
            minutes = Minutes(
                meeting_id=meeting.id,
                status="final",
                version=1,
                recorded_by=manager,
                recorded_on=sent,
                first_sent_on=sent,
                reaction_due=sent + timedelta(days=7),
                finalised_on=sent + timedelta(days=8),
            )
            s.add(minutes)
            s.flush()
            if n % 3:
                s.add(
                    MinutesReaction(
                        key=f"bench:{minutes.id}",
                        minutes_id=minutes.id,
                        version=1,
                        agreed=True,
                        received_on=sent + timedelta(days=int(rng.integers(1, 10))),
                        registered_by=manager,
                    )
                )
            for a in range(3):
                due = date(2027, 2, 1) + timedelta(days=10 * a + n % 9)
                done = due + timedelta(days=int(rng.integers(-5, 5))) if (n + a) % 4 else None
                s.add(
                    Deadline(
                        kind="action",
                        subject="action",
                        subject_id=pid * 10 + a,
                        provider_id=pid,
                        owner="eva@zorg.example.org",
                        due_on=due,
                        first_due_on=due,
                        remind_before=[5],
                        reminded=[],
                        closed_on=done,
                    )
                )
        uow.commit()
    print(f"  region: {providers:,} providers, {len(frame):,} declaration rows", flush=True)


def _profiled_plain() -> None:
    import cProfile
    import pstats

    from clm.services import analysis
    from clm.services.common import region_config
    from clm.settings import get_settings
    from clm.storage.db import UnitOfWork

    def work() -> None:
        cfg = region_config()
        data = analysis.gather(UnitOfWork(), cfg, QUARTER, AS_OF)
        analysis.raise_obligation_signals(UnitOfWork(), cfg, data, AS_OF)
        data = analysis.gather(UnitOfWork(), cfg, QUARTER, AS_OF)
        rendered = analysis.render_report(data, cfg)
        analysis.store_report(UnitOfWork(), data, rendered, get_settings().reports_dir, AS_OF)

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.runcall(work)
    print(f"plain calls: {time.perf_counter() - t0:.1f} s")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
    pstats.Stats(prof).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--providers", type=int, default=1_000)
    args = parser.parse_args()
    calibration = calibrate.measure()  # this machine now, in this process
    _region(args.providers)
    if os.environ.get("CLM_BENCH_PROFILE"):
        _profiled_plain()
        return

    from prefect.testing.utilities import prefect_test_harness

    from flows.regional_analysis import RegionalAnalysisInput, regional_analysis

    with prefect_test_harness(server_startup_timeout=180):
        params = RegionalAnalysisInput(as_of=AS_OF, quarter=QUARTER)
        t0 = time.perf_counter()
        first = regional_analysis(params)
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = regional_analysis(params)
        rerun_s = time.perf_counter() - t0
    print(
        f"flow regional-analysis, {args.providers:,} providers: first run {first_s:.1f} s "
        f"({first['pages_new']} pages, {first['signals_new']} signals); "
        f"same quarter again {rerun_s:.1f} s (report new: {again['report_new']})"
    )
    calibrate.write(
        "analysis",
        {
            "providers": args.providers,
            "flow_s": round(first_s, 1),
            "rerun_s": round(rerun_s, 1),
            "pages": first["pages_new"],
        },
        calibration,
    )


if __name__ == "__main__":
    main()
