"""A real IMAP server for tests: Debian's dovecot, started by the test from a temporary config
on 127.0.0.1 (see ../shared/notes/dovecot.md), skipped with the reason where it cannot run."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "regio", "geheim-postvak"


@dataclass(frozen=True)
class Imap:
    host: str
    port: int
    user: str
    password: str

    def box(self):  # noqa: ANN201 - an imap_tools mailbox, logged in
        from imap_tools import MailBoxUnencrypted

        return MailBoxUnencrypted(self.host, self.port, timeout=20).login(self.user, self.password)

    def deliver(self, raw: bytes) -> None:
        """Put a message in the inbox, as the region's mail server would."""
        with self.box() as box:
            box.append(raw, "INBOX")

    def folder(self, name: str) -> list[bytes]:
        """The messages in a folder (empty when it does not exist)."""
        with self.box() as box:
            if not box.folder.exists(name):
                return []
            box.folder.set(name)
            return [m.obj.as_bytes() for m in box.fetch(mark_seen=False)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _why_not() -> str | None:
    if not Path(DOVECOT).exists() or not Path("/usr/lib/dovecot/imap").exists():
        return "dovecot-imapd is niet geïnstalleerd (make test installeert het als root)"
    for user in ("dovecot", "dovenull"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            return f"gebruiker {user} ontbreekt (hoort bij het pakket dovecot-core)"
    if os.geteuid() != 0:
        return "dovecot start hier alleen als root (imap-login wisselt van gebruiker)"
    return None


@pytest.fixture
def imap_server() -> Iterator[Imap]:
    """A private dovecot with one mailbox user; stopped after the test."""
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    # not under pytest's own temporary folder: its parents are closed to other users, and
    # dovecot's login processes run as dovenull
    base = Path(tempfile.mkdtemp(prefix="clm-dovecot-"))
    base.chmod(0o755)
    dovecot = pwd.getpwnam("dovecot")
    home = base / "home"
    home.mkdir()
    os.chown(home, dovecot.pw_uid, dovecot.pw_gid)
    port = _free_port()
    (base / "passwd").write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{dovecot.pw_uid}:{dovecot.pw_gid}::{home}\n"
    )
    (base / "dovecot.conf").write_text(
        f"""
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
passdb {{
  driver = passwd-file
  args = {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = {base}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    # the master goes into the background: its output to a file, or run() would wait for the
    # pipes the daemon keeps open
    with (base / "start.log").open("w") as out:
        started = subprocess.run(
            [DOVECOT, "-c", str(base / "dovecot.conf")], stdout=out, stderr=subprocess.STDOUT
        )
    if started.returncode != 0:
        pytest.skip(f"dovecot start niet: {(base / 'start.log').read_text().strip()[:300]}")
    server = Imap("127.0.0.1", port, USER, PASSWORD)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with server.box():
                    break
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline:
                    log = (
                        (base / "dovecot.log").read_text()
                        if (base / "dovecot.log").exists()
                        else ""
                    )
                    pytest.fail(f"dovecot luistert niet op {port}: {log[-500:]}")
                time.sleep(0.2)
        yield server
    finally:
        pid_file = base / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)
