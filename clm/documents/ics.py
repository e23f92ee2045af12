"""Calendar invites (.ics) for progress meetings: a stable UID, so an update replaces the
earlier invite and a cancellation removes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
    vText,
)

from clm.clock import REGION_TZ
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

    ``attendees`` are (name, email, required); optional ones get ROLE=OPT-PARTICIPANT, and
    each is asked to answer (RSVP). Start and end are in Europe/Amsterdam with its VTIMEZONE.
    """
    cal = Calendar()
    cal.add("prodid", "-//clm contractmanagement//NL")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    # in the region's time zone, described in the file: a calendar shows the meeting at
    # the hour agreed, also across a change to or from summer time
    event.add("dtstart", starts_at.astimezone(REGION_TZ))
    event.add("dtend", ends_at.astimezone(REGION_TZ))
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
        who.params["partstat"] = vText("NEEDS-ACTION")
        who.params["rsvp"] = vText("TRUE")
        event.add("attendee", who, encode=0)
    cal.add_component(_region_timezone())
    cal.add_component(event)
    return cal.to_ical()


def _region_timezone() -> Timezone:
    """Europe/Amsterdam as calendars write it: the EU's summer-time rule (last Sunday of
    March to last Sunday of October) rather than a list of dates that ends in some year."""
    tz = Timezone()
    tz.add("tzid", REGION_TZ.key)
    hour = timedelta(hours=1)
    for part, name, before, after, start, month in (
        (TimezoneDaylight(), "CEST", hour, 2 * hour, datetime(1970, 3, 29, 2), 3),
        (TimezoneStandard(), "CET", 2 * hour, hour, datetime(1970, 10, 25, 3), 10),
    ):
        part.add("tzname", name)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("dtstart", start)
        part.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday="-1SU"))
        tz.add_component(part)
    return tz


def meeting_uid(provider_code: str, meeting_month: str, cfg: RegionConfig) -> str:
    """The UID of a provider's meeting in a month; it never changes when the meeting moves."""
    domain = cfg.mail.sender_email.rsplit("@", 1)[-1]
    return f"cvg-{provider_code}-{meeting_month}@{domain}"
