"""The words of an amendment: what it changes, in the mails to the providers concerned and in
the overviews."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from clm.clock import dutch_date
from clm.rules.amendments import AmendmentStatus, ChangeKind, Origin
from clm.rules.config import RegionConfig
from clm.rules.replies import ReplyKind
from clm.rules.vocabulary import EventKind
from clm.storage.models import Amendment, Provider
from clm.storage.notify import ReplyTo, mail_with_event


def _value_text(cfg: RegionConfig, amendment: Amendment) -> str:
    """The new value as a provider reads it: 'Gemiddelde wachttijd tot start zorg: 5 weken'."""
    kpi = next((k for k in cfg.kpis if k.code == amendment.target), None)
    if amendment.change_kind == ChangeKind.NORM and kpi is not None:
        return f"{kpi.label}: {amendment.new_value} {kpi.unit}"
    if amendment.change_kind == ChangeKind.KPI and kpi is not None:
        return f"{kpi.label} wordt: {amendment.new_value}"
    return ": ".join(v for v in (amendment.target, amendment.new_value) if v)


def _what(amendment: Amendment) -> str:
    """The change in one line, as mails and events say it."""
    kind = ChangeKind(amendment.change_kind)
    if kind == ChangeKind.NORM:
        return f"norm {amendment.target} wordt {amendment.new_value}"
    if kind == ChangeKind.TEXT:
        return amendment.title
    return f"{kind.label} {amendment.target}: {amendment.new_value}".strip()


def mail_provider(
    session: Session,
    cfg: RegionConfig,
    amendment: Amendment,
    provider: Provider,
    stage: str,
    as_of: date,
    actor: str,
    objections: list[str] | None = None,
) -> None:
    """The consultation, or the decision, to one provider, with its dossier event."""
    titles = {
        "proposal": f"Voorstel tot wijziging van de overeenkomst: {amendment.title}",
        AmendmentStatus.APPLIED: f"Wijziging van de overeenkomst doorgevoerd: {amendment.title}",
        AmendmentStatus.DEFERRED: f"Wijziging van de overeenkomst uitgesteld: {amendment.title}",
        AmendmentStatus.WITHDRAWN: f"Wijzigingsvoorstel ingetrokken: {amendment.title}",
    }
    summaries = {
        "proposal": f"Wijzigingsvoorstel ter consultatie ({_what(amendment)}); reageren "
        f"uiterlijk {amendment.reaction_due:%d-%m-%Y}",
        AmendmentStatus.APPLIED: f"Wijziging doorgevoerd per {amendment.effective_on:%d-%m-%Y}: "
        f"{_what(amendment)}",
        AmendmentStatus.DEFERRED: "Wijziging uitgesteld tot het volgende inkoopmoment: "
        f"{_what(amendment)}",
        AmendmentStatus.WITHDRAWN: f"Wijzigingsvoorstel ingetrokken: {_what(amendment)}",
    }
    manager = cfg.staff_by_key.get(provider.contract_manager)
    mail_with_event(
        session,
        cfg,
        key=f"amendment:{amendment.id}:{stage}:{provider.code}",
        template="amendment",
        reply=ReplyTo(
            ReplyKind.AMENDMENT, amendment.id, subject=f"het voorstel '{amendment.title}'"
        )
        if stage == "proposal"
        else None,
        context={
            "region": cfg.region,
            "provider": provider,
            "amendment": amendment,
            "kind_label": ChangeKind(amendment.change_kind).label,
            "origin_label": Origin(amendment.origin).label,
            "stage": str(stage),
            "objections": objections or [],
            "manager": manager,
            "lots": ", ".join(amendment.lots) or "alle percelen",
            "value_text": _value_text(cfg, amendment),
        },
        to=[provider.contact_email],
        cc=[provider.board_email] if provider.board_email else [],
        subject=titles[stage],
        provider_id=provider.id,
        kind=EventKind.AMENDMENT,
        actor=actor,
        as_of=as_of,
        summary=summaries[stage],
    )


def amendment_text(amendment: Amendment) -> str:
    """One line for a receipt or a list: title, status and the dates."""
    status = AmendmentStatus(amendment.status)
    if status == AmendmentStatus.CONSULTING:
        when = f"reageren uiterlijk {dutch_date(amendment.reaction_due)}"
    elif status == AmendmentStatus.APPLIED:
        when = f"per {dutch_date(amendment.effective_on)}"
    elif status == AmendmentStatus.DEFERRED and amendment.deferred_to:
        return f"{amendment.title}: uitgesteld tot het inkoopmoment van " + dutch_date(
            amendment.deferred_to
        )
    else:
        when = ""
    return f"{amendment.title}: {status.label}" + (f" ({when})" if when else "")
