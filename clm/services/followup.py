"""Use cases of the daily sweep around meetings: the final agenda when it is due, and the
data reminders and signals. Everything due on or before ``as_of`` is handled, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.documents.pdf import html_to_pdf
from clm.documents.rendering import render
from clm.numbers import format_number, format_value
from clm.rules.calendar import add_working_days, working_days_before
from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind
from clm.rules.inputs import visible
from clm.rules.kpis import VALUE_COLUMNS, benchmark, misses_norm
from clm.rules.meetings import previous_quarter, quarter_label
from clm.rules.quarters import Quarter
from clm.rules.vocabulary import EventKind, MeetingStatus, SignalKind
from clm.services.amendments import terms_in_force
from clm.services.deadlines import KindRules, sweep
from clm.services.meetings import meeting_context, meeting_day, region_copy
from clm.services.subcontracting import share_lines
from clm.services.views import care_type_memberships
from clm.storage.db import UnitOfWork
from clm.storage.mail import Attachment
from clm.storage.models import Deadline, KpiValue, Meeting, Provider
from clm.storage.notify import ReplyTo, mail_with_event
from clm.storage.signals import raise_signal


@dataclass
class FollowUpSummary:
    final_agendas: int = 0
    reminders: int = 0
    signals: int = 0


# Seed 004: "benchmarking en prestaties ten opzichte van andere aanbieders". A median of fewer
# providers than this would let a provider work out another's figure, so it is not shown.
MIN_PEERS = 3
_POSITION = {
    1: "bij de beste 25%",
    2: "beter dan de mediaan",
    3: "minder dan de mediaan",
    4: "bij de zwakste 25%",
}


def peer_benchmark(session: Session, cfg: RegionConfig, quarter: str) -> pd.DataFrame:
    """Every provider's sheet figures of ``quarter`` against the providers in the same care
    type (median, how many, the provider's quartile): one query for all agendas of a day."""
    cfg = terms_in_force(session, cfg)
    codes = [k.code for k in cfg.sheet_kpis]
    rows = session.execute(
        select(KpiValue.provider_id, KpiValue.quarter, KpiValue.kpi_code, KpiValue.value).where(
            KpiValue.quarter == quarter, KpiValue.kpi_code.in_(codes)
        )
    ).all()
    values = pd.DataFrame(rows, columns=VALUE_COLUMNS).astype(
        {"provider_id": "int64", "value": "float64"}
    )
    memberships = care_type_memberships(session)
    if values.empty or memberships.empty:
        return pd.DataFrame(columns=["provider_id", "care_type", "kpi_code", "n", "median"])
    return benchmark(values, memberships, cfg.sheet_kpis, quarter)


def _peer_text(rows: pd.DataFrame) -> str:
    """'AMB: mediaan 72,0 (12 aanbieders), bij de beste 25%' per care type, or a dash."""
    parts = []
    for row in rows.itertuples():
        if pd.isna(row.n) or row.n < MIN_PEERS:
            parts.append(f"{row.care_type}: te weinig aanbieders om te vergelijken")
            continue
        text = f"{row.care_type}: mediaan {format_number(row.median)} ({int(row.n)} aanbieders)"
        if pd.isna(row.value):
            pass
        elif row.value == row.median:  # ties are no ranking: 'best 25%' would mislead
            text += ", gelijk aan de mediaan"
        elif not pd.isna(row.quartile):
            text += f", {_POSITION[int(row.quartile)]}"
        parts.append(text)
    return "; ".join(parts) or "—"


def figures(
    session: Session,
    cfg: RegionConfig,
    provider_id: int,
    quarter: str,
    peers: pd.DataFrame | None = None,
) -> list[dict]:
    """The delivered figures of a quarter against the norm, the previous quarter and the
    other providers in the same care type (``peers``: :func:`peer_benchmark`)."""
    cfg = terms_in_force(session, cfg)
    if peers is None:
        peers = peer_benchmark(session, cfg, quarter)
    own = peers[peers["provider_id"] == provider_id]
    prev = previous_quarter(quarter)
    values = {
        (v.quarter, v.kpi_code): v.value
        for v in session.scalars(
            select(KpiValue).where(
                KpiValue.provider_id == provider_id, KpiValue.quarter.in_([quarter, prev])
            )
        )
    }
    rows = []
    for kpi in cfg.sheet_kpis:
        value, before = values.get((quarter, kpi.code)), values.get((prev, kpi.code))
        norm = kpi.norm_for(quarter)
        rows.append(
            {
                "label": kpi.label,
                "value": format_value(value, kpi.unit),
                "norm": "—" if norm is None else format_value(norm, kpi.unit),
                "previous": format_value(before, kpi.unit),
                "delivered": value is not None,
                "peers": _peer_text(own[own["kpi_code"] == kpi.code]),
                "below_norm": bool(misses_norm(kpi, value, quarter)),
            }
        )
    return rows


def send_due_final_agendas(
    uow: UnitOfWork, cfg: RegionConfig, as_of: date, set_aside: list[str] | None = None
) -> int:
    """Send the final agenda of every planned meeting whose day for it has come.

    Each meeting commits on its own: one whose provider's data breaks its agenda is added to
    ``set_aside`` with the reason (and tried again by the next sweep); the others go out."""
    sent = 0
    with uow:
        session = uow.session
        due = session.execute(
            select(Meeting, Provider)
            .join(Provider, Provider.id == Meeting.provider_id)
            .where(
                Meeting.status == MeetingStatus.PLANNED,
                Meeting.final_agenda_sent_on.is_(None),
                Meeting.final_agenda_due <= as_of,
            )
            .order_by(Meeting.starts_at)
        ).all()
        peers: dict[str, pd.DataFrame] = {}  # per quarter, for all agendas of the day
        for meeting, provider in due:
            label = f"{provider.code} {provider.name}"
            try:
                if meeting.quarter not in peers:
                    peers[meeting.quarter] = peer_benchmark(session, cfg, meeting.quarter)
                sent += _send_final_agenda(
                    session, cfg, meeting, provider, as_of, peers[meeting.quarter]
                )
                uow.commit()
            except Exception as exc:  # noqa: BLE001 - one provider never stops the sweep
                uow.rollback()
                if set_aside is not None:
                    set_aside.append(visible(f"{label}: {type(exc).__name__}: {exc}")[:500])
    return sent


def _send_final_agenda(
    session: Session,
    cfg: RegionConfig,
    meeting: Meeting,
    provider: Provider,
    as_of: date,
    peers: pd.DataFrame,
) -> int:
    """The final agenda of one meeting (1 when a mail was put in the outbox)."""
    if meeting_day(meeting) < as_of:
        meeting.final_agenda_sent_on = as_of  # the meeting is past: nothing to send
        return 0
    context = meeting_context(session, cfg, meeting, provider, final=True)
    rows = figures(session, cfg, provider.id, meeting.quarter, peers)
    # nothing delivered: the agenda says so instead of a table of 'geen gegevens'
    context["figures"] = rows if any(r["delivered"] for r in rows) else []
    context["previous_quarter"] = previous_quarter(meeting.quarter)
    quarter = Quarter.parse(meeting.quarter)
    context["subcontracting"] = share_lines(
        session, provider.id, quarter.first_day, quarter.last_day
    )
    key = f"meeting:{meeting.meeting_month:%Y-%m}:{provider.code}:final-agenda"
    subject = (
        f"Agenda contractvoortgangsgesprek {context['starts_local']:%d-%m-%Y}, {provider.name}"
    )
    pdf = html_to_pdf(render("agenda/agenda.html.j2", **context))
    added = mail_with_event(
        session,
        cfg,
        key=key,
        template="final_agenda",
        reply=ReplyTo.meeting(meeting.id, meeting_day(meeting)),
        context=context,
        to=[provider.contact_email],
        cc=region_copy(cfg, meeting),
        subject=subject,
        provider_id=provider.id,
        kind=EventKind.AGENDA,
        actor="daily-sweep",
        as_of=as_of,
        summary=f"Definitieve agenda verstuurd voor het gesprek van "
        f"{context['starts_local']:%d-%m-%Y}",
        attachments=[
            Attachment(
                f"agenda-{provider.code}-{meeting.meeting_month:%Y-%m}.pdf",
                "application/pdf",
                pdf,
            )
        ],
    )
    meeting.final_agenda_sent_on = as_of
    return int(added)


def _data_subject(session: Session, deadline: Deadline) -> tuple[Meeting, Provider] | None:
    meeting = session.get(Meeting, deadline.subject_id)
    if (
        meeting is None
        or meeting.status != MeetingStatus.PLANNED
        or meeting.data_received_on is not None
    ):
        return None
    return meeting, session.get(Provider, meeting.provider_id)


def _data_new_term(session: Session, cfg: RegionConfig, deadline: Deadline, as_of: date) -> date:
    """The last term a data reminder sent on ``as_of`` gives: the grace period, but never
    past the working day before the final agenda (the figures are in it), and when that day
    is gone already never past the working day before the meeting."""
    assert cfg.meetings is not None
    term = add_working_days(as_of, cfg.meetings.reminder_grace_working_days, cfg.calendar)
    meeting = session.get(Meeting, deadline.subject_id)
    if meeting is None:
        return term
    limit = working_days_before(meeting.final_agenda_due, 1, cfg.calendar)
    if limit <= as_of:
        limit = working_days_before(meeting_day(meeting), 1, cfg.calendar)
    return min(term, limit) if limit > as_of else term


def _data_reminder(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[Meeting, Provider],
    _offset: int,
    as_of: date,
) -> None:
    """Data not delivered by its deadline: one reminder with a last term."""
    meeting, provider = subject
    context = meeting_context(session, cfg, meeting, provider, final=False)
    context["new_deadline"] = _data_new_term(session, cfg, deadline, as_of)
    manager = cfg.staff_by_key.get(meeting.contract_manager)
    mail_with_event(
        session,
        cfg,
        key=f"meeting:{meeting.meeting_month:%Y-%m}:{provider.code}:data-reminder",
        template="data_reminder",
        reply=ReplyTo.data_request(meeting.id, meeting_day(meeting)),
        context=context,
        to=[provider.contact_email],
        cc=[manager.email] if manager else [],
        subject=f"Herinnering: gegevens {quarter_label(meeting.quarter)} voor het "
        "contractvoortgangsgesprek",
        provider_id=provider.id,
        kind=EventKind.REMINDER,
        actor="daily-sweep",
        as_of=as_of,
        summary=f"Herinnering gegevens {meeting.quarter} verstuurd "
        f"(termijn was {meeting.data_deadline:%d-%m-%Y})",
    )


def _data_signal(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[Meeting, Provider],
    as_of: date,
) -> bool:
    """Still nothing after the last term: one signal to the contract manager."""
    meeting, provider = subject
    raise_signal(
        session,
        cfg,
        key=f"meeting:{meeting.meeting_month:%Y-%m}:{provider.code}:data-signal",
        provider=provider,
        kind=SignalKind.TIMELINESS,
        source="daily-sweep: gegevens",
        description=(
            f"Gegevens {meeting.quarter} niet aangeleverd: termijn "
            f"{deadline.first_due_on:%d-%m-%Y}, herinnering {deadline.reminded_on:%d-%m-%Y}"
        ),
        as_of=as_of,
        subject=f"Signaal: {provider.name} heeft gegevens {meeting.quarter} niet aangeleverd",
    )
    return True


DATA_RULES = KindRules(
    load=_data_subject,
    remind=_data_reminder,
    lapse=_data_signal,
    last_chance=_data_new_term,
    key_prefixes=("meeting:",),
)


def remind_missing_data(uow: UnitOfWork, cfg: RegionConfig, as_of: date) -> tuple[int, int]:
    """Data not delivered after its deadline: one reminder; still nothing after the grace
    period counted from the day the reminder went out: one signal to the contract manager.

    Returns (reminders, signals) sent now."""
    assert cfg.meetings is not None
    count = sweep(uow, cfg, as_of, {DeadlineKind.DATA: DATA_RULES})
    return count.of(DeadlineKind.DATA)
