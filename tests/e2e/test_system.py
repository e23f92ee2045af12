"""The whole system as `make up` starts it: a real Prefect server and worker on free ports in
a temp folder, the deployments from prefect.yaml, a yearly classification run via the API, and a
burst of run clicks during a sweep. The browser and the post folder: test_browser.py."""

from __future__ import annotations

import email
import email.policy
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from clm.clock import today_in_region
from clm.settings import PROJECT_DIR
from tests.e2e.cli import api, prefect, python, run_and_watch, system_env, up
from tests.e2e.systems import flow_run, runs_of, server_errors, started

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    var = tmp_path_factory.mktemp("system") / "var"
    # a failed run's rerun waits for nothing to come back here (test_recovery takes the
    # product's own reasons for the delay); two minutes of waiting would be all it adds
    with started(system_env(var, CLM_RERUN_DELAY_SECONDS="10")) as env:
        yield env


# Starts the escalation deployment, waits until the run is suspended (its process gone),
# resumes it with the approval as typed input, and waits for the end.
APPROVAL_SCRIPT = """
import json, sys, time
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.flow_runs import resume_flow_run

run = run_deployment("escalation/escalatie-trede", parameters=json.loads(sys.argv[1]), timeout=0)
seen = []
def wait(kinds):
    for _ in range(600):
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(run.id).state
        if state.type.value in kinds:
            seen.append(state.type.value)
            return
        time.sleep(0.5)
    raise SystemExit(f"timeout waiting for {kinds}, last state {state.type.value}")
wait({"PAUSED", "FAILED", "CRASHED"})
# the approver's one-time code, from the mail delivered to them (the outbox keeps only a hash)
import email, email.policy, pathlib, re
code = None
for _ in range(120):
    for path in pathlib.Path(sys.argv[2]).glob("*.eml"):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if msg["To"] == "y.bakker@regio.example.org" and "Goedkeuring gevraagd" in msg["Subject"]:
            text = msg.get_body(preferencelist=("plain",)).get_content()
            code = re.search(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", text).group(0)
    if code:
        break
    time.sleep(0.5)
resume_flow_run(run.id, run_input={"decision": "goedkeuren", "code": code, "remark": "akkoord"})
wait({"COMPLETED", "FAILED", "CRASHED"})
print(" ".join(seen))
"""


# A run of a deployment that fails (the file does not exist), tagged as the scheduler tags
# its runs.
FAILING_SCRIPT = """
from prefect.deployments import run_deployment
run = run_deployment(
    "import-declarations/declaraties-inlezen",
    parameters={"file_name": "bestaat-niet.csv"},
    tags=["auto-scheduled"],
    timeout=300,
)
print(run.state.type.value)
"""


def _wait_for_mail(outbox: Path, to: str, seconds: int) -> str:
    """The text of the first .eml in ``outbox`` addressed to ``to``, waiting for it."""
    import time

    for _ in range(seconds):
        for path in outbox.glob("*.eml"):
            content = path.read_text(encoding="utf-8", errors="replace")
            if f"To: {to}" in content:
                return content
        time.sleep(1)
    raise AssertionError(f"geen mail aan {to} binnen {seconds} s")


def _deployments_in_prefect_yaml() -> list[str]:
    """'<flow name>/<deployment name>' of every deployment that prefect.yaml declares."""
    import importlib

    spec = yaml.safe_load((PROJECT_DIR / "prefect.yaml").read_text(encoding="utf-8"))
    names = []
    for deployment in spec["deployments"]:
        path, func = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        names.append(f"{getattr(module, func).name}/{deployment['name']}")
    return names


def test_up_deploys_every_flow_and_runs_a_classification(system: dict[str, str]) -> None:
    listed = prefect(system | {"COLUMNS": "300"}, "deployment", "ls")  # names untruncated
    names = _deployments_in_prefect_yaml()
    assert len(names) >= 12
    for name in names:
        assert name in listed.stdout, listed.stdout

    as_of = today_in_region()
    run_and_watch(system, "yearly-classification/jaarlijkse-classificatie", as_of=as_of.isoformat())

    var = Path(system["CLM_VAR_DIR"])
    with sqlite3.connect(var / "clm.db") as conn:
        rows = conn.execute("select count(*), min(year), max(year) from classifications").fetchone()
        sent = conn.execute(
            "select count(*) from outbox where status = 'sent' and key like 'classification:%'"
        ).fetchone()[0]
    assert rows == (40, as_of.year + 1, as_of.year + 1)
    assert sent == 40
    with sqlite3.connect(var / "clm.db") as conn:  # the demo's contract register (make up)
        register = conn.execute("select count(*), count(decide_by) from contracts").fetchone()
        amendments = dict(conn.execute("select title, status from amendments").fetchall())
        subs = conn.execute("select count(*) from subcontracts").fetchone()[0]
    assert register[0] > 40 and register[1] > 0 and subs == 2
    assert sorted(amendments.values()) == ["applied", "deferred"]
    # the run's page shows its named artifacts only: no stray result artifact without a name
    classification = next(
        d for d in api(system, "/deployments/filter", {}) if d["name"] == "jaarlijkse-classificatie"
    )
    run_ids = [r["id"] for r in runs_of(system, classification["id"])]
    artifacts = api(system, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": run_ids}}})
    assert artifacts and all(a["key"] for a in artifacts), [a["key"] for a in artifacts]
    # the demo's contract register put its history in the outbox too (two amendments)
    emls = [
        p
        for p in (var / "outbox").glob("*.eml")
        if b"Classificatie contractmanagement" in (p.read_bytes())
    ]
    assert len(emls) == 40
    before = set((var / "outbox").glob("*.eml"))

    # the quarterly preparation for the next April, started the same way
    next_april = f"{as_of.year + 1}-04"
    run_and_watch(
        system,
        "quarterly-preparation/kwartaalvoorbereiding",
        as_of=as_of.isoformat(),
        month=next_april,
    )
    with sqlite3.connect(var / "clm.db") as conn:
        meetings = conn.execute("select count(*) from meetings").fetchone()[0]
    assert meetings == 40
    assert len(set((var / "outbox").glob("*.eml")) - before) == 40

    # a notice of default waits, suspended and holding no worker, for a second person
    code = python(
        system,
        """
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute('select min(code) from providers').fetchone()[0])
""",
        str(var / "clm.db"),
    ).strip()
    params = {  # the form's fields, flat, the date typed as staff type it
        "as_of": as_of.isoformat(),
        "provider_code": code,
        "step": 3,
        "reason": "Herstel blijft uit na het verbeterplan",
        "requested_by": "Marieke Jansen (cm-jansen)",  # as the pick list says it
        "heard_on": f"{as_of:%d-%m-%Y}",
        "hearing_summary": "Gesprek met het bestuur",
    }
    out = python(system, APPROVAL_SCRIPT, json.dumps(params), str(var / "outbox"))
    assert out.splitlines()[-1] == "PAUSED COMPLETED", out
    with sqlite3.connect(var / "clm.db") as conn:
        status, decided_by = conn.execute(
            "select status, decided_by from escalation_steps"
        ).fetchone()
    assert (status, decided_by) == ("active", "cm-bakker")

    # a scheduled run that fails is started again once by recover-run (the automations of
    # prefect.yaml), and the functional administrator hears how that ended, through the outbox
    automations = prefect(system | {"COLUMNS": "250"}, "automation", "ls")
    for name in (
        "clm-geplande-run-mislukt",
        "clm-dagelijkse-ronde-gemist",
        "clm-run-zonder-hartslag",
        "clm-run-gecrasht",
        "clm-herstart-afgelopen",
    ):
        assert name in automations.stdout, automations.stdout
    state = python(system, FAILING_SCRIPT).strip().splitlines()[-1]
    assert state == "FAILED"
    alert = _wait_for_mail(var / "outbox", "functioneelbeheer@regio.example.org", seconds=240)
    subject = email.message_from_string(alert, policy=email.policy.default)["Subject"]
    assert subject == "Geplande run import-declarations mislukt; herstart ook mislukt", alert

    # the server's scheduler has planned the scheduled deployments (and logged no errors)
    scheduled = prefect(system, "flow-run", "ls", "--state-type", "SCHEDULED", "--limit", "50")
    assert "daily-sweep" in scheduled.stdout, scheduled.stdout
    assert server_errors(var / "log" / "server.log") == []

    # starting again is harmless: nothing new is started or written
    again = up(system)
    assert "draait al" in again.stdout and "Deployments ongewijzigd" in again.stdout


BURST_SCRIPT = """
import asyncio, datetime as dt, json, sys, httpx

async def main(api, deployment_id, total, at_once):
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)).isoformat()
    body = {"parameters": {},
            "state": {"type": "SCHEDULED", "state_details": {"scheduled_time": later}}}
    gate, answers = asyncio.Semaphore(at_once), {}
    async with httpx.AsyncClient(base_url=api, timeout=120) as client:
        async def one():
            async with gate:  # one try each, as the UI's Run button: no retry
                try:
                    code = str((await client.post(
                        f"/deployments/{deployment_id}/create_flow_run", json=body)).status_code)
                except httpx.HTTPError as error:
                    code = type(error).__name__
                answers[code] = answers.get(code, 0) + 1
        await asyncio.gather(*(one() for _ in range(total)))
    print(json.dumps(answers))

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
"""


def test_a_burst_of_run_clicks_during_a_sweep_and_a_preparation_gets_no_5xx(
    system: dict[str, str],
) -> None:
    """200 runs created through the API, 8 at a time as the UI's Run button does, while the
    daily sweep and a quarterly preparation run on the worker: every one is created (measured
    before the fix: 151 of 200 refused with 503), and the two runs complete."""
    import time

    deployments = {
        d["entrypoint"].rsplit(":", 1)[1]: d["id"] for d in api(system, "/deployments/filter", {})
    }
    next_july = f"{today_in_region().year + 1}-07"
    busy = [
        api(
            system,
            f"/deployments/{deployments['daily_sweep']}/create_flow_run",
            {"parameters": {}},
        ),
        api(
            system,
            f"/deployments/{deployments['quarterly_preparation']}/create_flow_run",
            {"parameters": {"month": next_july}},
        ),
    ]
    for _ in range(240):  # the burst starts once the worker is running them
        states = [flow_run(system, run["id"])["state_type"] for run in busy]
        if "RUNNING" in states:
            break
        time.sleep(0.5)
    assert "RUNNING" in states, states
    api_url = f"http://127.0.0.1:{system['CLM_PORT']}/api"
    burst = python(system, BURST_SCRIPT, api_url, deployments["daily_sweep"], "200", "8")
    answers = json.loads(burst.splitlines()[-1])
    assert answers == {"201": 200}, answers
    for run in busy:
        for _ in range(600):
            state = flow_run(system, run["id"])["state_type"]
            if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                break
            time.sleep(0.5)
        assert state == "COMPLETED", (run["name"], state)
    assert server_errors(Path(system["CLM_VAR_DIR"]) / "log" / "server.log") == []
    later = api(
        system,
        "/flow_runs/filter",
        {
            "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
            "limit": 200,
            "deployments": {"id": {"any_": [deployments["daily_sweep"]]}},
        },
    )
    for run in later:  # the burst's runs are a month ahead: remove them again
        api(system, f"/flow_runs/{run['id']}", None, method="DELETE")
