"""Benchmark of outbox delivery (not a test: it prints rates).

N messages (default 2,000) with an HTML and a text body are put in the outbox, then one
worker delivers them over SMTP to an aiosmtpd server on 127.0.0.1, claiming, sending and
marking them as the daily sweep does; then N more are delivered to files (.eml), the
transport of the demo and of a region that hands its mail to another system.
Usage: python bench/delivery.py [--messages N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import calibrate  # bench/calibrate.py, beside this script

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


class Counter:
    """An SMTP handler that only counts what it accepts."""

    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.accepted += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2_000)
    args = parser.parse_args()
    calibration = calibrate.measure()  # this machine now, in this process
    os.environ["CLM_VAR_DIR"] = tempfile.mkdtemp(prefix="clm-bench-delivery-")

    import socket

    from aiosmtpd.controller import Controller

    from clm.rules.config import load_config
    from clm.settings import PROJECT_DIR
    from clm.storage.db import UnitOfWork, migrate
    from clm.storage.mail import FileTransport, SmtpTransport
    from clm.storage.outbox import deliver_pending, enqueue

    cfg = load_config(PROJECT_DIR / "config" / "region.yaml")
    migrate()

    def fill(first: int) -> None:
        with UnitOfWork() as uow:
            for n in range(first, first + args.messages):
                enqueue(
                    uow.session,
                    key=f"bench:{n}",
                    sender=cfg.mail,
                    to=[f"aanbieder{n % 300}@zorg.example.org"],
                    subject=f"Informatieverzoek {n}",
                    text="Geachte heer, mevrouw,\n\n" + "Tekst van het bericht. " * 40,
                    html="<p>Geachte heer, mevrouw,</p>" + "<p>Tekst van het bericht.</p>" * 40,
                )
            uow.commit()

    fill(0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Counter()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        t0 = time.perf_counter()
        report = deliver_pending(UnitOfWork, SmtpTransport("127.0.0.1", port, None, None), cfg.mail)
        seconds = time.perf_counter() - t0
    finally:
        controller.stop()
    rate = report.sent / seconds
    print(
        f"SMTP: delivered {report.sent:,} messages ({handler.accepted:,} accepted) in "
        f"{seconds:.1f} s: {rate:.0f} messages/s for one worker"
    )
    fill(args.messages)
    t0 = time.perf_counter()
    folder = Path(os.environ["CLM_VAR_DIR"]) / "eml"
    files = deliver_pending(UnitOfWork, FileTransport(folder), cfg.mail)
    file_rate = files.sent / (time.perf_counter() - t0)
    print(f"files: delivered {files.sent:,} messages: {file_rate:.0f} messages/s for one worker")
    calibrate.write(
        "delivery",
        {
            "messages": report.sent,
            "seconds": round(seconds, 2),
            "per_second": round(rate),
            "files_per_second": round(file_rate),
        },
        calibration,
    )


if __name__ == "__main__":
    main()
