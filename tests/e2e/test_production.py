"""Production mode: PostgreSQL for the domain and for the Prefect server, two workers, real
SMTP with the password in a Secret block. Started with the same scripts/up.sh."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from clm.clock import today_in_region
from clm.settings import PROJECT_DIR
from tests.conftest import PG_ADMIN_URL
from tests.e2e.cli import python, run_and_watch, system_env
from tests.smtp import Recorder, free_port, start_smtp

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
PASSWORD = "productie-wachtwoord-4242"
LOGIN = "beheer:api-wachtwoord-1717"  # the Prefect server's basic-auth credential


def _postgres_or_skip() -> None:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # not reachable here
        pytest.skip(f"PostgreSQL niet bereikbaar op {PG_ADMIN_URL}: {type(exc).__name__}")


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict, Recorder]]:
    _postgres_or_skip()
    suffix = uuid.uuid4().hex[:8]
    names = {"clm": f"clm_prod_{suffix}", "prefect": f"prefect_prod_{suffix}"}
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    handler = Recorder()
    handler.password = PASSWORD
    smtp_port = free_port()
    smtp = start_smtp(handler, smtp_port)
    folder = tmp_path_factory.mktemp("production")
    credential = folder / "api-login"
    credential.write_text(f"{LOGIN}\n")
    credential.chmod(0o600)
    env = system_env(
        folder / "var",
        CLM_API_CREDENTIAL_FILE=str(credential),
        PREFECT_API_AUTH_STRING=LOGIN,  # what env.sh gives the CLI, for the test's own calls
        CLM_WORKERS="2",
        CLM_DATABASE_URL=f"{base}/{names['clm']}",
        PREFECT_API_DATABASE_CONNECTION_URL=base.replace("+psycopg", "+asyncpg")
        + f"/{names['prefect']}",
        CLM_MAIL_TRANSPORT="smtp",
        CLM_SMTP_PORT=str(smtp_port),
        CLM_SMTP_USER="contractmanagement@regio.example.org",
    )
    run = {"cwd": PROJECT_DIR, "env": env, "capture_output": True, "text": True}
    try:
        # production settings without a login: refused before anything starts
        bare = {
            k: v
            for k, v in env.items()
            if k not in ("CLM_API_CREDENTIAL_FILE", "PREFECT_API_AUTH_STRING")
        }
        open_server = subprocess.run(["bash", "scripts/up.sh"], timeout=60, **(run | {"env": bare}))
        assert open_server.returncode == 1, open_server.stdout + open_server.stderr
        assert "zonder inlog geweigerd" in open_server.stderr
        up = subprocess.run(["bash", "scripts/up.sh"], timeout=600, **run)
        assert up.returncode == 0, up.stdout + up.stderr
        stored = subprocess.run(
            ["bash", "scripts/smtp-password.sh"], input=PASSWORD, timeout=120, **run
        )
        assert stored.returncode == 0, stored.stdout + stored.stderr
        yield env, handler
    finally:
        subprocess.run(["bash", "scripts/down.sh"], timeout=120, **run)
        smtp.stop()
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


WORKERS_SCRIPT = """
from prefect.client.orchestration import get_client
with get_client(sync_client=True) as client:
    workers = client.read_workers_for_work_pool("clm")
print(sorted(w.name for w in workers if w.status.value == "ONLINE"))
"""

TWO_SWEEPS_SCRIPT = """
import json, sys, time
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment

params = {"as_of": sys.argv[1]}
sweep = "daily-sweep/dagelijkse-ronde"
runs = [run_deployment(sweep, parameters=params, timeout=0) for _ in range(2)]
for _ in range(600):
    with get_client(sync_client=True) as client:
        states = [client.read_flow_run(r.id).state.type.value for r in runs]
    if all(s in ("COMPLETED", "FAILED", "CRASHED") for s in states):
        break
    time.sleep(1)
print(json.dumps(states))
"""


def test_postgres_two_workers_and_smtp(production: tuple[dict, Recorder]) -> None:
    env, handler = production
    assert env["CLM_DATABASE_URL"].startswith("postgresql")
    as_of = today_in_region()
    run_and_watch(env, "yearly-classification/jaarlijkse-classificatie", as_of=as_of.isoformat())
    # the letters went out over SMTP, logged in with the password from the Secret block
    letters = [m for m in handler.accepted if "Classificatie" in str(m["Subject"])]
    assert len(letters) == 40
    assert set(handler.logins) == {"contractmanagement@regio.example.org"}

    workers = python(env, WORKERS_SCRIPT).strip().splitlines()[-1]
    assert workers == "['clm-worker', 'clm-worker-2']"

    # two sweeps for the same day at once, on two workers: nothing is sent twice
    handler.accepted.clear()
    states = json.loads(python(env, TWO_SWEEPS_SCRIPT, as_of.isoformat()).splitlines()[-1])
    assert states == ["COMPLETED", "COMPLETED"], states
    ids = Counter(str(m["Message-ID"]) for m in handler.accepted)
    assert set(ids.values()) <= {1}

    logs = "".join(p.read_text() for p in (Path(env["CLM_VAR_DIR"]) / "log").glob("*.log"))
    assert PASSWORD not in logs and LOGIN.split(":")[1] not in logs


def _call(env: dict, path: str, login: str | None) -> int:
    """The HTTP status of a POST to the API, with or without the basic-auth login."""
    import base64
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{env['CLM_PORT']}/api{path}",
        data=b"{}",
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    if login:
        token = base64.b64encode(login.encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_production_server_requires_the_login(production: tuple[dict, Recorder]) -> None:
    """Without the login the API refuses (reading runs, starting one); with it, it answers.
    The worker and the CLI used the same login for everything above."""
    env, _ = production
    assert _call(env, "/flow_runs/filter", None) == 401
    assert _call(env, "/flow_runs/filter", "beheer:fout") == 401
    assert _call(env, "/deployments/filter", None) == 401
    assert _call(env, "/flow_runs/filter", LOGIN) == 200
