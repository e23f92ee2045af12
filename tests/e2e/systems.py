"""What the end-to-end tests share: a system as `scripts/up.sh` starts it, in a temp folder on
a free port, stopped again by `scripts/down.sh` (its logs' ends printed), and the API's views of
its runs. Each test file that needs a system starts its own, so files run in parallel."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clm.settings import PROJECT_DIR
from tests.e2e.cli import api


@contextmanager
def started(env: dict[str, str], prefect_db: Path | None = None) -> Iterator[dict[str, str]]:
    """The system of ``env`` (tests.e2e.cli.system_env) started by `scripts/up.sh`; stopped
    by `scripts/down.sh` afterwards, with the end of its server's and worker's logs.

    With ``prefect_db`` (the run's migrated Prefect database, conftest.prefect_template) the
    server starts on a copy of it, as after a restart: only test_system.py shows a first
    start, migrations included."""
    if prefect_db is not None:
        home = Path(env["CLM_VAR_DIR"]) / "prefect"  # scripts/env.sh: PREFECT_HOME
        home.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(prefect_db, home / "prefect.db")  # the server's default database
    run = {"cwd": PROJECT_DIR, "env": env, "capture_output": True, "text": True}
    up = subprocess.run(["bash", "scripts/up.sh"], timeout=600, **run)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        assert f"http://127.0.0.1:{env['CLM_PORT']}" in up.stdout
        yield env
    finally:
        down = subprocess.run(["bash", "scripts/down.sh"], timeout=120, **run)
        print(down.stdout, down.stderr)
        logs = Path(env["CLM_VAR_DIR"]) / "log"
        for name in ("server.log", "worker.log"):
            if (logs / name).exists():
                print(f"--- {name} (end)\n" + (logs / name).read_text()[-3000:])


def server_errors(log: Path) -> list[str]:
    """Tracebacks in the server log, and any 'database is locked' line.

    The server runs with queued SQLite transactions (scripts/prefect_server.py), so lock
    contention waits instead of failing; a lock error here is a regression of that set-up.
    """
    text = log.read_text()
    blocks = [b[-400:] for b in text.split("Traceback (most recent call last):")[1:]]
    return blocks + [line for line in text.splitlines() if "database is locked" in line]


def flow_run(env: dict[str, str], run_id: str) -> dict:
    """One flow run, from the API."""
    return api(env, f"/flow_runs/{run_id}", None, method="GET")


def runs_of(env: dict[str, str], deployment_id: str) -> list[dict]:
    """The flow runs of one deployment, from the API."""
    return api(env, "/flow_runs/filter", {"deployments": {"id": {"any_": [deployment_id]}}})
