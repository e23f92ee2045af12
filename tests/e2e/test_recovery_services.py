"""The Prefect server stopped in the middle of a scheduled run and started again: the run ends
completed, or is started again once and completes. The domain database (a private PostgreSQL
instance) away for a minute during a scheduled sweep: the sweep fails cleanly, is started again
once the database is back, completes, and the functional administrator hears once. Nothing is
sent twice. (One system for both: the server test leaves it running as it found it.)"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cli import up
from tests.e2e.recovery import (
    alert,
    nothing_twice,
    plain_text,
    recovery_system,
    rerun_of,
    start_run,
    wait_for,
)

pytestmark = pytest.mark.e2e
RERUN_DELAY = 75  # seconds: past the minute the database is away


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory, prefect_template: Path) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("herstel-server-database")
    with recovery_system(folder, RERUN_DELAY, prefect_template) as system:
        yield system


def test_the_server_restarted_mid_run_loses_nothing(system: dict) -> None:
    env, handler, var = system["env"], system["smtp"], system["var"]
    run_id = start_run(env, "regional_analysis", {"quarter": "2026-Q2"}, ["auto-scheduled"])
    wait_for(env, run_id, {"RUNNING"}, 300)
    time.sleep(2)
    server = int((var / "run" / "server.pid").read_text())
    os.killpg(server, signal.SIGTERM)
    for _ in range(60):
        if not Path(f"/proc/{server}").exists():
            break
        time.sleep(0.5)
    time.sleep(3)
    up(env)  # the server back (the worker kept running)
    end = wait_for(env, run_id, {"COMPLETED", "FAILED", "CRASHED"}, 600)
    if end != "COMPLETED":  # lost its connection for good: started again, and completed
        rerun = rerun_of(env, run_id, 300)
        assert wait_for(env, rerun["id"], {"COMPLETED", "FAILED", "CRASHED"}, 600) == "COMPLETED"
        alert(handler, "herstart voltooid", 300)
    nothing_twice(handler)


def test_the_database_away_for_a_minute_during_a_sweep(system: dict) -> None:
    env, handler, database = system["env"], system["smtp"], system["db"]
    database.stop()
    stopped = time.monotonic()
    try:
        run_id = start_run(env, "daily_sweep", {}, ["auto-scheduled"])
        end = wait_for(env, run_id, {"COMPLETED", "FAILED", "CRASHED"}, 60)
    finally:
        time.sleep(max(0.0, 60 - (time.monotonic() - stopped)))  # away for a whole minute
        database.start()
    assert end == "FAILED"  # the tasks' retries could not carry a minute: it fails cleanly
    rerun = rerun_of(env, run_id, 120)
    assert wait_for(env, rerun["id"], {"COMPLETED", "FAILED", "CRASHED"}, RERUN_DELAY + 300) == (
        "COMPLETED"
    )
    found = alert(handler, "Geplande run daily-sweep mislukt; herstart voltooid", 300)
    assert run_id in plain_text(found)
    nothing_twice(handler)
