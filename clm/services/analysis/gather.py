"""The regional analysis, part 1: gather the quarter's figures (meetings, minutes, reactions,
actions, signals, escalations, KPI values and the benchmark) from the database. Reads only."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Float, cast, func, select

from clm.clock import dutch_date
from clm.rules.config import Kpi, RegionConfig
from clm.rules.deadlines import DeadlineKind
from clm.rules.kpis import (
    VALUE_COLUMNS,
    attainment_by_care_type,
    benchmark,
    declaration_values,
    quarters_back,
)
from clm.rules.meetings import cycle_year
from clm.rules.quarters import Quarter
from clm.rules.vocabulary import EscalationStatus, MeetingStatus, SignalStatus
from clm.services.amendments import terms_in_force
from clm.services.contracts import contract_outlook
from clm.services.meetings import meeting_day
from clm.services.subcontracting import count_for_main, shares, subcontractor_only
from clm.services.views import memberships, shared_terms, timeliness_counts
from clm.storage.db import UnitOfWork
from clm.storage.models import (
    ClassificationRow,
    Deadline,
    Declaration,
    Escalation,
    EscalationStep,
    KpiValue,
    Meeting,
    Minutes,
    MinutesReaction,
    Provider,
    Signal,
)

TREND_QUARTERS = 6
REPORT_KIND = "regional_analysis"


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
    # option decisions and contract ends in the next two quarters (clm.services.contracts)
    contracts: pd.DataFrame = field(default_factory=pd.DataFrame)
    # per main contractor and subcontractor: clients, revenue, share (quarter)
    subcontracting: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the KPIs with the norms in force (amendments: clm.services.amendments.terms_in_force)
    kpis: list[Kpi] = field(default_factory=list)

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
            self.contracts.to_json(date_format="iso"),
            self.subcontracting.to_json(),
            json.dumps([(k.code, k.label, k.amended_norms) for k in self.kpis], sort_keys=True),
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
        outlook = contract_outlook(session, quarter, as_of)
        # a subcontractor's declarations count for its main contractor; its share apart
        declarations = count_for_main(
            session,
            declarations,
            first_trend,
            end,
            ["client_ref", "municipality_code", "period"],
        )
        only_sub = subcontractor_only(session, start, end)
        sub_shares = shares(session, start, end)
        labels = {
            pid: f"{code} {name}"
            for pid, code, name in session.execute(
                select(Provider.id, Provider.code, Provider.name)
            )
        }
        kpis = terms_in_force(session, cfg, as_of).kpis

    providers = providers[~providers["provider_id"].isin(only_sub)].reset_index(drop=True)
    sub_shares["main"] = [labels[m] for m in sub_shares["main_id"]]
    sub_shares["sub"] = [labels[m] for m in sub_shares["sub_id"]]
    providers["category"] = providers["category"].astype("Int64")
    known = set(providers["provider_id"])
    values = pd.concat(
        [sheet_values[VALUE_COLUMNS]]
        + [declaration_values(declarations, kpis, q) for q in trend_quarters],
        ignore_index=True,
    )
    values = values[values["provider_id"].isin(known)].reset_index(drop=True)
    values = values.astype({"provider_id": "int64", "value": "float64"})
    lots = memberships(zip(providers["provider_id"], providers["care_types"], strict=True))

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
        memberships=lots,
        contracts=outlook,
        subcontracting=sub_shares,
    )
    data.kpis = kpis
    data.bench = benchmark(values, lots, kpis, quarter)
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
