"""One-time approval codes: the second person of an escalation step proves who they are with
a code mailed to them alone (the role of ``escalation.approver_role``, never the requester).
A code is stored only as a salted hash, works once, and expires with the approval window."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from sqlalchemy import select

from clm.rules.config import RegionConfig
from clm.rules.escalation import (
    APPROVAL_WINDOW_DAYS,
    CODE_ALPHABET,
    STEPS,
    normal_code,
)
from clm.rules.vocabulary import EventKind, StepStatus
from clm.storage.db import UnitOfWork
from clm.storage.models import ApprovalCode, Escalation, EscalationStep, Provider
from clm.storage.notify import mail_with_event
from clm.storage.outbox import SECRET_KEY_PART


def _new_code() -> str:
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def _digest(salt: str, step_id: int, staff_key: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{step_id}:{staff_key}:{code}".encode()).hexdigest()


def approvers(cfg: RegionConfig, requested_by: str) -> list[str]:
    """The staff keys that may decide a step asked for by ``requested_by``."""
    return [
        s.key for s in cfg.staff_with_role(cfg.escalation.approver_role) if s.key != requested_by
    ]


def issue_codes(
    uow: UnitOfWork, cfg: RegionConfig, step_id: int, as_of: date, link: str = ""
) -> int:
    """Mail every approver of a step waiting for approval their own code, once (a rerun or a
    resumed run sends nothing new). Returns the codes issued now."""
    issued = 0
    with uow:
        session = uow.session
        step = session.get(EscalationStep, step_id)
        if step is None or step.status != StepStatus.AWAITING_APPROVAL:
            return 0
        escalation = session.get(Escalation, step.escalation_id)
        provider = session.get(Provider, escalation.provider_id)
        have = set(
            session.scalars(select(ApprovalCode.staff_key).where(ApprovalCode.step_id == step_id))
        )
        asker = cfg.staff_by_key.get(step.requested_by)
        expires = step.requested_on + timedelta(days=APPROVAL_WINDOW_DAYS)
        for key in approvers(cfg, step.requested_by):
            if key in have:
                continue
            member = cfg.staff_by_key[key]
            code, salt = _new_code(), secrets.token_hex(16)
            # about no provider: the code must not reach the provider's dossier or its export
            mailed = mail_with_event(
                session,
                cfg,
                key=f"escalation-step:{step_id}{SECRET_KEY_PART}{key}",
                template="approval_code",
                context={
                    "member": member,
                    "asker": asker.name if asker else step.requested_by,
                    "provider": provider,
                    "step": step,
                    "info": STEPS[step.step],
                    "code": code,
                    "expires": expires,
                    "link": link,
                    "region": cfg.region,
                },
                to=[member.email],
                subject=f"Goedkeuring gevraagd: trede {step.step} voor {provider.name}",
                provider_id=None,
                kind=EventKind.STEP_REQUESTED,
                actor="escalation",
                as_of=as_of,
                summary="",
            )
            if not mailed:
                continue  # that mail went out before: a code nobody received would not work
            session.add(
                ApprovalCode(
                    step_id=step_id,
                    staff_key=key,
                    salt=salt,
                    code_hash=_digest(salt, step_id, key, code),
                    issued_on=as_of,
                    expires_on=expires,
                )
            )
            issued += 1
        uow.commit()
    return issued


def redeem_code(uow: UnitOfWork, step_id: int, code: str, as_of: date) -> tuple[str, str]:
    """(staff key, '') for a valid code of this step, which is used up now; ('', why) when
    the code is unknown, used, or expired."""
    typed = normal_code(code)
    with uow:
        rows = uow.session.scalars(
            select(ApprovalCode).where(ApprovalCode.step_id == step_id)
        ).all()
        for row in rows:
            if not hmac.compare_digest(
                row.code_hash, _digest(row.salt, step_id, row.staff_key, typed)
            ):
                continue
            if row.used_on is not None:
                return "", "deze code is al gebruikt"
            if as_of > row.expires_on:
                return "", f"deze code is verlopen op {row.expires_on:%d-%m-%Y}"
            row.used_on = as_of
            uow.commit()
            return row.staff_key, ""
    return "", "deze code hoort niet bij deze trede; gebruik de code uit uw eigen mail"
