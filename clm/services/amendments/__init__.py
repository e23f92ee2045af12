"""Amendments during the term (seed 003), one concern per module: propose (checked, the
providers concerned consulted with a term), consultation (their answers, the answer sent last
standing; a withdrawal), decision (on the term's end: applied on its date or deferred to the
next procurement moment), in_force (the norms and KPIs that count on a day), letters (the words
of an amendment and its mails)."""

from .consultation import register_reaction, withdraw_amendment
from .decision import AMENDMENT_RULES
from .in_force import TERMS_CACHE, terms_in_force
from .letters import amendment_text
from .propose import Proposed, propose_amendment

__all__ = [
    "AMENDMENT_RULES",
    "Proposed",
    "TERMS_CACHE",
    "amendment_text",
    "propose_amendment",
    "register_reaction",
    "terms_in_force",
    "withdraw_amendment",
]
