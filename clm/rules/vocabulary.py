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

    @property
    def label(self) -> str:
        return {MeetingStatus.PLANNED: "gepland", MeetingStatus.CANCELLED: "geannuleerd"}[self]


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


class ContractStatus(StrEnum):
    """A lot's contract in the register (``clm.storage.models.Contract``)."""

    ACTIVE = "active"  # running; option years may follow
    NOT_RENEWED = "not_renewed"  # ends at the end of its term: no further option year
    DISSOLVED = "dissolved"  # ended early on a date (escalation step 7)

    @property
    def label(self) -> str:
        return {
            ContractStatus.ACTIVE: "lopend",
            ContractStatus.NOT_RENEWED: "niet verlengd",
            ContractStatus.DISSOLVED: "ontbonden",
        }[self]


class SignalStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class IntakeStatus(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    SUPERSEDED = "superseded"  # sent before the sheet that stands: kept, changes nothing


class GroupMeetingStatus(StrEnum):
    OPEN = "open"
    INVITED = "invited"
    HELD = "held"


class AttendeeStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class WorkItemKind(StrEnum):
    """What a work item (``clm.storage.models.WorkItem``) asks of a staff member."""

    CRASHED_RUN = "crashed_run"
    UNMATCHED_POST = "unmatched_post"
    AGENDA_POINTS = "agenda_points"
    PROVIDER_POST = "provider_post"

    @property
    def label(self) -> str:
        return {
            WorkItemKind.CRASHED_RUN: "run gecrasht",
            WorkItemKind.UNMATCHED_POST: "post niet gekoppeld",
            WorkItemKind.AGENDA_POINTS: "bespreekpunten bevestigen",
            WorkItemKind.PROVIDER_POST: "post van aanbieder",
        }[self]


class InboundStatus(StrEnum):
    """Where a mail read from the region mailbox stands (``InboundMail.status``)."""

    PROCESSING = "processing"  # claimed by a run
    DONE = "done"  # matched and acted on
    UNMATCHED = "unmatched"  # not acted on: on the work list with the reason
    IGNORED = "ignored"  # an automatic reply (out of office): kept, nothing done
    FAILED = "failed"  # an error that a later run may not meet: retried, then set aside

    @property
    def folder_label(self) -> str:
        """The mailbox folder the message is moved to once handled."""
        return {
            InboundStatus.DONE: "Verwerkt",
            InboundStatus.UNMATCHED: "Niet-gekoppeld",
            InboundStatus.IGNORED: "Verwerkt",
            InboundStatus.FAILED: "Fout",
        }[self]


class PointStatus(StrEnum):
    """An agenda point: staff's are confirmed at once; a provider's by mail is proposed."""

    CONFIRMED = "confirmed"
    PROPOSED = "proposed"
    REJECTED = "rejected"


class EventKind(StrEnum):
    """The kinds of event in the contract dossier (and of the mails written with one): stored
    in English like every code, shown with the Dutch words of ``EVENT_LABELS``."""

    ACTION_CLOSED = "action_closed"
    ACTION_OVERDUE = "action_overdue"
    ACTION_REMINDER = "action_reminder"
    ADMIN_ALERT = "admin_alert"
    ADMISSION_DECISION = "admission_decision"
    ADMISSION_OVERDUE = "admission_overdue"
    ADMISSION_REMINDER = "admission_reminder"
    ADMISSION_REQUIREMENTS = "admission_requirements"
    AGENDA = "agenda"
    AMENDMENT = "amendment"
    AGENDA_POINT = "agenda_point"
    APPLICATION = "application"
    APPLICATION_RECEIPT = "application_receipt"
    CATEGORY_OVERRIDDEN = "category_overridden"
    CLASSIFICATION = "classification"
    CONTACT_FREQUENCY = "contact_frequency"
    CONTRACT_ENDED = "contract_ended"
    CONTRACT_REGISTERED = "contract_registered"
    OPTION_DECISION = "option_decision"
    OPTION_REMINDER = "option_reminder"
    DATA_RECEIVED = "data_received"
    DIRECTOR_TALK = "director_talk"
    DIRECTOR_TALK_PLANNED = "director_talk_planned"
    ESCALATION_CLOSED = "escalation_closed"
    ESCALATION_OPENED = "escalation_opened"
    EXTRA_ATTENDEE = "extra_attendee"
    GROUP_INVITATION = "group_invitation"
    GROUP_REPORT = "group_report"
    JUDGED_SCORES = "judged_scores"
    LETTER = "letter"
    MAIL_RECEIVED = "mail_received"
    MEETING_ATTENDEE = "meeting_attendee"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_MOVED = "meeting_moved"
    MEETING_PLANNED = "meeting_planned"
    MINUTES_COPY = "minutes_copy"
    MINUTES_DRAFT = "minutes_draft"
    MINUTES_FINAL = "minutes_final"
    MINUTES_REACTION = "minutes_reaction"
    MINUTES_SENT = "minutes_sent"
    OBJECTION = "objection"
    REGIONAL_ANALYSIS = "regional_analysis"
    REGISTERED_MAIL = "registered_mail"
    REMINDER = "reminder"
    SIGNAL = "signal"
    STEP_DECIDED = "step_decided"
    STEP_LAPSED = "step_lapsed"
    STEP_REQUESTED = "step_requested"
    STEP_TAKEN = "step_taken"
    WORK_LIST = "work_list"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    EventKind.ACTION_CLOSED: "actie afgerond",
    EventKind.ACTION_OVERDUE: "actie te laat",
    EventKind.ACTION_REMINDER: "actie herinnering",
    EventKind.ADMIN_ALERT: "melding beheer",
    EventKind.ADMISSION_DECISION: "toetreding besluit",
    EventKind.ADMISSION_OVERDUE: "toetreding termijn verstreken",
    EventKind.ADMISSION_REMINDER: "toetreding herinnering",
    EventKind.ADMISSION_REQUIREMENTS: "toetreding eisen",
    EventKind.MAIL_RECEIVED: "post ontvangen",
    EventKind.AGENDA: "agenda",
    EventKind.AMENDMENT: "wijziging overeenkomst",
    EventKind.AGENDA_POINT: "agendapunt",
    EventKind.APPLICATION: "toetreding aanmelding",
    EventKind.APPLICATION_RECEIPT: "toetreding ontvangstbevestiging",
    EventKind.CATEGORY_OVERRIDDEN: "categorie overschreven",
    EventKind.CLASSIFICATION: "classificatie",
    EventKind.CONTACT_FREQUENCY: "contactfrequentie",
    EventKind.CONTRACT_ENDED: "contract beëindigd",
    EventKind.CONTRACT_REGISTERED: "contract vastgelegd",
    EventKind.OPTION_DECISION: "besluit optiejaar",
    EventKind.OPTION_REMINDER: "optiejaar herinnering",
    EventKind.DATA_RECEIVED: "gegevens ontvangen",
    EventKind.DIRECTOR_TALK: "directiegesprek",
    EventKind.DIRECTOR_TALK_PLANNED: "directiegesprek gepland",
    EventKind.ESCALATION_CLOSED: "escalatie gesloten",
    EventKind.ESCALATION_OPENED: "escalatie geopend",
    EventKind.EXTRA_ATTENDEE: "extra deelnemer",
    EventKind.GROUP_INVITATION: "groepsoverleg uitnodiging",
    EventKind.GROUP_REPORT: "groepsoverleg verslag",
    EventKind.JUDGED_SCORES: "beoordeling",
    EventKind.LETTER: "brief",
    EventKind.MEETING_ATTENDEE: "gesprek deelnemer gewijzigd",
    EventKind.MEETING_CANCELLED: "gesprek vervallen",
    EventKind.MEETING_MOVED: "gesprek verplaatst",
    EventKind.MEETING_PLANNED: "gesprek gepland",
    EventKind.MINUTES_COPY: "verslag opgevraagd",
    EventKind.MINUTES_DRAFT: "verslag concept",
    EventKind.MINUTES_FINAL: "verslag definitief",
    EventKind.MINUTES_REACTION: "verslag reactie",
    EventKind.MINUTES_SENT: "verslag verstuurd",
    EventKind.OBJECTION: "bezwaar",
    EventKind.REGIONAL_ANALYSIS: "regioanalyse",
    EventKind.REGISTERED_MAIL: "aangetekend",
    EventKind.REMINDER: "herinnering",
    EventKind.SIGNAL: "signaal",
    EventKind.STEP_DECIDED: "trede besluit",
    EventKind.STEP_LAPSED: "trede vervallen",
    EventKind.STEP_REQUESTED: "trede aangevraagd",
    EventKind.STEP_TAKEN: "trede genomen",
    EventKind.WORK_LIST: "werkvoorraad",
}


def event_label(kind: str) -> str:
    """The Dutch words for a stored dossier event kind (an unknown code is shown as it is)."""
    try:
        return EventKind(kind).label
    except ValueError:
        return kind
