"""Calendar invites (.ics) for progress meetings: a stable UID, so an update replaces the
earlier invite and a cancellation removes it."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from clm.rules.config import RegionConfig


def meeting_invite(
    *,
    uid: str,
    sequence: int,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    description: str,
    location: str,
    organizer: tuple[str, str],
    attendees: list[tuple[str, str, bool]],
    cancelled: bool = False,
    stamp: datetime | None = None,
) -> bytes:
    """An iTIP message (METHOD REQUEST, or CANCEL) for one meeting.

    ``attendees`` are (name, email, required); optional ones get ROLE=OPT-PARTICIPANT.
    """
    cal = Calendar()
    cal.add("prodid", "-//clm contractmanagement//NL")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", ends_at.astimezone(UTC))
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    org = vCalAddress(f"mailto:{organizer[1]}")
    org.params["cn"] = vText(organizer[0])
    event["organizer"] = org
    for name, email, required in attendees:
        who = vCalAddress(f"mailto:{email}")
        who.params["cn"] = vText(name)
        who.params["role"] = vText("REQ-PARTICIPANT" if required else "OPT-PARTICIPANT")
        event.add("attendee", who, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def meeting_uid(provider_code: str, meeting_month: str, cfg: RegionConfig) -> str:
    """The UID of a provider's meeting in a month; it never changes when the meeting moves."""
    domain = cfg.mail.sender_email.rsplit("@", 1)[-1]
    return f"cvg-{provider_code}-{meeting_month}@{domain}"
