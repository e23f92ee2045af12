"""The calendar invite written as RFC 5545 text: read back by two calendar libraries
(icalendar, vobject) with every value as put in, whatever the names and texts hold."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import icalendar
import vobject

from clm.clock import REGION_TZ
from clm.documents.ics import meeting_invite

CHARS = (
    "abcXYZ019 éëïüöÉĲ€ÆøŁş"  # beyond ASCII: two and three octets
    ",;:\\\"^'<>=/@.!?()[]"  # what TEXT escapes, what parameters quote
    "\t\n😀𝐀中"  # a tab, a line break, four-octet characters (a fold must not cut them)
)


def _words(rng: random.Random, most: int, chars: str = CHARS) -> str:
    return "".join(rng.choice(chars) for _ in range(rng.randint(1, most))).strip() or "x"


# a parameter (a name) has no escapes in RFC 5545: a backslash is itself, but icalendar's
# reader takes "\;" as ";", so names are drawn without one
NAME_CHARS = CHARS.replace("\\", "")


def _case(rng: random.Random) -> dict:
    start = datetime(2027, rng.randint(1, 12), rng.randint(1, 28), rng.randint(7, 16), 30)
    start = start.replace(tzinfo=REGION_TZ)
    return {
        "uid": f"cvg-{rng.randint(10**7, 10**8 - 1)}-2027-04@regio.example.org",
        "sequence": rng.randint(0, 9),
        "starts_at": start,
        "ends_at": start + timedelta(minutes=rng.choice([45, 75, 90])),
        "summary": _words(rng, 120),
        "description": _words(rng, 400),
        "location": _words(rng, 80),
        "organizer": (_words(rng, 40, NAME_CHARS), "marieke@regio.example.org"),
        "attendees": [
            (_words(rng, 60, NAME_CHARS), f"p{n}@zorg.example.org", rng.random() < 0.7)
            for n in range(rng.randint(1, 6))
        ],
        "cancelled": rng.random() < 0.3,
        "stamp": datetime(2027, 3, 1, 12, 0, tzinfo=UTC),
    }


def _as_read(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_random_invites_read_back_as_written_by_two_libraries() -> None:
    rng = random.Random(5545)
    for _ in range(60):
        case = _case(rng)
        data = meeting_invite(**case)
        lines = data.split(b"\r\n")
        assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
        assert b"\n" not in data.replace(b"\r\n", b"")
        for line in lines:
            line.decode("utf-8")  # no character cut in two by a fold

        event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
        assert str(event["summary"]) == _as_read(case["summary"])
        assert str(event["description"]) == _as_read(case["description"])
        assert str(event["location"]) == _as_read(case["location"])
        assert str(event["uid"]) == case["uid"] and int(event["sequence"]) == case["sequence"]
        assert event.decoded("dtstart") == case["starts_at"]
        assert event.decoded("dtend") == case["ends_at"]
        assert str(event["status"]) == ("CANCELLED" if case["cancelled"] else "CONFIRMED")
        attendees = event.get("attendee")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [str(a) for a in attendees] == [f"mailto:{e}" for _, e, _ in case["attendees"]]
        assert [a.params["CN"] for a in attendees] == [_as_read(n) for n, _, _ in case["attendees"]]
        roles = ["REQ-PARTICIPANT" if r else "OPT-PARTICIPANT" for _, _, r in case["attendees"]]
        assert [a.params["ROLE"] for a in attendees] == roles
        assert event["organizer"].params["CN"] == _as_read(case["organizer"][0])

        second = vobject.readOne(data.decode("utf-8")).vevent  # a second reader
        assert second.summary.value == _as_read(case["summary"])
        assert second.dtstart.value == case["starts_at"]
        assert len(second.attendee_list) == len(case["attendees"])


def test_control_characters_never_break_a_line_open() -> None:
    start = datetime(2027, 4, 5, 9, 0, tzinfo=REGION_TZ)
    data = meeting_invite(
        uid="cvg-1-2027-04@regio.example.org",
        sequence=0,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        summary="Gesprek\x00\x1b\rX",
        description="a\r\nb",
        location="Zaal\x07",
        organizer=("Marieke\nJansen", "m@regio.example.org"),
        attendees=[("Eva\x0b", "eva@zorg.example.org", True)],
    )
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["summary"]) == "Gesprek  \nX" and str(event["description"]) == "a\nb"
    assert str(event["location"]) == "Zaal "
    assert event["organizer"].params["CN"] == "Marieke\nJansen"
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
