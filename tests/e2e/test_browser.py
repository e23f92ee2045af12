"""Staff and providers at the system as `make up` starts it: staff fill in forms and approve a
step in the browser (Playwright with Debian's chromium), a provider's replies are read from the
post folder. A system of its own, so that it runs beside test_system.py."""

from __future__ import annotations

import email
import email.policy
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clm.clock import today_in_region
from clm.settings import PROJECT_DIR
from tests.e2e.cli import api, run_and_watch, system_env
from tests.e2e.systems import flow_run, runs_of, started

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system(
    tmp_path_factory: pytest.TempPathFactory, prefect_template: Path
) -> Iterator[dict[str, str]]:
    """A system of its own, the demo region classified for next year as staff start it (the
    meetings, the judged scores and the steps below start from a classified region)."""
    var = tmp_path_factory.mktemp("browser") / "var"
    with started(system_env(var), prefect_template) as env:
        as_of = today_in_region().isoformat()
        run_and_watch(env, "yearly-classification/jaarlijkse-classificatie", as_of=as_of)
        yield env


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
    run_and_watch(
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
                created = runs_of(system, deployment["id"])
                assert created or attempt == 1, f"het formulier is niet verzonden; {said}"
                warnings.warn(f"formulier (poging {attempt}) bleef staan; {said}", stacklevel=1)
                if created:
                    break
                _fill_in(page, form)
                _pick(page, "Medewerker", "Marieke Jansen (cm-jansen)")

        # the UI leaves the form only after the API created the run
        runs = runs_of(system, deployment["id"])
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
        state = flow_run(env, run_id)["state"]
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
        runs = runs_of(system, deployment["id"])
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
