"""Where providers' replies are read from: the region mailbox over IMAP (imap-tools), or,
without one, a folder of .eml files (the embedded default and the demo). Both hand over
each message's bytes and file it afterwards in a folder by outcome; neither deletes."""

from __future__ import annotations

import imaplib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal, Protocol


@dataclass(frozen=True)
class Fetched:
    """One message as read from the source."""

    handle: str  # the IMAP UID, or the file's name
    raw: bytes  # the whole message; only its headers when it is larger than allowed
    size: int
    received_at: datetime | None  # when it reached the region (IMAP: the server's date)
    complete: bool  # False: too large, ``raw`` holds the headers only


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
        # headers and sizes first: a message larger than allowed is never downloaded whole
        heads = list(self._box.fetch(mark_seen=False, headers_only=True, bulk=50))
        for head in heads:
            uid, size = head.uid, head.size_rfc822
            if uid is None:
                continue
            received = _aware(head.date) if head.date_str else None
            if size > max_bytes:
                yield Fetched(uid, head.obj.as_bytes(), size, received, False)
                continue
            status, data = self._box.client.uid("FETCH", uid, "(BODY.PEEK[] INTERNALDATE)")
            parts = [d for d in data or [] if isinstance(d, tuple)]
            if status != "OK" or not parts:
                continue  # gone meanwhile (another reader moved it)
            yield Fetched(uid, parts[0][1], size, _internal_date(parts[0][0]) or received, True)

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
        for path in sorted(self.folder.glob("*.eml")):
            if not path.is_file() or path.is_symlink():
                continue  # a link is never followed out of the post folder
            size = path.stat().st_size
            with path.open("rb") as fh:
                raw = fh.read(max_bytes + 1)
            complete = size <= max_bytes
            if not complete:
                raw = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\n\n"
            yield Fetched(path.name, raw, size, _file_date(path, raw), complete)

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


def _file_date(path: Path, raw: bytes) -> datetime:
    """A dropped file's date: its Date header, else when the file was written."""
    header = BytesHeaderParser().parsebytes(raw).get("Date")
    try:
        if header:
            return _aware(parsedate_to_datetime(str(header)))
    except (TypeError, ValueError):
        pass
    return datetime.fromtimestamp(os.path.getmtime(path), UTC)
