"""Proposing an amendment: its values checked, the providers concerned found among the lots that
run on its date, and consulted with a term."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clm.errors import InputProblem, InvalidInput
from clm.rules.amendments import AmendmentStatus, ChangeKind
from clm.rules.calendar import add_working_days
from clm.rules.commands import AmendmentProposal
from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.inputs import parse_decimal
from clm.services.deadlines import set_deadline
from clm.storage.db import UnitOfWork
from clm.storage.models import Amendment, AmendmentParty, Contract, Provider

from .letters import mail_provider


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
            mail_provider(
                session, cfg, amendment, provider, "proposal", as_of, proposal.proposed_by
            )
        uow.commit()
        return Proposed(amendment.id, len(providers), due, True)
