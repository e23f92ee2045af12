"""Bad input across the product: files, forms, service calls and the region's configuration.

Each case feeds one mistake a person could make (or an attacker would try) and asserts that
the message names the place (file, row and column, or parameter, or config key) and that
nothing was written, on SQLite and on PostgreSQL alike. The format catalogues of each file
(declarations, data sheets, minutes and judged sheets) are in their own test files; this one
spans the product, a few inputs per class of mistake.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from pydantic import ValidationError

from admin.demo import demo_providers, upsert_providers
from clm.documents.datasheet import data_sheet_template
from clm.errors import ConfigError, InvalidInput
from clm.rules import commands
from clm.rules.config import RegionConfig, parse_config
from clm.services import admission, group_meetings
from clm.services.common import resolve_intake_file
from clm.services.data_intake import take_in_data_sheet
from clm.services.declarations import import_declarations
from clm.services.judged import import_judged_scores
from clm.settings import PROJECT_DIR
from clm.storage.db import UnitOfWork
from tests.conftest import AS_OF, table_counts
from tests.helpers import HEADER, write_csv

pytestmark = pytest.mark.slow  # over ten seconds of a worker: not in make test-quick

JUDGED = ["AGB-code", "Specialisatie", "Informatie", "Politiek belang", "Toelichting"]


@pytest.fixture
def codes(db: str, cfg: RegionConfig) -> list[str]:
    providers = demo_providers(cfg, count=3)
    upsert_providers(UnitOfWork(), providers)
    return sorted(p.code for p in providers)


# --- files --------------------------------------------------------------------------------


def _declarations(rows: Callable[[list[str]], list[list[object]]], header=None):  # noqa: ANN001, ANN202
    def run(tmp: Path, cfg: RegionConfig, codes: list[str]) -> None:
        path = write_csv(tmp / "declaraties.csv", rows(codes), header=header)
        import_declarations(UnitOfWork(), cfg, path, AS_OF)

    return run


def _judged(rows: Callable[[list[str]], list[list[object]]]):  # noqa: ANN202
    def run(tmp: Path, cfg: RegionConfig, codes: list[str]) -> None:
        path = write_csv(tmp / "oordelen.csv", rows(codes), header=JUDGED)
        import_judged_scores(UnitOfWork(), cfg, path, 2027, "cm-jansen", AS_OF)

    return run


def _sheet(quarter: str, value: object, row: int = 6, code: str | None = None):  # noqa: ANN202
    def run(tmp: Path, cfg: RegionConfig, codes: list[str]) -> None:
        path = tmp / "gegevens.xlsx"
        # the region's sheet for a real quarter, then the quarter as the provider typed it
        path.write_bytes(data_sheet_template(code or codes[0], "x", "2027-Q1", cfg.sheet_kpis))
        book = load_workbook(path)
        book["Gegevens"]["B3"] = quarter
        for r in range(6, 6 + len(cfg.sheet_kpis)):
            book["Gegevens"].cell(r, 5, 4)
        book["Gegevens"].cell(row, 5, value)
        book.save(path)
        take_in_data_sheet(UnitOfWork(), cfg, path, AS_OF)

    return run


def _intake(name: str):  # noqa: ANN202
    def run(tmp: Path, cfg: RegionConfig, codes: list[str]) -> None:
        resolve_intake_file(name, "file_name")

    return run


GOOD = ["c1", "GM0034", "2025-01", "100,00", "AMB"]


def _zip(path: Path) -> Path:
    """A zip file with an .xlsx name that holds no workbook."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("leesmij.txt", "geen werkmap")
    return path


def _far_right_cells(path: Path, rows: int) -> Path:
    """A small .xlsx whose every row has one cell in the last column (XFD): read naively, a
    sheet of rows x 16,384 cells (minutes of CPU, half a gigabyte)."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Declaraties"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    cells = "".join(f'<row r="{r}"><c r="XFD{r}" t="n"><v>1</v></c></row>' for r in range(1, rows))
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    head = sheet.split("<sheetData")[0]
    parts["xl/worksheets/sheet1.xml"] = (
        head.replace('<dimension ref="A1"/>', "") + f"<sheetData>{cells}</sheetData></worksheet>"
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


FILES = {
    "declaraties: kolom ontbreekt": (
        _declarations(lambda c: [[c[0], "c1", "GM0034", "2025-01", "100"]], header=JUDGED[:5]),
        "declaraties.csv, rij 1, kolom 'client_ref': kolom ontbreekt",
    ),
    "declaraties: bedrag geen getal": (
        _declarations(lambda c: [[c[0], *GOOD], [c[0], "c2", "GM0034", "2025-01", "veel", "AMB"]]),
        "rij 3, kolom 'Bedrag'",
    ),
    "declaraties: onbekende gemeente": (
        _declarations(lambda c: [[c[0], "c1", "GM9999", "2025-01", "10", "AMB"]]),
        "kolom 'Gemeente'",
    ),
    "declaraties: onbekende aanbieder": (
        _declarations(lambda c: [["99999999", *GOOD]]),
        "kolom 'AGB-code'",
    ),
    "declaraties: periode onleesbaar": (
        _declarations(lambda c: [[c[0], "c1", "GM0034", "januari", "10", "AMB"]]),
        "kolom 'Periode'",
    ),
    "declaraties: onbekende zorgvorm": (
        _declarations(lambda c: [[c[0], "c1", "GM0034", "2025-01", "10", "XYZ"]]),
        "kolom 'Zorgvorm'",
    ),
    "oordelen: score 11": (
        _judged(lambda c: [[c[0], "11", "5", "5", ""]]),
        "oordelen.csv, rij 2, kolom 'Specialisatie'",
    ),
    "oordelen: onbekende aanbieder": (
        _judged(lambda c: [["99999999", "5", "5", "5", ""]]),
        "rij 2",
    ),
    "gegevensblad: waarde geen getal": (_sheet("2027-Q1", "veel"), "rij 6"),
    "gegevensblad: percentage boven 100": (_sheet("2027-Q1", 140), "buiten het bereik"),
    "gegevensblad: kwartaal onleesbaar": (_sheet("2027-Q5", 4), "Kwartaal"),
    "gegevensblad: onbekende aanbieder": (
        _sheet("2027-Q1", 4, code="99999999"),
        "gegevens.xlsx, rij 1, kolom 'AGB-code': onbekende aanbieder '99999999'",
    ),
    "intake: pad buiten de map": (_intake("../geheim.csv"), "buiten de intakemap"),
    "intake: bestand bestaat niet": (_intake("bestaat-niet.csv"), "niet gevonden"),
    # numbers that are no amounts: never stored as infinity, a NaN or a misread figure
    **{
        f"declaraties: bedrag {value!r}": (
            _declarations(lambda c, v=value: [[c[0], "c1", "GM0034", "2025-01", v, "AMB"]]),
            "rij 2, kolom 'Bedrag'",
        )
        for value in (
            "NaN",
            "Infinity",
            "-inf",
            "1e308",
            "1E3",
            "12,345,67",
            "1.234,5.6",
            "1,23,456",
            "١٢٣",
            "１２３",
            "12345678901",
            "0,005",
            "0.123",
            "0x10",
            "1_000",
        )
    },
    # months outside what pandas and the product can hold
    **{
        f"declaraties: periode {value}": (
            _declarations(lambda c, v=value: [[c[0], "c1", "GM0034", v, "10", "AMB"]]),
            "rij 2, kolom 'Periode'",
        )
        for value in ("0001-01", "2300-05", "9999-12", "31-12-1999", "２０２５-０１")
    },
    # headers: twice the same, or two that mean the same column
    "declaraties: kolom dubbel": (
        _declarations(
            lambda c: [[c[0], "c1", "GM0034", "2025-01", "10", "AMB", "11"]],
            header=[*HEADER, "Bedrag"],
        ),
        "kolom 'Bedrag' staat er twee keer in",
    ),
    "declaraties: twee kolommen voor het bedrag": (
        _declarations(
            lambda c: [[c[0], "c1", "GM0034", "2025-01", "10", "AMB", "11"]],
            header=[*HEADER, "amount"],
        ),
        "betekenen hetzelfde",
    ),
    # values the database columns cannot hold, refused alike on both databases
    "declaraties: cliënt te lang": (
        _declarations(lambda c: [[c[0], "c" * 65, "GM0034", "2025-01", "10", "AMB"]]),
        "rij 2, kolom 'Cliënt': cliëntnummer langer dan 64 tekens",
    ),
    "declaraties: NUL in een veld": (
        _declarations(lambda c: [[c[0], "c\x001", "GM0034", "2025-01", "10", "AMB"]]),
        "rij 2, kolom 'Cliënt'",
    ),
    "declaraties: stuurteken in een veld": (
        _declarations(lambda c: [[c[0], "c\x1b[2J", "GM0034", "2025-01", "10", "AMB"]]),
        "stuurteken",
    ),
    "declaraties: AGB-code in andere cijfers": (
        _declarations(lambda c: [["".join(chr(0xFF10 + int(d)) for d in c[0]), *GOOD]]),
        "rij 2, kolom 'AGB-code'",
    ),
    "declaraties: geen Excel maar een zip": (
        lambda tmp, cfg, c: (
            _zip(tmp / "declaraties.xlsx"),
            import_declarations(UnitOfWork(), cfg, tmp / "declaraties.xlsx", AS_OF),
        ),
        "geen geldig Excel-bestand",
    ),
    "declaraties: Excel met cellen in de laatste kolom": (
        lambda tmp, cfg, c: import_declarations(
            UnitOfWork(), cfg, _far_right_cells(tmp / "declaraties.xlsx", 20_000), AS_OF
        ),
        "declaraties.xlsx: het bestand is leeg",
    ),
    # data sheets: a provider's value never stops the sweep nor becomes infinity
    **{
        f"gegevensblad: waarde {value!r}": (_sheet("2027-Q1", value), "rij 6, kolom 'Waarde'")
        for value in ("NaN", "Infinity", "1e308", 1e308, "４", "1,5,0", "12345678901")
    },
    "gegevensblad: kwartaal in andere cijfers": (_sheet("２０２７-Q1", 4), "Kwartaal"),
    # file names typed in a form
    **{
        f"intake: naam {label}": (_intake(name), "Ongeldige bestandsnaam")
        for label, name in (
            ("met NUL", "a\x00.csv"),
            ("van 10.000 tekens", "a" * 10_000 + ".csv"),
            ("met een deel van 256 bytes", "map/" + "é" * 128 + ".csv"),
            ("met een regeleinde", "a\nb.csv"),
            ("leeg", "   "),
        )
    },
}


@pytest.mark.parametrize("case", sorted(FILES))
def test_bad_files(case: str, codes: list[str], cfg: RegionConfig, tmp_path: Path) -> None:
    run, fragment = FILES[case]
    before = table_counts()
    with pytest.raises(InvalidInput) as err:
        run(tmp_path, cfg, codes)
    assert fragment in str(err.value), str(err.value)
    assert table_counts() == before


# --- forms (the typed parameters of the UI) -------------------------------------------------


def _form(module: str, model: str, **fields: object) -> Callable[[], object]:
    def build() -> object:
        cls = getattr(__import__(f"flows.{module}", fromlist=[model]), model)
        return cls(**fields)

    return build


SIGNAL = {
    "provider_code": "12345678",
    "kind": "quality",
    "source": "IGJ",
    "description": "lange omschrijving",
    "recorded_by": "cm-jansen",
}


def _signal(**changes: object) -> Callable[[], object]:
    """The record-signal form with ``changes`` to its good values."""
    return _form("record_signal", "RecordSignalInput", **(SIGNAL | changes))


ADMIT = {
    "provider_code": "99000001",
    "name": "Nieuw",
    "contact_name": "Eva",
    "contact_email": "eva@nieuw.example.org",
    "contract_manager": "cm-jansen",
    "care_types": ["AMB"],
    "applied_on": "2026-11-01",
    "checklist": [{"key": "big", "met": True, "document": "d"}],
    "specialisation": 5,
    "information": 5,
    "political_importance": 5,
}

FORMS = {
    "AGB-code te kort": (
        _form(
            "record_signal",
            "RecordSignalInput",
            provider_code="123",
            kind="quality",
            source="x",
            description="lange omschrijving",
            recorded_by="cm-jansen",
        ),
        "provider_code",
    ),
    "geen gespreksmaand": (
        _form(
            "add_agenda_point",
            "AddAgendaPointInput",
            provider_code="12345678",
            month="2027-05",
            text="punt",
            submitted_by="x",
        ),
        "month",
    ),
    "kwartaal onleesbaar": (
        _form("regional_analysis", "RegionalAnalysisInput", quarter="2026-Q5"),
        "quarter",
    ),
    "peildatum geen datum": (_form("daily_sweep", "DailySweepInput", as_of="gisteren"), "as_of"),
    "onbekend veld": (_form("daily_sweep", "DailySweepInput", als_of="2026-11-23"), "als_of"),
    "trede 8": (
        _form(
            "escalation",
            "EscalationInput",
            provider_code="12345678",
            step=8,
            reason="x",
            requested_by="cm-jansen",
        ),
        "step",
    ),
    "e-mail met regeleinde": (
        _form(
            "admit_provider", "AdmitProviderInput", **(ADMIT | {"contact_email": "a@b.nl\nBcc: c"})
        ),
        "contact_email",
    ),
    "geen perceel": (
        _form("admit_provider", "AdmitProviderInput", **(ADMIT | {"care_types": []})),
        "care_types",
    ),
    "beoordeling 0": (
        _form("admit_provider", "AdmitProviderInput", **(ADMIT | {"information": 0})),
        "information",
    ),
    "agenda vaststellen zonder naam": (
        _form("group_meeting", "GroupMeetingInput", set_agenda=True),
        "decided_by",
    ),
    # dates a person cannot mean
    **{
        f"peildatum {value}": (_form("daily_sweep", "DailySweepInput", as_of=value), "as_of")
        for value in ("9999-12-31", "1999-12-31", "2101-01-01", "0001-01-01")
    },
    "dossier vanaf het jaar 1": (
        _form(
            "export_dossier",
            "ExportDossierInput",
            provider_code="12345678",
            start="0001-01-01",
            end="2026-12-31",
        ),
        "start",
    ),
    # digits of other scripts, which Python's \d and int() accept
    **{
        f"AGB-code in {label}": (_signal(provider_code=code), "provider_code")
        for label, code in (
            ("volle breedte", "１２３４５６７８"),
            ("Arabisch-Indische cijfers", "٠١٢٣٤٥٦٧"),
            ("Devanagari", "०१२३४५६७"),
        )
    },
    "gespreksmaand in volle breedte": (
        _form(
            "add_agenda_point",
            "AddAgendaPointInput",
            provider_code="12345678",
            month="２０２７-04",
            text="punt",
            submitted_by="x",
        ),
        "month",
    ),
    # blank texts, control characters
    **{
        f"{label} in {field}: {value!r}": (_signal(**{field: value}), field)
        for label, field, value in (
            ("alleen spaties", "recorded_by", "   "),
            ("alleen spaties", "recorded_by", "\u00a0\u2003"),
            ("alleen spaties", "source", "\t \n"),
            ("alleen spaties", "description", "          \u200b"),
            ("stuurteken", "source", "IGJ\x00"),
            ("stuurteken", "description", "omschrijving \x1b[31m rood"),
            ("stuurteken", "recorded_by", "cm-jansen\x7f"),
        )
    },
    "naam alleen spaties bij toetreding": (
        _form("admit_provider", "AdmitProviderInput", **(ADMIT | {"name": "  \u3000 "})),
        "name",
    ),
}


@pytest.mark.parametrize("case", sorted(FORMS))
def test_bad_forms(case: str, codes: list[str]) -> None:
    build, field = FORMS[case]
    before = table_counts()
    with pytest.raises(ValidationError) as err:
        build()
    assert field in str(err.value)
    assert table_counts() == before


# --- service calls with well-formed but wrong content ----------------------------------------


def _application(**changes: object) -> commands.Application:
    fields = {
        "code": "99000001",
        "name": "Nieuw",
        "contact_name": "Eva",
        "contact_email": "eva@nieuw.example.org",
        "contract_manager": "cm-jansen",
        "care_types": ["AMB"],
        "applied_on": date(2026, 11, 1),
        "checklist": [
            commands.CheckItem(k, True, "dossier")
            for k in ("big", "kvk", "vog", "agb", "kwaliteit")
        ],
        "specialisation": 5,
        "information": 5,
        "political_importance": 5,
    }
    return commands.Application(**(fields | changes))


SERVICES = {
    "toetreding: onbekende eis": (
        lambda cfg, c: admission.register_application(
            UnitOfWork(),
            cfg,
            _application(checklist=[commands.CheckItem("xyz", True, "d")]),
            AS_OF,
        ),
        "checklist[0].key",
    ),
    "toetreding: voldaan zonder document": (
        lambda cfg, c: admission.register_application(
            UnitOfWork(),
            cfg,
            _application(
                checklist=[
                    commands.CheckItem(k, True, "")
                    for k in ("big", "kvk", "vog", "agb", "kwaliteit")
                ]
            ),
            AS_OF,
        ),
        "checklist[0].document",
    ),
    "toetreding: geen contractmanager": (
        lambda cfg, c: admission.register_application(
            UnitOfWork(), cfg, _application(contract_manager="cb-smit"), AS_OF
        ),
        "contract_manager",
    ),
    "toetreding: onbekend perceel": (
        lambda cfg, c: admission.register_application(
            UnitOfWork(), cfg, _application(care_types=["XYZ"]), AS_OF
        ),
        "care_types[0]",
    ),
    "toetreding: bestaande aanbieder": (
        lambda cfg, c: admission.register_application(
            UnitOfWork(), cfg, _application(code=c[0]), AS_OF
        ),
        "parameter code",
    ),
    "toetreding: besluit zonder aanmelding": (
        lambda cfg, c: admission.decide(UnitOfWork(), cfg, c[0], True, "", "cb-smit", AS_OF),
        "provider_code",
    ),
    "toetreding: AGB-code in volle breedte": (
        lambda cfg, c: admission.register_application(
            UnitOfWork(), cfg, _application(code="９９０００００１"), AS_OF
        ),
        "parameter code",
    ),
    "toetreding: naam alleen spaties": (
        lambda cfg, c: admission.register_application(
            UnitOfWork(), cfg, _application(name=" \u00a0 "), AS_OF
        ),
        "parameter name",
    ),
    "groepsoverleg: onbekende bijeenkomst": (
        lambda cfg, c: group_meetings.set_agenda(
            UnitOfWork(), cfg, "2031-03", [], [], "bl-deboer", AS_OF
        ),
        "parameter meeting",
    ),
    "groepsoverleg: onbekende indiener": (
        lambda cfg, c: group_meetings.propose_topic(UnitOfWork(), cfg, "99999999", "x", "", AS_OF),
        "parameter proposer",
    ),
}


@pytest.mark.parametrize("case", sorted(SERVICES))
def test_bad_service_calls(case: str, codes: list[str], cfg: RegionConfig) -> None:
    call, fragment = SERVICES[case]
    before = table_counts()
    with pytest.raises(InvalidInput) as err:
        call(cfg, codes)
    assert fragment in str(err.value), str(err.value)
    assert table_counts() == before


# --- the region's configuration -------------------------------------------------------------


def _config() -> dict:
    return yaml.safe_load((PROJECT_DIR / "config" / "region.yaml").read_text(encoding="utf-8"))


CONFIGS = {
    "gemeentecode": (lambda d: d["municipalities"][0].update(code="0034"), "municipalities.0.code"),
    "dubbele medewerker": (lambda d: d["staff"].append(dict(d["staff"][0])), "staff: 'cm-jansen'"),
    "onbekende rol": (lambda d: d["staff"][0].update(role="baas"), "staff.0.role"),
    "groepsoverleg één keer": (
        lambda d: d["group_meetings"].update(months=[3]),
        "group_meetings.months",
    ),
    "eis dubbel": (
        lambda d: d["admission"]["requirements"].append({"key": "big", "label": "x"}),
        "admission.requirements: 'big'",
    ),
    "verplichting zonder norm": (
        lambda d: d["kpis"].append(
            {
                "code": "x",
                "label": "X",
                "unit": "aantal",
                "direction": "higher",
                "obligation_from": 2026,
            }
        ),
        "kpis.15",
    ),
    "onbekende sleutel": (lambda d: d.update(kpi=[]), "kpi"),
}


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (lambda t: t.replace("region:\n", "region:\n  name: Dubbel\n", 1), "sleutel 'name'"),
        (lambda t: t + "\nstaff: []\n", "sleutel 'staff'"),
        (
            lambda t: t.replace("{key: cm-jansen,", "{key: cm-jansen, key: cm-x,", 1),
            "sleutel 'key'",
        ),
    ],
)
def test_a_duplicate_key_in_the_config_is_refused_with_its_lines(
    change: Callable[[str], str], line: str, tmp_path: Path
) -> None:
    from clm.rules.config import load_config

    text = (PROJECT_DIR / "config" / "region.yaml").read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    path = tmp_path / "region.yaml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert line in str(err.value) and "regels" in str(err.value), str(err.value)


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_bad_config(case: str, sqlite_db: str) -> None:
    change, key = CONFIGS[case]
    data = _config()
    change(data)
    before = table_counts()
    with pytest.raises(ConfigError) as err:
        parse_config(data, "region.yaml")
    assert "region.yaml" in str(err.value) and key in str(err.value), str(err.value)
    assert table_counts() == before


def test_direction_overrides_are_removed_from_form_text(codes: list[str]) -> None:
    """Invisible format characters (right-to-left override, zero-width space) cannot hide or
    reorder text in a letter or a sheet: the forms remove them; the visible text stays."""
    from flows.record_signal import RecordSignalInput

    form = RecordSignalInput(
        provider_code="12345678",
        kind="quality",
        source="\u202eJGI\u202c",
        description="Klacht over \u200bwachttijd\u2066 en bejegening",
        recorded_by=" cm-jansen ",
    )
    assert (form.source, form.recorded_by) == ("JGI", "cm-jansen")
    assert form.description == "Klacht over wachttijd en bejegening"


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("1,234.56", 1234.56),
        ("1.234", 1234),
        ("1.234,56", 1234.56),
        ("10,123", 10123),
        ("€ 1 234,5", 1234.5),
        ("1234,5", 1234.5),
        ("0.1", 0.1),
    ],
)
def test_amounts_are_read_as_written(
    text: str, stored: float, codes: list[str], cfg: RegionConfig, tmp_path: Path
) -> None:
    """Thousands in either convention; a single separator before three digits groups
    thousands (an amount has two decimals at most)."""
    from sqlalchemy import select

    from clm.storage.models import Declaration

    path = write_csv(tmp_path / "d.csv", [[codes[0], "c1", "GM0034", "2025-01", text, "AMB"]])
    import_declarations(UnitOfWork(), cfg, path, AS_OF)
    with UnitOfWork() as uow:
        assert float(uow.session.scalar(select(Declaration.amount))) == stored


def test_schema_limits_are_refused_alike_on_both_databases(codes: list[str]) -> None:
    """A value a column cannot hold is refused before the flush, naming table and column,
    on SQLite (which would store it) as on PostgreSQL (which would raise a DataError)."""
    from clm.storage.models import Provider

    before = table_counts()
    for field, value in (("name", "x" * 201), ("contact_name", "a\x00b"), ("code", "123456789")):
        with UnitOfWork() as uow, pytest.raises(InvalidInput) as err:
            provider = uow.session.query(Provider).first()
            setattr(provider, field, value)
            uow.session.flush()
        assert f"providers.{field}" in str(err.value), str(err.value)
    assert table_counts() == before


def test_the_catalogue_is_broad() -> None:
    assert len(FILES) + len(FORMS) + len(SERVICES) + len(CONFIGS) >= 95


def _deployed_flows() -> list:
    spec = yaml.safe_load((PROJECT_DIR / "prefect.yaml").read_text(encoding="utf-8"))
    flows = []
    for deployment in spec["deployments"]:
        module, function = deployment["entrypoint"].split(":")
        flow_module = __import__(module.removesuffix(".py").replace("/", "."), fromlist=[function])
        flows.append(getattr(flow_module, function))
    return flows


def test_every_date_field_of_every_form_is_bounded_in_its_schema() -> None:
    """The server checks a run's parameters against the schema before the run exists: every
    date field of every deployed form is a text field with the pattern of what staff may type
    (01-03-2027 or 2027-03-01, years 2000-2100), so the UI and the API refuse 9999-12-31 at
    once (the model's own check refuses it again in the run); no field is a calendar picker."""
    from prefect.utilities.callables import parameter_schema
    from prefect.utilities.schema_tools.validation import validate

    from flows.common import DATE_PATTERN, DATETIME_PATTERN

    dated = 0
    for flow in _deployed_flows():
        schema = parameter_schema(flow).model_dump_for_openapi()
        text = json.dumps(schema)
        assert '"format": "date' not in text, flow.name
        assert text.count(json.dumps(DATE_PATTERN)) + text.count(
            json.dumps(DATETIME_PATTERN)
        ) == text.count("Typ d"), flow.name
        if '"as_of"' in text:
            dated += 1
            params = {"as_of": "9999-12-31"}
            errors = validate(params, schema, ignore_required=True)
            assert any("as_of" in str(e.path) or "9999" in e.message for e in errors), flow.name
            for typed in ("2027-03-01", "01-03-2027", "1-3-2027"):
                assert not validate({"as_of": typed}, schema, ignore_required=True)
    assert dated >= 30
