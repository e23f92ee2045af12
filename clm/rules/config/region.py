"""Who the region is: its name, municipalities, care types, staff and their roles, its mail,
mailbox and contract rules."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import EmailStr, Field

from .base import Strict


class Region(Strict):
    name: str
    organisation: str
    address: str = ""
    website: str = ""
    timezone: str = "Europe/Amsterdam"


class Municipality(Strict):
    code: Annotated[str, Field(pattern=r"^GM[0-9]{4}$")]
    name: str


class CareType(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9_-]{0,19}$")]
    name: str


class Role(StrEnum):
    CONTRACT_MANAGER = "contract_manager"
    CONTRACT_ADMINISTRATION = "contract_administration"
    SUPPORT_OFFICER = "support_officer"
    POLICY = "policy"
    CONTROL = "control"
    FUNCTIONAL_ADMINISTRATOR = "functional_administrator"


ROLE_LABELS = {
    Role.CONTRACT_MANAGER: "contractmanager",
    Role.CONTRACT_ADMINISTRATION: "contractbeheer",
    Role.SUPPORT_OFFICER: "ondersteuner",
    Role.POLICY: "beleid",
    Role.CONTROL: "control",
    Role.FUNCTIONAL_ADMINISTRATOR: "functioneel beheer",
}


class StaffMember(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: str
    email: EmailStr
    role: Role
    phone: str = ""


class Mail(Strict):
    sender_name: str
    sender_email: EmailStr
    # the region mailbox that replies reach (read by the mailbox flow); default the sender
    reply_to: EmailStr | None = None
    # a mail that expects an answer is answered to reply_to+CLM-<reference>@…: set false
    # when the region's mail server does not deliver plus-addresses to the mailbox (the
    # reference then travels in the subject and the reply headers only)
    reply_tags: bool = True

    @property
    def reply_address(self) -> str:
        """Where providers' answers go: the region mailbox."""
        return str(self.reply_to or self.sender_email)


class MailboxRules(Strict):
    """What the mailbox flow does with post it cannot act on."""

    # who gets unmatched post on their work list; default every support officer
    post_handler: str | None = None
    # a message larger than this is not read (kept in the mailbox, on the work list)
    max_message_mb: Annotated[int, Field(ge=1, le=100)] = 25


class ContractRules(Strict):
    """The contract register's terms (seed 004, step 7; seed 003, amendments)."""

    # without a date in the register, the region decides on the next option year this many
    # months before the current term ends
    option_decision_months: Annotated[int, Field(ge=1, le=24)] = 6
    # reminders to the contract manager, in working days before that date
    option_reminder_working_days: list[Annotated[int, Field(ge=1, le=120)]] = [40, 10]
    # amendments during the term: the providers concerned react within this many working days
    amendment_reaction_working_days: Annotated[int, Field(ge=5, le=60)] = 15
    # the next procurement moment (seed 003): an amendment that disadvantages a party waits
    # for it; empty: the deferral mail names no date
    next_procurement_on: date | None = None
