"""Use case: the regional analysis of a quarter (seed 004, PDCA 'periodieke analyses').

:func:`gather` reads everything the report shows into plain tables (nothing is written);
:func:`render_report` draws the plots and renders the PDFs; :func:`store_report` keeps the
report, puts each provider's page in its dossier and raises a signal per missed result
obligation. A rerun with the same figures renders and writes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Float, cast, func, select

from clm.clock import dutch_date
from clm.config import RegionConfig
from clm.db import UnitOfWork
from clm.deadlines import DeadlineKind
from clm.dossier import record_event
from clm.kpis import (
    VALUE_COLUMNS,
    attainment_by_care_type,
    benchmark,
    declaration_values,
    quarters_back,
)
from clm.meetings import cycle_year
from clm.models import (
    ClassificationRow,
    Deadline,
    Declaration,
    DossierDocument,
    Escalation,
    EscalationStep,
    KpiValue,
    Meeting,
    Minutes,
    MinutesReaction,
    Provider,
    Report,
    Signal,
)
from clm.pdf import documents_to_pdf, html_document
from clm.plots import escalations_over_time, kpi_trends, provider_distribution
from clm.quarters import Quarter, quarter_year
from clm.rendering import format_number, render
from clm.services.kpi_signals import raise_kpi_signals
from clm.services.meetings import meeting_day
from clm.services.minutes import shared_terms, timeliness_counts
from clm.services.signals import KINDS
from clm.vocabulary import EscalationStatus, EventKind, MeetingStatus, SignalStatus

TREND_QUARTERS = 6
REPORT_KIND = "regioanalyse"


def last_full_quarter(as_of: date) -> str:
    """The last quarter that ended before ``as_of``: 2026-Q3 on 23 November 2026."""
    q = (as_of.month - 1) // 3  # quarters completed this year
    return f"{as_of.year - 1}-Q4" if q == 0 else f"{as_of.year}-Q{q}"


def quarter_dates(quarter: str) -> tuple[date, date]:
    """First and last day of a quarter."""
    q = Quarter.parse(quarter)
    return q.first_day, q.last_day


def quarter_of(day: date) -> str:
    return str(Quarter.of(day))


@dataclass
class AnalysisData:
    """Everything the report shows, as tables (read once, then rendered)."""

    quarter: str
    as_of: date
    providers: pd.DataFrame  # provider_id, code, name, category, care_types, contract_manager
    meetings: pd.DataFrame  # per category: due, scheduled, cancelled, held
    minutes: dict[str, int]
    reactions: dict[str, int]
    actions: dict[str, int]
    signals: pd.DataFrame  # open per kind
    escalations: pd.DataFrame  # open per step
    steps: pd.DataFrame  # quarter, step, count (steps taken)
    values: pd.DataFrame  # provider_id, quarter, kpi_code, value (trend quarters)
    memberships: pd.DataFrame  # provider_id, care_type
    bench: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_care_type: pd.DataFrame = field(default_factory=pd.DataFrame)
    page_facts: dict[int, dict[str, Any]] = field(default_factory=dict)

    def digest(self) -> str:
        """A fingerprint of the figures: the same figures give the same report."""
        parts = [
            self.quarter,
            self.meetings.to_json(),
            json.dumps([self.minutes, self.reactions, self.actions], sort_keys=True),
            self.signals.to_json(),
            self.escalations.to_json(),
            self.steps.to_json(),
            self.bench.to_json(),
            json.dumps(self.page_facts, sort_keys=True, default=str),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def gather(uow: UnitOfWork, cfg: RegionConfig, quarter: str, as_of: date) -> AnalysisData:
    """Read the figures of ``quarter`` (and the quarters before it, for the trends)."""
    start, end = quarter_dates(quarter)
    trend_quarters = quarters_back(quarter, TREND_QUARTERS)
    with uow:
        session = uow.session
        conn = session.connection()
        year = cycle_year(date(start.year, start.month, 1))
        providers = pd.read_sql(
            select(
                Provider.id.label("provider_id"),
                Provider.code,
                Provider.name,
                Provider.care_types,
                Provider.contract_manager,
                ClassificationRow.category,
                ClassificationRow.meeting_months,
            )
            .outerjoin(
                ClassificationRow,
                (ClassificationRow.provider_id == Provider.id) & (ClassificationRow.year == year),
            )
            .where(Provider.active)
            .order_by(Provider.code),
            conn,
        )
        meetings = [
            (m, sent_on, reaction)
            for m, sent_on, reaction in session.execute(
                select(Meeting, Minutes.first_sent_on, Minutes.reaction_due)
                .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
                .where(Meeting.meeting_month.between(start, end))
            ).all()
        ]
        shared = session.execute(
            shared_terms().where(Meeting.meeting_month.between(start, end))
        ).all()
        first_reactions = dict(
            session.execute(
                select(MinutesReaction.minutes_id, func.min(MinutesReaction.received_on)).group_by(
                    MinutesReaction.minutes_id
                )
            ).all()
        )
        minutes_ids = dict(session.execute(select(Minutes.meeting_id, Minutes.id)).all())
        actions = session.execute(
            select(Deadline.due_on, Deadline.closed_on).where(
                Deadline.kind == DeadlineKind.ACTION, Deadline.due_on.between(start, end)
            )
        ).all()
        signals = pd.read_sql(
            select(Signal.provider_id, Signal.kind).where(Signal.status == SignalStatus.OPEN), conn
        )
        escalations = pd.read_sql(
            select(Escalation.provider_id, Escalation.current_step).where(
                Escalation.status == EscalationStatus.OPEN
            ),
            conn,
        )
        first_trend, _ = quarter_dates(trend_quarters[0])
        steps = pd.read_sql(
            select(EscalationStep.step, EscalationStep.taken_on).where(
                EscalationStep.taken_on.between(first_trend, end)
            ),
            conn,
        )
        sheet_values = pd.read_sql(
            select(
                KpiValue.provider_id,
                KpiValue.quarter,
                KpiValue.kpi_code,
                cast(KpiValue.value, Float).label("value"),
            ).where(KpiValue.quarter.in_(trend_quarters)),
            conn,
        )
        declarations = pd.read_sql(
            select(
                Declaration.provider_id,
                Declaration.client_ref,
                Declaration.municipality_code,
                Declaration.period,
                func.sum(cast(Declaration.amount, Float)).label("amount"),
            )
            .where(Declaration.period.between(first_trend, end))
            .group_by(
                Declaration.provider_id,
                Declaration.client_ref,
                Declaration.municipality_code,
                Declaration.period,
            ),
            conn,
        )

    providers["category"] = providers["category"].astype("Int64")
    known = set(providers["provider_id"])
    values = pd.concat(
        [sheet_values[VALUE_COLUMNS]]
        + [declaration_values(declarations, cfg.kpis, q) for q in trend_quarters],
        ignore_index=True,
    )
    values = values[values["provider_id"].isin(known)].reset_index(drop=True)
    values = values.astype({"provider_id": "int64", "value": "float64"})
    memberships = (
        providers.assign(care_type=providers["care_types"].str.split(","))
        .explode("care_type")
        .assign(care_type=lambda f: f["care_type"].str.strip())
    )
    memberships = memberships[memberships["care_type"].fillna("") != ""][
        ["provider_id", "care_type"]
    ].reset_index(drop=True)

    data = AnalysisData(
        quarter=quarter,
        as_of=as_of,
        providers=providers.drop(columns=["meeting_months"]),
        meetings=_meeting_counts(providers, [m for m, _, _ in meetings], start, end, as_of),
        minutes=timeliness_counts(shared, start, end, as_of),
        reactions=_reaction_counts(meetings, minutes_ids, first_reactions),
        actions=_action_counts(actions, as_of),
        signals=signals.groupby("kind").size().rename("open").reset_index(),
        escalations=escalations.groupby("current_step").size().rename("open").reset_index(),
        steps=_steps_per_quarter(steps),
        values=values,
        memberships=memberships,
    )
    data.bench = benchmark(values, memberships, cfg.kpis, quarter)
    data.by_care_type = attainment_by_care_type(data.bench)
    data.page_facts = _page_facts(providers, [m for m, _, _ in meetings], signals, escalations)
    return data


def _meeting_counts(
    providers: pd.DataFrame, meetings: list[Meeting], start: date, end: date, as_of: date
) -> pd.DataFrame:
    """Per category: meetings owed by the category in the quarter's meeting months,
    scheduled, cancelled and held (planned and its day before ``as_of``)."""
    months = [m for m in (4, 7, 10, 1) if start.month <= m <= end.month]
    due = providers.dropna(subset=["category"]).assign(
        due=lambda f: f["meeting_months"].map(lambda ms: sum(m in ms for m in months))
    )
    category_of = dict(zip(providers["provider_id"], providers["category"], strict=True))
    rows = pd.DataFrame(
        {
            "category": [category_of.get(m.provider_id) for m in meetings],
            "scheduled": 1,
            "cancelled": [int(m.status == MeetingStatus.CANCELLED) for m in meetings],
            "held": [
                int(m.status == MeetingStatus.PLANNED and meeting_day(m) < as_of) for m in meetings
            ],
        },
        columns=["category", "scheduled", "cancelled", "held"],
    )
    out = (
        due.groupby("category")["due"]
        .sum()
        .to_frame()
        .join(rows.groupby("category")[["scheduled", "cancelled", "held"]].sum(), how="outer")
        .fillna(0)
        .astype(int)
        .reset_index()
    )
    out["category"] = out["category"].astype(int)
    return out


def _reaction_counts(meetings: list, minutes_ids: dict, first: dict) -> dict[str, int]:
    """Minutes sent: the provider's first reaction within the week, after it, or none."""
    counts = {"sent": 0, "in_week": 0, "late": 0, "none": 0}
    for meeting, sent_on, reaction_due in meetings:
        if sent_on is None:
            continue
        counts["sent"] += 1
        received = first.get(minutes_ids.get(meeting.id))
        if received is None:
            counts["none"] += 1
        else:
            counts["in_week" if received <= reaction_due else "late"] += 1
    return counts


def _action_counts(actions: list[tuple[date, date | None]], as_of: date) -> dict[str, int]:
    """Action deadlines (due, closed on) in the quarter: done on time, done late, open."""
    counts = {"due": 0, "on_time": 0, "late": 0, "open": 0}
    for due, closed_on in actions:
        counts["due"] += 1
        if closed_on is not None:
            counts["on_time" if closed_on <= due else "late"] += 1
        else:
            counts["open"] += 1
    return counts


def _steps_per_quarter(steps: pd.DataFrame) -> pd.DataFrame:
    if steps.empty:
        return pd.DataFrame(columns=["quarter", "step", "count"])
    quarters = pd.to_datetime(steps["taken_on"]).map(lambda d: quarter_of(d.date()))
    return (
        steps.assign(quarter=quarters)
        .groupby(["quarter", "step"])
        .size()
        .rename("count")
        .reset_index()
    )


def _page_facts(
    providers: pd.DataFrame,
    meetings: list[Meeting],
    signals: pd.DataFrame,
    escalations: pd.DataFrame,
) -> dict[int, dict[str, Any]]:
    """Per provider: its meetings of the quarter, open signals and escalation step."""
    facts: dict[int, dict[str, Any]] = {
        int(pid): {"meetings": [], "signals": 0, "step": None} for pid in providers["provider_id"]
    }
    for m in meetings:
        if m.provider_id in facts:
            status = "geannuleerd" if m.status == MeetingStatus.CANCELLED else "gepland"
            facts[m.provider_id]["meetings"].append(f"{dutch_date(meeting_day(m))} ({status})")
    for pid, n in signals.groupby("provider_id").size().items():
        if pid in facts:
            facts[int(pid)]["signals"] = int(n)
    for pid, step in zip(escalations["provider_id"], escalations["current_step"], strict=True):
        if pid in facts:
            facts[int(pid)]["step"] = None if pd.isna(step) else int(step)
    return facts


# --- rendering --------------------------------------------------------------------------


@dataclass
class RenderedReport:
    """The PDFs and plots of one analysis."""

    digest: str
    report_pdf: bytes
    markdown: str
    provider_pages: dict[int, tuple[str, bytes]]  # provider_id -> (digest, pdf)


def _pct(part: int, whole: int) -> str:
    return "geen gegevens" if not whole else f"{format_number(100 * part / whole, 0)}%"


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _trend_table(data: AnalysisData, cfg: RegionConfig) -> pd.DataFrame:
    quarters = quarters_back(data.quarter, TREND_QUARTERS)
    grouped = data.values.dropna(subset=["value"]).groupby(["quarter", "kpi_code"])["value"]
    stats = pd.DataFrame(
        {"q1": grouped.quantile(0.25), "median": grouped.median(), "q3": grouped.quantile(0.75)}
    ).reset_index()
    norms = pd.DataFrame(
        [
            {"quarter": q, "kpi_code": k.code, "norm": k.norm_for(quarter_year(q))}
            for q in quarters
            for k in cfg.kpis
        ]
    )
    return norms.merge(stats, on=["quarter", "kpi_code"], how="left")


def _summary_context(data: AnalysisData, cfg: RegionConfig) -> dict[str, Any]:
    labels = {c.number: c.label for c in cfg.classification.categories}
    meetings = [
        {
            "category": f"{int(r.category)} {labels.get(int(r.category), '')}",
            "due": int(r.due),
            "scheduled": int(r.scheduled),
            "cancelled": int(r.cancelled),
            "held": int(r.held),
            "share": _pct(int(r.held), int(r.due)),
        }
        for r in data.meetings.itertuples()
    ]
    kpi_labels = {k.code: k for k in cfg.kpis}
    care_names = {c.code: c.name for c in cfg.care_types}
    care_rows = [
        {
            "care_type": f"{r.care_type} {care_names.get(r.care_type, '')}",
            "kpi": kpi_labels[r.kpi_code].label,
            "unit": kpi_labels[r.kpi_code].unit,
            "delivered": int(r.delivered),
            "met": f"{int(r.met)} van {int(r.judged)}" if r.judged else "geen norm",
            "share": _pct(int(r.met), int(r.judged)),
            "norm": format_number(r.norm),
            "q1": format_number(r.q1),
            "median": format_number(r.median),
            "q3": format_number(r.q3),
        }
        for r in data.by_care_type.itertuples()
    ]
    m, rc, a = data.minutes, data.reactions, data.actions
    return {
        "region": cfg.region,
        "quarter": data.quarter,
        "as_of": data.as_of,
        "meetings": meetings,
        "minutes": {**m, "share": _pct(m["on_time"], m["held"])},
        "reactions": {**rc, "share": _pct(rc["in_week"], rc["sent"])},
        "actions": {**a, "share": _pct(a["on_time"], a["due"])},
        "signals": [
            {"kind": KINDS.get(r.kind, r.kind), "open": int(r.open)}
            for r in data.signals.itertuples()
        ],
        "escalations": [
            {"step": int(r.current_step), "open": int(r.open)}
            for r in data.escalations.dropna().itertuples()
        ],
        "care_rows": care_rows,
        "providers_count": len(data.providers),
        "with_data": int(
            data.values[data.values["quarter"] == data.quarter]["provider_id"].nunique()
        ),
    }


def _provider_context(
    data: AnalysisData, cfg: RegionConfig, provider: Any, plot: bytes | None
) -> dict[str, Any]:
    pid = int(provider.provider_id)
    own = data.bench[data.bench["provider_id"] == pid]
    primary = (provider.care_types or "").split(",")[0].strip()
    own = own[own["care_type"] == primary] if primary else own
    rows = []
    for kpi in cfg.kpis:
        hit = own[own["kpi_code"] == kpi.code]
        r = hit.iloc[0] if not hit.empty else None
        met = None if r is None or pd.isna(r["met"]) else bool(r["met"])
        rows.append(
            {
                "kpi": kpi.label,
                "unit": kpi.unit,
                "value": format_number(None if r is None else r["value"]),
                "norm": format_number(kpi.norm_for(quarter_year(data.quarter))),
                "met": "—" if met is None else ("ja" if met else "nee"),
                "missed": met is False,
                "obligation": kpi.is_obligation(quarter_year(data.quarter)),
                "previous": format_number(None if r is None else r["previous"]),
                "mean_4q": format_number(None if r is None else r["mean_4q"]),
                "median": format_number(None if r is None else r["median"]),
                "quartile": "—" if r is None or pd.isna(r["quartile"]) else int(r["quartile"]),
            }
        )
    facts = data.page_facts.get(pid, {})
    category = provider.category
    return {
        "provider": provider,
        "category": None if pd.isna(category) else int(category),
        "primary": primary,
        "manager": cfg.staff_by_key.get(provider.contract_manager),
        "rows": rows,
        "facts": facts,
        "plot": _data_uri(plot) if plot else None,
        "quarter": data.quarter,
    }


def _page_digest(context: dict[str, Any]) -> str:
    body = {k: v for k, v in context.items() if k not in ("provider", "manager", "plot")}
    body["provider"] = [context["provider"].code, context["provider"].name]
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def render_markdown(data: AnalysisData, cfg: RegionConfig) -> str:
    """The summary with the region's plots, for the markdown artifact."""
    quarters = quarters_back(data.quarter, TREND_QUARTERS)
    return render(
        "artifacts/regional_analysis.md.j2",
        trend=_data_uri(kpi_trends(_trend_table(data, cfg), cfg.kpis)),
        steps=_data_uri(escalations_over_time(data.steps, quarters)),
        **_summary_context(data, cfg),
    )


def render_report(
    data: AnalysisData, cfg: RegionConfig, skip: set[str] = frozenset()
) -> RenderedReport:
    """Plots, the regional PDF (summary and a page per provider) and each provider's page
    as its own PDF. Every page is laid out once; pages whose digest (first 16 characters)
    is in ``skip`` are in the dossier already and get no PDF of their own again."""
    quarters = quarters_back(data.quarter, TREND_QUARTERS)
    trend_png = kpi_trends(_trend_table(data, cfg), cfg.kpis)
    steps_png = escalations_over_time(data.steps, quarters)
    summary = _summary_context(data, cfg)
    current = data.values[data.values["quarter"] == data.quarter]
    year = quarter_year(data.quarter)
    norms = {k.code: k.norm_for(year) for k in cfg.kpis}
    page_documents = []
    provider_pages: dict[int, tuple[str, bytes]] = {}
    for provider in data.providers.itertuples():
        has_values = current["provider_id"].eq(provider.provider_id).any()
        plot = (
            provider_distribution(current, cfg.kpis, provider.provider_id, norms)
            if has_values
            else None
        )
        context = _provider_context(data, cfg, provider, plot)
        digest = _page_digest(context)
        document = html_document(render("reports/provider_page.html.j2", page=context, **summary))
        page_documents.append(document)
        own = b"" if digest[:16] in skip else document.write_pdf()
        provider_pages[int(provider.provider_id)] = (digest, own)
    front = html_document(
        render(
            "reports/regional.html.j2",
            trend=_data_uri(trend_png),
            steps=_data_uri(steps_png),
            **summary,
        )
    )
    markdown = render(
        "artifacts/regional_analysis.md.j2",
        trend=_data_uri(trend_png),
        steps=_data_uri(steps_png),
        **summary,
    )
    report = documents_to_pdf([front, *page_documents])
    return RenderedReport(data.digest(), report, markdown, provider_pages)


# --- storing ----------------------------------------------------------------------------


@dataclass
class StoreResult:
    """What storing the analysis wrote."""

    report_new: bool
    pages_new: int
    path: str


def report_exists(uow: UnitOfWork, quarter: str, digest: str) -> bool:
    """Whether the report with exactly these figures is stored already."""
    with uow:
        return (
            uow.session.scalar(
                select(Report.id).where(
                    Report.kind == REPORT_KIND, Report.period == quarter, Report.digest == digest
                )
            )
            is not None
        )


def stored_page_digests(uow: UnitOfWork, quarter: str) -> set[str]:
    """Digests of the provider pages of ``quarter`` already in the dossiers."""
    prefix = f"analysis:{quarter}:"
    with uow:
        keys = uow.session.scalars(
            select(DossierDocument.event_key).where(DossierDocument.event_key.like(f"{prefix}%"))
        )
        return {k.rsplit(":", 1)[-1] for k in keys}


def raise_obligation_signals(
    uow: UnitOfWork, cfg: RegionConfig, data: AnalysisData, as_of: date
) -> int:
    """A signal per missed result obligation of the quarter (also for KPIs from the
    declarations); the keys are those of the intake, so nothing is raised twice."""
    current = data.values[data.values["quarter"] == data.quarter].dropna(subset=["value"])
    new = 0
    with uow:
        session = uow.session
        providers = {p.id: p for p in session.scalars(select(Provider).where(Provider.active))}
        for pid, part in current.groupby("provider_id"):
            values = {
                c: Decimal(str(v)) for c, v in zip(part["kpi_code"], part["value"], strict=True)
            }
            new += raise_kpi_signals(
                session,
                cfg,
                providers[int(pid)],
                data.quarter,
                values,
                as_of,
                "regioanalyse",
                far=False,
            )
        uow.commit()
    return new


def store_report(
    uow: UnitOfWork,
    data: AnalysisData,
    rendered: RenderedReport,
    reports_dir: Path,
    as_of: date,
) -> StoreResult:
    """Keep the report (table and ``reports_dir``) and each changed provider page in that
    provider's dossier, in one commit."""
    filename = f"{REPORT_KIND}-{data.quarter}.pdf"
    pages_new = 0
    with uow:
        session = uow.session
        report_new = (
            session.scalar(
                select(Report.id).where(
                    Report.kind == REPORT_KIND,
                    Report.period == data.quarter,
                    Report.digest == rendered.digest,
                )
            )
            is None
        )
        if report_new:
            session.add(
                Report(
                    kind=REPORT_KIND,
                    period=data.quarter,
                    digest=rendered.digest,
                    filename=filename,
                    content=rendered.report_pdf,
                    as_of=as_of,
                )
            )
        codes = dict(zip(data.providers["provider_id"], data.providers["code"], strict=True))
        for pid, (digest, pdf) in rendered.provider_pages.items():
            key = f"analysis:{data.quarter}:{codes[pid]}:{digest[:16]}"
            if not pdf or not record_event(
                session,
                key=key,
                provider_id=pid,
                kind=EventKind.REGIONAL_ANALYSIS,
                actor="regional-analysis",
                as_of=as_of,
                summary=f"Regioanalyse {data.quarter}: eigen pagina (prestaties tegen norm en "
                "andere aanbieders)",
                data={"quarter": data.quarter},
            ):
                continue
            session.add(
                DossierDocument(
                    event_key=key,
                    provider_id=pid,
                    filename=f"regioanalyse-{data.quarter}-{codes[pid]}.pdf",
                    content_type="application/pdf",
                    content=pdf,
                )
            )
            pages_new += 1
        uow.commit()
    path = reports_dir / filename
    if report_new or not path.exists():
        reports_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(rendered.report_pdf)
        tmp.replace(path)  # readers never see half a file
    return StoreResult(report_new, pages_new, str(path))
