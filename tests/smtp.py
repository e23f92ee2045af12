"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests, with refusals and login on demand."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from aiosmtpd.smtp import Envelope as SmtpEnvelope
from prefect.blocks.system import Secret

from clm.settings import get_settings


class Recorder:
    """Keeps what it accepted, refuses recipients it is told to, checks a password if set."""

    def __init__(self) -> None:
        self.accepted: list[email.message.Message] = []
        self.refuse: set[str] = set()
        self.refusal = "550 mailbox unavailable"  # or a transient one, such as 451
        self.logins: list[str] = []
        self.password: str | None = None

    async def handle_RCPT(
        self,
        server,
        session,
        envelope: SmtpEnvelope,
        address: str,  # noqa: ANN001, N802
        rcpt_options: list[str],
    ) -> str:
        if any(address.startswith(prefix) for prefix in self.refuse):
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: SmtpEnvelope) -> str:  # noqa: ANN001, N802
        self.accepted.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
        if isinstance(auth_data, LoginPassword) and auth_data.password.decode() == self.password:
            self.logins.append(auth_data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def mail_over_smtp(monkeypatch: pytest.MonkeyPatch, port: int, password: str, block: str) -> None:
    """Send the product's mail to the test server on ``port`` the way production does: SMTP
    with login, the password in the Prefect Secret block ``block`` (needs a Prefect server)."""
    Secret(value=password).save(block, overwrite=True)
    for key, value in {
        "MAIL_TRANSPORT": "smtp",
        "SMTP_PORT": str(port),
        "SMTP_USER": "clm@regio.example.org",
        "SMTP_PASSWORD_BLOCK": block,
    }.items():
        monkeypatch.setenv(f"CLM_{key}", value)
    get_settings.cache_clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp(handler: Recorder, port: int) -> Controller:
    """A running SMTP server on 127.0.0.1:``port`` that hands what it gets to ``handler``."""
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=handler.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    return controller


@pytest.fixture
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    """An SMTP server on a free loopback port: (its recorder, its port)."""
    handler = Recorder()
    port = free_port()
    controller = start_smtp(handler, port)
    yield handler, port
    controller.stop()
