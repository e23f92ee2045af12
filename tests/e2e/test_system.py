"""The whole system as `make up` starts it: a real Prefect server and worker on free ports in
a temp folder, the deployments from prefect.yaml, and a yearly classification run via the API."""

from __future__ import annotations

import email
import email.policy
import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from clm.clock import today_in_region
from clm.settings import PROJECT_DIR
from tests.e2e.cli import api, prefect, python, run_and_watch, system_env, up

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    var = tmp_path_factory.mktemp("system") / "var"
    # a failed run's rerun waits for nothing to come back here (test_recovery takes the
    # product's own reasons for the delay); two minutes of waiting would be all it adds
    env = system_env(var, CLM_RERUN_DELAY_SECONDS="10")
    port = env["CLM_PORT"]
    up = subprocess.run(
        ["bash", "scripts/up.sh"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        assert f"http://127.0.0.1:{port}" in up.stdout
        yield env
    finally:
        down = subprocess.run(
            ["bash", "scripts/down.sh"],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        print(down.stdout, down.stderr)
        logs = var / "log"
        for name in ("server.log", "worker.log"):
            if (logs / name).exists():
                print(f"--- {name} (end)\n" + (logs / name).read_text()[-3000:])


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
    run_ids = [r["id"] for r in _runs_of(system, classification["id"])]
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
    assert _server_errors(var / "log" / "server.log") == []

    # starting again is harmless: nothing new is started or written
    again = up(system)
    assert "draait al" in again.stdout and "Deployments ongewijzigd" in again.stdout


def test_provider_replies_in_the_post_folder_are_read_by_the_mailbox_flow(
    system: dict[str, str], tmp_path: Path
) -> None:
    """Without a mailbox the flow reads .eml files from the post folder: a reply to the data
    request with the filled-in sheet, and 'akkoord' to released minutes."""
    from openpyxl import load_workbook

    from clm.documents.datasheet import data_sheet_template
    from clm.rules.config import load_config
    from tests.mailreplies import reply

    var = Path(system["CLM_VAR_DIR"])
    as_of = today_in_region()
    month = f"{as_of.year + 1}-04"
    run_and_watch(  # idempotent: the meetings of the first test, or planned now
        system, "quarterly-preparation/kwartaalvoorbereiding", as_of=as_of.isoformat(), month=month
    )
    with sqlite3.connect(var / "clm.db") as conn:
        code, contact, name, starts = conn.execute(
            "select p.code, p.contact_email, p.contact_name, m.starts_at from meetings m "
            "join providers p on p.id = m.provider_id order by m.starts_at, p.code limit 1"
        ).fetchone()
    day = str(starts)[:10]

    def sent_to(word: str) -> email.message.EmailMessage:
        for path in sorted((var / "outbox").glob("*.eml")):
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if msg["To"] == contact and word in msg["Subject"]:
                return msg
        raise AssertionError(f"geen mail '{word}' aan {contact}")

    def answer(original: email.message.EmailMessage, body: str, **options: object) -> bytes:
        text = original.get_body(preferencelist=("plain",)).get_content()
        return reply(
            original["Subject"],
            original["Message-ID"],
            text,
            f"{name} <{contact}>",
            body,
            **options,
        )

    cfg = load_config(PROJECT_DIR / "config" / "region.yaml")
    sheet = tmp_path / "blad.xlsx"
    sheet.write_bytes(data_sheet_template(code, name, f"{as_of.year + 1}-Q1", cfg.sheet_kpis))
    book = load_workbook(sheet)
    for row, _ in enumerate(cfg.sheet_kpis, 6):
        book["Gegevens"].cell(row, 5, 3)
    book.save(sheet)
    post = var / "intake" / "post"
    post.mkdir(parents=True, exist_ok=True)
    (post / "gegevens.eml").write_bytes(
        answer(
            sent_to("informatieverzoek"),
            "Hierbij onze gegevens.",
            attachments=[("gegevens.xlsx", sheet.read_bytes())],
        )
    )
    run_and_watch(
        system,
        "record-minutes/verslag-vastleggen",
        as_of=day,
        provider_code=code,
        month=month,
        attendees=[name, "Marieke Jansen"],
        recorded_by="Lotte Mulder (os-mulder)",
    )
    run_and_watch(
        system,
        "release-minutes/verslag-versturen",
        as_of=day,
        provider_code=code,
        month=month,
        released_by="Lotte Mulder (os-mulder)",
    )
    (post / "akkoord.eml").write_bytes(answer(sent_to("Verslag"), "Akkoord."))
    run_and_watch(system, "read-mailbox/post-lezen", as_of=day)
    with sqlite3.connect(var / "clm.db") as conn:
        inbound = conn.execute("select status from inbound_mails").fetchall()
        figures = conn.execute(
            "select count(*) from kpi_values v join providers p on p.id = v.provider_id "
            "where p.code = ? and v.quarter = ?",
            (code, f"{as_of.year + 1}-Q1"),
        ).fetchone()[0]
        minutes = conn.execute("select status from minutes").fetchall()
    assert inbound == [("done",), ("done",)]
    assert figures == len(cfg.sheet_kpis) and minutes == [("final",)]
    assert sorted(p.name for p in (post / "verwerkt").iterdir()) == [
        "akkoord.eml",
        "gegevens.eml",
    ]
    assert "Ontvangen" in sent_to("Ontvangen")["Subject"]
    assert sent_to("Definitief verslag")


def _server_errors(log: Path) -> list[str]:
    """Tracebacks in the server log, and any 'database is locked' line.

    The server runs with queued SQLite transactions (scripts/prefect_server.py), so lock
    contention waits instead of failing; a lock error here is a regression of that set-up.
    """
    text = log.read_text()
    blocks = [b[-400:] for b in text.split("Traceback (most recent call last):")[1:]]
    return blocks + [line for line in text.splitlines() if "database is locked" in line]


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
        states = [_flow_run(system, run["id"])["state_type"] for run in busy]
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
            state = _flow_run(system, run["id"])["state_type"]
            if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                break
            time.sleep(0.5)
        assert state == "COMPLETED", (run["name"], state)
    assert _server_errors(Path(system["CLM_VAR_DIR"]) / "log" / "server.log") == []
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


SCREENSHOTS = PROJECT_DIR / "test-output" / "screenshots"


def _field(page, label: str):  # noqa: ANN001, ANN202
    """The input of a field of the UI's parameter form, found by its (Dutch) title."""
    return page.locator(
        "xpath=//span[contains(@class,'schema-form-property__label') and normalize-space()="
        f"'{label}']/ancestor::div[contains(concat(' ',@class,' '),' schema-form-property ')][1]"
        "//*[self::textarea or self::input]"
    ).first


def _fill_in(page, form: dict[str, str]) -> None:  # noqa: ANN001
    """Types each value into its field and checks that the field holds it."""
    from playwright.sync_api import expect

    for label, value in form.items():
        field = _field(page, label)
        field.fill(value)
        expect(field).to_have_value(value)


def _pick(page, label: str, choice: str) -> None:  # noqa: ANN001
    """Picks ``choice`` from the pick list of a field, as a person does: the arrows at the
    right of the field open the list (the form's description says so), a click chooses."""
    from playwright.sync_api import expect

    field = page.locator(
        "xpath=//span[contains(@class,'schema-form-property__label') and normalize-space()="
        f"'{label}']/ancestor::div[contains(concat(' ',@class,' '),' schema-form-property ')][1]"
    ).first
    field.locator(".p-select-button__icon").click()
    page.get_by_role("option", name=choice, exact=True).click()
    expect(field.locator(".p-select-button__value")).to_have_text(choice)


def _watch_page(page) -> list:  # noqa: ANN001
    """Collects what a failing form submission leaves behind: the browser's console errors and
    the API's refusals, so a failure in CI says why without a screenshot at hand."""
    seen: list = []
    page.on("console", lambda m: m.type == "error" and seen.append(f"console: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and "/api/" in r.url and seen.append(r))
    return seen


def _what_the_page_says(page, seen: list) -> str:  # noqa: ANN001
    """The form's field messages and the collected errors with the API's answers, as one line.
    (The UI's toasts are gone by the time the test looks; the API's answer holds their text.)"""
    shown = page.locator(".p-label__message").all_inner_texts()
    parts = [f"url {page.url}", *(t.strip() for t in shown if t.strip())]
    for item in seen:
        if isinstance(item, str):
            parts.append(item)
            continue
        try:
            body = item.text()[:500]
        except Exception as error:  # noqa: BLE001 - the body may be gone after a navigation
            body = f"(antwoord niet leesbaar: {error})"
        parts.append(f"HTTP {item.status} {item.request.method} {item.url}: {body}")
    return " | ".join(parts)


def _flow_run(env: dict[str, str], run_id: str) -> dict:
    return api(env, f"/flow_runs/{run_id}", None, method="GET")


def _runs_of(env: dict[str, str], deployment_id: str) -> list[dict]:
    """The flow runs of one deployment, from the API."""
    return api(env, "/flow_runs/filter", {"deployments": {"id": {"any_": [deployment_id]}}})


def test_staff_record_judged_scores_in_the_browser(system: dict[str, str]) -> None:
    """As staff do: open the UI, fill in the typed form of a deployment, start it, wait for
    the run and read its artifact. Screenshots go to test-output/screenshots/."""
    import re
    import warnings

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.browser import chromium

    executable = chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{system['CLM_PORT']}"
    var = Path(system["CLM_VAR_DIR"])
    with sqlite3.connect(var / "clm.db") as conn:
        code = conn.execute("select max(code) from providers").fetchone()[0]
    deployment = next(
        d
        for d in api(system, "/deployments/filter", {})
        if d["entrypoint"].endswith("record_judged_scores")
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        seen = _watch_page(page)
        page.goto(f"{base}/deployments/deployment/{deployment['id']}", wait_until="networkidle")
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("Custom run").click()
        page.wait_for_url(re.compile(r".*/run(\?.*)?$"))
        # the form is built from the deployment's schema once it has loaded: fill it after that
        page.wait_for_load_state("networkidle")
        form = {
            "AGB-code aanbieder": code,
            "Classificatiejaar": "2027",
            "Specialisatie van het aanbod (1-10)": "9",
            "Bijdrage aan informatie (1-10)": "8",
            "Politiek belang (1-10)": "7",
            "Toelichting (Optional)": "Uniek aanbod in de regio",
            "Peildatum (Optional)": f"{today_in_region():%d-%m-%Y}",  # typed, as staff type it
        }
        _fill_in(page, form)
        _pick(page, "Medewerker", "Marieke Jansen (cm-jansen)")
        page.screenshot(path=SCREENSHOTS / "1-formulier.png", full_page=True)
        # On success the UI creates the run and goes back to the deployment's page. A submission
        # that did not get through (seen once in CI, not reproduced) is tried once more, as staff
        # would; what the page said the first time is reported as a warning either way.
        for attempt in (1, 2):
            page.get_by_role("button", name="Submit").click()
            try:
                page.wait_for_url(re.compile(r".*/deployments/deployment/[^/]+$"), timeout=90_000)
                break
            except PlaywrightTimeout:
                page.screenshot(path=SCREENSHOTS / f"fout-verzenden-{attempt}.png", full_page=True)
                said = _what_the_page_says(page, seen)
                created = _runs_of(system, deployment["id"])
                assert created or attempt == 1, f"het formulier is niet verzonden; {said}"
                warnings.warn(f"formulier (poging {attempt}) bleef staan; {said}", stacklevel=1)
                if created:
                    break
                _fill_in(page, form)
                _pick(page, "Medewerker", "Marieke Jansen (cm-jansen)")

        # the UI leaves the form only after the API created the run
        runs = _runs_of(system, deployment["id"])
        assert runs, "de run is niet aangemaakt; " + _what_the_page_says(page, seen)
        page.goto(f"{base}/runs/flow-run/{runs[0]['id']}", wait_until="networkidle")
        expect(page.get_by_text("Completed").first).to_be_visible(timeout=180_000)
        page.screenshot(path=SCREENSHOTS / "2-run-voltooid.png")
        page.get_by_text("Artifacts", exact=True).click()
        card = page.get_by_text(f"oordelen-{code}-2027").first
        expect(card).to_be_visible(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "3-artefacten.png", full_page=True)
        card.click()
        expect(page.get_by_text("Specialisatie van het aanbod").first).to_be_visible(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "4-artefact.png", full_page=True)
        browser.close()
    with sqlite3.connect(var / "clm.db") as conn:
        scores = conn.execute(
            "select specialisation, information, political_importance, remark "
            "from judged_scores join providers on providers.id = provider_id "
            "where code = ? and year = 2027",
            (code,),
        ).fetchone()
    assert scores == (9, 8, 7, "Uniek aanbod in de regio")


def _approval_codes(outbox: Path, step: int, provider: str) -> dict[str, str]:
    """The one-time codes of a provider's escalation step as delivered: address -> code."""
    from clm.rules.escalation import ONE_TIME_CODE

    found = {}
    mails = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in outbox.glob("*.eml")
    ]
    for msg in sorted(mails, key=lambda m: m["Date"].datetime):  # the latest code counts
        if msg["Subject"] == f"Goedkeuring gevraagd: trede {step} voor {provider}":
            text = msg.get_body(preferencelist=("plain",)).get_content()
            found[str(msg["To"])] = ONE_TIME_CODE.search(text)[0]
    return found


def _wait_for_state(
    env: dict[str, str], run_id: str, kinds: set[str], seconds: int = 240, after: str = ""
) -> tuple[str, str]:
    """(state type, state id) once the run is in one of ``kinds`` in a state other than
    ``after`` (a run resumed and suspended again is PAUSED anew)."""
    import time

    for _ in range(seconds * 2):
        state = _flow_run(env, run_id)["state"]
        if state["type"] in kinds and state["id"] != after:
            return state["type"], state["id"]
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} bleef in {state['type']}, verwacht {kinds}")


def _resume_in_dialog(page, base: str, run_id: str, code: str) -> str:  # noqa: ANN001
    """Open the waiting run's page, Resume, read what is asked, choose 'goedkeuren', type the
    code and submit; returns the text the dialog showed."""
    from playwright.sync_api import expect

    page.goto(f"{base}/runs/flow-run/{run_id}", wait_until="networkidle")
    page.get_by_role("button", name="Resume").click()
    dialog = page.locator(".p-modal").first
    expect(dialog.get_by_text("Uw eenmalige code")).to_be_visible(timeout=30_000)
    said = dialog.inner_text()
    _pick(page, "Besluit", "goedkeuren")
    _fill_in(page, {"Uw eenmalige code": code, "Toelichting (Optional)": "Terecht"})
    return said


def test_staff_ask_and_approve_a_step_in_the_browser(system: dict[str, str]) -> None:
    """As staff do it: start a notice of default from the form (a typed date, the requester
    picked from the list), then, as the second person, approve it in the Resume dialog with
    the code from their own mail: a wrong code is refused in the same run with the reason,
    the right one takes the step, and the run ends with its receipt."""
    import re

    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.browser import chromium

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{system['CLM_PORT']}"
    var = Path(system["CLM_VAR_DIR"])
    with sqlite3.connect(var / "clm.db") as conn:
        code, name = conn.execute(
            "select code, name from providers order by code limit 1 offset 1"
        ).fetchone()
    deployment = next(
        d for d in api(system, "/deployments/filter", {}) if d["entrypoint"].endswith(":escalation")
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium(),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(f"{base}/deployments/deployment/{deployment['id']}/run", wait_until="networkidle")
        expect(page.get_by_text("Onderbouwing").first).to_be_visible(timeout=30_000)
        _fill_in(
            page,
            {
                "AGB-code aanbieder": code,
                "Trede (1-7)": "3",
                "Onderbouwing": "Herstel blijft uit na het verbeterplan",
                "Wederhoor op (Optional)": f"{today_in_region():%d-%m-%Y}",
                "Samenvatting wederhoor (Optional)": "Gesprek met het bestuur",
            },
        )
        _pick(page, "Medewerker", "Anouk Visser (cm-visser)")
        page.screenshot(path=SCREENSHOTS / "5-escalatie-formulier.png", full_page=True)
        page.get_by_role("button", name="Submit").click()
        page.wait_for_url(re.compile(r".*/deployments/deployment/[^/]+$"), timeout=90_000)
        runs = _runs_of(system, deployment["id"])
        run_id = max(
            (r for r in runs if r["parameters"].get("provider_code") == code),
            key=lambda r: r["created"],
        )["id"]
        waiting, state_id = _wait_for_state(system, run_id, {"PAUSED", "FAILED", "CRASHED"})
        assert waiting == "PAUSED"

        # a code that is not theirs: told why in the same run, and asked again
        said = _resume_in_dialog(page, base, run_id, "ABCD-EFGH")
        assert f"AGB {code}" in said and "Trede 3" in said and "Anouk Visser" in said, said
        page.screenshot(path=SCREENSHOTS / "6-goedkeuren-dialoog.png", full_page=True)
        page.get_by_role("button", name="Submit").click()
        waiting, _ = _wait_for_state(
            system, run_id, {"PAUSED", "FAILED", "CRASHED"}, after=state_id
        )
        assert waiting == "PAUSED"
        codes = _approval_codes(var / "outbox", 3, name)
        assert "a.visser@regio.example.org" not in codes  # never to the requester
        said = _resume_in_dialog(page, base, run_id, codes["y.bakker@regio.example.org"])
        assert "Vorig antwoord niet aanvaard" in said and "hoort niet bij deze trede" in said
        page.screenshot(path=SCREENSHOTS / "7-tweede-poging.png", full_page=True)
        page.get_by_role("button", name="Submit").click()
        ended, _ = _wait_for_state(system, run_id, {"COMPLETED", "FAILED", "CRASHED"})
        assert ended == "COMPLETED"

        # the receipt on the run's page
        page.goto(f"{base}/runs/flow-run/{run_id}", wait_until="networkidle")
        page.get_by_text("Artifacts", exact=True).click()
        card = page.get_by_text("bevestiging-escalatie-trede").first
        expect(card).to_be_visible(timeout=30_000)
        card.click()
        expect(page.get_by_text("Trede 3: genomen").first).to_be_visible(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "8-bevestiging.png", full_page=True)
        browser.close()
    with sqlite3.connect(var / "clm.db") as conn:
        decided = conn.execute(
            "select decided_by from escalation_steps join escalations e on e.id = escalation_id "
            "join providers p on p.id = e.provider_id where p.code = ?",
            (code,),
        ).fetchone()[0]
    assert decided == "cm-bakker"  # the owner of the code, not a typed name
