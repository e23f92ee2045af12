"""The quarterly meeting cycle: which month, which quarter, who attends, which slot.

Pure rules; the service layer (``clm.services.meetings``) applies them to the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from clm.clock import REGION_TZ
from clm.rules.calendar import is_working_day, working_days_in_month
from clm.rules.commands import ReferencePeriod
from clm.rules.config import CalendarConfig, MeetingPlan, RegionConfig, Role
from clm.rules.quarters import MeetingMonth, Quarter


def next_meeting_month(as_of: date) -> date:
    """The first day of the first meeting month after ``as_of``'s month."""
    return MeetingMonth.after(as_of).first_day


def cycle_year(meeting_month: date) -> int:
    """The classification year a meeting belongs to: January closes the year before."""
    return MeetingMonth.of(meeting_month).cycle_year


def quarter_discussed(meeting_month: date) -> str:
    """The quarter whose figures a meeting discusses: April → Q1 of that year, January → Q4."""
    return str(MeetingMonth.of(meeting_month).quarter)


def previous_quarter(quarter: str) -> str:
    """'2027-Q1' → '2026-Q4'."""
    return str(Quarter.parse(quarter).previous())


def quarter_label(quarter: str) -> str:
    """'2027-Q1' → '1e kwartaal 2027', as a Dutch sentence says it."""
    return Quarter.parse(quarter).label


def optional_roles(meeting_month: date) -> tuple[Role, ...]:
    """Policy staff may join in April and October, control staff in July and January."""
    return (Role.POLICY,) if meeting_month.month in (4, 10) else (Role.CONTROL,)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


def slots_in_month(meeting_month: date, plan: MeetingPlan, cal: CalendarConfig) -> list[Slot]:
    """Every meeting slot of the month, in order (Europe/Amsterdam times, timezone-aware)."""
    days = working_days_in_month(meeting_month.year, meeting_month.month, cal)
    days = [d for d in days[plan.first_working_day - 1 :] if d.isoweekday() in plan.weekdays]
    slots = []
    for day in days:
        for hhmm in plan.times:
            start = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=REGION_TZ)
            slots.append(Slot(start, start + timedelta(minutes=plan.duration_minutes)))
    return slots


@dataclass(frozen=True)
class Booking:
    """One planned meeting: the slot, the room or video link and the staff who attend."""

    provider_id: int
    slot: Slot
    location: int  # index into MeetingPlan.locations
    contract_manager: str
    support_officer: str
    contract_administration: str


@dataclass
class Agenda:
    """Who and what is taken in a month: staff and locations per slot start."""

    busy: dict[datetime, set[str]] = field(default_factory=lambda: defaultdict(set))

    def take(self, start: datetime, *names: str) -> None:
        self.busy[start].update(names)

    def free(self, start: datetime, name: str) -> bool:
        return name not in self.busy[start]


def plan_slots(
    requests: list[tuple[int, str]],
    meeting_month: date,
    cfg: RegionConfig,
    taken: Agenda | None = None,
) -> tuple[list[Booking], list[int]]:
    """Give each (provider_id, contract manager) the earliest slot where the contract manager,
    a support officer, someone of contract administration and a location are all free.

    Requests are taken in turns per contract manager (first meeting of each manager, then
    the second, …), so that parallel slots fill up with different managers and no manager
    is left with only the end of the month. Returns the bookings and the provider ids for
    which no slot was left.
    """
    assert cfg.meetings is not None
    plan = cfg.meetings
    agenda = taken or Agenda()
    slots = slots_in_month(meeting_month, plan, cfg.calendar)
    officers = [s.key for s in cfg.staff_with_role(Role.SUPPORT_OFFICER)]
    admins = [s.key for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)]
    locations = [f"loc:{i}" for i in range(len(plan.locations))]
    bookings, unplanned = [], []
    # Each contract manager's meetings are spread from the start of the month on; the
    # cursor keeps the search linear instead of starting at slot 0 for every provider.
    cursor: dict[str, int] = defaultdict(int)
    for provider_id, manager in _in_turns(requests):
        booked = None
        for index in range(cursor[manager], len(slots)):
            start = slots[index].starts_at
            if not agenda.free(start, manager):
                continue
            officer = next((o for o in officers if agenda.free(start, o)), None)
            admin = next((a for a in admins if agenda.free(start, a)), None)
            place = next((loc for loc in locations if agenda.free(start, loc)), None)
            if officer and admin and place:
                agenda.take(start, manager, officer, admin, place)
                booked = Booking(provider_id, slots[index], int(place[4:]), manager, officer, admin)
                cursor[manager] = index + 1
                break
        if booked:
            bookings.append(booked)
        else:
            unplanned.append(provider_id)
    return bookings, unplanned


def _in_turns(requests: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Interleave requests per contract manager, keeping each manager's own order."""
    rank: dict[str, int] = defaultdict(int)
    ranked = []
    for position, (provider_id, manager) in enumerate(requests):
        ranked.append((rank[manager], position, provider_id, manager))
        rank[manager] += 1
    return [(provider_id, manager) for _, _, provider_id, manager in sorted(ranked)]


@dataclass(frozen=True)
class AdmissionCycle:
    """Where an admitted provider comes in: the next meeting month, the classification year
    it belongs to, and the reference period of that classification."""

    month: date
    year: int
    period: ReferencePeriod


def admission_cycle(as_of: date) -> AdmissionCycle:
    """The cycle a provider admitted on ``as_of`` joins."""
    month = next_meeting_month(as_of)
    return AdmissionCycle(month, cycle_year(month), ReferencePeriod.calendar_year(as_of.year - 1))


def group_meeting_date(cfg: RegionConfig, year: int, month: int) -> date:
    """The configured weekday from ``from_day`` of the month on that is a working day."""
    rules = cfg.group_meetings
    day = date(year, month, rules.from_day)
    while day.isoweekday() != rules.weekday or not is_working_day(day, cfg.calendar):
        day += timedelta(days=1)
    return day


def next_meeting_date(cfg: RegionConfig, as_of: date) -> date:
    """The first group meeting on or after ``as_of``."""
    for year in (as_of.year, as_of.year + 1):
        for month in cfg.group_meetings.months:
            day = group_meeting_date(cfg, year, month)
            if day >= as_of:
                return day
    raise AssertionError("unreachable: months is never empty")
