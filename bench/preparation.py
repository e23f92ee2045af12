"""Benchmark of the quarterly preparation (not a test: it prints timings).

N providers (default 5,000), all meeting in April: plan, write the draft agenda (.docx),
data sheet and invite, write the outbox, deliver to the file transport. Timed on fresh
databases as the same work in plain function calls and as the flow ``quarterly-preparation``
under a Prefect test server, in the order plain, flow, flow, plain; each figure is the mean
of its two. Usage: python bench/preparation.py [--providers N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import calibrate  # bench/calibrate.py, beside this script
import yaml

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

MONTH, AS_OF = date(2027, 4, 1), date(2027, 3, 1)


def _region(base: Path, providers: int) -> Path:
    """The demo config with staff and rooms enough for ``providers`` meetings in one month."""
    data = yaml.safe_load((base / "config" / "region.yaml").read_text(encoding="utf-8"))
    per_slot = max(4, providers // 50)
    data["staff"] += [
        {
            "key": f"{prefix}-{i}",
            "name": f"{label} {i}",
            "email": f"{prefix}{i}@regio.example.org",
            "role": role,
        }
        for prefix, label, role in (
            ("cm", "Contractmanager", "contract_manager"),
            ("os", "Ondersteuner", "support_officer"),
            ("cb", "Contractbeheer", "contract_administration"),
        )
        for i in range(per_slot)
    ]
    data["meetings"]["locations"] = [{"name": f"Zaal {i}", "kind": "room"} for i in range(per_slot)]
    path = Path(tempfile.mkdtemp(prefix="clm-bench-cfg-")) / "region.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _fresh_region(providers: int, config: Path) -> Path:
    """A new var folder with N providers classified in category 1 for 2027."""
    var = Path(tempfile.mkdtemp(prefix="clm-bench-prep-"))
    os.environ["CLM_VAR_DIR"] = str(var)
    os.environ["CLM_REGION_CONFIG"] = str(config)
    from clm.settings import get_settings

    get_settings.cache_clear()
    from admin.demo import demo_providers, upsert_providers
    from clm.rules.config import Role, load_config
    from clm.storage.db import UnitOfWork, migrate
    from clm.storage.models import ClassificationRow, Provider

    migrate()
    cfg = load_config(config)
    managers = [s.key for s in cfg.staff_with_role(Role.CONTRACT_MANAGER)]
    upsert_providers(UnitOfWork(), demo_providers(cfg, count=providers))
    with UnitOfWork() as uow:
        for i, provider in enumerate(uow.session.query(Provider).order_by(Provider.id)):
            provider.contract_manager = managers[i % len(managers)]
            uow.session.add(
                ClassificationRow(
                    provider_id=provider.id,
                    year=2027,
                    reference_start=date(2025, 1, 1),
                    reference_end=date(2025, 12, 31),
                    clients=100,
                    municipalities=3,
                    revenue=1,
                    points={},
                    score=8,
                    computed_category=1,
                    category=1,
                    meeting_months=[4, 7, 10, 1],
                    warnings=[],
                    as_of=AS_OF,
                    revision=1,
                )
            )
        uow.commit()
    return var


def _plain(providers: int, config: Path) -> tuple[float, int]:
    """The preparation and its delivery as plain calls on a fresh region: seconds, planned."""
    _fresh_region(providers, config)
    from clm.rules.config import load_config
    from clm.services.meetings import prepare_month
    from clm.settings import get_settings
    from clm.storage.db import UnitOfWork
    from clm.storage.mail import FileTransport
    from clm.storage.outbox import deliver_pending

    cfg = load_config(config)
    prepare_month(UnitOfWork(), cfg, MONTH, AS_OF, provider_code="00000000")  # warm imports
    t0 = time.perf_counter()
    summary = prepare_month(UnitOfWork(), cfg, MONTH, AS_OF)
    report = deliver_pending(UnitOfWork, FileTransport(get_settings().outbox_path), cfg.mail)
    assert report.sent == summary.planned
    return time.perf_counter() - t0, summary.planned


def _flow(providers: int, config: Path) -> tuple[float, dict]:
    """The flow on a fresh region, under the running test server: seconds, its result."""
    _fresh_region(providers, config)
    from flows.quarterly_preparation import QuarterlyPreparationInput, quarterly_preparation

    t0 = time.perf_counter()
    out = quarterly_preparation(QuarterlyPreparationInput(as_of=AS_OF, month="2027-04"))
    return time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--providers", type=int, default=5000)
    args = parser.parse_args()
    calibration = calibrate.measure()  # this machine now, in this process
    config = _region(Path(__file__).resolve().parents[1], args.providers)

    # plain, flow, flow, plain: the machine's speed drifts over minutes (the same plain calls
    # took 61 to 76 s one evening), and the order cancels a drift that runs one way
    plain_first, planned = _plain(args.providers, config)
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        flow_first, out = _flow(args.providers, config)
        flow_second, _ = _flow(args.providers, config)
    plain_second, _ = _plain(args.providers, config)
    plain_s, flow_s = (plain_first + plain_second) / 2, (flow_first + flow_second) / 2
    print(
        f"plain calls: {planned} planned and delivered in {plain_first:.1f} s and "
        f"{plain_second:.1f} s; flow quarterly-preparation: {out['planned']} planned in "
        f"{flow_first:.1f} s and {flow_second:.1f} s (ratio flow/plain {flow_s / plain_s:.2f})"
    )
    calibrate.write(
        "preparation",
        {
            "providers": args.providers,
            "plain_s": round(plain_s, 1),
            "flow_s": round(flow_s, 1),
            "runs_s": [round(x, 1) for x in (plain_first, flow_first, flow_second, plain_second)],
            "ratio": round(flow_s / plain_s, 2),
            "unplanned": len(out["unplanned"]),
        },
        calibration,
    )


if __name__ == "__main__":
    main()
