"""The decision on an option year (checked against what holds on its date), and the
sweep's reminders before the decision date and its notice when it passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import dutch_date
from clm.errors import InputProblem, InvalidInput
from clm.rules.config import RegionConfig, Role
from clm.rules.contracts import default_decide_by, next_term_end, term_text
from clm.rules.vocabulary import ContractStatus, EventKind
from clm.services.common import provider_by_code
from clm.services.contracts.terms import plan_decision, term_of
from clm.services.deadlines import KindRules
from clm.services.register_rules import lock_register
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import Contract, Deadline, DossierEvent, Provider
from clm.storage.notify import mail_with_event


@dataclass(frozen=True)
class OptionDecision:
    """What a decision did, per lot, in words for the receipt."""

    provider: str
    lines: tuple[str, ...]
    mailed: bool


def decide_option_year(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    lot: str,
    extend: bool,
    decided_by: str,
    remark: str,
    as_of: date,
) -> OptionDecision:
    """Take up the next option year of the provider's lot (``lot`` empty: every lot that
    awaits a decision), or not. The provider is told by mail; the decision and the new term
    are in the dossier. Deciding the same way again on the same day changes nothing."""
    cfg.staff_member(decided_by)
    with uow:
        session = uow.session
        provider = provider_by_code(session, provider_code)
        query = select(Contract).where(Contract.provider_id == provider.id)
        if lot.strip():
            query = query.where(Contract.lot == lot.strip().upper())
        contracts = session.scalars(query.order_by(Contract.lot, Contract.start_on)).all()
        if not contracts:
            where = f"perceel {lot.strip().upper()} van " if lot.strip() else ""
            raise InvalidInput.one(
                "parameters",
                f"geen contract voor {where}{provider.name} in het register; lees het register "
                "eerst in (contracten-inlezen)",
                column="lot" if lot.strip() else "provider_code",
                title="Geen contract",
            )
        lock_register(session)
        word = "verlengd" if extend else "niet verlengd"
        keys = {
            c.id: f"option-decision:{c.id}:{as_of.isoformat()}:{int(extend)}" for c in contracts
        }
        opposite = {
            f"option-decision:{c.id}:{as_of.isoformat()}:{int(not extend)}": c for c in contracts
        }
        known = set(
            session.scalars(
                select(DossierEvent.key).where(DossierEvent.key.in_([*keys.values(), *opposite]))
            )
        )
        _refuse_against_state(contracts, opposite, known, extend, as_of)
        # a lot decided today the same way is a rerun: it is not moved a second year
        already = [c for c in contracts if keys[c.id] in known]
        waiting = [c for c in contracts if term_of(c).awaits_decision() and keys[c.id] not in known]
        # an option year extends a running term; a term that ended is over
        open_ones = [c for c in waiting if term_of(c).last_day() >= as_of]
        lapsed = [c for c in waiting if term_of(c).last_day() < as_of]
        if lapsed and not open_ones:
            raise InvalidInput(
                [
                    InputProblem(
                        "parameters",
                        f"de looptijd van {c.lot} ({c.agreement}) eindigde op "
                        f"{term_of(c).last_day():%d-%m-%Y}; over een optiejaar wordt besloten "
                        "zolang het contract loopt, dit contract is afgelopen",
                        column="lot",
                    )
                    for c in lapsed
                ],
                "Besluit geweigerd, er is niets vastgelegd",
            )
        if already and not open_ones:
            return OptionDecision(
                provider.name,
                tuple(
                    f"{term_text(term_of(c), as_of)} (al {word} op {as_of:%d-%m-%Y})"
                    for c in already
                ),
                False,
            )
        if not open_ones:
            lines = "; ".join(term_text(term_of(c), as_of) for c in contracts)
            raise InvalidInput.one(
                "parameters",
                f"er wacht geen besluit over een optiejaar: {lines}",
                column="lot",
                title="Geen optiejaar open",
            )
        lines = []
        for contract in open_ones:
            before = contract.end_on
            if extend:
                contract.end_on = next_term_end(before)
                contract.option_years -= 1
                contract.decide_by = (
                    default_decide_by(contract.end_on, cfg.contracts.option_decision_months)
                    if contract.option_years > 0
                    else None
                )
                line = (
                    f"{contract.lot}: optiejaar gelicht, looptijd nu t/m {contract.end_on:%d-%m-%Y}"
                )
            else:
                contract.status = ContractStatus.NOT_RENEWED
                contract.end_reason = remark.strip() or "optiejaar niet gelicht"
                line = (
                    f"{contract.lot}: optiejaar niet gelicht, het contract eindigt op "
                    f"{before:%d-%m-%Y}"
                )
            contract.updated_on = as_of
            plan_decision(session, cfg, contract, provider.contract_manager)
            record_event(
                session,
                key=keys[contract.id],
                provider_id=provider.id,
                kind=EventKind.OPTION_DECISION,
                actor=decided_by,
                as_of=as_of,
                summary=f"Besluit optiejaar {contract.lot} ({contract.agreement}): {line}"
                + (f" – {remark.strip()}" if remark.strip() else ""),
            )
            lines.append(line)
        manager = cfg.staff_by_key.get(provider.contract_manager)
        mail_with_event(
            session,
            cfg,
            key=f"option-letter:{provider.code}:{as_of.isoformat()}:{int(extend)}:"
            + ",".join(str(c.id) for c in open_ones),
            template="option_decision",
            context={
                "region": cfg.region,
                "provider": provider,
                "extend": extend,
                "contracts": [term_of(c) for c in open_ones],
                "remark": remark.strip(),
                "manager": manager,
                "as_of": as_of,
            },
            to=[provider.board_email or provider.contact_email],
            cc=[provider.contact_email] + ([manager.email] if manager else []),
            subject=f"Besluit over het optiejaar – {provider.name}",
            provider_id=provider.id,
            kind=EventKind.LETTER,
            actor=decided_by,
            as_of=as_of,
            summary=f"Brief over het optiejaar ({word})",
        )
        uow.commit()
    return OptionDecision(provider.name, tuple(lines), True)


def _refuse_against_state(
    contracts: list[Contract],
    opposite: dict[str, Contract],
    known: set[str],
    extend: bool,
    as_of: date,
) -> None:
    """A decision is checked against what holds on its date: an option year is decided
    while the term runs, and not the other way round on the day it was decided one way
    (the provider would get two letters that contradict each other)."""
    problems = []
    for key, contract in opposite.items():
        if key in known:
            earlier = "het optiejaar gelicht" if not extend else "het optiejaar niet gelicht"
            problems.append(
                InputProblem(
                    "parameters",
                    f"voor {contract.lot} ({contract.agreement}) is vandaag al besloten: "
                    f"{earlier}, en de aanbieder heeft die brief; een tegengesteld besluit op "
                    "dezelfde dag wordt niet uitgevoerd. Is het eerste besluit onjuist, neem "
                    "dan contact op met contractbeheer om het te herstellen",
                    column="extend",
                )
            )
    if problems:
        raise InvalidInput(problems, "Besluit geweigerd, er is niets vastgelegd")


def _option_subject(session: Session, deadline: Deadline) -> tuple[Contract, Provider] | None:
    contract = session.get(Contract, deadline.subject_id)
    if contract is None or not term_of(contract).awaits_decision():
        return None
    return contract, session.get(Provider, contract.provider_id)


def _option_mail(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[Contract, Provider],
    as_of: date,
    offset: int | None,
) -> None:
    contract, provider = subject
    manager = cfg.staff_by_key.get(deadline.owner) or cfg.staff_by_key.get(
        provider.contract_manager
    )
    admins = [s.email for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)]
    overdue = offset is None
    mail_with_event(
        session,
        cfg,
        key=f"option:{contract.id}:{contract.decide_by}:"
        + ("overdue" if overdue else f"reminder:{offset}"),
        template="option_reminder",
        context={
            "provider": provider,
            "contract": term_of(contract),
            "overdue": overdue,
            "region": cfg.region,
            "manager": manager,
        },
        to=[manager.email] if manager else admins,
        cc=admins if manager else [],
        subject=(
            f"Termijn verstreken: besluit optiejaar {contract.lot} {provider.name}"
            if overdue
            else f"Besluit optiejaar {contract.lot} {provider.name} uiterlijk "
            f"{dutch_date(contract.decide_by)}"  # type: ignore[arg-type]
        ),
        provider_id=provider.id,
        kind=EventKind.OPTION_REMINDER,
        actor="daily-sweep",
        as_of=as_of,
        summary=(
            f"Besluit over het optiejaar {contract.lot} niet genomen vóór "
            f"{contract.decide_by:%d-%m-%Y}"
            if overdue
            else f"Herinnering besluit optiejaar {contract.lot} ({offset} werkdagen vooraf)"
        ),
    )


OPTION_RULES = KindRules(
    load=_option_subject,
    remind=lambda s, cfg, d, subj, offset, as_of: _option_mail(s, cfg, d, subj, as_of, offset),
    lapse=lambda s, cfg, d, subj, as_of: _option_mail(s, cfg, d, subj, as_of, None) or True,
    several_reminders=True,
    reminder_days=lambda cfg: max(cfg.contracts.option_reminder_working_days, default=0),
    key_prefixes=("option:",),
)
