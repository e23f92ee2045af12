"""Building MIME messages and handing them to a transport (file or SMTP)."""

from __future__ import annotations

import email.policy
import os
import re
import tempfile
from dataclasses import dataclass
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Protocol

from clm.clock import utcnow

_HEADER_BREAK = re.compile(r"[\r\n]")


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


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, each header's class made once: the standard one makes
    a new class every time a header is set or written, about half the time of building and
    writing a message."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


_POLICY = email.policy.default.clone(header_factory=_HeaderClasses())
HEADERS_UNFOLDED = _POLICY.clone(max_line_length=998)


def build_message(env: Envelope) -> EmailMessage:
    """A multipart/alternative message (plain text and HTML) with a stable Message-ID."""
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = formataddr((env.sender_name, check_header_value("From", env.sender_email)))
    msg["To"] = ", ".join(check_header_value("To", a) for a in env.to)
    if env.cc:
        msg["Cc"] = ", ".join(check_header_value("Cc", a) for a in env.cc)
    if env.reply_to:
        msg["Reply-To"] = check_header_value("Reply-To", env.reply_to)
    msg["Subject"] = check_header_value("Subject", env.subject)
    msg["Message-ID"] = env.message_id
    msg["Date"] = format_datetime(utcnow())
    msg.set_content(env.text)
    msg.add_alternative(env.html, subtype="html")
    for item in env.attachments:
        maintype, subtype = item.content_type.split("/", 1)
        if maintype == "text":  # calendar invites: text parts keep their method parameter
            params = dict(p.split("=", 1) for p in subtype.split(";")[1:] if "=" in p)
            msg.add_attachment(
                item.content.decode("utf-8"),
                subtype=subtype.split(";")[0],
                filename=item.filename,
                params=params,
            )
        else:
            msg.add_attachment(
                item.content, maintype=maintype, subtype=subtype, filename=item.filename
            )
    # Headers are written whole up to the 998 characters SMTP allows: at 78 the standard
    # library sometimes folds right after "Subject:", and mail readers then show the subject
    # with a leading space. (The parts' encodings were chosen above, at 78.)
    msg.policy = HEADERS_UNFOLDED
    return msg


class Transport(Protocol):
    """Delivers one message; raises on failure, returns only once the message is accepted."""

    def send(self, msg: EmailMessage) -> None: ...

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

    def send(self, msg: EmailMessage) -> None:
        target = self.directory / _file_name(str(msg["Message-ID"]))
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(msg.as_bytes())
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

    def send(self, msg: EmailMessage) -> None:
        if not self._connected:
            self._client.login()
            self._connected = True
        try:
            # Our own MIME message, sent once: yagmail's send() would rebuild it and retry
            # silently, which could deliver a message twice.
            self._client.smtp.send_message(msg)
        except Exception:
            self._connected = False
            raise

    def close(self) -> None:
        if self._connected:
            self._client.close()
            self._connected = False
