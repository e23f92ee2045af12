"""Benchmark of the daily sweep over 1,000,000 open deadlines (not a test: it prints timings).

A region of 1,000 providers with 1,000,000 open actions (deadlines spread over the coming year,
so a normal day finds a few thousand due), then the sweep's services in order, as the flow
calls them, timed as plain calls: the final agendas, and the one sweep over every deadline
(data, minutes, reaction weeks, actions, escalation terms, admissions).
Usage: python bench/sweep.py [--deadlines N]; CLM_BENCH_PROFILE=1 prints a profile of the sweep.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, timedelta

import calibrate  # bench/calibrate.py, beside this script

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
AS_OF = date(2027, 5, 12)


def _profiled(fn):  # noqa: ANN001, ANN202
    if not os.environ.get("CLM_BENCH_PROFILE"):
        return fn()
    import cProfile
    import pstats

    prof = cProfile.Profile()
    out = prof.runcall(fn)
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deadlines", type=int, default=1_000_000)
    parser.add_argument("--providers", type=int, default=1_000)
    args = parser.parse_args()
    calibration = calibrate.measure()  # this machine now, in this process
    os.environ["CLM_VAR_DIR"] = tempfile.mkdtemp(prefix="clm-bench-sweep-")

    from sqlalchemy import insert, select

    from admin.demo import demo_providers, upsert_providers
    from clm.rules.config import load_config
    from clm.services import followup
    from clm.services.deadline_sweep import sweep_deadlines
    from clm.settings import PROJECT_DIR
    from clm.storage.db import UnitOfWork, migrate
    from clm.storage.models import ActionItem, Deadline, Provider

    cfg = load_config(PROJECT_DIR / "config" / "region.yaml")
    migrate()
    upsert_providers(UnitOfWork(), demo_providers(cfg, count=args.providers))
    with UnitOfWork() as uow:
        ids = list(uow.session.scalars(select(Provider.id)))
        rows = [
            {
                "provider_id": ids[n % len(ids)],
                "number": n,
                "agenda_item": "4b",
                "description": f"Actie {n}",
                "owner_side": "provider",
                "owner_name": "Eva de Vries",
                "owner_email": "eva@zorg.example.org",
                "deadline": AS_OF + timedelta(days=1 + n % 365),
                "status": "open",
                "close_remark": "",
            }
            for n in range(args.deadlines)
        ]
        uow.session.execute(insert(ActionItem), rows)
        actions = uow.session.execute(
            select(ActionItem.id, ActionItem.provider_id, ActionItem.deadline)
        ).all()
        uow.session.execute(
            insert(Deadline),
            [
                {
                    "kind": "action",
                    "subject": "action",
                    "subject_id": action_id,
                    "provider_id": provider_id,
                    "owner": "eva@zorg.example.org",
                    "due_on": due,
                    "first_due_on": due,
                    "remind_before": [cfg.minutes.action_reminder_working_days],
                    "reminded": [],
                }
                for action_id, provider_id, due in actions
            ],
        )
        uow.commit()

    steps = {
        "final agendas": lambda: followup.send_due_final_agendas(UnitOfWork(), cfg, AS_OF),
        "every deadline": lambda: _profiled(lambda: sweep_deadlines(UnitOfWork(), cfg, AS_OF)),
    }
    timings = {}
    calibrate.reset_peak()  # the peak of the sweeps, not of writing the million rows
    for name, step in steps.items():
        t0 = time.perf_counter()
        outcome = step()
        timings[name] = round(time.perf_counter() - t0, 2)
        print(f"  {name:<20} {timings[name]:6.2f} s  {outcome}")
    total = sum(timings.values())
    t0 = time.perf_counter()
    again = sweep_deadlines(UnitOfWork(), cfg, AS_OF)["action_reminders"]
    rerun = round(time.perf_counter() - t0, 2)
    print(
        f"sweep over {args.deadlines:,} open deadlines: {total:.2f} s; "
        f"same day again {rerun} s {again}"
    )
    calibrate.write(
        "sweep",
        {
            "deadlines": args.deadlines,
            "sweep_s": round(total, 2),
            "rerun_s": rerun,
            "steps": timings,
        },
        calibration,
    )


if __name__ == "__main__":
    main()
