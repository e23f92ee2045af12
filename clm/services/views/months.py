"""The planned meetings of one month: provider, category, date and who takes part."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clm.clock import REGION_TZ
from clm.rules.config import RegionConfig
from clm.rules.vocabulary import MeetingStatus
from clm.services.meetings import as_utc
from clm.storage.db import UnitOfWork
from clm.storage.models import ClassificationRow, Meeting, Provider


def month_table(uow: UnitOfWork, cfg: RegionConfig, month: date) -> list[dict]:
    """The planned meetings of a month, for the artifact: provider, category, date, who."""
    staff = {s.key: s.name for s in cfg.staff}
    with uow:
        rows = uow.session.execute(
            select(Meeting, Provider.code, Provider.name, ClassificationRow.category)
            .join(Provider, Provider.id == Meeting.provider_id)
            .outerjoin(
                ClassificationRow,
                (ClassificationRow.provider_id == Provider.id)
                & (ClassificationRow.year == Meeting.cycle_year),
            )
            .where(Meeting.meeting_month == month.replace(day=1))
            .order_by(Meeting.starts_at)
        ).all()
        return [
            {
                "code": code,
                "name": name,
                "category": category,
                "starts": f"{as_utc(m.starts_at).astimezone(REGION_TZ):%d-%m-%Y %H:%M}",
                "status": MeetingStatus(m.status).label,
                "location": m.location,
                "contract_manager": staff.get(m.contract_manager, m.contract_manager),
                "attendees": ", ".join(
                    staff.get(k, k)
                    for k in (m.support_officer, m.contract_administration, *m.optional_staff)
                ),
                "data_deadline": m.data_deadline,
                "data_delivered": "ja" if m.data_received_on else "nee",
            }
            for m, code, name, category in rows
        ]
