"""A fictional demo region: providers, judged scores and a year of declarations.

Everything is generated from a fixed seed, so the same call gives the same data on every
machine; the benchmark uses the same generator at a larger scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from clm.rules.config import RegionConfig, Role
from clm.rules.quarters import quarter_year
from clm.storage.db import UnitOfWork
from clm.storage.models import Provider

_FIRST = (
    "De Horizon",
    "Het Kompas",
    "De Vuurtoren",
    "Zonnewijzer",
    "De Linde",
    "Polderkracht",
    "De Brug",
    "Kleurrijk",
    "Het Anker",
    "De Wilg",
    "Noorderlicht",
    "De Sprong",
    "Flevoburg",
    "De Regenboog",
    "Kiemkracht",
    "Het Baken",
    "De Eik",
    "Waterland",
    "De Meander",
    "Stadshart",
)
_SECOND = (
    "Jeugdzorg",
    "Jeugdhulp",
    "Gezinsbegeleiding",
    "Kind en Gezin",
    "Jeugd-GGZ",
    "Opvoedsteun",
    "Jongerenwerk",
    "Orthopedagogiek",
)
_CONTACT_FIRST = (
    "Eva",
    "Daan",
    "Sophie",
    "Lucas",
    "Julia",
    "Milan",
    "Emma",
    "Thijs",
    "Noor",
    "Bram",
    "Fleur",
    "Sem",
    "Lieke",
    "Ruben",
    "Anna",
    "Jesse",
)
_CONTACT_LAST = (
    "de Vries",
    "van Dijk",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Groot",
    "Bos",
    "Mulder",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
)
_STREETS = ("Stationsstraat", "Kerkstraat", "Dorpsweg", "Havenkade", "Markt", "Lindelaan")
_TOWNS = (
    ("1315 AB", "Almere"),
    ("8232 JK", "Lelystad"),
    ("8251 GA", "Dronten"),
    ("8301 BC", "Emmeloord"),
    ("8321 EP", "Urk"),
    ("3891 AA", "Zeewolde"),
)
# Monthly amount per client and care type, roughly as declared in youth care.
_MONTHLY = {"AMB": 650.0, "DAG": 1400.0, "VBL": 5200.0, "GGZ": 900.0, "DYS": 450.0}


@dataclass(frozen=True)
class DemoProvider:
    code: str
    name: str
    contact_name: str
    contact_email: str
    board_email: str
    address: str
    contract_manager: str
    care_types: tuple[str, ...]
    size: float  # relative number of clients


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-").replace("--", "-")


def demo_providers(cfg: RegionConfig, count: int = 40, seed: int = 2026) -> list[DemoProvider]:
    """``count`` fictional providers with AGB-style codes and contacts on example domains."""
    rng = np.random.default_rng(seed)
    managers = [s.key for s in cfg.staff_with_role(Role.CONTRACT_MANAGER)]
    care_types = [c.code for c in cfg.care_types]
    # drawn as offsets: the same codes as choosing from the whole range, without making an
    # array of its 90 million numbers first (0.09 s for every call)
    codes = rng.choice(99_999_999 - 10_000_000, size=count, replace=False) + 10_000_000
    providers = []
    for i in range(count):
        first, second = _FIRST[i % len(_FIRST)], _SECOND[(i * 3 + i // len(_FIRST)) % len(_SECOND)]
        name = f"{second} {first}" if i % 2 else f"{first} {second}"
        if i >= len(_FIRST) * len(_SECOND):
            name += f" {i}"
        domain = f"{_slug(name)}.example.org"
        given, family = (
            _CONTACT_FIRST[i % len(_CONTACT_FIRST)],
            _CONTACT_LAST[i * 5 % len(_CONTACT_LAST)],
        )
        person = f"{given} {family}"
        postcode, town = _TOWNS[i % len(_TOWNS)]
        n_types = 1 + int(rng.random() < 0.35) + int(rng.random() < 0.1)
        providers.append(
            DemoProvider(
                code=f"{codes[i]:08d}",
                name=name,
                contact_name=person,
                contact_email=f"contractmanagement@{domain}",
                board_email=f"bestuur@{domain}",
                address=f"{_STREETS[i % len(_STREETS)]} {1 + i % 97}, {postcode} {town}",
                contract_manager=managers[i % len(managers)],
                care_types=tuple(
                    sorted(str(c) for c in rng.choice(care_types, size=n_types, replace=False))
                ),
                size=float(np.clip(rng.lognormal(mean=3.3, sigma=1.0), 2, 400)),
            )
        )
    return providers


def demo_declarations(
    cfg: RegionConfig,
    providers: list[DemoProvider],
    year: int,
    seed: int = 2026,
    rows_per_provider: int | None = None,
) -> pd.DataFrame:
    """Monthly declarations for ``year``: one row per client, month, municipality, care type.

    With ``rows_per_provider`` every provider gets about that many rows (for the benchmark);
    otherwise each provider's size sets its number of clients.
    """
    rng = np.random.default_rng(seed + year)
    municipalities = np.array([m.code for m in cfg.municipalities])
    # Almere is by far the largest municipality of the demo region.
    weights = np.array([0.45, 0.1, 0.25, 0.1, 0.04, 0.06])[: len(municipalities)]
    weights = weights / weights.sum()
    frames = []
    for p in providers:
        if rows_per_provider:
            months_each = 8
            clients = max(1, rows_per_provider // months_each)
        else:
            months_each = int(rng.integers(5, 11))
            clients = max(1, int(p.size))
        reach = int(rng.integers(1, len(municipalities) + 1)) if clients > 3 else 1
        served = rng.choice(len(municipalities), size=reach, replace=False, p=weights)
        # each client is declared for `months_each` consecutive months from a random start,
        # so that no (client, month) pair repeats
        client = np.repeat(np.arange(clients), months_each)
        start = rng.integers(0, 12, size=clients)
        month = (start[client] + np.tile(np.arange(months_each), clients)) % 12 + 1
        care = np.array(p.care_types)[client % len(p.care_types)]
        n_rows = len(client)
        frames.append(
            pd.DataFrame(
                {
                    "provider_code": p.code,
                    "client_ref": [f"C{p.code[-4:]}-{c:05d}" for c in client],
                    "municipality_code": municipalities[served[client % reach]],
                    "period": pd.to_datetime({"year": year, "month": month, "day": 1}).dt.date,
                    "amount": (
                        np.vectorize(_MONTHLY.get)(care) * rng.uniform(0.6, 1.4, size=n_rows)
                    ).round(2),
                    "care_type": care,
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    return table.drop_duplicates(
        ["provider_code", "client_ref", "municipality_code", "period", "care_type"]
    ).reset_index(drop=True)


def demo_judged_scores(providers: list[DemoProvider], seed: int = 2026) -> pd.DataFrame:
    """Judged scores 1-10 for every provider, loosely following its size."""
    rng = np.random.default_rng(seed + 1)
    size = np.array([p.size for p in providers])
    base = np.clip(np.log(size) * 1.6, 1, 9)
    frame = pd.DataFrame({"provider_code": [p.code for p in providers]})
    for key in ("specialisation", "information", "political_importance"):
        frame[key] = np.clip(np.round(base + rng.normal(0, 1.5, len(providers))), 1, 10).astype(int)
    frame["remark"] = "demo: beoordeling contractmanager"
    return frame


def upsert_providers(uow: UnitOfWork, providers: list[DemoProvider]) -> int:
    """Add the providers that are not in the register yet; returns how many were added."""
    added = 0
    with uow:
        known = set(uow.session.scalars(select(Provider.code)))
        for p in providers:
            if p.code in known:
                continue
            uow.session.add(
                Provider(
                    code=p.code,
                    name=p.name,
                    contact_name=p.contact_name,
                    contact_email=p.contact_email,
                    board_email=p.board_email,
                    address=p.address,
                    contract_manager=p.contract_manager,
                    care_types=",".join(p.care_types),
                )
            )
            added += 1
        uow.commit()
    return added


def write_declarations_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write declarations in the documented file format (Dutch headers, semicolons)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = frame.rename(
        columns={
            "provider_code": "AGB-code",
            "client_ref": "Cliënt",
            "municipality_code": "Gemeente",
            "period": "Periode",
            "amount": "Bedrag",
            "care_type": "Zorgvorm",
        }
    )
    out["Periode"] = pd.to_datetime(out["Periode"]).dt.strftime("%Y-%m")
    out["Bedrag"] = out["Bedrag"].map(lambda v: f"{v:.2f}".replace(".", ","))
    out.to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


def reference_year(as_of: date) -> int:
    """The last complete calendar year before ``as_of``: the default reference period."""
    return as_of.year - 1


def demo_kpi_values(
    cfg: RegionConfig, provider_ids: list[int], quarters: list[str], seed: int = 2026
) -> pd.DataFrame:
    """Data-sheet figures per provider and quarter around the norms, some missing (as in
    real life: 'geen gegevens'), each provider a little better or worse than the others."""
    rng = np.random.default_rng(seed)
    rows = []
    for pid in provider_ids:
        skill = rng.normal(0.06, 0.1)  # this provider's lasting lead or lag (most meet the norm)
        for q_index, quarter in enumerate(quarters):
            for kpi in cfg.sheet_kpis:
                if rng.random() < 0.06:
                    rows.append((pid, quarter, kpi.code, None))
                    continue
                base = kpi.norm_for(quarter_year(quarter)) or 3.0
                drift = 0.01 * q_index  # the region improves slowly
                sign = 1 if kpi.direction == "higher" else -1
                value = base * (1 + sign * (skill + drift) + rng.normal(0, 0.1))
                upper = kpi.maximum if kpi.maximum is not None else value
                value = min(max(value, kpi.minimum), upper)
                rows.append((pid, quarter, kpi.code, round(value, 1 if base < 20 else 0)))
    return pd.DataFrame(rows, columns=["provider_id", "quarter", "kpi_code", "value"])


def store_demo_kpis(uow: UnitOfWork, cfg: RegionConfig, quarters: list[str], as_of: date) -> int:
    """Demo figures for ``quarters`` for providers without any figures yet (one demo intake)."""
    from decimal import Decimal

    from clm.storage.models import IntakeFile, KpiValue

    with uow:
        session = uow.session
        with_values = set(session.scalars(select(KpiValue.provider_id).distinct()))
        ids = [i for i in session.scalars(select(Provider.id)) if i not in with_values]
        if not ids:
            return 0
        intake = IntakeFile(
            file_name="demo-gegevens", content_hash=f"demo-{as_of}", status="accepted", as_of=as_of
        )
        session.add(intake)
        session.flush()
        frame = demo_kpi_values(cfg, sorted(ids), quarters)
        session.add_all(
            KpiValue(
                provider_id=int(r.provider_id),
                quarter=r.quarter,
                kpi_code=r.kpi_code,
                value=None if pd.isna(r.value) else Decimal(str(r.value)),
                remark="demo",
                intake_id=intake.id,
            )
            for r in frame.itertuples()
        )
        uow.commit()
        return len(frame)


def demo_contracts(providers: list[DemoProvider], as_of: date) -> list[list[str]]:
    """The register sheet's rows for the demo: every lot under one framework agreement that
    started last year, with terms chosen so that the screens show each case around ``as_of``:
    an option decision due within two months, one next summer, a contract that ends in the
    spring without option years left, and a longer term with one option year."""
    year = as_of.year
    _main, subs = demo_subcontracting(providers)
    ends = [
        (date(year + 1, 6, 30), 2),  # decided by 31-12 this year
        (date(year + 1, 12, 31), 2),
        (date(year + 1, 3, 31), 0),
        (date(year + 2, 12, 31), 1),
    ]
    rows = []
    for i, provider in enumerate(providers):
        end, options = ends[i % len(ends)]
        for lot in provider.care_types:
            if provider in subs and lot == SUBCONTRACTED_LOT:
                continue  # it works on this lot for its main contractor, not on its own
            rows.append(
                [
                    provider.code,
                    f"RO-JH-{year - 1}",
                    lot,
                    f"01-01-{year - 1}",
                    f"{end:%d-%m-%Y}",
                    str(options),
                ]
            )
    return rows


SUBCONTRACTED_LOT = "AMB"


def demo_subcontracting(
    providers: list[DemoProvider],
) -> tuple[DemoProvider, tuple[DemoProvider, ...]]:
    """One main contractor for AMB and two subcontractors that hold another lot of their own
    (so that they are still classified for that one)."""
    holders = [p for p in providers if SUBCONTRACTED_LOT in p.care_types]
    subs = tuple(p for p in holders if len(p.care_types) > 1)[:2]
    main = next(p for p in holders if p not in subs)
    return main, subs


def demo_subcontract_rows(providers: list[DemoProvider], as_of: date) -> list[list[str]]:
    """The sheet 'Onderaanneming' of the demo: the two subcontractors since last year."""
    main, subs = demo_subcontracting(providers)
    return [
        [main.code, sub.code, SUBCONTRACTED_LOT, f"01-01-{as_of.year - 1}", "", ""] for sub in subs
    ]


SUBCONTRACT_HEADER = [
    "Hoofdaannemer",
    "Onderaannemer",
    "Perceel",
    "Vanaf",
    "Tot en met",
    "Declaraties",
]


CONTRACT_HEADER = [
    "AGB-code",
    "Raamovereenkomst",
    "Perceel",
    "Ingangsdatum",
    "Einddatum",
    "Optiejaren",
]


def demo_amendments(  # noqa: ANN001
    uow_factory, cfg: RegionConfig, providers: list[DemoProvider], as_of: date
) -> int:
    """Two amendments proposed six weeks before ``as_of`` and decided at the end of their
    term: a stricter waiting-time norm from next quarter (nobody objected: applied) and a
    reporting duty for waiting lists (one provider's clients disadvantaged: deferred).
    Returns how many were proposed now (0 on a rerun)."""
    from clm.rules.amendments import ChangeKind, Disadvantaged, Origin, PartyResponse
    from clm.rules.commands import AmendmentProposal
    from clm.rules.deadlines import DeadlineKind
    from clm.rules.quarters import Quarter
    from clm.services.amendments import AMENDMENT_RULES, propose_amendment, register_reaction
    from clm.services.deadlines import sweep

    proposed_on = as_of - timedelta(days=42)
    manager = cfg.staff_with_role(Role.CONTRACT_MANAGER)[0].key
    norm = AmendmentProposal(
        title="Norm wachttijd naar 5 weken",
        description="De norm voor de gemiddelde wachttijd tot start zorg gaat van 6 naar 5 weken.",
        change_kind=ChangeKind.NORM,
        target="wachttijd",
        new_value="5",
        reason="Afgesproken in het groepsoverleg: de wachttijden dalen regiobreed.",
        effective_on=Quarter.of(as_of).next().first_day,
        proposed_by=manager,
        origin=Origin.GROUP_MEETING,
        origin_ref=f"groepsoverleg {proposed_on - timedelta(days=14):%d-%m-%Y}",
    )
    duty = AmendmentProposal(
        title="Meldplicht wachtlijst binnen vijf werkdagen",
        description="Aanbieders melden een nieuwe wachtlijst binnen vijf werkdagen bij de regio.",
        change_kind=ChangeKind.TEXT,
        target="artikel 7.3",
        reason="Zicht op wachtlijsten voor de toegang.",
        effective_on=Quarter.of(as_of).next().first_day,
        proposed_by=manager,
        lots=("AMB",),
    )
    new = 0
    for proposal in (norm, duty):
        result = propose_amendment(uow_factory(), cfg, proposal, proposed_on)
        new += int(result.new)
        if proposal is duty and result.new:
            objector = next(p for p in providers if "AMB" in p.care_types)
            register_reaction(
                uow_factory(),
                cfg,
                result.amendment_id,
                objector.code,
                PartyResponse.OBJECTS,
                [Disadvantaged.CLIENTS],
                "Een meldplicht binnen vijf dagen vraagt administratie die ten koste gaat van "
                "de behandeltijd van cliënten.",
                proposed_on + timedelta(days=7),
                manager,
                proposed_on + timedelta(days=7),
            )
    sweep(uow_factory(), cfg, as_of, {DeadlineKind.AMENDMENT_REACTION: AMENDMENT_RULES})
    return new


def load_demo(  # noqa: ANN001
    uow_factory,
    cfg: RegionConfig,
    as_of: date,
    intake: Path,
    kpi_history: bool = False,
    contracts: bool = False,
) -> dict[str, object]:
    """Load the demo region: providers, last year's declarations, next year's judged scores,
    with ``kpi_history`` six quarters of data-sheet figures for the regional analysis, and
    with ``contracts`` the contract register (read from a sheet in the intake folder, as
    staff would with contracten-inlezen).

    Safe to repeat: existing providers and judged scores are left as they are, and the
    declaration import recognises a file it already holds.
    """
    from clm.services.declarations import import_declarations
    from clm.services.judged import JudgedInput, record_judged_scores

    providers = demo_providers(cfg)
    added = upsert_providers(uow_factory(), providers)
    ref_year = reference_year(as_of)
    path = write_declarations_csv(
        demo_declarations(cfg, providers, ref_year), intake / f"demo-declaraties-{ref_year}.csv"
    )
    result = import_declarations(uow_factory(), cfg, path, as_of)
    year = as_of.year + 1
    from clm.storage.models import JudgedScore

    with uow_factory() as uow:
        scored = set(
            uow.session.scalars(
                select(Provider.code)
                .join(JudgedScore, JudgedScore.provider_id == Provider.id)
                .where(JudgedScore.year == year)
            )
        )
    judged = demo_judged_scores(providers)
    items = [
        JudgedInput(
            r.provider_code,
            int(r.specialisation),
            int(r.information),
            int(r.political_importance),
            r.remark,
        )
        for r in judged.itertuples()
        if r.provider_code not in scored
    ]
    manager = cfg.staff_with_role(Role.CONTRACT_MANAGER)[0].key
    changed = record_judged_scores(uow_factory(), cfg, items, year, manager, as_of) if items else 0
    kpi_values = 0
    if kpi_history:
        from clm.rules.kpis import quarters_back
        from clm.services.analysis import last_full_quarter

        kpi_values = store_demo_kpis(
            uow_factory(), cfg, quarters_back(last_full_quarter(as_of), 6), as_of
        )
    registered = amendments = 0
    if contracts:
        from clm.services.contracts import import_contracts

        sheet = intake / "demo-contracten.csv"
        lines = [CONTRACT_HEADER, *demo_contracts(providers, as_of)]
        sheet.write_text("\n".join(";".join(r) for r in lines) + "\n", encoding="utf-8")
        subs = intake / "demo-onderaanneming.csv"
        lines = [SUBCONTRACT_HEADER, *demo_subcontract_rows(providers, as_of)]
        subs.write_text("\n".join(";".join(r) for r in lines) + "\n", encoding="utf-8")
        admin = cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)[0].key
        outcome = import_contracts(uow_factory(), cfg, sheet, admin, as_of, subcontracts=subs)
        registered = outcome.created + outcome.changed + outcome.subcontracts_new
        amendments = demo_amendments(uow_factory, cfg, providers, as_of)
    return {
        "providers_added": added,
        "kpi_values": kpi_values,
        "contracts": registered,
        "amendments": amendments,
        "declarations": result.status,
        "rows": result.rows,
        "judged_added": changed,
        "reference_year": ref_year,
        "classification_year": year,
    }
