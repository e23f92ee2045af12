"""`prefect server start`, with the server's SQLite transactions queued instead of refused.

Prefect 3.8.8 opens its SQLite write transactions as ``BEGIN DEFERRED``. In WAL mode such a
transaction reads first and upgrades to a writer later; when another connection wrote in
between, SQLite fails the upgrade at once with SQLITE_BUSY (no busy timeout applies to a stale
snapshot), and the API answers 503. Under a worker's writes, a sweep and a burst of Run clicks
that refused most requests (151 of 200). ``BEGIN IMMEDIATE`` takes the write lock up front, so
a transaction waits its turn (Prefect's busy timeout, 60 s) instead of failing. PostgreSQL is
not affected: the patch applies only to Prefect's SQLite configuration.

Usage: ``python scripts/prefect_server.py --host 127.0.0.1 --port 4200`` (arguments as for
``prefect server start``; runs in the foreground, one process).
"""

from __future__ import annotations

import sys

from prefect.server.database import configurations


def _begin_immediate(self: configurations.AioSqliteConfiguration, conn) -> None:  # noqa: ANN001
    """Emit ``BEGIN IMMEDIATE`` where Prefect would emit ``BEGIN DEFERRED``."""
    mode = configurations.SQLITE_BEGIN_MODE.get()
    if mode is not None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def main() -> None:
    """Patch the SQLite configuration, then hand over to Prefect's own CLI."""
    configurations.AioSqliteConfiguration.begin_sqlite_stmt = _begin_immediate
    from prefect.cli import app

    sys.argv = ["prefect", "server", "start", *sys.argv[1:]]
    sys.exit(app())


if __name__ == "__main__":
    main()
