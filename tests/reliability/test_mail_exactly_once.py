"""1,000 messages through a real SMTP server that refuses, drops the connection at random
points and is restarted: afterwards every message was accepted exactly once."""

from __future__ import annotations

import random
from collections import Counter

from aiosmtpd.controller import Controller
from sqlalchemy import select

from clm.rules.config import RegionConfig
from clm.storage.db import UnitOfWork
from clm.storage.mail import SmtpTransport
from clm.storage.models import OutboxMessage
from clm.storage.outbox import deliver_pending
from tests.helpers import enqueue_many
from tests.smtp import free_port

MESSAGES = 1_000


class FlakyServer:
    """Accepts a message only when it answers 250 to DATA; before that it may refuse (4xx)
    or drop the connection, at MAIL, RCPT or DATA. What it accepted is counted by
    Message-ID."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.accepted: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()

    def _fault(self, server, stage: str) -> str | None:  # noqa: ANN001
        roll = self.rng.random()
        if roll < 0.04:
            self.faults[f"{stage}: verbinding verbroken"] += 1
            server.transport.abort()  # the client sees the connection drop
            return "421 connection dropped"
        if roll < 0.08:
            self.faults[f"{stage}: geweigerd"] += 1
            return "451 try again later"
        return None

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: ANN001, N802
        if fault := self._fault(server, "MAIL"):
            return fault
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001, N802
        if fault := self._fault(server, "RCPT"):
            return fault
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        if fault := self._fault(server, "DATA"):
            return fault
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.accepted[line.split(":", 1)[1].strip()] += 1
                break
        return "250 Message accepted for delivery"


def test_every_message_accepted_exactly_once(sqlite_db: str, cfg: RegionConfig) -> None:
    expected = enqueue_many(cfg, MESSAGES, "reliability")

    handler = FlakyServer(seed=8)
    port = free_port()

    def start() -> Controller:
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        return controller

    controller = start()
    rounds = []
    try:
        for round_no in range(40):  # each round is one delivery run, as a sweep would do
            report = deliver_pending(
                UnitOfWork, SmtpTransport("127.0.0.1", port, None, None), cfg.mail
            )
            rounds.append((report.sent, report.failed))
            if round_no == 1:  # the server goes down and comes back between two runs
                controller.stop()
                down = deliver_pending(
                    UnitOfWork, SmtpTransport("127.0.0.1", port, None, None), cfg.mail
                )
                assert down.sent == 0
                controller = start()
            if report.failed == 0 and round_no > 1:
                break
    finally:
        controller.stop()

    with UnitOfWork() as uow:
        statuses = Counter(uow.session.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent": MESSAGES}, rounds
    assert set(handler.accepted) == expected  # none lost
    assert set(handler.accepted.values()) == {1}  # none twice
    assert sum(handler.faults.values()) > 100, handler.faults  # the faults really happened
