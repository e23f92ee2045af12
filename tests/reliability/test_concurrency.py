"""Concurrent runs on PostgreSQL: two runs of the same step for the same day, or two workers
delivering the outbox, write and send nothing twice."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from admin.demo import load_demo
from clm.rules.config import RegionConfig
from clm.services.classification import (
    ReferencePeriod,
    compute_classification,
    store_classification,
)
from clm.services.meetings import prepare_month
from clm.storage.db import UnitOfWork
from clm.storage.mail import FileTransport, SmtpTransport
from clm.storage.models import DossierEvent, Meeting, OutboxMessage
from clm.storage.outbox import deliver_pending
from tests.conftest import AS_OF
from tests.helpers import enqueue_many
from tests.smtp import Recorder

APRIL = date(2027, 4, 1)


def _at_once(work: Callable[[], object], runs: int = 2) -> list[object]:
    """Start ``runs`` calls of ``work`` at the same moment; their results or exceptions."""
    return _at_once_each([work] * runs)


def _count(model: type, *where: object) -> int:
    with UnitOfWork() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_preparations_at_once_plan_and_send_once(
    pg_db: str, cfg: RegionConfig, env: Path
) -> None:
    load_demo(UnitOfWork, cfg, AS_OF, env / "intake")
    period = ReferencePeriod.calendar_year(2025)
    result = compute_classification(UnitOfWork(), cfg, 2027, period)
    store_classification(UnitOfWork(), cfg, 2027, period, result, AS_OF)
    as_of = date(2027, 3, 1)

    outcomes = _at_once(lambda: prepare_month(UnitOfWork(), cfg, APRIL, as_of))
    done = [o for o in outcomes if not isinstance(o, Exception)]
    # together they planned each meeting once: a provider one run lost on its unique key
    # counts as planned by the other, never as set aside
    assert sum(o.planned for o in done) == 40, outcomes
    assert all(not o.set_aside for o in done), outcomes
    # a retry then finds everything planned and adds nothing
    retry = prepare_month(UnitOfWork(), cfg, APRIL, as_of)
    assert (retry.planned, retry.messages) == (0, 0)

    assert _count(Meeting) == 40
    assert _count(OutboxMessage, OutboxMessage.key.like("meeting:2027-04:%")) == 40
    with UnitOfWork() as uow:
        keys = uow.session.scalars(select(DossierEvent.key)).all()
    assert len(keys) == len(set(keys))


def test_two_workers_deliver_each_message_once(
    pg_db: str, cfg: RegionConfig, smtp_server: tuple[Recorder, int]
) -> None:
    handler, port = smtp_server
    enqueue_many(cfg, 300, "concurrent")
    # Both workers hold a message of their own at the same moment before either goes on:
    # they really overlap, however the threads happen to be scheduled (one could otherwise
    # deliver all 300 before the other had logged in); a worker that found nothing to claim
    # would leave the other waiting here, and the run would fail.
    together = threading.Barrier(2, timeout=60)

    class Rendezvous(SmtpTransport):
        first = True

        def send(self, msg: object) -> None:
            super().send(msg)
            if self.first:
                self.first = False
                together.wait()

    outcomes = _at_once(
        lambda: deliver_pending(UnitOfWork, Rendezvous("127.0.0.1", port, None, None), cfg.mail)
    )
    assert sum(o.sent for o in outcomes) == 300, outcomes
    assert all(o.sent > 0 for o in outcomes)  # both workers really took part
    ids = Counter(str(m["Message-ID"]) for m in handler.accepted)
    assert len(ids) == 300 and set(ids.values()) == {1}
    assert _count(OutboxMessage, OutboxMessage.status == "sent") == 300


def test_a_worker_passes_over_what_another_is_claiming(
    pg_db: str, cfg: RegionConfig, tmp_path: Path
) -> None:
    """While one worker's claim of the first messages is not yet committed, a second worker
    delivers the others at once, instead of waiting for those rows and then finding them
    taken (which ended its run with messages left)."""
    enqueue_many(cfg, 80, "claiming")
    other = UnitOfWork()
    with other:
        first = other.session.scalars(
            select(OutboxMessage.id).order_by(OutboxMessage.id).limit(50).with_for_update()
        ).all()
        done: list[object] = []
        second = threading.Thread(
            target=lambda: done.append(
                deliver_pending(UnitOfWork, FileTransport(tmp_path / "mail"), cfg.mail)
            )
        )
        second.start()
        second.join(timeout=30)
        waited = second.is_alive()
        other.session.rollback()  # the first worker lets go
    second.join(timeout=30)
    assert not waited, "the second worker waited for the rows the first was claiming"
    assert done[0].sent == 30
    with UnitOfWork() as uow:
        sent = set(
            uow.session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "sent"))
        )
    assert sent.isdisjoint(first) and len(sent) == 30


def test_a_claim_takes_one_batch_while_another_worker_holds_rows(
    pg_db: str, cfg: RegionConfig, tmp_path: Path
) -> None:
    """A worker claims one batch (50), also while another worker holds some rows: the claim's
    candidates ran again for each row the UPDATE met, each time passing over the rows just
    locked, and one claim took 290 of 300 messages (so a second worker found nothing)."""
    enqueue_many(cfg, 300, "batch")
    in_hand: list[int] = []

    class Counting(FileTransport):
        def send(self, msg: object) -> None:
            if not in_hand:  # what this worker holds when it hands over its first message
                in_hand.append(_count(OutboxMessage, OutboxMessage.status == "sending"))
            super().send(msg)

    other = UnitOfWork()
    with other:
        other.session.scalars(
            select(OutboxMessage.id).order_by(OutboxMessage.id).limit(10).with_for_update()
        ).all()
        report = deliver_pending(UnitOfWork, Counting(tmp_path / "mail"), cfg.mail)
        other.session.rollback()
    assert in_hand == [50]
    assert report.sent == 290


def test_two_imports_of_one_month_at_once_leave_one_file(
    db: str, cfg: RegionConfig, tmp_path: Path
) -> None:
    """Two different declaration files for the same month, imported at the same moment:
    the month holds exactly one file's rows afterwards (the imports take turns), on
    PostgreSQL as on SQLite. Before: 100 + 50 rows on PostgreSQL."""
    from admin.demo import demo_providers, upsert_providers
    from clm.services.declarations import import_declarations
    from clm.storage.models import Declaration
    from tests.helpers import write_csv

    providers = demo_providers(cfg)[:2]
    upsert_providers(UnitOfWork(), providers)
    code = providers[0].code
    files = [
        write_csv(
            tmp_path / f"decl-{n}.csv",
            [[code, f"c{i}", "GM0034", "2025-01", "10,00", "AMB"] for i in range(n)],
        )
        for n in (100, 50)
    ]
    for _ in range(3):  # a few rounds: the overlap is real in every one of them
        outcomes = _at_once_each(
            [lambda p=p: import_declarations(UnitOfWork(), cfg, p, AS_OF) for p in files]
        )
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        assert _count(Declaration) in (100, 50), _count(Declaration)


def _at_once_each(works: list[Callable[[], object]]) -> list[object]:
    """Start every call of ``works`` at the same moment; their results or exceptions."""
    start = threading.Barrier(len(works))
    outcomes: list[object] = [None] * len(works)

    def run(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = works[i]()
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return outcomes
