"""Dates in forms are typed, as staff in the Netherlands write them; every form reads them the
same way and refuses what is no date with the field named."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from pydantic import ValidationError

from flows.common import DATE_PATTERN, DATETIME_PATTERN, typed_date
from flows.export_dossier import ExportDossierInput
from flows.move_meeting import MoveMeetingInput
from flows.register_objection import RegisterObjectionInput


@pytest.mark.parametrize(
    "text", ["01-03-2027", "1-3-2027", "01/03/2027", "01.03.2027", "2027-03-01", " 2027-3-1 "]
)
def test_a_date_typed_either_way_is_the_first_of_march(text: str) -> None:
    assert typed_date(text) == date(2027, 3, 1)
    assert re.match(DATE_PATTERN, text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31-02-2027", "bestaat niet"),
        ("2027-13-01", "bestaat niet"),
        ("01-03-27", "geen datum"),
        ("03/01/2027x", "geen datum"),
        ("1-3-2027 10:00", "zonder tijd"),
        ("01-03/2027", "geen datum"),  # two different separators
        ("０1-03-2027", "geen datum"),  # a full-width digit
    ],
)
def test_what_is_no_date_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        typed_date(text)


def test_a_time_after_the_date() -> None:
    assert typed_date("14-04-2027 10:00", with_time=True) == datetime(2027, 4, 14, 10, 0)
    assert typed_date("2027-04-14T9.30", with_time=True) == datetime(2027, 4, 14, 9, 30)
    assert re.match(DATETIME_PATTERN, "14-04-2027 10:00")
    assert not re.match(DATETIME_PATTERN, "9999-04-14 10:00")


def test_forms_read_typed_dates_and_name_the_field() -> None:
    form = RegisterObjectionInput(
        step_id=1, received_on="29-04-2027", summary="Oneens", registered_by="cm-jansen"
    )
    assert form.received_on == date(2027, 4, 29)
    assert ExportDossierInput(
        provider_code="12345678", start="1-1-2027", end="2027-12-31"
    ).start == date(2027, 1, 1)
    moved = MoveMeetingInput(
        provider_code="12345678", month="2027-04", new_start="14-04-2027 10:00", moved_by="x"
    )
    assert moved.new_start == datetime(2027, 4, 14, 10, 0)
    with pytest.raises(ValidationError, match="received_on") as caught:
        RegisterObjectionInput(
            step_id=1, received_on="31-04-2027", summary="Oneens", registered_by="cm-jansen"
        )
    assert "bestaat niet als datum" in str(caught.value)
    with pytest.raises(ValidationError, match="tussen 2000 en 2100|2000"):
        RegisterObjectionInput(
            step_id=1, received_on="31-12-9999", summary="Oneens", registered_by="cm-jansen"
        )
