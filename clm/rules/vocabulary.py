"""Closed vocabularies, once: the codes stored in the database (English) and the words staff
read (Dutch). Plain enums, so rules, services, forms and templates share them."""

from __future__ import annotations

from enum import StrEnum


class SignalKind(StrEnum):
    """The kinds of (threatening) non-compliance a signal reports (seed 004)."""

    QUALITY = "quality"
    CONTINUITY = "continuity"
    LAWFULNESS = "lawfulness"
    TIMELINESS = "timeliness"

    @property
    def label(self) -> str:
        return SIGNAL_LABELS[self]


SIGNAL_LABELS = {
    SignalKind.QUALITY: "kwaliteit",
    SignalKind.CONTINUITY: "continuïteit",
    SignalKind.LAWFULNESS: "rechtmatigheid",
    SignalKind.TIMELINESS: "tijdigheid",
}


def signal_label(kind: str) -> str:
    """The Dutch word for a stored signal kind (an unknown code is shown as it is)."""
    try:
        return SignalKind(kind).label
    except ValueError:
        return kind


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class MinutesStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"  # released to the provider, the reaction week runs
    FINAL = "final"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class EscalationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class StepStatus(StrEnum):
    """An escalation step from request to its end."""

    AWAITING_APPROVAL = "awaiting_approval"
    REJECTED = "rejected"
    EXPIRED = "expired"  # no valid decision within the approval window
    ACTIVE = "active"
    SUSPENDED = "suspended"  # an objection holds the measure
    WITHDRAWN = "withdrawn"  # the director-level talk withdrew it
    SUPERSEDED = "superseded"  # a later step took its place


class AdmissionStatus(StrEnum):
    PENDING = "pending"
    ADMITTED = "admitted"
    REFUSED = "refused"


class SignalStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class IntakeStatus(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


class GroupMeetingStatus(StrEnum):
    OPEN = "open"
    INVITED = "invited"
    HELD = "held"


class AttendeeStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class EventKind(StrEnum):
    """The kinds of event in the contract dossier (and of the mails written with one): the
    stored codes, in Dutch as the dossier shows them."""

    ACTION_CLOSED = "actie-afgerond"
    ACTION_OVERDUE = "actie-te-laat"
    ACTION_REMINDER = "actie-herinnering"
    ADMIN_ALERT = "melding-beheer"
    ADMISSION_DECISION = "toetreding-besluit"
    ADMISSION_OVERDUE = "toetreding-termijn-verstreken"
    ADMISSION_REMINDER = "toetreding-herinnering"
    ADMISSION_REQUIREMENTS = "toetreding-eisen"
    AGENDA = "agenda"
    AGENDA_POINT = "agendapunt"
    APPLICATION = "toetreding-aanmelding"
    APPLICATION_RECEIPT = "toetreding-ontvangstbevestiging"
    CATEGORY_OVERRIDDEN = "categorie-overschreven"
    CLASSIFICATION = "classificatie"
    CONTACT_FREQUENCY = "contactfrequentie"
    DATA_RECEIVED = "gegevens-ontvangen"
    DIRECTOR_TALK = "directiegesprek"
    DIRECTOR_TALK_PLANNED = "directiegesprek-gepland"
    ESCALATION_CLOSED = "escalatie-gesloten"
    ESCALATION_OPENED = "escalatie-geopend"
    EXTRA_ATTENDEE = "extra-deelnemer"
    GROUP_INVITATION = "groepsoverleg-uitnodiging"
    GROUP_REPORT = "groepsoverleg-verslag"
    JUDGED_SCORES = "beoordeling"
    LETTER = "brief"
    MEETING_ATTENDEE = "gesprek-attendee"
    MEETING_CANCELLED = "gesprek-cancelled"
    MEETING_MOVED = "gesprek-moved"
    MEETING_PLANNED = "gesprek-gepland"
    MINUTES_COPY = "verslag-opgevraagd"
    MINUTES_DRAFT = "verslag-concept"
    MINUTES_FINAL = "verslag-definitief"
    MINUTES_REACTION = "verslag-reactie"
    MINUTES_SENT = "verslag-verstuurd"
    OBJECTION = "bezwaar"
    REGIONAL_ANALYSIS = "regioanalyse"
    REGISTERED_MAIL = "aangetekend"
    REMINDER = "herinnering"
    SIGNAL = "signaal"
    STEP_DECIDED = "trede-besluit"
    STEP_LAPSED = "trede-vervallen"
    STEP_REQUESTED = "trede-aangevraagd"
    STEP_TAKEN = "trede-genomen"
    WORK_LIST = "werkvoorraad"
