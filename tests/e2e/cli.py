"""What the end-to-end tests share: the environment `scripts/up.sh` gets, and the Prefect CLI
and Python of the project's .venv pointed at the system it started."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from clm.settings import PROJECT_DIR
from tests.smtp import free_port


def system_env(var: Path, **settings: str) -> dict[str, str]:
    """This process's environment less any PREFECT_/CLM_ setting, for a system in ``var`` on a
    free port, with ``settings`` added."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLM_"))}
    return inherited | {
        "CLM_VAR_DIR": str(var),
        "CLM_PORT": str(free_port()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        **settings,
    }


def _api(env: dict[str, str]) -> dict[str, str]:
    return env | {"PREFECT_API_URL": f"http://127.0.0.1:{env['CLM_PORT']}/api"}


def prefect(env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """The `prefect` command against the system of ``env``."""
    return subprocess.run(
        [str(PROJECT_DIR / ".venv" / "bin" / "prefect"), *args],
        cwd=PROJECT_DIR,
        env=_api(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def python(env: dict[str, str], script: str, *args: str) -> str:
    """Run ``script`` with the project's Python against the system; its standard output."""
    done = subprocess.run(
        [str(PROJECT_DIR / ".venv" / "bin" / "python"), "-c", script, *args],
        cwd=PROJECT_DIR,
        env=_api(env),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_and_watch(env: dict[str, str], deployment: str, **params: str) -> str:
    """Start ``deployment`` as staff would from the command line, wait for it to complete."""
    run = prefect(
        env,
        "deployment",
        "run",
        deployment,
        "--params",
        json.dumps(params),  # the form's fields, flat (flows.common.flat_form)
        "--watch",
        "--watch-timeout",
        "300",
    )
    assert run.returncode == 0 and "Completed" in run.stdout, run.stdout + run.stderr
    return run.stdout


def api(env: dict[str, str], path: str, body: dict | None = None, method: str = "POST") -> object:
    """One call of the system's REST API (JSON in and out), as the UI makes it."""
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{env['CLM_PORT']}/api{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = response.read()
        return json.loads(answer) if answer else None


def up(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`scripts/up.sh` again for the system of ``env`` (as `make up` does); it must succeed."""
    again = subprocess.run(
        ["bash", "scripts/up.sh"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    return again
