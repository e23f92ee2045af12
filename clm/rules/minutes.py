"""Rules of the minutes and the actions: what a valid record is, when reactions are due."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from clm.errors import InputProblem
from clm.rules.agenda import AGENDA, AgendaItem
from clm.rules.calendar import add_working_days
from clm.rules.config import CalendarConfig, MinutesRules

_ITEM = re.compile(r"^(?P<number>[1-8])(?P<sub>[a-h]?)$")


@dataclass(frozen=True)
class ActionDraft:
    """An action as staff enter it: on which agenda item, what, who, by when."""

    agenda_item: str
    description: str
    owner_side: str  # "provider" or "region"
    owner: str  # region: a staff key; provider: the person's name
    deadline: date | None
    row: int | None = None  # the row in an uploaded sheet, for error messages


@dataclass(frozen=True)
class ItemDraft:
    """What was said and decided on one agenda item."""

    number: str
    discussion: str = ""
    decisions: str = ""


@dataclass(frozen=True)
class MinutesDraft:
    attendees: list[str]
    items: list[ItemDraft]
    actions: list[ActionDraft] = field(default_factory=list)


def valid_item(number: str, agenda: tuple[AgendaItem, ...] = AGENDA) -> bool:
    """'4' or '4b': an item (and sub-item) of the meeting's agenda."""
    match = _ITEM.match(number.strip())
    if not match:
        return False
    item = next(i for i in agenda if i.number == match["number"])
    sub = match["sub"]
    return not sub or "abcdefgh".index(sub) < len(item.subitems)


def check_minutes(
    draft: MinutesDraft,
    meeting_day: date,
    staff_keys: set[str],
    source: str = "parameters",
    agenda: tuple[AgendaItem, ...] = AGENDA,
) -> list[InputProblem]:
    """Every problem of a minutes record; an empty list means it may be stored."""
    problems = []
    if not [a for a in draft.attendees if a.strip()]:
        problems.append(InputProblem(source, "geen aanwezigen opgegeven", column="attendees"))
    for i, item in enumerate(draft.items, 1):
        if not valid_item(item.number, agenda):
            problems.append(
                InputProblem(
                    source, f"onbekend agendapunt '{item.number}'", row=i, column="items.number"
                )
            )
    for i, action in enumerate(draft.actions, 1):
        where = {"row": action.row or i}
        if not valid_item(action.agenda_item, agenda):
            problems.append(
                InputProblem(
                    source,
                    f"onbekend agendapunt '{action.agenda_item}'",
                    column="actions.agenda_item",
                    **where,
                )
            )
        if not action.description.strip():
            problems.append(
                InputProblem(
                    source, "actie zonder omschrijving (wat)", column="actions.description", **where
                )
            )
        if not action.owner.strip():
            problems.append(
                InputProblem(
                    source, "actie zonder actiehouder (wie)", column="actions.owner", **where
                )
            )
        elif action.owner_side == "region" and action.owner not in staff_keys:
            problems.append(
                InputProblem(
                    source,
                    f"actiehouder '{action.owner}' is geen medewerker in de regioconfiguratie",
                    column="actions.owner",
                    **where,
                )
            )
        if action.owner_side not in ("provider", "region"):
            problems.append(
                InputProblem(
                    source,
                    "owner_side moet 'provider' of 'region' zijn",
                    column="actions.owner_side",
                    **where,
                )
            )
        if action.deadline is None:
            problems.append(
                InputProblem(
                    source, "actie zonder deadline (wanneer)", column="actions.deadline", **where
                )
            )
        elif action.deadline < meeting_day:
            problems.append(
                InputProblem(
                    source,
                    f"deadline {action.deadline:%d-%m-%Y} ligt vóór "
                    f"het gesprek ({meeting_day:%d-%m-%Y})",
                    column="actions.deadline",
                    **where,
                )
            )
    return problems


def reaction_deadline(sent_on: date, rules: MinutesRules, cal: CalendarConfig) -> date:
    """The last day to react: seven calendar days on, moved to the next working day when it
    ends on a weekend or holiday (both config)."""
    end = sent_on + timedelta(days=rules.reaction_days)
    return add_working_days(end, 0, cal) if rules.reaction_ends_on_working_day else end


def minutes_due(meeting_day: date, rules: MinutesRules) -> date:
    """The last day the minutes count as shared on time (seed 004: "binnen twee weken"):
    ``share_within_days`` (14) calendar days after the meeting, whatever holidays lie
    between. A meeting on Monday 6 April 2026 has its minutes due Monday 20 April."""
    return meeting_day + timedelta(days=rules.share_within_days)


def revision_changes(previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What a revised version changes against the version the provider had, in Dutch lines
    for the mail: attendees, each agenda item added, dropped or reworded, and the actions
    (when both versions list them: versions sent before December 2026 did not)."""
    lines = []
    if previous.get("attendees") != current.get("attendees"):
        lines.append("Aanwezigen aangepast")
    before = {i["number"]: i for i in previous.get("items", [])}
    after = {i["number"]: i for i in current.get("items", [])}
    for number in sorted(set(before) | set(after), key=_item_order):
        if number not in before:
            lines.append(f"Agendapunt {number} toegevoegd")
        elif number not in after:
            lines.append(f"Agendapunt {number} vervallen")
        else:
            changed = [
                word
                for key, word in (("discussion", "besproken"), ("decisions", "besloten"))
                if (before[number].get(key) or "").strip() != (after[number].get(key) or "").strip()
            ]
            if changed:
                lines.append(f"Agendapunt {number}: {' en '.join(changed)} aangepast")
    if "actions" in previous and "actions" in current:
        old = {tuple(a) for a in previous["actions"]}
        new = {tuple(a) for a in current["actions"]}
        for item, what, *_ in sorted(new - old):
            lines.append(f"Actiepunt bij {item} nieuw of gewijzigd: {what}")
        gone = {(a[0], a[1]) for a in old - new} - {(a[0], a[1]) for a in new}
        for item, what in sorted(gone):
            lines.append(f"Actiepunt bij {item} vervallen: {what}")
    return lines


def _item_order(number: str) -> tuple[int, str]:
    digits = "".join(c for c in number if c.isdigit())
    return (int(digits) if digits else 0, number)
