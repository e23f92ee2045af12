"""Rules of the minutes: the reaction week and what makes a valid record."""

from __future__ import annotations

from datetime import date

import pytest

from clm.rules.config import MinutesRules, RegionConfig
from clm.rules.minutes import ActionDraft, ItemDraft, MinutesDraft, check_minutes, reaction_deadline


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (date(2027, 4, 7), date(2027, 4, 14)),  # Wednesday → Wednesday
        (date(2027, 4, 9), date(2027, 4, 16)),  # Friday → Friday
        (date(2027, 4, 20), date(2027, 4, 28)),  # → King's Day 27 April → Wednesday
        (date(2026, 12, 17), date(2026, 12, 28)),  # → 24 Dec (closed), Christmas, Sunday
        (date(2027, 5, 10), date(2027, 5, 18)),  # → Whit Monday 17 May → Tuesday
    ],
)
def test_reaction_week(cfg: RegionConfig, sent: date, due: date) -> None:
    assert reaction_deadline(sent, cfg.minutes, cfg.calendar) == due


def test_reaction_week_without_the_working_day_rule(cfg: RegionConfig) -> None:
    rules = MinutesRules(reaction_ends_on_working_day=False)
    assert reaction_deadline(date(2027, 4, 20), rules, cfg.calendar) == date(2027, 4, 27)


DAY = date(2027, 4, 5)


def _draft(**action: object) -> MinutesDraft:
    base = {
        "agenda_item": "4b",
        "description": "Plan wachtlijst",
        "owner_side": "provider",
        "owner": "Eva de Vries",
        "deadline": date(2027, 5, 1),
    } | action
    return MinutesDraft(
        ["Eva de Vries", "Marieke Jansen"],
        [ItemDraft("1", "Opening"), ItemDraft("4b", "Wachtlijst besproken")],
        [ActionDraft(**base)],
    )


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"owner": " "}, "kolom 'actions.owner': actie zonder actiehouder"),
        ({"deadline": None}, "kolom 'actions.deadline': actie zonder deadline"),
        ({"deadline": date(2027, 4, 1)}, "ligt vóór het gesprek"),
        ({"agenda_item": "9"}, "kolom 'actions.agenda_item': onbekend agendapunt '9'"),
        ({"agenda_item": "6d"}, "onbekend agendapunt '6d'"),
        ({"agenda_item": "2a"}, "onbekend agendapunt '2a'"),
        ({"owner_side": "region", "owner": "onbekend"}, "is geen medewerker"),
        ({"description": ""}, "actie zonder omschrijving"),
    ],
)
def test_bad_actions(change: dict, fragment: str) -> None:
    problems = check_minutes(_draft(**change), DAY, {"cm-jansen"})
    assert any(fragment in str(p) for p in problems), problems


def test_valid_record_and_other_problems() -> None:
    assert check_minutes(_draft(), DAY, {"cm-jansen"}) == []
    empty = MinutesDraft([" "], [ItemDraft("12")], [])
    texts = [str(p) for p in check_minutes(empty, DAY, set())]
    assert any("geen aanwezigen" in t for t in texts)
    assert any("onbekend agendapunt '12'" in t for t in texts)


@pytest.mark.parametrize(
    ("meeting", "due"),
    [
        # seed 004: "Het verslag wordt binnen twee weken gedeeld": fourteen calendar days
        (date(2026, 4, 6), date(2026, 4, 20)),  # Easter Monday in between: still 20 April
        (date(2026, 4, 30), date(2026, 5, 14)),  # King's Day and Liberation Day pass: no delay
        (date(2026, 12, 22), date(2027, 1, 5)),  # Christmas and New Year: no delay
        (date(2027, 2, 26), date(2027, 3, 12)),  # across the end of February
    ],
)
def test_minutes_are_due_two_weeks_after_the_meeting(
    meeting: date, due: date, cfg: RegionConfig
) -> None:
    from clm.rules.minutes import minutes_due

    assert minutes_due(meeting, cfg.minutes) == due


def test_a_revision_says_what_changed() -> None:
    from clm.rules.minutes import revision_changes

    v1 = {
        "attendees": ["Eva", "Marieke"],
        "items": [
            {"number": "1", "discussion": "Opening", "decisions": ""},
            {"number": "4b", "discussion": "Wachtlijst", "decisions": "Plan"},
            {"number": "10", "discussion": "x", "decisions": ""},
        ],
        "actions": [["4b", "Plan", "Eva", "01-05-2027"]],
    }
    v2 = {
        "attendees": ["Eva", "Marieke"],
        "items": [
            {"number": "1", "discussion": "Opening ", "decisions": ""},
            {"number": "4b", "discussion": "Wachtlijst", "decisions": "Plan per 15 mei"},
            {"number": "5c", "discussion": "Nieuw", "decisions": ""},
        ],
        "actions": [["4b", "Plan", "Eva", "15-05-2027"], ["5c", "Bellen", "Eva", "01-06-2027"]],
    }
    assert revision_changes(v1, v2) == [
        "Agendapunt 4b: besloten aangepast",
        "Agendapunt 5c toegevoegd",
        "Agendapunt 10 vervallen",
        "Actiepunt bij 4b nieuw of gewijzigd: Plan",
        "Actiepunt bij 5c nieuw of gewijzigd: Bellen",
    ]
    assert revision_changes(v1, v1) == []
    # a version kept before actions were kept: items only, no guess about actions
    assert revision_changes({k: v for k, v in v1.items() if k != "actions"}, v2)[-1] == (
        "Agendapunt 10 vervallen"
    )
