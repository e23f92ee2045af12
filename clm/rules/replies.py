"""Replies by mail: the reference a mail carries so that an answer finds what it belongs to,
and the rules that read a provider's answer (pure: no mailbox, no database).

A mail that expects an answer carries its reference three ways, so that at least one
survives whatever the provider's mail program does with a reply:
- in the subject, ``[CLM-K7PQ4MX2]`` (every mail program keeps the subject behind "Re:");
- in the reply address, ``inkoop+CLM-K7PQ4MX2@regio.nl`` (where the region's mail server
  delivers plus-addresses to the same mailbox);
- in the reply's In-Reply-To and References headers, which name our Message-ID.

The answer is read from the provider's own text, above the quoted original:
- a reply to released minutes whose first word is "akkoord" agrees to them; anything else
  is comments for the support officer;
- a reply to a mail about a meeting whose first word is "kopie" asks for the minutes;
- a reply to a step letter (trede 3 and up) that names "bezwaar" is an objection;
- a reply to the data request carries the data sheet (.xlsx) and, in its text, points for
  the agenda: each line that starts with '-', '*', '•' or a number ('1.', '2)'), or, without
  such lines and without a sheet, the whole text as one point; the support officer
  confirms them before they reach the final agenda.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from clm.rules.escalation import CODE_ALPHABET


class ReplyKind(StrEnum):
    """What a reply answers: stored in English, shown with :attr:`label`."""

    DATA_REQUEST = "data_request"  # subject: the meeting
    MINUTES = "minutes"  # subject: the minutes, of one version
    MEETING = "meeting"  # subject: the meeting (final agenda, final minutes, a copy)
    ESCALATION_STEP = "escalation_step"  # subject: the step
    APPLICATION = "application"  # subject: the admission
    AMENDMENT = "amendment"  # subject: the amendment (the consultation)

    @property
    def label(self) -> str:
        return {
            ReplyKind.DATA_REQUEST: "de uitvraag van gegevens",
            ReplyKind.MINUTES: "het verslag",
            ReplyKind.MEETING: "het gesprek",
            ReplyKind.ESCALATION_STEP: "de escalatiebrief",
            ReplyKind.APPLICATION: "de aanvraag tot toetreding",
            ReplyKind.AMENDMENT: "het voorstel tot wijziging van de overeenkomst",
        }[self]


TOKEN_LENGTH = 8
REFERENCE = re.compile(r"\bCLM-([2-9A-HJ-NP-Z]{8})\b", re.IGNORECASE)


def reference_token(key: str) -> str:
    """The reference of the mail with outbox key ``key``: eight characters without 0/O/1/I,
    the same for the same key (a rerun writes the same reference)."""
    digest = int.from_bytes(hashlib.sha256(f"reply:{key}".encode()).digest()[:8], "big")
    chars = []
    for _ in range(TOKEN_LENGTH):
        digest, index = divmod(digest, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def reference_label(token: str) -> str:
    """The reference as it appears in subjects and addresses: 'CLM-K7PQ4MX2'."""
    return f"CLM-{token}"


def subject_with_reference(subject: str, token: str) -> str:
    """The subject with its reference at the end, once."""
    label = f"[{reference_label(token)}]"
    return subject if label in subject else f"{subject} {label}"


def reply_address(address: str, token: str) -> str:
    """The plus-address that carries the reference: inkoop@regio.nl → inkoop+CLM-…@regio.nl."""
    local, _, domain = address.partition("@")
    local = local.split("+", 1)[0]
    return f"{local}+{reference_label(token)}@{domain}"


def tokens_in(*texts: str) -> list[str]:
    """Every reference named in the texts (subject, addresses), first found first, upper case."""
    found: list[str] = []
    for text in texts:
        for match in REFERENCE.finditer(text or ""):
            token = match.group(1).upper()
            if token not in found:
                found.append(token)
    return found


# Where the quoted original starts in the reply formats of the common mail programs: the
# attribution line before '>' quotes, and Outlook's headers before an unquoted original.
_ATTRIBUTION = re.compile(
    r"^(?:Op|On|Am|Le)\b.{0,200}\b(?:schreef|wrote|schrieb|a écrit)\b.{0,100}:\s*$",
    re.IGNORECASE,
)
_QUOTE_STARTS = re.compile(
    r"^(?:"
    r"-{2,}\s*(?:Oorspronkelijk bericht|Original Message|Doorgestuurd bericht|"
    r"Forwarded message)\s*-{2,}"
    r"|(?:Van|From)\s*:\s.*$"
    r"|_{10,}\s*$"
    r")",
    re.IGNORECASE,
)


def answer_text(body: str) -> str:
    """The provider's own words: the body above the quoted original (a line 'Op … schreef
    …:', an Outlook header 'Van: …', '-----Original Message-----'), quoted lines ('>')
    and a signature after '-- ' left out, trailing white space trimmed. Someone who answers
    below the quote ('>' lines) is read there when nothing stands above it."""
    lines: list[str] = []
    below: list[str] = []
    ended = False
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.rstrip() == "--" or _QUOTE_STARTS.match(line.strip()):
            break  # a signature, or an unquoted original below Outlook's headers
        if _ATTRIBUTION.match(line.strip()):
            ended = True
            continue
        if line.lstrip().startswith(">"):
            continue
        (below if ended else lines).append(line.rstrip())
    above = "\n".join(lines).strip()
    return above or "\n".join(below).strip()


def first_word(answer: str) -> str:
    """The first word of the answer, lower case, without punctuation: 'Akkoord.' → 'akkoord'."""
    match = re.match(r"\W*(\w+)", answer)
    return match.group(1).lower() if match else ""


AGREEMENT_WORD = "akkoord"
COPY_WORD = "kopie"
OBJECTION_WORD = re.compile(r"\bbezwa(?:ar|ren)\b", re.IGNORECASE)


def is_agreement(answer: str) -> bool:
    """A reply to the minutes agrees when its first word is 'akkoord' and it makes no
    reservation ('Akkoord, maar punt 3 …' is read as comments, for a person to read)."""
    return first_word(answer) == AGREEMENT_WORD and not has_reservation(answer)


_RESERVATION = re.compile(r"\b(?:maar|behalve|echter|uitgezonderd|niet akkoord)\b", re.IGNORECASE)


def has_reservation(answer: str) -> bool:
    """True when the answer says 'maar', 'behalve', 'echter', 'uitgezonderd' or 'niet
    akkoord': the minutes must not become final over a reservation."""
    return bool(_RESERVATION.search(answer))


def asks_for_copy(answer: str) -> bool:
    """A reply whose first word is 'kopie' asks for (a copy of) the minutes."""
    return first_word(answer) == COPY_WORD


def names_objection(answer: str) -> bool:
    """A reply to a step letter that uses the word 'bezwaar' (or 'bezwaren') objects."""
    return bool(OBJECTION_WORD.search(answer))


_POINT = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+(.+\S)\s*$")
MAX_POINTS = 20
MAX_POINT_CHARS = 2000


def agenda_points(answer: str, with_sheet: bool) -> list[str]:
    """The points for the agenda in a reply to the data request: its listed lines; without
    such lines, a reply without a data sheet is offered whole as one point (a reply with
    the sheet and only a covering note has none). At most :data:`MAX_POINTS`, each cut at
    :data:`MAX_POINT_CHARS` characters."""
    listed = [m.group(1) for m in map(_POINT.match, answer.splitlines()) if m]
    points = listed or ([answer.strip()] if answer.strip() and not with_sheet else [])
    return [p[:MAX_POINT_CHARS] for p in points[:MAX_POINTS]]


# What a provider writes to say that it objects, and the greetings around it: none of it
# says why. Whatever else an objection holds are its grounds.
# fmt: off
_OBJECTION_PHRASE = frozenset({
    "bezwaar", "bezwaren", "bezwaarschrift", "maak", "maken", "maakt", "hebben", "heb",
    "heeft", "hebt", "wij", "we", "ik", "hierbij", "hiertegen", "daartegen", "tegen", "aan",
    "dit", "deze", "de", "het", "een", "trede", "stap", "tekent", "teken", "tekenen", "graag",
    "bij", "uw", "besluit", "voorstel", "wijzigingsvoorstel", "wijziging", "maatregel",
    "brief", "is", "zijn", "niet", "akkoord", "oneens", "eens", "gaan", "mee", "met", "er",
    "ons", "onze", "hier", "formeel", "officieel", "en", "ook", "dus", "zoals", "gezegd",
    "hiermee", "alvast", "ingebrekestelling",
})
# fmt: on
_GREETING = re.compile(r"^\s*(beste|geachte|hallo|hoi|dag|goede(?:morgen|middag)|l\.s\.)\b", re.I)
_CLOSING = re.compile(
    r"^\s*(met\s+)?(vriendelijke\s+)?(groet(en)?|mvg|m\.vr\.gr\.?|hartelijke groet)\b", re.I
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
MIN_GROUND_WORDS = 1


def grounds(answer: str) -> list[str]:
    """The words of an objection that say why: the answer without its greeting, its
    closing (and the name under it) and the words that only state the objection. 'Wij
    maken bezwaar.' has none; 'Bezwaar: de termijn is te kort' has 'termijn te kort'."""
    kept: list[str] = []
    for line in answer.splitlines():
        if _CLOSING.match(line):
            break
        if _GREETING.match(line):
            continue
        kept += [w for w in _WORD.findall(line) if w.lower() not in _OBJECTION_PHRASE]
    return kept


def has_grounds(answer: str) -> bool:
    """Whether an objection says why (at least :data:`MIN_GROUND_WORDS` words of its own)."""
    return len(grounds(answer)) >= MIN_GROUND_WORDS


# attachments that can carry a reaction's text; an image alone is mostly a signature's logo
CONTENT_KINDS = frozenset({".pdf", ".docx", ".doc", ".odt", ".txt", ".rtf", ".xlsx", ".ods"})
