"""The ``clm`` command for administrators: check the config, preview a classification,
migrate the database, load the demo region."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from clm.clock import today_in_region
from clm.documents.declarations import parse_declarations
from clm.errors import ClmError
from clm.rules.classification import classify, factual_figures, providers_missing_judged
from clm.rules.config import JUDGED, config_warnings, load_config
from clm.services.judged import parse_judged_sheet
from clm.settings import get_settings


def _config_path(arg: str | None) -> Path:
    return Path(arg) if arg else get_settings().region_config


def cmd_check_config(args: argparse.Namespace) -> int:
    path = _config_path(args.file)
    cfg = load_config(path)
    cats = ", ".join(
        f"{c.number}: vanaf {c.min_score:g} → {c.meetings_per_year}x"
        for c in cfg.classification.categories
    )
    print(
        f"{path}: in orde. {cfg.region.name}; {len(cfg.municipalities)} gemeenten, "
        f"{len(cfg.staff)} medewerkers; categorieën {cats}"
    )
    for warning in config_warnings(cfg):
        print(f"Let op: {warning}")
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    """Preview: classification as CSV on stdout, from files only; writes nothing."""
    cfg = load_config(_config_path(args.config))
    declarations = parse_declarations(
        Path(args.declarations),
        provider_codes=None,
        municipality_codes=cfg.municipality_codes,
        care_type_codes=cfg.care_type_codes,
    )
    if args.reference_start or args.reference_end:
        start = args.reference_start or date.min
        end = args.reference_end or date.max
        declarations = declarations[declarations["period"].between(start, end)]
    items = parse_judged_sheet(Path(args.judged), known_codes=None)
    judged = pd.DataFrame([vars(i) for i in items], columns=["provider_code", *JUDGED])
    judged = judged.set_index("provider_code")
    codes = sorted(set(declarations["provider_code"]) | set(judged.index))
    missing = providers_missing_judged(judged, codes)
    if missing and not cfg.classification.allow_missing_judged:
        print(f"Let op: zonder beoordeelde criteria: {', '.join(missing)}", file=sys.stderr)
    result = classify(factual_figures(declarations, codes), judged, cfg.classification)
    result["meeting_months"] = result["meeting_months"].map(lambda ms: " ".join(map(str, ms)))
    result["warnings"] = result["warnings"].map("; ".join)
    result.insert(0, "year", args.year)
    result.to_csv(sys.stdout, index_label="provider_code")
    return 0


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from clm.storage.db import migrate

    migrate()
    print(f"Database bijgewerkt: {get_settings().db_url}")
    return 0


def cmd_load_demo(args: argparse.Namespace) -> int:
    from admin.demo import load_demo
    from clm.storage.db import UnitOfWork

    settings = get_settings()
    outcome = load_demo(
        UnitOfWork,
        load_config(settings.region_config),
        args.as_of or today_in_region(),
        settings.intake_path,
        kpi_history=True,
        contracts=True,
    )
    print("Demoregio: " + ", ".join(f"{k}={v}" for k, v in outcome.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clm", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check-config", help="controleer de regioconfiguratie")
    check.add_argument("file", nargs="?", help="YAML-bestand (standaard CLM_REGION_CONFIG)")
    check.set_defaults(func=cmd_check_config)

    classify_cmd = sub.add_parser(
        "classify", help="voorbeeld van de classificatie als CSV (schrijft niets)"
    )
    classify_cmd.add_argument("--year", type=int, required=True)
    classify_cmd.add_argument("--declarations", required=True, help="declaraties (.csv/.xlsx)")
    classify_cmd.add_argument("--judged", required=True, help="beoordelingen (.csv/.xlsx)")
    classify_cmd.add_argument("--config", help="regioconfiguratie (YAML)")
    classify_cmd.add_argument("--reference-start", type=date.fromisoformat)
    classify_cmd.add_argument("--reference-end", type=date.fromisoformat)
    classify_cmd.set_defaults(func=cmd_classify)

    upgrade = sub.add_parser("db-upgrade", help="database migreren naar de laatste versie")
    upgrade.set_defaults(func=cmd_db_upgrade)

    demo = sub.add_parser("load-demo", help="demoregio laden (herhaalbaar)")
    demo.add_argument("--as-of", type=date.fromisoformat)
    demo.set_defaults(func=cmd_load_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``clm`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ClmError as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
