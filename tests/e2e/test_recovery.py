"""Faults of the orchestration layer, caused for real on 127.0.0.1: a worker killed in the middle
of a long run, the Prefect server restarted during a run, the domain database (a private
PostgreSQL instance, never the shared one) unreachable for a minute during a sweep. In each
case nothing is lost, nothing is sent twice (a real SMTP server counts Message-IDs), the run
ends in a state that says what happened, and the functional administrator hears once."""

from __future__ import annotations

import contextlib
import email.policy
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from clm.settings import PROJECT_DIR
from tests.e2e.cli import api, system_env, up
from tests.smtp import Recorder, free_port, start_smtp

pytestmark = pytest.mark.e2e
ADMIN = "functioneelbeheer@regio.example.org"
RERUN_DELAY = 75  # seconds: past the minute the database is away


class PrivatePostgres:
    """A PostgreSQL instance of its own (the machine's binaries, a temporary data folder, a
    free port), so that stopping it touches nothing else."""

    def __init__(self) -> None:
        self.bin = Path(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
            or "/usr/lib/postgresql/15/bin"
        )
        # a folder of its own under /tmp: pytest's folders are closed to the postgres user
        self.folder = Path(tempfile.mkdtemp(prefix="clm-pg-"))
        self.folder.chmod(0o755)
        self.data, self.port = self.folder / "data", free_port()
        self.data.mkdir()
        shutil.chown(self.data, "postgres", "postgres")
        self._as_postgres(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )

    def _as_postgres(self, *command: str) -> None:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self) -> None:
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.data / "log"),
            "-o",
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self) -> None:
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
        )

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


def _unavailable(reason: str) -> str | None:
    if os.geteuid() != 0 or not shutil.which("runuser"):
        return reason
    try:
        subprocess.run(["pg_config", "--bindir"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return reason
    return None


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    reason = _unavailable(
        "een eigen PostgreSQL-instantie vraagt root en de PostgreSQL-programma's "
        "(apt-get install postgresql; de server hoeft niet te draaien)"
    )
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("herstel")
    database = PrivatePostgres()
    database.start()
    handler, smtp_port = Recorder(), free_port()
    smtp = start_smtp(handler, smtp_port)
    env = system_env(
        folder / "var",
        CLM_DATABASE_URL=database.url,
        CLM_MAIL_TRANSPORT="smtp",
        CLM_SMTP_PORT=str(smtp_port),
        CLM_RERUN_DELAY_SECONDS=str(RERUN_DELAY),
    )
    run = {"cwd": PROJECT_DIR, "env": env, "capture_output": True, "text": True}
    try:
        up = subprocess.run(["bash", "scripts/up.sh"], timeout=600, **run)
        assert up.returncode == 0, up.stdout + up.stderr
        yield {"env": env, "smtp": handler, "db": database, "var": folder / "var"}
    finally:
        subprocess.run(["bash", "scripts/down.sh"], timeout=120, **run)
        smtp.stop()
        with contextlib.suppress(AssertionError):  # already stopped
            database.stop()
        shutil.rmtree(database.folder, ignore_errors=True)
        logs = folder / "var" / "log"
        for name in ("worker.log", "server.log"):
            if (logs / name).exists():
                print(f"--- {name} (end)\n" + (logs / name).read_text()[-3000:])


def _start(env: dict, entrypoint_end: str, params: dict, tags: list[str]) -> str:
    """A run of the deployment whose entrypoint ends so, as the scheduler would tag it."""
    deployment = next(
        d for d in api(env, "/deployments/filter", {}) if d["entrypoint"].endswith(entrypoint_end)
    )
    run = api(
        env,
        f"/deployments/{deployment['id']}/create_flow_run",
        {"parameters": params, "tags": tags},
    )
    return run["id"]


def _state(env: dict, run_id: str) -> str:
    return api(env, f"/flow_runs/{run_id}", method="GET")["state_type"]


def _wait(env: dict, run_id: str, states: set[str], seconds: int) -> str:
    for _ in range(seconds):
        state = _state(env, run_id)
        if state in states:
            return state
        time.sleep(1)
    raise AssertionError(f"run {run_id} bleef {state}, verwacht {states} binnen {seconds} s")


def _rerun_of(env: dict, run_id: str, seconds: int) -> dict:
    for _ in range(seconds):
        runs = api(
            env, "/flow_runs/filter", {"flow_runs": {"tags": {"all_": [f"herstart-van-{run_id}"]}}}
        )
        if runs:
            return runs[0]
        time.sleep(1)
    raise AssertionError(f"geen herstart van {run_id} binnen {seconds} s")


def _alert(handler: Recorder, fragment: str, seconds: int) -> email.message.EmailMessage:
    for _ in range(seconds):
        for message in handler.accepted:
            parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
            if ADMIN in str(parsed["To"]) and fragment in str(parsed["Subject"]):
                return parsed
        time.sleep(1)
    subjects = [str(m["Subject"]) for m in handler.accepted]
    raise AssertionError(f"geen melding '{fragment}' binnen {seconds} s; wel: {subjects}")


def _text(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _nothing_twice(handler: Recorder) -> None:
    ids = Counter(str(m["Message-ID"]) for m in handler.accepted)
    assert ids and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]


def _pids_of_tree(root: int) -> list[int]:
    """``root`` and every process below it (from /proc: no package needed)."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(status.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def test_a_worker_killed_mid_run_is_noticed_rerun_once_and_reported(system: dict) -> None:
    env, handler, var = system["env"], system["smtp"], system["var"]
    run_id = _start(env, "regional_analysis", {}, ["auto-scheduled"])
    _wait(env, run_id, {"RUNNING"}, 300)
    time.sleep(3)
    worker = int((var / "run" / "worker.pid").read_text())
    for pid in _pids_of_tree(worker):  # as a machine crash or an OOM kill would
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    time.sleep(5)
    assert _state(env, run_id) == "RUNNING"  # what Prefect alone would show for ever
    up(env)  # a new worker, as make up starts one
    assert _wait(env, run_id, {"CRASHED", "COMPLETED", "FAILED"}, 300) == "CRASHED"
    rerun = _rerun_of(env, run_id, 120)
    assert _wait(env, rerun["id"], {"COMPLETED", "FAILED", "CRASHED"}, RERUN_DELAY + 400) == (
        "COMPLETED"
    )
    alert = _alert(handler, "Geplande run regional-analysis gecrasht; herstart voltooid", 300)
    assert run_id in _text(alert) and "Geen hartslag" in _text(alert)
    _nothing_twice(handler)


def test_the_server_restarted_mid_run_loses_nothing(system: dict) -> None:
    env, handler, var = system["env"], system["smtp"], system["var"]
    run_id = _start(env, "regional_analysis", {"quarter": "2026-Q2"}, ["auto-scheduled"])
    _wait(env, run_id, {"RUNNING"}, 300)
    time.sleep(2)
    server = int((var / "run" / "server.pid").read_text())
    os.killpg(server, signal.SIGTERM)
    for _ in range(60):
        if not Path(f"/proc/{server}").exists():
            break
        time.sleep(0.5)
    time.sleep(3)
    up(env)  # the server back (the worker kept running)
    end = _wait(env, run_id, {"COMPLETED", "FAILED", "CRASHED"}, 600)
    if end != "COMPLETED":  # lost its connection for good: started again, and completed
        rerun = _rerun_of(env, run_id, 300)
        assert _wait(env, rerun["id"], {"COMPLETED", "FAILED", "CRASHED"}, 600) == "COMPLETED"
        _alert(handler, "herstart voltooid", 300)
    _nothing_twice(handler)


def test_the_database_away_for_a_minute_during_a_sweep(system: dict) -> None:
    env, handler, database = system["env"], system["smtp"], system["db"]
    database.stop()
    stopped = time.monotonic()
    try:
        run_id = _start(env, "daily_sweep", {}, ["auto-scheduled"])
        end = _wait(env, run_id, {"COMPLETED", "FAILED", "CRASHED"}, 60)
    finally:
        time.sleep(max(0.0, 60 - (time.monotonic() - stopped)))  # away for a whole minute
        database.start()
    assert end == "FAILED"  # the tasks' retries could not carry a minute: it fails cleanly
    rerun = _rerun_of(env, run_id, 120)
    assert _wait(env, rerun["id"], {"COMPLETED", "FAILED", "CRASHED"}, RERUN_DELAY + 300) == (
        "COMPLETED"
    )
    alert = _alert(handler, "Geplande run daily-sweep mislukt; herstart voltooid", 300)
    assert run_id in _text(alert)
    _nothing_twice(handler)
