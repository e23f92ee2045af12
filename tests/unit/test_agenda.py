"""The meeting agenda against the seeds' words.

Seed 002 gives the format (items 1-8, item 4 with a-e, 5 with a-e, 6 with a-b). Seed 004,
'Inhoud en opzet': "Aan het begin van ieder gesprek wordt stilgestaan bij de gedeelde ambitie:
het realiseren van passende, effectieve en beschikbare jeugdhulp in Flevoland", and at least the
themes Ontwikkelingen in cijfers (with "benchmarking en prestaties ten opzichte van andere
aanbieders"), Financiële voortgang, Kwaliteit en risico's, Organisatie en samenwerking and
Beleidscontext, which "kunnen worden gewijzigd"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from clm.documents.minutes_sheet import minutes_template
from clm.errors import ConfigError
from clm.rules.agenda import SEED_002, figures_number
from clm.rules.config import load_config
from clm.rules.minutes import ActionDraft, ItemDraft, MinutesDraft, check_minutes
from clm.settings import PROJECT_DIR

DEMO = PROJECT_DIR / "config" / "region.yaml"


def _config(tmp_path: Path, agenda: dict | None):  # noqa: ANN202
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    if agenda is None:
        data.pop("agenda", None)
    else:
        data["agenda"] = agenda
    path = tmp_path / "regio.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def _flat(agenda) -> dict[str, str]:  # noqa: ANN001
    out = {}
    for item in agenda:
        out[item.number] = item.title
        for letter, sub in zip("abcdefgh", item.subitems, strict=False):
            out[f"{item.number}{letter}"] = sub
    return out


def test_demo_agenda_opens_with_the_ambition_and_holds_every_theme() -> None:
    flat = _flat(load_config(DEMO).agenda_items)
    assert flat["1a"] == (
        "Gedeelde ambitie: het realiseren van passende, effectieve en beschikbare jeugdhulp "
        "in Flevoland"
    )
    # seed 002's own sub-items keep their letters (minutes written before stay valid)
    assert flat["4b"] == "Wachtlijsten/wachttijden" and flat["5e"] == "Cliënttevredenheid"
    assert flat["6b"].startswith("Afstemming/samenwerking lokale toegangen")
    assert flat["4f"].startswith("Ontwikkelingen in cijfers: cliëntenstromen, wachttijden")
    assert "benchmarking" in flat["4f"]
    assert flat["4g"].startswith("Financiële voortgang: jaarrekening, facturatie, SROI")
    assert flat["5f"].startswith("Kwaliteit en risico's: resultaten uit audits")
    assert "Regionale Handelingskader" in flat["5f"]
    assert flat["6c"].startswith("Organisatie en samenwerking: personele")
    assert flat["7a"].startswith("Beleidscontext: aansluiting op regionale thema's")
    assert [k for k in flat if len(k) == 1] == [i.number for i in SEED_002]
    assert figures_number(load_config(DEMO).agenda_items) == "4f"


def test_without_an_agenda_section_the_seed_defaults_apply(tmp_path: Path) -> None:
    cfg = _config(tmp_path, None)
    flat = _flat(cfg.agenda_items)
    assert flat["1a"].endswith(f"jeugdhulp in {cfg.region.name}")
    assert flat["4f"].startswith("Ontwikkelingen in cijfers")
    assert flat["7a"].startswith("Beleidscontext")


def test_a_region_changes_its_themes(tmp_path: Path) -> None:
    cfg = _config(
        tmp_path,
        {
            "ambition": "goede jeugdhulp dichtbij",
            "themes": [
                {"item": "5", "title": "Cijfers", "figures": True},
                {"item": "3", "title": "Inkoopmoment 2028", "topics": "nieuwe percelen"},
            ],
        },
    )
    flat = _flat(cfg.agenda_items)
    assert flat["1a"] == "Gedeelde ambitie: goede jeugdhulp dichtbij"
    assert flat["3a"] == "Inkoopmoment 2028: nieuwe percelen"
    assert flat["5f"] == "Cijfers" and "4f" not in flat and "7a" not in flat
    assert figures_number(cfg.agenda_items) == "5f"
    # the minutes follow the region's agenda: 3a exists here, 4f does not
    draft = MinutesDraft(
        ["Eva de Vries"],
        [ItemDraft("3a", "besproken")],
        [ActionDraft("4f", "iets", "provider", "Eva", date(2027, 5, 1))],
    )
    problems = [
        str(p) for p in check_minutes(draft, date(2027, 4, 5), set(), agenda=cfg.agenda_items)
    ]
    assert problems == ["parameters, rij 1, kolom 'actions.agenda_item': onbekend agendapunt '4f'"]


@pytest.mark.parametrize(
    ("agenda", "fragment"),
    [
        ({"themes": [{"item": "9", "title": "x"}]}, "agenda.themes.0.item"),
        ({"themes": [{"item": "4", "title": ""}]}, "agenda.themes.0.title"),
        (
            {"themes": [{"item": "4", "title": f"t{i}"} for i in range(4)]},
            "agendapunt 4 krijgt 9 subpunten; er passen er 8",
        ),
        (
            {"themes": [{"item": "4", "title": "a", "figures": True}] * 2},
            "'figures: true' mag bij hoogstens één thema staan",
        ),
        ({"themes": [], "extra": 1}, "agenda.extra"),
    ],
)
def test_bad_agenda_config_is_named(tmp_path: Path, agenda: dict, fragment: str) -> None:
    with pytest.raises(ConfigError, match="regio.yaml") as err:
        _config(tmp_path, agenda)
    assert fragment in str(err.value)


def test_minutes_sheet_lists_the_regions_agenda() -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    agenda = load_config(DEMO).agenda_items
    book = load_workbook(BytesIO(minutes_template("12345678", "x", "2027-04", agenda)))
    numbers = [c.value for c in book["Verslag"]["A"][6:]]
    assert numbers[:3] == ["1", "1a", "2"]
    assert "4g" in numbers and "7a" in numbers and numbers[-1] == "8"
