"""Amendments during the term: proposed, the providers concerned consulted with a term,
then applied on their date or deferred to the next procurement moment (seed 003), or
withdrawn. An applied norm or KPI counts in the figures from its date on
(:func:`terms_in_force`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clm.clock import answered_at, as_utc, dutch_date, stamp
from clm.errors import InputProblem, InvalidInput
from clm.rules.amendments import (
    AmendmentStatus,
    ChangeKind,
    Disadvantaged,
    Origin,
    PartyResponse,
    decision,
    first_quarter_from,
)
from clm.rules.calendar import add_working_days
from clm.rules.commands import AmendmentProposal
from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.inputs import parse_decimal
from clm.rules.replies import ReplyKind
from clm.rules.vocabulary import EventKind
from clm.services.deadlines import KindRules, close_deadlines, set_deadline
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import (
    Amendment,
    AmendmentParty,
    Contract,
    ContractTerm,
    Deadline,
    Provider,
)
from clm.storage.notify import ReplyTo, mail_with_event


@dataclass(frozen=True)
class Proposed:
    amendment_id: int
    providers: int
    reaction_due: date
    new: bool


def _key(p: AmendmentProposal, as_of: date) -> str:
    text = json.dumps(
        [
            p.title,
            p.description,
            p.change_kind,
            p.target,
            p.new_value,
            sorted(p.lots),
            sorted(p.provider_codes),
            p.effective_on.isoformat(),
            as_of.isoformat(),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _check(cfg: RegionConfig, p: AmendmentProposal, due: date) -> list[InputProblem]:
    problems: list[InputProblem] = []

    def bad(column: str, message: str) -> None:
        problems.append(InputProblem("parameters", message, column=column))

    kpis = {k.code: k for k in cfg.kpis}
    unknown = sorted(set(p.lots) - cfg.care_type_codes)
    if unknown:
        bad("lots", f"onbekend perceel {', '.join(unknown)} (bekend zijn: "
            f"{', '.join(sorted(cfg.care_type_codes))})")  # fmt: skip
    if p.change_kind in (ChangeKind.NORM, ChangeKind.KPI):
        if p.target not in kpis:
            bad("target", f"onbekende indicator '{p.target}' (bekend zijn: {', '.join(kpis)})")
        if p.lots:
            bad("lots", "een norm of indicator geldt voor alle percelen; laat de percelen leeg")
    if p.change_kind == ChangeKind.NORM and p.target in kpis:
        kpi = kpis[p.target]
        try:
            value = float(parse_decimal(p.new_value, places=2, max_integer_digits=9))
        except ValueError as exc:
            bad("new_value", f"nieuwe norm: {exc}")
        else:
            top = kpi.maximum
            if value < kpi.minimum or (top is not None and value > top):
                bad("new_value", f"nieuwe norm {p.new_value} ligt buiten {kpi.minimum:g} tot en "
                    f"met {top:g} ({kpi.unit})" if top is not None else
                    f"nieuwe norm {p.new_value} ligt onder {kpi.minimum:g}")  # fmt: skip
    elif p.change_kind in (ChangeKind.KPI, ChangeKind.TARIFF, ChangeKind.REQUIREMENT):
        if not p.new_value.strip():
            bad("new_value", f"geef de nieuwe waarde van de {p.change_kind.label}")
        if p.change_kind != ChangeKind.KPI and not p.target.strip():
            bad("target", f"welk(e) {p.change_kind.label} verandert?")
    if p.effective_on <= due:
        bad("effective_on", f"ingangsdatum {p.effective_on:%d-%m-%Y} ligt niet na het einde van "
            f"de reactietermijn ({due:%d-%m-%Y}); de aanbieders reageren eerst")  # fmt: skip
    return problems


def _parties(session: Session, p: AmendmentProposal) -> tuple[list[Provider], list[InputProblem]]:
    active = session.scalars(
        select(Provider).where(Provider.active.is_(True)).order_by(Provider.code)
    ).all()

    def holds(provider: Provider) -> bool:
        lots = {c.strip() for c in provider.care_types.split(",") if c.strip()}
        return not p.lots or bool(lots & set(p.lots))

    if not p.provider_codes:
        return [x for x in active if holds(x)], []
    by_code = {x.code: x for x in active}
    problems = [
        InputProblem(
            "parameters", f"geen actieve aanbieder met AGB-code {code}", column="provider_codes"
        )  # fmt: skip
        for code in p.provider_codes
        if code not in by_code
    ]
    problems += [
        InputProblem(
            "parameters",
            f"{by_code[code].name} ({code}) heeft geen contract voor perceel {', '.join(p.lots)}",
            column="provider_codes",
        )  # fmt: skip
        for code in p.provider_codes
        if code in by_code and not holds(by_code[code])
    ]
    return [by_code[c] for c in p.provider_codes if c in by_code], problems


def _running_on(
    session: Session, p: AmendmentProposal, providers: list[Provider]
) -> tuple[list[Provider], list[InputProblem]]:
    """The parties whose contract for a lot that changes runs on the amendment's date: an
    amendment changes a running contract. A provider the form names whose terms in the
    register all end before that date (or start after it) is refused; one found by its
    lots is left out; a provider without terms in the register is kept (nothing to check)."""
    day = p.effective_on
    rows = session.scalars(
        select(Contract).where(Contract.provider_id.in_([x.id for x in providers]))
    ).all()
    held: dict[int, list[Contract]] = {}
    for row in rows:
        held.setdefault(row.provider_id, []).append(row)
    kept: list[Provider] = []
    problems: list[InputProblem] = []
    for provider in providers:
        lots = set(p.lots) or {c.strip() for c in provider.care_types.split(",") if c.strip()}
        terms = [c for c in held.get(provider.id, []) if c.lot in lots]
        if not terms or any(c.start_on <= day <= (c.ended_on or c.end_on) for c in terms):
            kept.append(provider)
        elif p.provider_codes:
            spans = ", ".join(
                f"{c.lot} {c.start_on:%d-%m-%Y} t/m {(c.ended_on or c.end_on):%d-%m-%Y}"
                for c in terms
            )
            problems.append(
                InputProblem(
                    "parameters",
                    f"op de ingangsdatum {day:%d-%m-%Y} loopt het contract van {provider.name} "
                    f"({provider.code}) niet ({spans}); een wijziging geldt voor een lopend "
                    "contract",
                    column="effective_on",
                )
            )
    if providers and not kept and not problems:
        problems.append(
            InputProblem(
                "parameters",
                f"op de ingangsdatum {day:%d-%m-%Y} loopt geen contract voor deze percelen; "
                "een wijziging geldt voor een lopend contract",
                column="effective_on",
            )
        )
    return kept, problems


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


def propose_amendment(
    uow: UnitOfWork, cfg: RegionConfig, proposal: AmendmentProposal, as_of: date
) -> Proposed:
    """Record a proposed amendment and consult every provider concerned by mail, with the
    reaction term of the config in working days. The same proposal on the same day again
    changes nothing."""
    cfg.staff_member(proposal.proposed_by)
    due = add_working_days(as_of, cfg.contracts.amendment_reaction_working_days, cfg.calendar)
    key = _key(proposal, as_of)
    with uow:
        session = uow.session
        existing = session.scalar(select(Amendment).where(Amendment.key == key))
        if existing is not None:
            count = session.scalar(
                select(func.count()).where(AmendmentParty.amendment_id == existing.id)
            )
            return Proposed(existing.id, count or 0, existing.reaction_due, False)
        providers, problems = _parties(session, proposal)
        providers, outside = _running_on(session, proposal, providers)
        problems = _check(cfg, proposal, due) + problems + outside
        if not problems and not providers:
            problems.append(InputProblem(
                "parameters", "geen enkele aanbieder heeft een contract voor deze percelen",
                column="lots"))  # fmt: skip
        if problems:
            raise InvalidInput(problems, "Wijzigingsvoorstel geweigerd, er is niets vastgelegd")
        amendment = Amendment(
            key=key,
            title=proposal.title,
            description=proposal.description,
            change_kind=proposal.change_kind,
            target=proposal.target.strip(),
            new_value=proposal.new_value.strip(),
            lots=sorted(proposal.lots),
            reason=proposal.reason,
            effective_on=proposal.effective_on,
            origin=proposal.origin,
            origin_ref=proposal.origin_ref,
            proposed_by=proposal.proposed_by,
            proposed_on=as_of,
            reaction_due=due,
            status=AmendmentStatus.CONSULTING,
            withdrawn_reason="",
        )
        session.add(amendment)
        session.flush()
        set_deadline(
            session,
            DeadlineKind.AMENDMENT_REACTION,
            Subject.AMENDMENT,
            amendment.id,
            due,
            provider_id=None,
            owner=proposal.proposed_by,
        )
        for provider in providers:
            session.add(AmendmentParty(amendment_id=amendment.id, provider_id=provider.id))
            _mail(session, cfg, amendment, provider, "proposal", as_of, proposal.proposed_by)
        uow.commit()
        return Proposed(amendment.id, len(providers), due, True)


def _mail(
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


def _amendment(session: Session, amendment_id: int) -> Amendment:
    """The amendment with this number, or a refusal naming the form's field."""
    amendment = session.get(Amendment, amendment_id)
    if amendment is None:
        raise InvalidInput.one("parameters", f"geen wijzigingsvoorstel met nummer {amendment_id}",
                               column="amendment_id", title="Onbekend voorstel")  # fmt: skip
    return amendment


def register_reaction(
    uow: UnitOfWork,
    cfg: RegionConfig,
    amendment_id: int,
    provider_code: str,
    response: PartyResponse,
    disadvantaged: list[Disadvantaged],
    reason: str,
    received_on: date,
    registered_by: str,
    as_of: date,
    via: str = "staff",
    sent_at: datetime | None = None,
) -> str:
    """A provider's answer to the consultation: agreement, or a statement that it, its
    clients or a municipality are disadvantaged (with the reason). The answer sent last
    within the term stands, whatever the order answers are registered in: ``sent_at`` is
    when a mail was sent (a form's answer: the end of ``received_on``). An earlier answer
    read later is kept in the dossier and changes nothing. Returns the outcome in words."""
    if response == PartyResponse.OBJECTS and not reason.strip():
        raise InvalidInput.one("parameters", "geef de reden van het nadeel", column="reason",
                               title="Reactie geweigerd")  # fmt: skip
    if response == PartyResponse.OBJECTS and not disadvantaged:
        raise InvalidInput.one("parameters", "wie heeft last van de wijziging: de aanbieder, "
                               "cliënten of een gemeente?", column="disadvantaged",
                               title="Reactie geweigerd")  # fmt: skip
    with uow:
        session = uow.session
        amendment = _amendment(session, amendment_id)
        party = session.scalar(
            select(AmendmentParty)
            .join(Provider, Provider.id == AmendmentParty.provider_id)
            .where(AmendmentParty.amendment_id == amendment_id, Provider.code == provider_code)
        )
        if party is None:
            raise InvalidInput.one("parameters", f"aanbieder {provider_code} is niet "
                                   f"geraadpleegd over '{amendment.title}'",
                                   column="provider_code", title="Reactie geweigerd")  # fmt: skip
        if amendment.status != AmendmentStatus.CONSULTING:
            label = AmendmentStatus(amendment.status).label
            raise InvalidInput.one("parameters", f"over '{amendment.title}' is al besloten "
                                   f"({label}); de reactie telt niet meer mee",
                                   column="amendment_id", title="Reactie te laat")  # fmt: skip
        if received_on > amendment.reaction_due:
            raise InvalidInput.one("parameters", f"ontvangen op {received_on:%d-%m-%Y}, na het "
                                   f"einde van de reactietermijn "
                                   f"({amendment.reaction_due:%d-%m-%Y})",
                                   column="received_on", title="Reactie te laat")  # fmt: skip
        who = sorted({Disadvantaged(d) for d in disadvantaged}) if response == "objects" else []
        same = (
            party.response == response
            and party.disadvantaged == [str(d) for d in who]
            and party.reason == reason.strip()
        )
        words = (
            "akkoord"
            if response == PartyResponse.AGREES
            else "nadeel voor " + ", ".join(d.label for d in who) + f": {reason.strip()}"
        )
        if same:
            return f"Reactie was al geregistreerd ({words})"
        moment = answered_at(sent_at, received_on)
        provider = session.get(Provider, party.provider_id)
        answer = f"{response}{who}{reason.strip()}{moment.isoformat()}"
        digest = hashlib.sha256(answer.encode()).hexdigest()[:10]
        standing = as_utc(party.answered_at) if party.answered_at else None
        heard = f"Reactie op wijzigingsvoorstel '{amendment.title}', verzonden {stamp(moment)}"
        if standing is not None and moment < standing:
            record_event(
                session,
                key=f"amendment:{amendment.id}:reaction:{provider.code}:{digest}",
                provider_id=provider.id,
                kind=EventKind.AMENDMENT,
                actor=registered_by,
                as_of=as_of,
                summary=f"{heard}: {words}. Eerder verzonden dan de reactie van "
                f"{stamp(standing)}; die blijft staan",
            )
            uow.commit()
            return (
                f"Reactie niet in de plaats van de staande gezet: eerder verzonden "
                f"({stamp(moment)}) dan de reactie van {stamp(standing)}, die blijft staan"
            )
        party.response, party.disadvantaged = response, [str(d) for d in who]
        party.reason, party.via, party.received_on = reason.strip(), via, received_on
        party.registered_by, party.answered_at = registered_by, moment
        record_event(
            session,
            key=f"amendment:{amendment.id}:reaction:{provider.code}:{digest}",
            provider_id=provider.id,
            kind=EventKind.AMENDMENT,
            actor=registered_by,
            as_of=as_of,
            summary=f"{heard}, ontvangen {received_on:%d-%m-%Y}: {words}. Deze reactie staat"
            + (f" (in de plaats van die van {stamp(standing)})" if standing else ""),
        )
        uow.commit()
        return f"Reactie geregistreerd: {words}"


def withdraw_amendment(
    uow: UnitOfWork, cfg: RegionConfig, amendment_id: int, reason: str, by: str, as_of: date
) -> bool:
    """Withdraw a proposal while it is in consultation; everyone consulted is told. False
    when it was withdrawn already."""
    cfg.staff_member(by)
    with uow:
        session = uow.session
        amendment = _amendment(session, amendment_id)
        if amendment.status == AmendmentStatus.WITHDRAWN:
            return False
        if amendment.status != AmendmentStatus.CONSULTING:
            label = AmendmentStatus(amendment.status).label
            raise InvalidInput.one("parameters", f"'{amendment.title}' is al {label}; intrekken "
                                   "kan alleen tijdens de consultatie", column="amendment_id",
                                   title="Intrekken niet mogelijk")  # fmt: skip
        amendment.status, amendment.decided_on = AmendmentStatus.WITHDRAWN, as_of
        amendment.withdrawn_reason = reason.strip()
        close_deadlines(session, Subject.AMENDMENT, [amendment.id], as_of)
        for provider in _consulted(session, amendment.id):
            _mail(session, cfg, amendment, provider, AmendmentStatus.WITHDRAWN, as_of, by)
        uow.commit()
        return True


def _consulted(session: Session, amendment_id: int) -> list[Provider]:
    return list(
        session.scalars(
            select(Provider)
            .join(AmendmentParty, AmendmentParty.provider_id == Provider.id)
            .where(AmendmentParty.amendment_id == amendment_id)
            .order_by(Provider.code)
        )
    )


def _decide(
    session: Session, cfg: RegionConfig, deadline: Deadline, amendment: Amendment, as_of: date
) -> bool:
    """The reaction term has passed: apply or defer, tell everyone consulted."""
    parties = session.execute(
        select(AmendmentParty, Provider)
        .join(Provider, Provider.id == AmendmentParty.provider_id)
        .where(AmendmentParty.amendment_id == amendment.id)
        .order_by(Provider.code)
    ).all()
    outcome = decision([PartyResponse(p.response) for p, _ in parties])
    amendment.status, amendment.decided_on = outcome, as_of
    # to providers the objections are listed by who is disadvantaged and why, not by name
    objections = [
        "nadeel voor "
        + ", ".join(Disadvantaged(d).label for d in p.disadvantaged)
        + f": {p.reason}"
        for p, _ in parties
        if p.response == PartyResponse.OBJECTS
    ]
    if outcome == AmendmentStatus.APPLIED:
        version = (
            session.scalar(
                select(func.max(ContractTerm.version)).where(
                    ContractTerm.change_kind == amendment.change_kind,
                    ContractTerm.target == amendment.target,
                )
            )
            or 0
        ) + 1
        session.add(
            ContractTerm(
                change_kind=amendment.change_kind,
                target=amendment.target,
                version=version,
                value=amendment.new_value or amendment.description,
                lots=amendment.lots,
                effective_from=amendment.effective_on,
                amendment_id=amendment.id,
                recorded_on=as_of,
            )
        )
        for key in [k for k in session.info if isinstance(k, tuple) and k[0] == TERMS_CACHE]:
            del session.info[key]  # the terms in force changed in this unit of work
    else:
        amendment.deferred_to = cfg.contracts.next_procurement_on
    for _party, provider in parties:
        _mail(session, cfg, amendment, provider, outcome, as_of, "daily-sweep", objections)
    staff = cfg.staff_by_key.get(amendment.proposed_by)
    if staff is not None:
        named = [
            f"{provider.name} ({provider.code}): "
            + ", ".join(Disadvantaged(d).label for d in p.disadvantaged)
            + f" – {p.reason}"
            for p, provider in parties
            if p.response == PartyResponse.OBJECTS
        ]
        mail_with_event(
            session,
            cfg,
            key=f"amendment:{amendment.id}:{outcome}:staff",
            template="amendment_staff",
            context={
                "amendment": amendment,
                "status_label": AmendmentStatus(outcome).label,
                "named": named,
                "consulted": len(parties),
                "answered": sum(p.response != PartyResponse.PENDING for p, _ in parties),
                "region": cfg.region,
                "staff": staff,
            },
            to=[staff.email],
            subject=f"Wijzigingsvoorstel {AmendmentStatus(outcome).label}: {amendment.title}",
            provider_id=None,
            kind=EventKind.AMENDMENT,
            actor="daily-sweep",
            as_of=as_of,
            summary="",
        )
    return True


def _load(session: Session, deadline: Deadline) -> Amendment | None:
    amendment = session.get(Amendment, deadline.subject_id)
    if amendment is None or amendment.status != AmendmentStatus.CONSULTING:
        return None
    return amendment


AMENDMENT_RULES = KindRules(
    load=_load,
    lapse=_decide,
    key_prefixes=("amendment:",),
)


def terms_in_force(session: Session, cfg: RegionConfig, as_of: date | None = None) -> RegionConfig:
    """``cfg`` with the KPI norms and wordings that applied amendments changed: a norm counts
    from the first whole quarter on or after its date (a quarter's figures cover the whole
    quarter); a KPI's new wording once its date has come (``as_of``, default: always).
    Read once per unit of work (a preparation asks for every meeting)."""
    key = (TERMS_CACHE, id(cfg), as_of)
    if key not in session.info:
        session.info[key] = _terms_in_force(session, cfg, as_of)
    return session.info[key]


TERMS_CACHE = "terms-in-force"


def _terms_in_force(session: Session, cfg: RegionConfig, as_of: date | None) -> RegionConfig:
    rows = session.execute(
        select(
            ContractTerm.change_kind,
            ContractTerm.target,
            ContractTerm.value,
            ContractTerm.effective_from,
        )  # fmt: skip
        .where(ContractTerm.change_kind.in_([ChangeKind.NORM, ChangeKind.KPI]))
        .order_by(ContractTerm.effective_from, ContractTerm.version)
    ).all()
    if not rows:
        return cfg
    norms: dict[str, dict[str, float]] = {}
    labels: dict[str, str] = {}
    for kind, target, value, start in rows:
        if kind == ChangeKind.NORM:
            norms.setdefault(target, {})[first_quarter_from(start)] = float(value)
        elif as_of is None or start <= as_of:
            labels[target] = value
    kpis = [
        k.model_copy(
            update={
                "amended_norms": {**k.amended_norms, **norms.get(k.code, {})},
                "label": labels.get(k.code, k.label),
            }
        )
        for k in cfg.kpis
    ]
    return cfg.model_copy(update={"kpis": kpis})


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
