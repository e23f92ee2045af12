"""Every deployment, run twice for the same ``as_of``, writes nothing new the second time.

One region is built once for the module (the demo, a classification and an escalation at
step 3); the cases then run in the order of the year, each flow twice, so later flows find
the state the earlier ones left (a meeting to move, minutes to release, an objection to talk
about). A deployment added to prefect.yaml without a case here fails the coverage test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from admin.demo import load_demo
from clm.documents.datasheet import data_sheet_template
from clm.rules.config import RegionConfig, load_config
from clm.services import escalation as esc
from clm.services.classification import (
    ReferencePeriod,
    compute_classification,
    store_classification,
)
from clm.services.meetings import meeting_day
from clm.settings import PROJECT_DIR, get_settings
from clm.storage.db import UnitOfWork, migrate
from clm.storage.models import GroupTopic, Meeting, Provider
from flows.add_agenda_point import AddAgendaPointInput, add_agenda_point
from flows.admit_provider import (
    AdmitProviderInput,
    DecideAdmissionInput,
    admit_provider,
    decide_admission,
)
from flows.cancel_meeting import CancelMeetingInput, cancel_meeting
from flows.close_action import CloseActionInput, close_action
from flows.close_escalation import CloseEscalationInput, close_escalation
from flows.close_work_item import CloseWorkItemInput, close_work_item
from flows.confirm_agenda_points import ConfirmAgendaPointsInput, confirm_agenda_points
from flows.daily_sweep import DailySweepInput, daily_sweep
from flows.decide_option_year import DecideOptionYearInput, decide_option_year
from flows.escalation import EscalationInput, escalation
from flows.escalation_followup import (
    RegisteredMailInput,
    TalkOutcomeInput,
    record_registered_mail,
    record_talk_outcome,
)
from flows.export_dossier import ExportDossierInput, export_dossier
from flows.extra_attendee import ExtraAttendeeInput, extra_attendee
from flows.group_meeting import GroupMeetingInput, group_meeting
from flows.import_contracts import ImportContractsInput, import_contracts
from flows.import_declarations import ImportDeclarationsInput, import_declarations
from flows.import_judged_scores import ImportJudgedScoresInput, import_judged_scores
from flows.intake_provider_data import IntakeProviderDataInput, intake_provider_data
from flows.minutes_template import MinutesTemplateInput, minutes_template
from flows.move_meeting import MoveMeetingInput, move_meeting
from flows.notify_administrator import NotifyAdministratorInput, notify_administrator
from flows.override_category import OverrideCategoryInput, override_category
from flows.propose_amendment import ProposeAmendmentInput, propose_amendment
from flows.propose_group_topic import ProposeGroupTopicInput, propose_group_topic
from flows.quarterly_preparation import QuarterlyPreparationInput, quarterly_preparation
from flows.read_mailbox import ReadMailboxInput, read_mailbox
from flows.record_group_report import RecordGroupReportInput, record_group_report
from flows.record_judged_scores import RecordJudgedScoresInput, record_judged_scores
from flows.record_minutes import RecordMinutesInput, record_minutes
from flows.record_minutes_sheet import RecordMinutesSheetInput, record_minutes_sheet
from flows.record_signal import RecordSignalInput, record_signal
from flows.recover_run import RecoverRunInput, recover_run
from flows.regional_analysis import RegionalAnalysisInput, regional_analysis
from flows.register_amendment_reaction import (
    AmendmentReactionInput,
    register_amendment_reaction,
)
from flows.register_objection import RegisterObjectionInput, register_objection
from flows.register_reaction import RegisterReactionInput, register_reaction
from flows.release_minutes import ReleaseMinutesInput, release_minutes
from flows.send_minutes_copy import SendMinutesCopyInput, send_minutes_copy
from flows.withdraw_amendment import WithdrawAmendmentInput, withdraw_amendment
from flows.yearly_classification import YearlyClassificationInput, yearly_classification
from tests.conftest import AS_OF, table_counts
from tests.helpers import filled_minutes_sheet, write_csv

APRIL = "2027-04"


@dataclass
class World:
    """The region the cases work on: its folder, config and the providers' roles."""

    var: Path
    cfg: RegionConfig
    codes: list[str]
    escalated_step: int = 0
    notes: dict[str, Any] = field(default_factory=dict)

    def code(self, role: str) -> str:
        roles = ["data", "minutes", "escalated", "signal", "moved", "cancelled", "sheet"]
        return self.codes[roles.index(role)]

    def meeting_day(self, role: str) -> date:
        with UnitOfWork() as uow:
            meeting = uow.session.scalar(
                select(Meeting).join(Provider).where(Provider.code == self.code(role))
            )
            return meeting_day(meeting)


def _work_item() -> int:
    """A point on cm-visser's work list: a run of theirs that crashed."""
    from clm.rules.commands import CrashedRun
    from clm.services.worklist import add_crashed_run
    from clm.storage.models import WorkItem

    add_crashed_run(
        UnitOfWork(), ["cm-visser"], CrashedRun("run-1", "record-minutes", "", "weg"), AS_OF
    )
    with UnitOfWork() as uow:
        return uow.session.scalar(select(WorkItem.id).where(WorkItem.kind == "crashed_run"))


def _mail_reply(world: World) -> Any:
    """A provider's reply to its data request with two points, in the post folder."""
    from tests.mailreplies import reply_to

    post = world.var / "intake" / "post"
    post.mkdir(parents=True, exist_ok=True)
    path = post / "idem-antwoord.eml"
    if not path.exists() and not (post / "verwerkt" / path.name).exists():
        code = world.code("signal")
        path.write_bytes(reply_to(f"meeting:2027-04:{code}:request", "- Wachttijden\n- Vervoer"))
    return read_mailbox, ReadMailboxInput(as_of="2027-03-20")


def _confirm_points(world: World) -> Any:
    from clm.storage.models import WorkItem

    with UnitOfWork() as uow:
        item = uow.session.scalar(select(WorkItem).where(WorkItem.kind == "agenda_points"))
    return confirm_agenda_points, ConfirmAgendaPointsInput(
        as_of="2027-03-20", item_id=item.id, decision="overnemen", staff_key=item.staff_key
    )


def _crashed_staff_run() -> str:
    """A run that staff started and that crashed (its worker gone), as Prefect records it."""
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed, Running

    @flow(name="verloren-voorbeeld")
    def lost(params: dict) -> None: ...

    with get_client(sync_client=True) as client:
        run = client.create_flow_run(lost, parameters={"params": {"recorded_by": "cm-visser"}})
        client.set_flow_run_state(run.id, Running(), force=True)
        client.set_flow_run_state(run.id, Crashed(message="worker weg"), force=True)
    return f"prefect.flow-run.{run.id}"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[World]:
    var = tmp_path_factory.mktemp("idempotency") / "var"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLM_VAR_DIR", str(var))
        patch.delenv("CLM_DATABASE_URL", raising=False)
        patch.setenv("CLM_MAIL_TRANSPORT", "file")
        get_settings.cache_clear()
        (var / "intake").mkdir(parents=True)
        migrate()
        cfg = load_config(PROJECT_DIR / "config" / "region.yaml")
        load_demo(UnitOfWork, cfg, AS_OF, var / "intake")
        with UnitOfWork() as uow:
            codes = list(uow.session.scalars(select(Provider.code).order_by(Provider.code)))
        # an escalation at step 3 (approved), for the objection and its follow-up flows
        period = ReferencePeriod.calendar_year(2025)
        result = compute_classification(UnitOfWork(), cfg, 2027, period)
        store_classification(UnitOfWork(), cfg, 2027, period, result, AS_OF)
        world = World(var, cfg, codes)
        step_id = esc.request_step(
            UnitOfWork(),
            cfg,
            esc.StepRequest(
                provider_code=world.code("escalated"),
                step=3,
                reason="Herhaaldelijk geen gegevens",
                requested_by="cm-jansen",
                heard_on=AS_OF,
                hearing_summary="Gesprek met bestuur",
            ),
            AS_OF,
        )
        esc.decide_step(UnitOfWork(), cfg, step_id, True, "cm-bakker", "akkoord", AS_OF)
        world.escalated_step = step_id
        yield world
    get_settings.cache_clear()


def _intake_file(world: World, name: str, write: Callable[[Path], object]) -> str:
    path = world.var / "intake" / name
    if not path.exists():
        write(path)
    return name


def _declarations(world: World) -> Any:
    rows = [[world.codes[0], "n1", "GM0034", "2026-01", "100", "AMB"]]
    name = _intake_file(world, "idem-declaraties.csv", lambda p: write_csv(p, rows))
    return import_declarations, ImportDeclarationsInput(as_of=AS_OF, file_name=name)


def _judged_file(world: World) -> Any:
    header = ["AGB-code", "Specialisatie", "Informatie", "Politiek belang", "Toelichting"]
    rows = [[world.codes[1], "8", "7", "6", "herzien"]]
    name = _intake_file(world, "idem-oordelen.csv", lambda p: write_csv(p, rows, header=header))
    return import_judged_scores, ImportJudgedScoresInput(
        as_of=AS_OF, file_name=name, year=2027, entered_by="cm-jansen"
    )


def _contracts_file(world: World) -> Any:
    header = ["AGB-code", "Raamovereenkomst", "Perceel", "Ingangsdatum", "Einddatum", "Optiejaren"]
    rows = [
        [world.codes[2], "RO-2025", "AMB", "01-01-2025", "31-12-2027", "2"],
        [world.codes[3], "RO-2025", "DAG", "01-01-2025", "31-12-2027", "0"],
    ]
    name = _intake_file(world, "idem-contracten.csv", lambda p: write_csv(p, rows, header=header))
    subs = [[world.codes[2], world.codes[10], "AMB", "01-01-2026", "", ""]]
    subs_header = [
        "Hoofdaannemer",
        "Onderaannemer",
        "Perceel",
        "Vanaf",
        "Tot en met",
        "Declaraties",
    ]
    subs_name = _intake_file(
        world, "idem-onderaanneming.csv", lambda p: write_csv(p, subs, header=subs_header)
    )
    return import_contracts, ImportContractsInput(
        as_of=AS_OF, file_name=name, subcontracts_file=subs_name, entered_by="cb-smit"
    )


def _amendment_party() -> tuple[int, str]:
    """The latest amendment and a provider consulted on it."""
    from clm.storage.models import Amendment, AmendmentParty

    with UnitOfWork() as uow:
        amendment_id = uow.session.scalar(select(func.max(Amendment.id)))
        code = uow.session.scalar(
            select(Provider.code)
            .join(AmendmentParty, AmendmentParty.provider_id == Provider.id)
            .where(AmendmentParty.amendment_id == amendment_id)
            .order_by(Provider.code)
        )
    return amendment_id, code


def _amendment_reaction(world: World) -> Any:
    amendment_id, code = _amendment_party()
    return register_amendment_reaction, AmendmentReactionInput(
        as_of="2027-05-11",
        amendment_id=amendment_id,
        provider_code=code,
        answer="last van de wijziging",
        clients_disadvantaged=True,
        reason="Cliënten moeten verder reizen",
        received_on="2027-05-11",
        registered_by="cb-smit",
    )


def _data_sheet(world: World) -> Any:
    from openpyxl import load_workbook

    def write(path: Path) -> None:
        path.write_bytes(
            data_sheet_template(world.code("data"), "x", "2027-Q1", world.cfg.sheet_kpis)
        )
        book = load_workbook(path)
        for r in range(6, 6 + len(world.cfg.sheet_kpis)):
            book["Gegevens"].cell(r, 5, 4)
        book.save(path)

    name = _intake_file(world, "idem-gegevens.xlsx", write)
    return intake_provider_data, IntakeProviderDataInput(as_of="2027-03-20", file_name=name)


def _minutes(world: World) -> Any:
    day = world.meeting_day("minutes")
    return record_minutes, RecordMinutesInput(
        provider_code=world.code("minutes"),
        month=APRIL,
        as_of=day,
        recorded_by="os-mulder",
        attendees=["Eva de Vries", "Marieke Jansen"],
        items=[{"number": "4b", "discussion": "Wachtlijst besproken"}],
        actions=[
            {
                "agenda_item": "4b",
                "description": "Plan van aanpak",
                "owner_side": "provider",
                "owner": "Eva de Vries",
                "deadline": day + timedelta(days=40),
            }
        ],
    )


def _minutes_sheet(world: World) -> Any:
    day = world.meeting_day("sheet")
    folder = world.var / "intake" / "verslagen"
    path = folder / f"idem-{world.code('sheet')}.xlsx"
    if not path.exists():
        filled = filled_minutes_sheet(folder, world.code("sheet"), date(2027, 4, 1), day)
        filled.rename(path)
    return record_minutes_sheet, RecordMinutesSheetInput(
        as_of=day, file_name=f"verslagen/{path.name}", recorded_by="os-mulder"
    )


def _after_meeting(world: World, days: int) -> date:
    return world.meeting_day("minutes") + timedelta(days=days)


def _topic_ref() -> str:
    with UnitOfWork() as uow:
        return f"T{uow.session.scalar(select(GroupTopic.id))}"


def _application(world: World) -> Any:
    return admit_provider, AdmitProviderInput(
        as_of="2027-05-03",
        provider_code="99000001",
        name="Nieuwe Zorg B.V.",
        contact_name="Eva de Wit",
        contact_email="eva@nieuwezorg.example.org",
        contract_manager="cm-bakker",
        care_types=["AMB"],
        applied_on="2027-05-03",
        checklist=[
            {"key": r.key, "met": True, "document": f"dossier {r.key}"}
            for r in world.cfg.admission.requirements
        ],
        specialisation=6,
        information=5,
        political_importance=4,
    )


# (flow name, builder of the flow and its parameters), in the order of the year
CASES: list[tuple[str, Callable[[World], Any]]] = [
    ("import-declarations", _declarations),
    (
        "record-judged-scores",
        lambda w: (
            record_judged_scores,
            RecordJudgedScoresInput(
                as_of=AS_OF,
                provider_code=w.codes[0],
                year=2027,
                specialisation=9,
                information=8,
                political_importance=7,
                entered_by="cm-jansen",
            ),
        ),
    ),
    ("import-judged-scores", _judged_file),
    ("import-contracts", _contracts_file),
    (
        "decide-option-year",
        lambda w: (
            decide_option_year,
            DecideOptionYearInput(
                as_of="2027-05-10",
                provider_code=w.codes[2],
                lot="AMB",
                decision="verlengen",
                decided_by="cm-jansen",
            ),
        ),
    ),
    (
        "yearly-classification",
        lambda w: (yearly_classification, YearlyClassificationInput(as_of=AS_OF)),
    ),
    (
        "override-category",
        lambda w: (
            override_category,
            OverrideCategoryInput(
                as_of=AS_OF,
                provider_code=w.code("data"),
                year=2027,
                category=1,
                reason="Enige aanbieder van dit aanbod",
                decided_by="cm-jansen",
            ),
        ),
    ),
    (
        "quarterly-preparation",
        lambda w: (quarterly_preparation, QuarterlyPreparationInput(as_of="2027-03-01")),
    ),
    ("intake-provider-data", _data_sheet),
    (
        "add-agenda-point",
        lambda w: (
            add_agenda_point,
            AddAgendaPointInput(
                as_of="2027-03-20",
                provider_code=w.code("data"),
                month=APRIL,
                text="Inzet ervaringsdeskundigen",
                submitted_by="Eva de Vries",
            ),
        ),
    ),
    ("read-mailbox", _mail_reply),
    ("confirm-agenda-points", _confirm_points),
    (
        "extra-attendee",
        lambda w: (
            extra_attendee,
            ExtraAttendeeInput(
                as_of="2027-03-20",
                provider_code=w.code("data"),
                month=APRIL,
                staff_key="bl-deboer",
                recorded_by="cm-jansen",
            ),
        ),
    ),
    (
        "move-meeting",
        lambda w: (
            move_meeting,
            MoveMeetingInput(
                as_of="2027-03-20",
                provider_code=w.code("moved"),
                month=APRIL,
                new_start="2027-04-29T16:30:00+02:00",
                moved_by="cm-jansen",
            ),
        ),
    ),
    (
        "cancel-meeting",
        lambda w: (
            cancel_meeting,
            CancelMeetingInput(
                as_of="2027-03-20",
                provider_code=w.code("cancelled"),
                month=APRIL,
                reason="Aanbieder stopt met het aanbod",
                cancelled_by="cm-jansen",
            ),
        ),
    ),
    ("daily-sweep", lambda w: (daily_sweep, DailySweepInput(as_of="2027-04-20"))),
    ("record-minutes", _minutes),
    (
        "minutes-template",
        lambda w: (
            minutes_template,
            MinutesTemplateInput(as_of="2027-04-20", provider_code=w.code("sheet"), month=APRIL),
        ),
    ),
    ("record-minutes-sheet", _minutes_sheet),
    (
        "release-minutes",
        lambda w: (
            release_minutes,
            ReleaseMinutesInput(
                as_of=_after_meeting(w, 1),
                provider_code=w.code("minutes"),
                month=APRIL,
                released_by="os-mulder",
            ),
        ),
    ),
    (
        "register-reaction",
        lambda w: (
            register_reaction,
            RegisterReactionInput(
                as_of=_after_meeting(w, 3),
                provider_code=w.code("minutes"),
                month=APRIL,
                agreed=True,
                registered_by="os-mulder",
            ),
        ),
    ),
    (
        "send-minutes-copy",
        lambda w: (
            send_minutes_copy,
            SendMinutesCopyInput(
                as_of=_after_meeting(w, 4),
                provider_code=w.code("minutes"),
                month=APRIL,
                requested_by="Eva de Vries",
            ),
        ),
    ),
    (
        "close-action",
        lambda w: (
            close_action,
            CloseActionInput(
                as_of=_after_meeting(w, 10),
                provider_code=w.code("minutes"),
                month=APRIL,
                number=1,
                remark="Plan ontvangen",
                closed_by="cm-jansen",
            ),
        ),
    ),
    (
        "export-dossier",
        lambda w: (
            export_dossier,
            ExportDossierInput(
                as_of=_after_meeting(w, 10),
                provider_code=w.code("minutes"),
                start=AS_OF,
                end=_after_meeting(w, 10),
            ),
        ),
    ),
    (
        "record-signal",
        lambda w: (
            record_signal,
            RecordSignalInput(
                as_of="2027-05-03",
                provider_code=w.code("signal"),
                kind="quality",
                source="toegangsteam Almere",
                description="Meerdere klachten over bejegening",
                recorded_by="cm-jansen",
            ),
        ),
    ),
    (
        "escalation",
        lambda w: (
            escalation,
            EscalationInput(
                as_of="2027-05-04",
                provider_code=w.code("signal"),
                step=1,
                reason="Klachten over bejegening",
                requested_by="cm-jansen",
                heard_on="2027-05-04",
                hearing_summary="Gesprek met de directeur",
            ),
        ),
    ),
    (
        "register-objection",
        lambda w: (
            register_objection,
            RegisterObjectionInput(
                as_of=AS_OF + timedelta(days=2),
                step_id=w.escalated_step,
                received_on=AS_OF + timedelta(days=2),
                summary="De aanbieder betwist de feiten",
                registered_by="cm-jansen",
            ),
        ),
    ),
    (
        "record-talk-outcome",
        lambda w: (
            record_talk_outcome,
            TalkOutcomeInput(
                as_of=AS_OF + timedelta(days=9),
                step_id=w.escalated_step,
                outcome="Maatregel blijft; afspraken gemaakt",
                measure_stands=True,
                recorded_by="cm-jansen",
            ),
        ),
    ),
    (
        "record-registered-mail",
        lambda w: (
            record_registered_mail,
            RegisteredMailInput(
                as_of=AS_OF + timedelta(days=10),
                step_id=w.escalated_step,
                tracking="3SABCD1234567",
                recorded_by="cb-smit",
            ),
        ),
    ),
    (
        "close-escalation",
        lambda w: (
            close_escalation,
            CloseEscalationInput(
                as_of="2027-05-20",
                provider_code=w.code("signal"),
                reason="Klachten afgehandeld",
                closed_by="cm-jansen",
            ),
        ),
    ),
    (
        "regional-analysis",
        lambda w: (
            regional_analysis,
            RegionalAnalysisInput(as_of="2027-08-01", quarter="2027-Q2"),
        ),
    ),
    (
        "propose-group-topic",
        lambda w: (
            propose_group_topic,
            ProposeGroupTopicInput(
                as_of="2027-05-10", proposer=w.codes[0], topic="Wachtlijsten GGZ"
            ),
        ),
    ),
    (
        "group-meeting",
        lambda w: (
            group_meeting,
            GroupMeetingInput(
                as_of="2027-05-20",
                meeting="2027-06",
                set_agenda=True,
                chosen=[_topic_ref()],
                decided_by="bl-deboer",
            ),
        ),
    ),
    (
        "record-group-report",
        lambda w: (
            record_group_report,
            RecordGroupReportInput(
                as_of="2027-06-09",
                meeting="2027-06",
                attendees=[w.codes[0]],
                notes=["Geopend", "Wachtlijsten besproken"],
                actions=[
                    {
                        "description": "Cijfers delen",
                        "holder": w.codes[0],
                        "deadline": "2027-07-15",
                    }
                ],
                recorded_by="os-mulder",
            ),
        ),
    ),
    ("admit-provider", _application),
    (
        "notify-administrator",
        lambda w: (
            notify_administrator,
            NotifyAdministratorInput(as_of="2027-05-10", kind="sweep_missing"),
        ),
    ),
    (
        "recover-run",
        lambda w: (
            recover_run,
            RecoverRunInput(
                as_of="2027-05-10", kind="ended_badly", flow_run_id=_crashed_staff_run()
            ),
        ),
    ),
    (
        "close-work-item",
        lambda w: (
            close_work_item,
            CloseWorkItemInput(as_of="2027-05-10", item_id=_work_item(), staff_key="cm-visser"),
        ),
    ),
    (
        "propose-amendment",
        lambda w: (
            propose_amendment,
            ProposeAmendmentInput(
                as_of="2027-05-10",
                title="Meldplicht wachtlijst",
                description="Aanbieders melden een wachtlijst binnen vijf werkdagen.",
                change_kind="tekst van de overeenkomst",
                target="artikel 7.3",
                lots="AMB",
                reason="Afspraak uit het groepsoverleg",
                effective_on="2027-09-01",
                origin="groepsoverleg",
                proposed_by="cm-jansen",
            ),
        ),
    ),
    ("register-amendment-reaction", _amendment_reaction),
    (
        "withdraw-amendment",
        lambda w: (
            withdraw_amendment,
            WithdrawAmendmentInput(
                as_of="2027-05-12",
                amendment_id=_amendment_party()[0],
                reason="Eerst verder overleg",
                withdrawn_by="cm-jansen",
            ),
        ),
    ),
    (
        "decide-admission",
        lambda w: (
            decide_admission,
            DecideAdmissionInput(
                as_of="2027-05-10", provider_code="99000001", admitted=True, decided_by="cb-smit"
            ),
        ),
    ),
]


def test_every_deployment_has_a_case() -> None:
    spec = yaml.safe_load((PROJECT_DIR / "prefect.yaml").read_text(encoding="utf-8"))
    deployed = set()
    for deployment in spec["deployments"]:
        module, function = deployment["entrypoint"].split(":")
        flow_module = __import__(module.removesuffix(".py").replace("/", "."), fromlist=[function])
        deployed.add(getattr(flow_module, function).name)
    assert deployed == {name for name, _ in CASES}


@pytest.mark.parametrize(("name", "build"), CASES, ids=[name for name, _ in CASES])
def test_second_run_writes_nothing(world: World, name: str, build: Callable) -> None:
    flow, params = build(world)
    assert flow.name == name
    flow(params)
    before = table_counts()
    files = sorted(p.relative_to(world.var) for p in world.var.rglob("*") if p.is_file())
    flow(params)
    assert table_counts() == before, name
    after = sorted(p.relative_to(world.var) for p in world.var.rglob("*") if p.is_file())
    assert after == files, name  # no new mail, export or report file either
