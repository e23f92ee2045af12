"""Building MIME messages and handing them to a transport (file or SMTP).

Messages are written as bytes by :func:`build_message` itself rather than through Python's
``email`` package: that package parses every header it is given and folds every header again
when it writes, about three quarters of the time of delivering a letter (the yearly
classification sends thousands at once). What is written is plain MIME that any reader
parses: 7-bit text where it can be, quoted-printable for other text, base64 for files,
RFC 2047 encoded words for headers beyond ASCII, RFC 2231 for such file names; the tests read
every message back with that same package."""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from email.utils import format_datetime, formataddr
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from clm.clock import utcnow

_HEADER_BREAK = re.compile(r"[\r\n]")
# RFC 5322 allows 998 characters on a line; a header is folded (at a space) beyond that
_MAX_LINE = 998
# An encoded word holds at most 75 characters: "=?utf-8?b?" + 60 of base64 (45 bytes) + "?="
_WORD_BYTES = 45
# Text that goes as it is: ASCII, no control characters but the tab, lines within the limit
_PLAIN_TEXT = re.compile(rb"[^\t\n\x20-\x7e]")


class HeaderInjection(ValueError):
    """An address or subject contains a line break."""


def check_header_value(name: str, value: str) -> str:
    """Refuse line breaks in a header value: they would let text add headers of its own."""
    if _HEADER_BREAK.search(value):
        raise HeaderInjection(f"{name} bevat een regeleinde: {value!r}")
    return value


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Envelope:
    """What a transport needs of one outbox message."""

    message_id: str
    sender_name: str
    sender_email: str
    reply_to: str | None
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Message:
    """One message as it goes out: its bytes (lines ending in LF, as an .eml file holds them)
    and what an SMTP server is told apart from them."""

    message_id: str
    sender: str
    recipients: tuple[str, ...]
    data: bytes

    def as_bytes(self) -> bytes:
        return self.data

    @property
    def needs_smtputf8(self) -> bool:
        """An address beyond ASCII: the server must take SMTPUTF8 (RFC 6531)."""
        return not all(a.isascii() for a in (self.sender, *self.recipients))


def build_message(env: Envelope) -> Message:
    """A multipart/alternative message (plain text and HTML), in a multipart/mixed one with
    the attachments when there are any, with the envelope's Message-ID."""
    for name, values in (("From", [env.sender_email]), ("To", env.to), ("Cc", env.cc)):
        for value in values:
            check_header_value(name, value)
    to, cc = [_address(a) for a in env.to], [_address(a) for a in env.cc]
    headers = [f"From: {_sender(env.sender_name, env.sender_email)}", _addresses("To", to)]
    if cc:
        headers.append(_addresses("Cc", cc))
    if env.reply_to:
        headers.append(f"Reply-To: {_address(check_header_value('Reply-To', env.reply_to))}")
    headers += [
        _unstructured("Subject", check_header_value("Subject", env.subject)),
        f"Message-ID: {check_header_value('Message-ID', env.message_id)}",
        f"Date: {format_datetime(utcnow())}",
        "MIME-Version: 1.0",
    ]
    alternative = _multipart("alternative", [_text("plain", env.text), _text("html", env.html)])
    if env.attachments:
        body = _multipart("mixed", [alternative, *map(_attachment, env.attachments)])
    else:
        body = alternative
    data = ("\n".join(headers) + "\n").encode("utf-8") + body
    return Message(env.message_id, _address(env.sender_email), (*to, *cc), data)


@lru_cache(maxsize=64)
def _sender(name: str, address: str) -> str:
    # every message of a run comes from the same sender; a name beyond ASCII is one encoded
    # word (readers put a space between the encoded words of a name)
    return formataddr((name, _address(address)), charset="utf-8")


def _address(address: str) -> str:
    """An address as written in a header: a domain beyond ASCII in its IDNA form (the
    mailbox part can only go as it is, to a server that takes SMTPUTF8)."""
    if address.isascii() or "@" not in address:
        return address
    local, _, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


def _addresses(name: str, written: list[str]) -> str:
    """``name: a, b, …`` of addresses as written (:func:`_address`), folded where long."""
    pieces = [piece for a in written[:-1] for piece in (a + ",", " ")] + written[-1:]
    return _fold(f"{name}: ", pieces)


_WHITESPACE = re.compile(r"([ \t]+)")


def _unstructured(name: str, value: str) -> str:
    """``name: value`` with the words beyond ASCII (and runs of them, with the spaces between
    them: a reader drops spaces between encoded words) as encoded words, the rest as written;
    spaces at either end of the value are not kept (readers drop them)."""
    pieces: list[str] = []
    run: list[str] = []  # words to encode and the spaces between them
    gap = ""  # spaces after the run, until it is clear whether the run goes on
    for segment in _WHITESPACE.split(value.strip(" \t")):
        if not segment:
            continue
        if segment[0] in " \t":
            gap = segment
        elif segment.isascii() and "=?" not in segment and len(segment) < 200:
            if run:
                pieces += _encoded_words("".join(run))
                run = []
            pieces += [gap, segment] if pieces else [segment]
            gap = ""
        else:
            if run:
                run.append(gap)
            elif pieces:
                pieces.append(gap)
            run.append(segment)
            gap = ""
    if run:
        pieces += _encoded_words("".join(run))
    return _fold(f"{name}: ", pieces)


def _encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 encoded words of at most 75 characters, each of whole characters,
    separated by spaces (which readers drop)."""
    chunks, chunk, size = [], [], 0
    for char in text:
        length = len(char.encode("utf-8"))
        if size + length > _WORD_BYTES:
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(char)
        size += length
    chunks.append(chunk)
    words = [
        "=?utf-8?b?" + base64.b64encode("".join(c).encode("utf-8")).decode("ascii") + "?="
        for c in chunks
    ]
    return [piece for word in words[:-1] for piece in (word, " ")] + words[-1:]


def _fold(start: str, pieces: list[str]) -> str:
    """``start`` and the pieces (words, and the spaces between them as pieces of their own),
    a line break before spaces that would take the line past the limit; never right after
    ``start`` (readers then show the value with a leading space)."""
    lines, line = [], start
    for n, piece in enumerate(pieces):
        word = pieces[n + 1] if n + 1 < len(pieces) else ""
        if n and piece[0] in " \t" and len(line) + len(piece) + len(word) > _MAX_LINE:
            lines.append(line)
            line = piece
        else:
            line += piece
    lines.append(line)
    return "\n".join(lines)


def _param(name: str, value: str) -> str:
    """A Content-Type or Content-Disposition parameter, quoted; RFC 2231 beyond ASCII."""
    if value.isascii() and not _HEADER_BREAK.search(value):
        return f'; {name}="' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"; {name}*=utf-8''" + quote(value, safe="")


def _text(subtype: str, text: str, params: str = "", disposition: str = "") -> bytes:
    """A text part in UTF-8: as it is when it is short-lined ASCII, else quoted-printable."""
    lines = text.encode("utf-8").splitlines()
    body = b"\n".join(lines) + b"\n"
    plain = not _PLAIN_TEXT.search(body) and max(map(len, lines), default=0) <= _MAX_LINE
    encoding = "7bit" if plain else "quoted-printable"
    if not plain:
        body = binascii.b2a_qp(body, istext=True)
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"{params}\n'
        f"Content-Transfer-Encoding: {encoding}\n{disposition}\n"
    )
    return head.encode("ascii") + body


def _attachment(item: Attachment) -> bytes:
    check_header_value("Content-Type", item.content_type)
    disposition = f"Content-Disposition: attachment{_param('filename', item.filename)}\n"
    kind, *options = (p.strip() for p in item.content_type.split(";"))
    if kind.startswith("text/"):  # calendar invites: text parts keep their method parameter
        params = "".join(
            _param(*(s.strip() for s in o.split("=", 1)))
            for o in options
            if "=" in o and not o.lower().startswith("charset=")
        )
        return _text(kind[5:], item.content.decode("utf-8"), params, disposition)
    head = f"Content-Type: {kind}\nContent-Transfer-Encoding: base64\n{disposition}\n"
    return head.encode("ascii") + base64.encodebytes(item.content)


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    # "=_" cannot occur in base64 or quoted-printable, and the rest is random
    boundary = "=_" + secrets.token_hex(16)
    separator = f"\n--{boundary}\n".encode("ascii")
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\n'.encode("ascii")
    return head + separator + separator.join(parts) + f"\n--{boundary}--\n".encode("ascii")


class Transport(Protocol):
    """Delivers one message; raises on failure, returns only once the message is accepted."""

    def send(self, msg: Message) -> None: ...

    def close(self) -> None: ...


def _file_name(message_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", message_id.strip("<>")) + ".eml"


class FileTransport:
    """Writes each message as an .eml file; the name comes from the Message-ID, so a repeat
    delivery overwrites the same file instead of adding a second one."""

    # handing a message over again changes nothing (see above): the outbox may record a
    # batch as sent in one commit
    repeat_is_harmless = True

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def send(self, msg: Message) -> None:
        target = self.directory / _file_name(msg.message_id)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(msg.data)
        os.replace(tmp, target)  # atomic: a reader never sees half a message

    def close(self) -> None:
        pass


class SmtpTransport:
    """Sends over SMTP with a yagmail connection (login, STARTTLS/SSL handled by yagmail)."""

    def __init__(
        self,
        host: str,
        port: int,
        user: str | None,
        password: str | None,
        starttls: bool = False,
        ssl: bool = False,
    ) -> None:
        import yagmail

        self._client = yagmail.SMTP(
            user=user or "",
            password=password,
            host=host,
            port=port,
            smtp_starttls=starttls,
            smtp_ssl=ssl,
            smtp_skip_login=not user,
            soft_email_validation=False,
        )
        self._connected = False

    def send(self, msg: Message) -> None:
        if not self._connected:
            self._client.login()
            self._connected = True
        try:
            # Our own MIME message, sent once: yagmail's send() would rebuild it and retry
            # silently, which could deliver a message twice. SMTP wants CRLF line ends.
            self._client.smtp.sendmail(
                msg.sender,
                list(msg.recipients),
                msg.data.replace(b"\n", b"\r\n"),
                mail_options=["SMTPUTF8"] if msg.needs_smtputf8 else [],
            )
        except Exception:
            self._connected = False
            raise

    def close(self) -> None:
        if self._connected:
            self._client.close()
            self._connected = False
