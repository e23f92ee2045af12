"""Every deployment's form shows its fields at the top level, each with its Dutch title, and a
run started with those fields (as the UI and the API start it) works the same as a call with
the form's model; an older run's ``{"params": {...}}`` still works."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import get_type_hints

import pytest
import yaml
from pydantic import TypeAdapter
from sqlalchemy import select

from clm.settings import PROJECT_DIR
from clm.storage.db import UnitOfWork
from clm.storage.models import DossierEvent, Provider, Signal
from flows.record_signal import record_signal
from flows.yearly_classification import yearly_classification
from tests.conftest import AS_OF
from tests.flows.conftest import artifact_markdown, artifact_table


def _deployed() -> list:
    spec = yaml.safe_load((PROJECT_DIR / "prefect.yaml").read_text(encoding="utf-8"))
    found = []
    for deployment in spec["deployments"]:
        path, func = deployment["entrypoint"].split(":")
        found.append(getattr(importlib.import_module(path[:-3].replace("/", ".")), func))
    return found


@pytest.mark.parametrize("flow", _deployed(), ids=lambda f: f.name)
def test_the_form_is_flat_with_dutch_titles(flow) -> None:  # noqa: ANN001
    from prefect.utilities.callables import parameter_schema

    schema = parameter_schema(flow).model_dump_for_openapi()
    fields = schema["properties"]
    model = get_type_hints(flow.fn.__wrapped__)["params"]
    assert "params" not in fields
    assert list(fields) == list(model.model_fields)
    assert set(schema.get("required", [])) == {
        n for n, f in model.model_fields.items() if f.is_required()
    }
    for name, field in fields.items():
        assert field["title"] != name, (flow.name, name)  # a Dutch title, not the code's name
        assert field.get("default", "") is not None, (flow.name, name)  # no null to refuse
        if "enum" in field and "default" in field:  # a pick list shows its default as a word
            assert field["default"] in field["enum"], (flow.name, name, field["default"])
            adapter = TypeAdapter(model.model_fields[name].rebuild_annotation())
            assert adapter.validate_python(field["default"]) is not None  # the word is taken
    positions = [f["position"] for f in fields.values()]
    assert positions == sorted(positions)


def test_a_run_with_the_fields_flat_is_a_run_with_the_model(demo: Path) -> None:
    yearly_classification(as_of=AS_OF.isoformat())
    with UnitOfWork() as uow:
        code = uow.session.scalar(select(Provider.code).order_by(Provider.code))
    fields = {
        "as_of": f"{AS_OF:%d-%m-%Y}",  # typed, as staff type it
        "provider_code": code,
        "kind": "quality",
        "source": "Melding gemeente",
        "description": "Klachten over bereikbaarheid",
        "recorded_by": "cm-jansen",
    }
    fields["kind"] = "kwaliteit"  # the form's Dutch choice
    fields["recorded_by"] = "Marieke Jansen (cm-jansen)"  # as the pick list offers it
    record_signal(**fields)
    receipt = artifact_markdown("bevestiging-signaal-vastleggen")
    record_signal(params=fields)  # an older run's parameters: the same signal, not a second
    with UnitOfWork() as uow:
        signals = uow.session.scalars(select(Signal)).all()
        actors = uow.session.scalars(
            select(DossierEvent.actor).where(DossierEvent.kind == "signal")
        ).all()
    assert [(s.kind, s.as_of) for s in signals] == [("quality", AS_OF)]
    assert actors == ["cm-jansen"]  # the key behind the name the list showed
    # the receipt: what was saved, which mail went to whom, what happens next
    assert "Signaal kwaliteit: Klachten over bereikbaarheid" in receipt
    assert "## Verstuurd\n- Geen mail." in receipt  # a staff signal is on lists, not mailed
    assert "open-signalen" in receipt
    # the run refreshed the work lists: the contract manager sees the signal now, not tomorrow
    with UnitOfWork() as uow:
        manager = uow.session.scalar(select(Provider.contract_manager).where(Provider.code == code))
    listed = artifact_table(f"werkvoorraad-{manager}")
    assert any(row["Soort"] == "signalen" for row in listed), listed
    again = artifact_markdown("bevestiging-signaal-vastleggen")
    assert "Niets nieuws" in again and "Geen mail." in again, again


def test_the_provider_table_lists_every_provider_for_the_forms(demo: Path) -> None:
    from flows.daily_sweep import daily_sweep

    yearly_classification(as_of=AS_OF.isoformat())
    daily_sweep(as_of=AS_OF.isoformat())
    with UnitOfWork() as uow:
        count = len(uow.session.scalars(select(Provider.code)).all())
    table = artifact_table("aanbieders")
    assert len(table) == count
    row = table[0]
    assert set(row) == {
        "AGB-code", "Aanbieder", "Zorgvormen", "Contract (looptijd, optiejaren)", "Categorie",
        "Classificatiejaar", "Contractmanager", "Contactpersoon",
    }  # fmt: skip
    assert row["Contract (looptijd, optiejaren)"] == "niet in het register"
    assert row["Categorie"] in (1, 2, 3, 4) and row["Classificatiejaar"] == AS_OF.year + 1
    assert "(" not in row["Contractmanager"]  # the name, not the key
