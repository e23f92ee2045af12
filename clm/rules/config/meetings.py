"""The meeting cycle in the region configuration: calendar, meeting plan and locations, minutes,
group meetings and the agenda's themes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from clm.rules.agenda import SEED_004_THEMES, Theme, build_agenda

from .base import Strict


class CalendarConfig(Strict):
    """The region's own closures and openings on top of the Dutch public holidays."""

    closed_dates: frozenset[date] = frozenset()
    closed_every_year: frozenset[Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-[0-9]{2}$")]] = (
        frozenset()
    )
    open_dates: frozenset[date] = frozenset()


class Location(Strict):
    name: str
    kind: Literal["room", "video"] = "room"
    url: str = ""


class MeetingPlan(Strict):
    """When progress meetings can be held and the terms around them (in working days)."""

    weekdays: list[Annotated[int, Field(ge=1, le=5)]] = [1, 2, 3, 4]  # ISO: 1 = Monday
    times: list[Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]] = [
        "09:30",
        "11:00",
        "13:30",
        "15:00",
    ]
    duration_minutes: Annotated[int, Field(ge=15, le=480)] = 75
    first_working_day: Annotated[int, Field(ge=1, le=15)] = 3
    locations: list[Location]
    data_deadline_working_days: Annotated[int, Field(ge=1, le=40)] = 10
    final_agenda_working_days: Annotated[int, Field(ge=1, le=20)] = 3
    reminder_grace_working_days: Annotated[int, Field(ge=1, le=20)] = 3

    @field_validator("locations")
    @classmethod
    def _some_location(cls, locations: list[Location]) -> list[Location]:
        if not locations:
            raise ValueError("minstens één locatie (zaal of videoverbinding)")
        return locations


class MinutesRules(Strict):
    """Terms around the minutes (seed 004: within two weeks; one week to react)."""

    # seed 004: "Het verslag wordt binnen twee weken gedeeld": calendar days after the meeting
    share_within_days: Annotated[int, Field(ge=1, le=60)] = 14
    reaction_days: Annotated[int, Field(ge=1, le=30)] = 7  # calendar days
    # a reaction term that ends on a weekend or holiday moves to the next working day
    reaction_ends_on_working_day: bool = True
    new_reaction_week_on_revision: bool = False
    action_reminder_working_days: Annotated[int, Field(ge=0, le=20)] = 3
    # no reaction at all means agreement (seed 000); a region may still want to see it
    signal_missing_reaction: bool = False


class GroupMeetingRules(Strict):
    """Group contract management (seed 002, level 2): two or three meetings a year."""

    months: list[Annotated[int, Field(ge=1, le=12)]] = [3, 11]
    # the meeting falls on the first such weekday from this day of the month that is a working day
    weekday: Annotated[int, Field(ge=1, le=5)] = 2
    from_day: Annotated[int, Field(ge=1, le=24)] = 8
    time: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "14:00"
    duration_minutes: Annotated[int, Field(ge=30, le=480)] = 120
    location: str = "Stadhuis"
    # the preparation run opens the meeting (topics, signals to choose from) this far ahead
    prepare_working_days: Annotated[int, Field(ge=5, le=60)] = 30
    # the final agenda and the invitation go out at the latest this many working days before
    invite_working_days: Annotated[int, Field(ge=1, le=30)] = 10

    @field_validator("months")
    @classmethod
    def _two_or_three(cls, months: list[int]) -> list[int]:
        if not 2 <= len(set(months)) <= 3:
            raise ValueError("twee of drie verschillende maanden per jaar (bijlage 2, niveau 2)")
        return sorted(set(months))


class AgendaTheme(Strict):
    """A seed-004 theme on the meeting agenda, placed under a seed-002 item (1-8)."""

    item: Annotated[str, Field(pattern=r"^[1-8]$")]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    topics: Annotated[str, Field(max_length=400)] = ""
    figures: bool = False  # the delivered figures and the benchmark are discussed here


class AgendaRules(Strict):
    """Seed 004: the opening (the shared ambition) and the themes, which 'kunnen worden
    gewijzigd'. Empty ambition: the region's name fills in the seed's words."""

    ambition: Annotated[str, Field(max_length=300)] = ""
    themes: list[AgendaTheme] = [
        AgendaTheme(item=t.item, title=t.title, topics=t.topics, figures=t.figures)
        for t in SEED_004_THEMES
    ]

    @model_validator(mode="after")
    def _fits(self) -> AgendaRules:
        if sum(t.figures for t in self.themes) > 1:
            raise ValueError("themes: 'figures: true' mag bij hoogstens één thema staan")
        build_agenda(self.ambition or "x", self._themes())  # raises when an item overflows
        return self

    def _themes(self) -> list[Theme]:
        return [Theme(t.item, t.title, t.topics, t.figures) for t in self.themes]
