"""Where providers' replies are read from: the region mailbox over IMAP (imap-tools), or,
without one, a folder of .eml files (the embedded default and the demo). Both hand over
each message's bytes and file it afterwards in a folder by outcome; neither deletes."""

from __future__ import annotations

import imaplib
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal, Protocol

HEADER_BYTES = 256 * 1024  # what is read of a file to learn its date before it is read whole


@dataclass(frozen=True)
class Fetched:
    """One message as read from the source."""

    handle: str  # the IMAP UID, or the file's name
    raw: bytes  # the whole message; only its headers when it is larger than allowed
    size: int
    received_at: datetime | None  # when it reached the region (IMAP: the server's date)
    complete: bool  # False: too large, ``raw`` holds the headers only
    sent_at: datetime | None = None  # when the sender sent it (see :func:`sent_time`)


def sent_time(date_header: object, received_at: datetime | None) -> datetime | None:
    """When a message was sent: its Date header, but never later than it arrived (a sender's
    clock may run ahead, or lie); without a readable Date, when it arrived. Every 'the latest
    answer stands' rule orders answers by this moment, not by the order they are read in."""
    try:
        stated = _aware(parsedate_to_datetime(str(date_header))) if date_header else None
    except (TypeError, ValueError, IndexError, OverflowError):
        stated = None
    if stated is None or (received_at is not None and stated > received_at):
        return received_at
    return stated


def _in_sent_order(items: list[Fetched]) -> list[Fetched]:
    # ties and unknown moments by handle, so that every run reads the same order
    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(
        items,
        key=lambda f: (f.sent_at or floor, int(f.handle) if f.handle.isdigit() else -1, f.handle),
    )


class MailSource(Protocol):
    """A mailbox the mailbox flow reads from."""

    def messages(self, max_bytes: int) -> Iterator[Fetched]: ...

    def file(self, handle: str, folder: str) -> None: ...

    def close(self) -> None: ...


class ImapSource:
    """The region mailbox over IMAP: reads the inbox without marking anything read, and
    moves each handled message into a folder of its outcome (created when missing)."""

    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        password: str,
        security: Literal["ssl", "starttls", "none"] = "ssl",
        inbox: str = "INBOX",
        timeout: float = 60,
    ) -> None:
        from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted

        kind = {"ssl": MailBox, "starttls": MailBoxStartTls, "none": MailBoxUnencrypted}[security]
        self._box = kind(host, port, timeout=timeout).login(user, password, initial_folder=inbox)
        self._folders: set[str] = set()

    def messages(self, max_bytes: int) -> Iterator[Fetched]:
        """The inbox in the order the messages were sent. Headers, sizes and arrival dates
        first: a message larger than allowed is never downloaded whole."""
        heads = list(self._box.fetch(mark_seen=False, headers_only=True, bulk=50))
        arrived = self._arrival_dates()
        listed = []
        for head in heads:
            if head.uid is None:
                continue
            received = arrived.get(head.uid) or (_aware(head.date) if head.date_str else None)
            listed.append(
                Fetched(
                    head.uid,
                    head.obj.as_bytes(),
                    head.size_rfc822,
                    received,
                    False,
                    sent_time(head.obj.get("Date"), received),
                )
            )
        for head in _in_sent_order(listed):
            if head.size > max_bytes:
                yield head
                continue
            status, data = self._box.client.uid("FETCH", head.handle, "(BODY.PEEK[])")
            parts = [d for d in data or [] if isinstance(d, tuple)]
            if status != "OK" or not parts:
                continue  # gone meanwhile (another reader moved it)
            yield replace(head, raw=parts[0][1], complete=True)

    def _arrival_dates(self) -> dict[str, datetime]:
        """Every inbox message's INTERNALDATE (the server's arrival date), by UID."""
        status, data = self._box.client.uid("FETCH", "1:*", "(INTERNALDATE)")
        found: dict[str, datetime] = {}
        for line in data or [] if status == "OK" else []:
            line = line[0] if isinstance(line, tuple) else line
            uid = re.search(rb"UID (\d+)", line or b"")
            moment = _internal_date(line) if uid else None
            if uid and moment:
                found[uid.group(1).decode()] = moment
        return found

    def file(self, handle: str, folder: str) -> None:
        if folder not in self._folders:
            if not self._box.folder.exists(folder):
                self._box.folder.create(folder)
            self._folders.add(folder)
        self._box.move(handle, folder)

    def close(self) -> None:
        self._box.logout()


def _internal_date(prefix: bytes) -> datetime | None:
    """The server's arrival date from a FETCH response's INTERNALDATE."""
    parsed = imaplib.Internaldate2tuple(prefix)
    return datetime.fromtimestamp(time.mktime(parsed), UTC) if parsed else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class FolderSource:
    """A folder of .eml files read in name order; a handled file moves to a subfolder of its
    outcome ('verwerkt', 'niet-gekoppeld', 'fout')."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def messages(self, max_bytes: int) -> Iterator[Fetched]:
        """The folder's messages in the order they were sent (their headers read first)."""
        listed = []
        for path in sorted(self.folder.glob("*.eml")):
            if not path.is_file() or path.is_symlink():
                continue  # a link is never followed out of the post folder
            with path.open("rb") as fh:
                head = _headers(fh.read(HEADER_BYTES))
            received = _file_date(path, head)
            sent = sent_time(BytesHeaderParser().parsebytes(head).get("Date"), received)
            listed.append(Fetched(path.name, head, path.stat().st_size, received, False, sent))
        for head in _in_sent_order(listed):
            path = self.folder / head.handle
            if head.size > max_bytes or not path.is_file():
                yield head
                continue
            with path.open("rb") as fh:
                yield replace(head, raw=fh.read(max_bytes + 1), complete=True)

    def file(self, handle: str, folder: str) -> None:
        target = self.folder / folder.lower()
        target.mkdir(exist_ok=True)
        source = self.folder / handle
        if source.exists():
            shutil.move(str(source), str(_free_name(target / handle)))

    def close(self) -> None:
        pass


def _free_name(path: Path) -> Path:
    """``path``, or with a number added when a file of that name is there already."""
    candidate, n = path, 1
    while candidate.exists():
        candidate, n = path.with_name(f"{path.stem}-{n}{path.suffix}"), n + 1
    return candidate


def _headers(raw: bytes) -> bytes:
    """A message's header block (the first empty line ends it)."""
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\n\n"


def _file_date(path: Path, raw: bytes) -> datetime:
    """A dropped file's date: its Date header, else when the file was written."""
    header = BytesHeaderParser().parsebytes(raw).get("Date")
    try:
        if header:
            return _aware(parsedate_to_datetime(str(header)))
    except (TypeError, ValueError):
        pass
    return datetime.fromtimestamp(os.path.getmtime(path), UTC)
