"""Use case: a provider's reply by mail, read from the region mailbox, matched by its
reference and sender, acted on once, and kept in the contract dossier.

The package, by concern: :mod:`.intake` claims each message once, retries a failure and
files the outcome with the dossier's copy; :mod:`.matching` reads a message (its answer,
attachments, reference, sender) and hands it to the handler of what it answers; one module
per kind of reply applies that kind's rule (:mod:`.data_reply`, :mod:`.minutes_reply`,
:mod:`.step_reply`, :mod:`.amendment_reply`, :mod:`.application_reply`), with what they share
in :mod:`.replies`. The actions are the services staff use from their forms, so a mail and a
form do the same thing.
"""

from clm.services.mailbox.intake import (
    MAX_ATTEMPTS,
    STALE_CLAIM,
    MailResult,
    message_key,
    process_mail,
    process_source,
)
from clm.services.mailbox.matching import body_text

__all__ = [
    "MAX_ATTEMPTS",
    "STALE_CLAIM",
    "MailResult",
    "message_key",
    "process_mail",
    "process_source",
    "body_text",
]
