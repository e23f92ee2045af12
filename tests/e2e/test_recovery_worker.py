"""The only worker and its flow process killed (SIGKILL, as an out-of-memory kill or a machine
crash would) 3 s into a scheduled regional-analysis run: the run is marked Crashed, started
again once, completes, and the functional administrator hears once; nothing sent twice."""

from __future__ import annotations

import contextlib
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
    pids_of_tree,
    plain_text,
    recovery_system,
    rerun_of,
    run_state,
    start_run,
    wait_for,
)

pytestmark = pytest.mark.e2e
RERUN_DELAY = 10  # seconds: the worker is back before the rerun starts


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory, prefect_template: Path) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("herstel-worker")
    with recovery_system(folder, RERUN_DELAY, prefect_template) as system:
        yield system


def test_a_worker_killed_mid_run_is_noticed_rerun_once_and_reported(system: dict) -> None:
    env, handler, var = system["env"], system["smtp"], system["var"]
    run_id = start_run(env, "regional_analysis", {}, ["auto-scheduled"])
    wait_for(env, run_id, {"RUNNING"}, 300)
    time.sleep(3)
    worker = int((var / "run" / "worker.pid").read_text())
    for pid in pids_of_tree(worker):  # as a machine crash or an OOM kill would
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    time.sleep(5)
    assert run_state(env, run_id) == "RUNNING"  # what Prefect alone would show for ever
    up(env)  # a new worker, as make up starts one
    assert wait_for(env, run_id, {"CRASHED", "COMPLETED", "FAILED"}, 300) == "CRASHED"
    rerun = rerun_of(env, run_id, 120)
    assert wait_for(env, rerun["id"], {"COMPLETED", "FAILED", "CRASHED"}, RERUN_DELAY + 400) == (
        "COMPLETED"
    )
    found = alert(handler, "Geplande run regional-analysis gecrasht; herstart voltooid", 300)
    assert run_id in plain_text(found) and "Geen hartslag" in plain_text(found)
    nothing_twice(handler)
