"""The report of a group meeting: its outcomes, actions and action holders sent to the providers
invited; the actions followed up like those of individual meetings; a proposal to change the
framework agreement (art. 8) recorded as an outcome."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import select

from clm.clock import dutch_date
from clm.documents.pdf import html_to_pdf
from clm.documents.rendering import render
from clm.errors import InputProblem, InvalidInput
from clm.rules.commands import GroupAction
from clm.rules.config import RegionConfig
from clm.rules.vocabulary import ActionStatus, EventKind, GroupMeetingStatus
from clm.services.actions import drop_action_deadlines, set_action_deadlines
from clm.services.meetings import meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.mail import Attachment
from clm.storage.models import ActionItem
from clm.storage.notify import KnownKeys, mail_with_event

from .agenda import invited_providers
from .meeting import find_meeting


def record_report(
    uow: UnitOfWork,
    cfg: RegionConfig,
    key: str,
    attendees: list[str],
    notes: list[str],
    actions: list[GroupAction],
    framework_change: str,
    recorded_by: str,
    as_of: date,
) -> int:
    """Record the report (attending providers by AGB code, notes per agenda item, actions
    with their holders, a proposal to change the framework agreement), store its PDF and
    send it to every invited provider. Returns the mails put in the outbox (0: the same
    report was recorded already)."""
    cfg.staff_member(recorded_by)
    with uow:
        session = uow.session
        meeting = find_meeting(session, key)
        providers = {p.code: p for p in invited_providers(session, meeting)}
        problems = [
            InputProblem(f"parameter attendees[{i}]", f"'{code}' is geen uitgenodigde aanbieder")
            for i, code in enumerate(attendees)
            if code not in providers
        ]
        for i, action in enumerate(actions):
            if action.holder not in providers and action.holder not in cfg.staff_by_key:
                problems.append(
                    InputProblem(
                        f"parameter actions[{i}].holder",
                        f"'{action.holder}' is geen uitgenodigde aanbieder of medewerker",
                    )
                )
            if action.deadline <= meeting_day(meeting):
                problems.append(
                    InputProblem(f"parameter actions[{i}].deadline", "ligt niet na de bijeenkomst")
                )
        if meeting.agenda_set_on is None:
            problems.append(InputProblem("parameter meeting", "de agenda is nog niet vastgesteld"))
        if meeting_day(meeting) > as_of:
            problems.append(
                InputProblem("parameter meeting", "de bijeenkomst is nog niet gehouden")
            )
        if problems:
            raise InvalidInput(problems, "Verslag groepsoverleg niet opgeslagen")
        report = {
            "attendees": sorted(set(attendees)),
            "notes": notes,
            "actions": [
                {
                    "description": a.description,
                    "holder": a.holder,
                    "deadline": a.deadline.isoformat(),
                }
                for a in actions
            ],
            "framework_change": framework_change.strip(),
        }
        digest = hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()[:12]
        if meeting.report.get("digest") == digest:
            return 0
        existing = session.scalars(
            select(ActionItem).where(ActionItem.group_meeting_id == meeting.id)
        ).all()
        if any(a.status == ActionStatus.DONE for a in existing):
            raise InvalidInput.one(
                "parameter actions",
                "er zijn al actiepunten afgerond",
                title="Verslag niet meer te wijzigen",
            )
        drop_action_deadlines(session, existing)
        for old in existing:
            session.delete(old)
        session.flush()
        added = []
        for number, action in enumerate(actions, 1):
            holder = providers.get(action.holder)
            staff = cfg.staff_by_key.get(action.holder)
            added.append(
                ActionItem(
                    group_meeting_id=meeting.id,
                    provider_id=holder.id if holder else None,
                    number=number,
                    agenda_item="groep",
                    description=action.description,
                    owner_side="provider" if holder else "region",
                    owner_name=holder.contact_name if holder else staff.name,
                    owner_email=holder.contact_email if holder else staff.email,
                    deadline=action.deadline,
                )
            )
        session.add_all(added)
        session.flush()
        set_action_deadlines(session, cfg, added)
        meeting.report = {**report, "digest": digest}
        meeting.framework_change = report["framework_change"]
        meeting.report_recorded_on, meeting.status = as_of, GroupMeetingStatus.HELD
        day = meeting_day(meeting)
        context = {
            "meeting": meeting,
            "day": day,
            "region": cfg.region,
            "attendees": [providers[c].name for c in report["attendees"]],
            "notes": notes,
            "actions": [
                {
                    "description": a.description,
                    "holder": providers[a.holder].name
                    if a.holder in providers
                    else cfg.staff_by_key[a.holder].name,
                    "deadline": a.deadline,
                }
                for a in actions
            ],
        }
        pdf = html_to_pdf(render("group/report.html.j2", **context))
        meeting.report_pdf = pdf
        prefix = f"group:{meeting.key}:report:{digest}:"
        known = KnownKeys.load(session, prefix)
        sent = 0
        for provider in providers.values():
            sent += mail_with_event(
                session,
                cfg,
                key=prefix + provider.code,
                template="group_report",
                context={**context, "provider": provider},
                to=[provider.contact_email],
                subject=f"Verslag groepsoverleg contractmanagement {dutch_date(day)}",
                provider_id=provider.id,
                kind=EventKind.GROUP_REPORT,
                actor=recorded_by,
                as_of=as_of,
                summary=f"Verslag van het groepsoverleg van {dutch_date(day)} ontvangen"
                + (" (voorstel wijziging raamovereenkomst)" if meeting.framework_change else ""),
                attachments=[
                    Attachment(
                        f"verslag-groepsoverleg-{meeting.key[:7]}.pdf", "application/pdf", pdf
                    )
                ],
                known=known,
            )
        uow.commit()
        return sent
