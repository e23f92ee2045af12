"""One of each document the product sends or stores, made by the services from the demo
region: what a region's providers will receive. The document checks open them in a real
office suite, and the README's pictures of them are rendered from the same set.

The steps run a part of the demo year on a database of their own: the demo loaded and
classified, the April meetings prepared, one provider's data taken in, its final agenda,
its minutes (sheet, draft and final), a first escalation step, a group meeting, the
regional analysis, a dossier export, a meeting moved and then cancelled.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from admin.demo import load_demo, store_demo_kpis
from clm.clock import REGION_TZ
from clm.rules.calendar import add_working_days
from clm.rules.commands import GroupAction, StepRequest
from clm.rules.config import RegionConfig
from clm.rules.kpis import quarters_back
from clm.services import analysis, group_meetings, minutes
from clm.services.classification import (
    ReferencePeriod,
    compute_classification,
    store_classification,
)
from clm.services.data_intake import take_in_data_sheet
from clm.services.dossier_export import export_dossier
from clm.services.escalation import request_step
from clm.services.followup import send_due_final_agendas
from clm.services.meeting_changes import cancel_meeting, move_meeting
from clm.services.meetings import as_utc, prepare_month
from clm.storage.db import UnitOfWork
from clm.storage.models import Meeting, OutboxAttachment, OutboxMessage, Provider

AS_OF = date(2026, 11, 23)  # the demo's "today"
APRIL = date(2027, 4, 1)

# the kinds, in the order a provider meets them; the file name a sample is saved under
KINDS = {
    "conceptagenda": "conceptagenda.docx",
    "gegevensblad": "gegevensblad.xlsx",
    "uitnodiging": "uitnodiging.ics",
    "agenda": "agenda.pdf",
    "verslagblad": "verslagblad.xlsx",
    "verslag-concept": "verslag-concept.pdf",
    "verslag-definitief": "verslag-definitief.pdf",
    "verplaatst": "uitnodiging-verplaatst.ics",
    "geannuleerd": "uitnodiging-geannuleerd.ics",
    "tredebrief": "tredebrief.pdf",
    "groep-uitnodiging": "groepsoverleg-uitnodiging.ics",
    "groep-verslag": "groepsoverleg-verslag.pdf",
    "regioanalyse": "regioanalyse.pdf",
    "analysepagina": "regioanalyse-aanbieder.pdf",
    "dossier": "dossier.pdf",
}


@dataclass
class Samples:
    """The sample documents (kind → file) and what they were made for."""

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    provider_code: str = ""
    provider_name: str = ""
    meeting_uid: str = ""
    meeting_start: datetime | None = None  # local time, before the move
    moved_start: datetime | None = None


def make_samples(url: str, cfg: RegionConfig, folder: Path) -> Samples:
    """Run the steps on the empty, migrated database at ``url`` and save one document of
    each kind in ``folder``."""

    def uow() -> UnitOfWork:
        return UnitOfWork(url)

    work = folder / "werk"
    (work / "intake").mkdir(parents=True, exist_ok=True)
    out = Samples(folder)
    load_demo(uow, cfg, AS_OF, work / "intake")
    period = ReferencePeriod.calendar_year(AS_OF.year - 1)
    result = compute_classification(uow(), cfg, AS_OF.year + 1, period)
    store_classification(uow(), cfg, AS_OF.year + 1, period, result, AS_OF)
    prepare_month(uow(), cfg, APRIL, date(2027, 3, 1))
    with uow() as u:
        meeting, provider = u.session.execute(
            select(Meeting, Provider).join(Provider).order_by(Meeting.starts_at)
        ).first()
        code, uid, final_due = provider.code, meeting.uid, meeting.final_agenda_due
        out.provider_code, out.provider_name, out.meeting_uid = code, provider.name, uid
        out.meeting_start = as_utc(meeting.starts_at).astimezone(REGION_TZ)
    day = out.meeting_start.date()

    def attachment(key_like: str, name_like: str) -> bytes:
        with uow() as u:
            content = u.session.scalar(
                select(OutboxAttachment.content)
                .join(OutboxMessage)
                .where(OutboxMessage.key.like(key_like), OutboxAttachment.filename.like(name_like))
                .order_by(OutboxMessage.id.desc())
            )
        if content is None:
            raise LookupError(f"geen bijlage {name_like} bij {key_like}")
        return content

    def save(kind: str, content: bytes) -> None:
        path = folder / KINDS[kind]
        path.write_bytes(content)
        out.files[kind] = path

    # the data request: draft agenda, data sheet, invite
    save("conceptagenda", attachment(f"%{code}%", "conceptagenda-%.docx"))
    save("gegevensblad", attachment(f"%{code}%", "gegevens-%.xlsx"))
    save("uitnodiging", attachment(f"%{code}%", "uitnodiging.ics"))

    # the provider sends its figures; the final agenda goes out
    sheet = work / "gegevens.xlsx"
    sheet.write_bytes(out.files["gegevensblad"].read_bytes())
    book = load_workbook(sheet)
    for r, _kpi in enumerate(cfg.sheet_kpis, 6):
        book["Gegevens"].cell(r, 5, 4)
    book.save(sheet)
    take_in_data_sheet(uow(), cfg, sheet, date(2027, 3, 10))
    send_due_final_agendas(uow(), cfg, final_due)
    save("agenda", attachment(f"%{code}:final-agenda", "%.pdf"))

    # the minutes: the blank sheet, filled in, the draft sent, agreed and final
    blank = minutes.write_template(uow(), cfg, code, APRIL, work / "verslagen")
    save("verslagblad", blank.read_bytes())
    fill_minutes_sheet(blank, day)
    minutes.record_minutes_sheet(uow(), cfg, blank, "os-mulder", day)
    sent_on = add_working_days(day, 3, cfg.calendar)
    minutes.release_minutes(uow(), cfg, code, APRIL, "os-mulder", sent_on)
    save("verslag-concept", attachment("minutes:%", "verslag-%-v1.pdf"))
    minutes.register_reaction(uow(), cfg, code, APRIL, True, {}, "os-mulder", sent_on)
    save("verslag-definitief", attachment("%", "verslag-%-definitief.pdf"))

    # a first step on the ladder: the letter
    request_step(
        uow(),
        cfg,
        StepRequest(
            provider_code=code,
            step=1,
            reason="Wachttijden twee kwartalen op rij ruim boven de norm",
            requested_by="cm-jansen",
            heard_on=sent_on,
            hearing_summary="Aanbieder erkent de achterstand en werkt aan een plan",
        ),
        sent_on + timedelta(days=1),
    )
    save("tredebrief", attachment("%", "trede-1-%.pdf"))

    # a group meeting: invite and report
    key = group_meetings.open_next(uow(), cfg, date(2027, 2, 1))
    if key is None:
        raise LookupError("geen groepsoverleg te openen op 1 februari 2027")
    group_meetings.set_agenda(
        uow(), cfg, key, [], ["Wachttijden in de regio"], "bl-deboer", date(2027, 2, 1)
    )
    save("groep-uitnodiging", attachment(f"group:{key}:invite:%", "%.ics"))
    with uow() as u:
        attending = list(u.session.scalars(select(Provider.code).order_by(Provider.code)))[:6]
    group_meetings.record_report(
        uow(),
        cfg,
        key,
        attending,
        ["Opening: iedereen welkom.", "Wachttijden: de regio deelt de cijfers per perceel."],
        [GroupAction("Wachtlijstcijfers delen", code, date(2027, 4, 15))],
        "Artikel 8: normen voor wachttijd opnemen in de raamovereenkomst.",
        "os-mulder",
        date(2027, 3, 20),
    )
    save("groep-verslag", attachment(f"group:{key}:report:%", "%.pdf"))

    # the regional analysis of the quarter: the region's PDF and one provider's page
    store_demo_kpis(uow(), cfg, quarters_back("2026-Q3", 6), AS_OF)
    data = analysis.gather(uow(), cfg, "2026-Q3", AS_OF)
    rendered = analysis.render_report(data, cfg)
    save("regioanalyse", rendered.report_pdf)
    with uow() as u:
        provider_id = u.session.scalar(select(Provider.id).where(Provider.code == code))
    save("analysepagina", rendered.provider_pages[provider_id][1])

    # the contract dossier of the provider, as an auditor gets it
    export = export_dossier(uow(), cfg, code, AS_OF, sent_on + timedelta(days=5), work)
    save("dossier", Path(export.pdf).read_bytes())

    # the meeting moved: the invite again, same UID, next sequence
    moved = datetime.combine(day + timedelta(days=2), out.meeting_start.time())
    move_meeting(uow(), cfg, code, APRIL, moved, None, "cm-jansen", date(2027, 3, 5))
    out.moved_start = moved.replace(tzinfo=REGION_TZ)
    save("verplaatst", attachment(f"%{code}:moved:%", "uitnodiging.ics"))
    # and then cancelled: the cancellation replaces it
    cancel_meeting(uow(), cfg, code, APRIL, "ziekte", "cm-jansen", date(2027, 3, 6))
    save("geannuleerd", attachment(f"%{code}:cancelled:%", "uitnodiging.ics"))
    return out


def fill_minutes_sheet(path: Path, day: date) -> None:
    """The minutes sheet of a meeting on ``day`` as the support officer fills it in:
    attendees, item 4b discussed and decided, one action for each side."""
    book = load_workbook(path)
    ws, actions = book["Verslag"], book["Actiepunten"]
    ws["B4"] = "Eva de Vries, Marieke Jansen"
    row = next(r for r in range(7, ws.max_row + 1) if ws.cell(r, 1).value == "4b")
    ws.cell(row, 3, "Wachtlijst besproken")
    ws.cell(row, 4, "Plan van aanpak voor 1 mei")
    actions.append(["4b", "Plan van aanpak", "aanbieder", "Eva de Vries", day + timedelta(days=20)])
    actions.append(["5", "Benchmark delen", "regio", "cm-jansen", day + timedelta(days=10)])
    book.save(path)


def print_with_libreoffice(files: list[Path], folder: Path, to: str = "pdf") -> dict[Path, Path]:
    """Open each file in LibreOffice (headless, a profile of its own, one run for all) and
    save it as ``to`` in ``folder``, as a provider's program would: source → converted file."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(folder / 'profiel').as_uri()}", "--headless",
         "--norestore", "--convert-to", to, "--outdir", str(folder), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    out = {f: folder / f"{f.stem}.{to}" for f in files}
    unopened = [str(f) for f, o in out.items() if not o.exists()]
    if unopened:
        raise RuntimeError(f"LibreOffice opende niet: {unopened}")
    return out
