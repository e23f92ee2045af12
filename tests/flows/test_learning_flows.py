"""Learning and reporting (issue 8) under the Prefect test harness: the regional analysis,
group meetings and the admission of providers joining mid-term."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from admin.demo import store_demo_kpis
from clm.errors import InvalidInput
from clm.rules.calendar import working_days_before
from clm.rules.config import RegionConfig
from clm.rules.kpis import quarters_back
from clm.services import analysis
from clm.services.common import region_config
from clm.storage.db import UnitOfWork
from clm.storage.models import (
    ActionItem,
    Admission,
    ClassificationRow,
    DossierDocument,
    GroupMeeting,
    Meeting,
    OutboxAttachment,
    OutboxMessage,
    Provider,
    Report,
    Signal,
)
from flows.admit_provider import (
    AdmitProviderInput,
    DecideAdmissionInput,
    admit_provider,
    decide_admission,
)
from flows.daily_sweep import DailySweepInput, daily_sweep
from flows.group_meeting import GroupMeetingInput, group_meeting
from flows.propose_group_topic import ProposeGroupTopicInput, propose_group_topic
from flows.quarterly_preparation import QuarterlyPreparationInput, quarterly_preparation
from flows.record_group_report import RecordGroupReportInput, record_group_report
from flows.regional_analysis import RegionalAnalysisInput, regional_analysis
from flows.yearly_classification import YearlyClassificationInput, yearly_classification
from tests.conftest import AS_OF, count, table_counts
from tests.flows.conftest import artifact_markdown


def _pdf_text(content: bytes) -> str:
    """The text of a PDF with its line breaks folded (the layout breaks lines anywhere)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_regional_analysis_report_pages_and_rerun(demo: Path, cfg: RegionConfig) -> None:
    store_demo_kpis(UnitOfWork(), cfg, quarters_back("2026-Q3", 6), AS_OF)
    out = regional_analysis(RegionalAnalysisInput(as_of=AS_OF))
    assert out["quarter"] == "2026-Q3" and out["report_new"] and out["pages_new"] == 40

    # the report: a PDF with the summary and a page per provider, in var/reports
    path = demo / "reports" / "regioanalyse-2026-Q3.pdf"
    content = path.read_bytes()
    assert content.startswith(b"%PDF") and len(PdfReader(io.BytesIO(content)).pages) >= 41
    text = _pdf_text(content)
    assert "Regioanalyse contractmanagement 2026-Q3" in text
    assert "40 gecontracteerde aanbieders" in text

    # the key figures: the benchmark computed independently appears in the report
    data = analysis.gather(UnitOfWork(), region_config(), "2026-Q3", AS_OF)
    row = data.by_care_type.set_index(["care_type", "kpi_code"]).loc[("AMB", "wachttijd")]
    median = f"{row['median']:.1f}".replace(".", ",")
    markdown = artifact_markdown("regioanalyse-2026-q3")
    assert f"| {int(row['delivered'])} | 6,0 |" in markdown and median in markdown
    assert markdown.count("data:image/png;base64,") == 2  # trend and escalations plots
    assert "Open signalen: kwaliteit" in markdown  # signal kinds in Dutch

    # each provider has its own page in its dossier, with its own figures
    with UnitOfWork() as uow:
        docs = uow.session.scalars(select(DossierDocument)).all()
        pages = [d for d in docs if d.event_key.startswith("analysis:2026-Q3:")]
        provider = uow.session.get(Provider, pages[0].provider_id)
    assert len(pages) == 40
    page_text = _pdf_text(pages[0].content)
    assert provider.name in page_text and "Mediaan perceel" in page_text

    # missed result obligations became signals, once
    obligations = count_signals("obligation:")
    assert obligations == out["signals_new"] > 0

    before = table_counts()
    again = regional_analysis(RegionalAnalysisInput(as_of=AS_OF))
    assert (again["report_new"], again["pages_new"], again["signals_new"]) == (False, 0, 0)
    assert table_counts() == before
    assert count(Report) == 1


def count_signals(prefix: str) -> int:
    with UnitOfWork() as uow:
        return len([k for k in uow.session.scalars(select(Signal.key)) if k.startswith(prefix)])


def test_group_meeting_from_topics_to_followed_up_actions(demo: Path) -> None:
    # too early: the preparation window of the March meeting has not started
    early = group_meeting(GroupMeetingInput(as_of=AS_OF))
    assert early["meeting"] is None and early["next"] == "2027-03-09"

    provider_code, other_code = _codes()[:2]
    propose_group_topic(
        ProposeGroupTopicInput(
            as_of="2027-01-20", proposer=provider_code, topic="Wachtlijsten <b>GGZ</b>"
        )
    )
    twice = propose_group_topic(
        ProposeGroupTopicInput(
            as_of="2027-01-21", proposer=provider_code, topic="Wachtlijsten <b>GGZ</b>"
        )
    )
    assert twice == {"meeting": "2027-03", "new": False}
    propose_group_topic(
        ProposeGroupTopicInput(as_of="2027-01-22", proposer="cm-jansen", topic="Inzet SROI")
    )
    prepared = group_meeting(GroupMeetingInput(as_of="2027-02-01"))
    assert prepared["meeting"] == "2027-03" and prepared["invitations"] == 0
    table = artifact_markdown("groepsoverleg-2027-03-kandidaten")
    assert "Wachtlijsten" in table and "Inzet SROI" in table and "T1" in table

    with pytest.raises(InvalidInput, match="staat niet in de lijst van kandidaten"):
        group_meeting(
            GroupMeetingInput(
                as_of="2027-02-10",
                meeting="2027-03",
                set_agenda=True,
                chosen=["T99"],
                decided_by="bl-deboer",
            )
        )
    invited = group_meeting(
        GroupMeetingInput(
            as_of="2027-02-10",
            meeting="2027-03",
            set_agenda=True,
            chosen=["T1", "T2"],
            region_topics=["Doorontwikkeling KPI's"],
            decided_by="bl-deboer",
        )
    )
    assert invited["invitations"] == 40
    with UnitOfWork() as uow:
        meeting = uow.session.scalar(select(GroupMeeting))
        invitation = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.like("group:2027-03:invite:0:%"))
        )
        ics = uow.session.scalar(
            select(OutboxAttachment).where(OutboxAttachment.message_id == invitation.id)
        )
    assert [i["text"] for i in meeting.agenda][1:4] == [
        "Wachtlijsten <b>GGZ</b>",
        "Inzet SROI",
        "Doorontwikkeling KPI's",
    ]
    assert b"BEGIN:VEVENT" in ics.content and meeting.uid.encode() in ics.content
    assert "Wachtlijsten &lt;b&gt;GGZ&lt;/b&gt;" in invitation.body_html  # escaped
    before = table_counts()
    same = group_meeting(
        GroupMeetingInput(
            as_of="2027-02-11",
            meeting="2027-03",
            set_agenda=True,
            chosen=["T1", "T2"],
            region_topics=["Doorontwikkeling KPI's"],
            decided_by="bl-deboer",
        )
    )
    assert same["invitations"] == 0 and table_counts() == before

    report = RecordGroupReportInput(
        as_of="2027-03-10",
        meeting="2027-03",
        attendees=[provider_code, other_code],
        notes=["Geopend", "Wachtlijsten besproken", "SROI", "KPI's"],
        actions=[
            {
                "description": "Wachtlijstcijfers delen",
                "holder": provider_code,
                "deadline": "2027-04-15",
            },
            {"description": "Voorstel KPI-normen", "holder": "bl-deboer", "deadline": "2027-04-15"},
        ],
        framework_change="Artikel 8: normen voor wachttijd opnemen in de raamovereenkomst.",
        recorded_by="os-mulder",
    )
    sent = record_group_report(report)
    assert sent["reports"] == 40
    with UnitOfWork() as uow:
        meeting = uow.session.scalar(select(GroupMeeting))
        actions = uow.session.scalars(select(ActionItem).order_by(ActionItem.number)).all()
    assert meeting.status == "held" and "Artikel 8" in meeting.framework_change
    assert "Voorstel tot wijziging van de raamovereenkomst" in _pdf_text(meeting.report_pdf)
    assert [(a.owner_side, a.provider_id is not None) for a in actions] == [
        ("provider", True),
        ("region", False),
    ]
    before = table_counts()
    assert record_group_report(report)["reports"] == 0 and table_counts() == before

    # the actions are followed up like those of individual meetings: once before, once after
    first = daily_sweep(DailySweepInput(as_of="2027-04-12"))
    assert first["action_reminders"] == 2
    assert daily_sweep(DailySweepInput(as_of="2027-04-12"))["action_reminders"] == 0
    late = daily_sweep(DailySweepInput(as_of="2027-04-16"))
    assert late["actions_overdue"] == 2
    assert count_signals("group-action:") == 1  # only the provider's action is a signal


def _codes() -> list[str]:
    with UnitOfWork() as uow:
        return list(uow.session.scalars(select(Provider.code).order_by(Provider.code)))


def _application(**changes: object) -> AdmitProviderInput:
    fields = {
        "as_of": "2026-11-02",
        "provider_code": "99000001",
        "name": "Nieuwe Zorg B.V.",
        "contact_name": "Eva de Wit",
        "contact_email": "eva@nieuwezorg.example.org",
        "contract_manager": "cm-bakker",
        "care_types": ["AMB"],
        "applied_on": "2026-11-02",
        "checklist": [
            {"key": "big", "met": True, "document": "BIG-register 2026-10"},
            {"key": "kvk", "met": True, "document": "KvK 12345678"},
            {"key": "vog", "met": True, "document": "VOG-overzicht"},
            {"key": "agb", "met": True, "document": "Vektis"},
            {"key": "kwaliteit", "met": False, "document": ""},
        ],
        "specialisation": 6,
        "information": 5,
        "political_importance": 4,
    }
    return AdmitProviderInput(**{**fields, **changes})


def test_admission_deadline_reminders_and_decision(demo: Path, cfg: RegionConfig) -> None:
    out = admit_provider(_application())
    assert out["application"] == "registered" and out["sent"] == 1  # the receipt
    with UnitOfWork() as uow:
        admission = uow.session.scalar(select(Admission))
    assert admission.deadline == date(2027, 4, 30)  # 2 May 2027 is a Sunday: the Friday before
    assert admit_provider(_application())["application"] == "unchanged"

    # reminders: one per configured term, each once; a gap is caught up with one mail
    twenty = working_days_before(admission.deadline, 20, cfg.calendar)
    assert daily_sweep(DailySweepInput(as_of=twenty - date.resolution))["admission_reminders"] == 0
    assert daily_sweep(DailySweepInput(as_of=twenty))["admission_reminders"] == 1
    assert daily_sweep(DailySweepInput(as_of=twenty))["admission_reminders"] == 0
    assert daily_sweep(DailySweepInput(as_of="2027-04-29"))["admission_reminders"] == 1
    assert daily_sweep(DailySweepInput(as_of="2027-04-30"))["admission_reminders"] == 0

    # not all requirements met: admitting is refused and writes nothing
    before = table_counts()
    with pytest.raises(InvalidInput, match="alle eisen"):
        decide_admission(
            DecideAdmissionInput(
                as_of="2027-04-30", provider_code="99000001", admitted=True, decided_by="cb-smit"
            )
        )
    assert table_counts() == before

    overdue = daily_sweep(DailySweepInput(as_of="2027-05-03"))
    assert overdue["admissions_overdue"] == 1
    assert daily_sweep(DailySweepInput(as_of="2027-05-04"))["admissions_overdue"] == 0
    with pytest.raises(InvalidInput, match="Motivering"):
        decide_admission(
            DecideAdmissionInput(
                as_of="2027-05-04", provider_code="99000001", admitted=False, decided_by="cb-smit"
            )
        )
    refused = decide_admission(
        DecideAdmissionInput(
            as_of="2027-05-04",
            provider_code="99000001",
            admitted=False,
            remark="Geen kwaliteitskeurmerk.",
            decided_by="cb-smit",
        )
    )
    assert refused["status"] == "refused"


def test_admitted_at_once_is_classified_and_planned(demo: Path) -> None:
    yearly_classification(YearlyClassificationInput(as_of=AS_OF))
    quarterly_preparation(QuarterlyPreparationInput(as_of="2027-03-01"))
    application = _application(
        as_of="2027-03-15",
        applied_on="2027-03-10",
        provider_code="99000002",
        admit_now=True,
        checklist=[
            {"key": k, "met": True, "document": f"dossier {k}"}
            for k in ("big", "kvk", "vog", "agb", "kwaliteit")
        ],
    )
    out = admit_provider(application)
    assert out["status"] == "admitted" and out["year"] == 2027
    assert out["from_month"] == "2027-04" and out["meetings_planned"] == 1
    with UnitOfWork() as uow:
        provider = uow.session.scalar(select(Provider).where(Provider.code == "99000002"))
        row = uow.session.scalar(
            select(ClassificationRow).where(ClassificationRow.provider_id == provider.id)
        )
        meeting = uow.session.scalar(select(Meeting).where(Meeting.provider_id == provider.id))
        letters = uow.session.scalars(
            select(OutboxMessage.key).where(OutboxMessage.provider_id == provider.id)
        ).all()
    assert provider.active and row.year == 2027 and row.category == out["category"]
    assert meeting.meeting_month == date(2027, 4, 1)
    assert any(k.startswith("classification:2027:99000002") for k in letters)
    assert any(k.startswith("admission:99000002:decision") for k in letters)
    # the daily sweep no longer watches a decided application
    assert daily_sweep(DailySweepInput(as_of="2027-09-30"))["admissions_overdue"] == 0
    # the same decision again (a rerun after a crash between its steps) completes what was
    # left and adds nothing: one classification, one meeting, one letter
    again = decide_admission(
        DecideAdmissionInput(
            as_of="2027-03-15", provider_code="99000002", admitted=True, decided_by="cm-jansen"
        )
    )
    assert again["status"] == "unchanged" and again["meetings_planned"] == 0
    with UnitOfWork() as uow:
        rows = uow.session.scalars(
            select(ClassificationRow).where(ClassificationRow.provider_id == provider.id)
        ).all()
        meetings = uow.session.scalars(
            select(Meeting).where(Meeting.provider_id == provider.id)
        ).all()
    assert len(rows) == 1 and len(meetings) == 1


def test_a_signal_goes_on_the_group_agenda_only_as_staff_word_it(demo: Path) -> None:
    """The internal text of a signal ('kwaliteit: klachten over …, bron IGJ') never reaches
    every provider: choosing it asks for an agenda item in staff's own words."""
    from flows.record_signal import record_signal

    record_signal(
        as_of="2027-01-20",
        provider_code=_codes()[0],
        kind="kwaliteit",
        source="Melding toegangsteam",
        description="Interne notitie: klachten over aanbieder X bij het toegangsteam",
        recorded_by="cm-jansen",
    )
    group_meeting(GroupMeetingInput(as_of="2027-02-01"))
    table = artifact_markdown("groepsoverleg-2027-03-kandidaten")
    assert "S1" in table
    fix = {"as_of": "2027-02-10", "meeting": "2027-03", "set_agenda": True}
    with pytest.raises(InvalidInput, match="schrijf het agendapunt bij signaal S1 zelf"):
        group_meeting(GroupMeetingInput(**fix, chosen=["S1"], decided_by="bl-deboer"))
    assert count(GroupMeeting) == 1 and not _invitations()
    group_meeting(
        GroupMeetingInput(
            **fix, chosen=["s1: Bereikbaarheid voor verwijzers"], decided_by="bl-deboer"
        )
    )
    with UnitOfWork() as uow:
        meeting = uow.session.scalar(select(GroupMeeting))
    texts = [i["text"] for i in meeting.agenda]
    assert "Bereikbaarheid voor verwijzers" in texts
    mails = _invitations()
    assert mails and not any("Interne notitie" in m.body_text for m in mails)
    assert not any("toegangsteam" in m.body_html for m in mails)


def _invitations() -> list[OutboxMessage]:
    with UnitOfWork() as uow:
        return list(
            uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.key.like("group:2027-03:invite:%"))
            )
        )
