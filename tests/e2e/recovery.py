"""What the recovery tests share: faults of the orchestration layer caused for real on
127.0.0.1, each test file with a system of its own (its own PostgreSQL instance, never the shared
one, and a real SMTP server that counts Message-IDs), so that they run in parallel."""

from __future__ import annotations

import contextlib
import email.policy
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cli import api, system_env
from tests.e2e.systems import started
from tests.smtp import Recorder, free_port, start_smtp

ADMIN = "functioneelbeheer@regio.example.org"


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


def unavailable(reason: str) -> str | None:
    if os.geteuid() != 0 or not shutil.which("runuser"):
        return reason
    try:
        subprocess.run(["pg_config", "--bindir"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return reason
    return None


@contextlib.contextmanager
def recovery_system(folder: Path, rerun_delay: int, prefect_db: Path) -> Iterator[dict]:
    """A system with its own PostgreSQL instance and a real SMTP server, started by
    `scripts/up.sh` on a copy of ``prefect_db`` (systems.started), its reruns waiting
    ``rerun_delay`` seconds; skipped with the reason where a private PostgreSQL cannot run."""
    reason = unavailable(
        "een eigen PostgreSQL-instantie vraagt root en de PostgreSQL-programma's "
        "(apt-get install postgresql; de server hoeft niet te draaien)"
    )
    if reason:
        pytest.skip(reason)
    database = PrivatePostgres()
    database.start()
    handler, smtp_port = Recorder(), free_port()
    smtp = start_smtp(handler, smtp_port)
    env = system_env(
        folder / "var",
        CLM_DATABASE_URL=database.url,
        CLM_MAIL_TRANSPORT="smtp",
        CLM_SMTP_PORT=str(smtp_port),
        CLM_RERUN_DELAY_SECONDS=str(rerun_delay),
    )
    try:
        with started(env, prefect_db):
            yield {"env": env, "smtp": handler, "db": database, "var": folder / "var"}
    finally:
        smtp.stop()
        with contextlib.suppress(AssertionError):  # already stopped
            database.stop()
        shutil.rmtree(database.folder, ignore_errors=True)


def start_run(env: dict, entrypoint_end: str, params: dict, tags: list[str]) -> str:
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


def run_state(env: dict, run_id: str) -> str:
    return api(env, f"/flow_runs/{run_id}", method="GET")["state_type"]


def wait_for(env: dict, run_id: str, states: set[str], seconds: int) -> str:
    for _ in range(seconds):
        state = run_state(env, run_id)
        if state in states:
            return state
        time.sleep(1)
    raise AssertionError(f"run {run_id} bleef {state}, verwacht {states} binnen {seconds} s")


def rerun_of(env: dict, run_id: str, seconds: int) -> dict:
    for _ in range(seconds):
        runs = api(
            env, "/flow_runs/filter", {"flow_runs": {"tags": {"all_": [f"herstart-van-{run_id}"]}}}
        )
        if runs:
            return runs[0]
        time.sleep(1)
    raise AssertionError(f"geen herstart van {run_id} binnen {seconds} s")


def alert(handler: Recorder, fragment: str, seconds: int) -> email.message.EmailMessage:
    for _ in range(seconds):
        for message in handler.accepted:
            parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
            if ADMIN in str(parsed["To"]) and fragment in str(parsed["Subject"]):
                return parsed
        time.sleep(1)
    subjects = [str(m["Subject"]) for m in handler.accepted]
    raise AssertionError(f"geen melding '{fragment}' binnen {seconds} s; wel: {subjects}")


def plain_text(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def nothing_twice(handler: Recorder) -> None:
    ids = Counter(str(m["Message-ID"]) for m in handler.accepted)
    assert ids and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]


def pids_of_tree(root: int) -> list[int]:
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
