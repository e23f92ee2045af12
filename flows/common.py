"""What every flow's parameters share: the ``as_of`` date."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator

from clm.clock import today_in_region
from clm.rules.inputs import check_date, clean_text
from clm.rules.quarters import MeetingMonth

# Optional values shown in the UI as a plain date or number field: left empty, the default
# applies. (The generated 'date or None' schema makes the form ask for a type first.)
OptionalDate = Annotated[date | None, WithJsonSchema({"type": "string", "format": "date"})]
OptionalDateTime = Annotated[
    datetime | None, WithJsonSchema({"type": "string", "format": "date-time"})
]
OptionalYear = Annotated[
    int | None,
    Field(ge=2000, le=2100),
    WithJsonSchema({"type": "integer", "minimum": 2000, "maximum": 2100}),
]


# A date is a text field staff type into, 01-03-2027 or 2027-03-01 (a calendar picker cannot
# be typed into: moving to March took many clicks). The pattern keeps the years of
# clm.inputs.check_date (2000-2100): the server refuses 9999-12-31 when the run is created,
# before any worker sees it; the model reads the text (``typed_date``).
_YEAR = "(20[0-9]{2}|2100)"
_DAY_MONTH = "[0-9]{1,2}[-/.][0-9]{1,2}[-/.]"
_TIME = "([ T][0-9]{1,2}[:.][0-9]{2}(:[0-9]{2})?)?"
DATE_PATTERN = rf"^ *({_YEAR}-[0-9]{{1,2}}-[0-9]{{1,2}}|{_DAY_MONTH}{_YEAR}) *$"
DATETIME_PATTERN = rf"^ *({_YEAR}-[0-9]{{1,2}}-[0-9]{{1,2}}|{_DAY_MONTH}{_YEAR}){_TIME} *$"
DATE_HINT = "Typ de datum als 01-03-2027 of 2027-03-01."
DATETIME_HINT = "Typ datum en tijd als 14-04-2027 10:00 of 2027-04-14 10:00 (tijd in Nederland)."

_TYPED = re.compile(
    r"^(?:(?P<y1>[0-9]{4})-(?P<m1>[0-9]{1,2})-(?P<d1>[0-9]{1,2})"
    r"|(?P<d2>[0-9]{1,2})(?P<sep>[-/.])(?P<m2>[0-9]{1,2})(?P=sep)(?P<y2>[0-9]{4}))"
    r"(?:[ T](?P<h>[0-9]{1,2})[:.](?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?)?$"
)


def typed_date(text: str, *, with_time: bool = False) -> date | datetime:
    """A date as staff type it: 01-03-2027, 1-3-2027, 01/03/2027, 01.03.2027 or 2027-03-01
    (day before month, as in the Netherlands); with ``with_time`` also '10:00' after it."""
    match = _TYPED.match(text.strip())
    if match is None:
        raise ValueError(f"'{text}' is geen datum: typ 01-03-2027 of 2027-03-01")
    year = int(match["y1"] or match["y2"])
    month = int(match["m1"] or match["m2"])
    day = int(match["d1"] or match["d2"])
    try:
        if match["h"] is None:
            return datetime(year, month, day) if with_time else date(year, month, day)
        if not with_time:
            raise ValueError(f"'{text}': alleen een datum, zonder tijd")
        return datetime(year, month, day, int(match["h"]), int(match["mi"]), int(match["s"] or 0))
    except ValueError as exc:
        if "zonder tijd" in str(exc):
            raise
        raise ValueError(f"'{text}' bestaat niet als datum (dag {day}, maand {month})") from None


def _form_schema(schema: dict[str, Any]) -> None:
    """Drop a ``null`` default where the field's schema is a plain type: the UI would send
    that null and then refuse it ('None is not of type string'); left out, an empty field
    is simply not sent and the model's default (today, next year, …) applies. A date is a
    text field with the pattern of what staff may type (``typed_date``), not a picker."""
    for prop in schema.get("properties", {}).values():
        if prop.get("default", "") is None and "anyOf" not in prop and prop.get("type") != "null":
            del prop["default"]
        variants = [prop, *prop.get("anyOf", [])]
        for variant in variants:
            kind = variant.pop("format", None) if variant.get("format") in _DATES else None
            if kind:
                variant["pattern"] = DATETIME_PATTERN if kind == "date-time" else DATE_PATTERN
                hint = DATETIME_HINT if kind == "date-time" else DATE_HINT
                described = prop.get("description", "")
                if hint not in described:
                    prop["description"] = f"{described} {hint}".strip()


_DATES = ("date", "date-time")


def _date_kind(annotation: Any) -> str | None:
    """'date' or 'datetime' when a field holds one (alone or with None), else None."""
    kinds = set(get_args(annotation)) if get_args(annotation) else {annotation}
    if datetime in kinds:
        return "datetime"
    if date in kinds:
        return "date"
    return None


def clean_form_value(value: Any, required: bool) -> Any:
    """A form's text as :func:`clm.inputs.clean_text` leaves it (format characters such as
    right-to-left overrides removed, control characters refused), and a required text that
    is empty or only spaces refused; lists of texts item by item."""
    if isinstance(value, str):
        text = clean_text(value, multiline=True)
        if required and not text:
            raise ValueError("mag niet leeg zijn (alleen spaties telt als leeg)")
        return text
    if isinstance(value, list):
        return [clean_form_value(v, required=True) for v in value]
    return value


class FormModel(BaseModel):
    """Base of every model a form is built from, nested ones too: one rule for text and
    dates in every form (the same as for files, in :mod:`clm.inputs`)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_form_schema)

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        value = clean_form_value(value, required=field is not None and field.is_required())
        kind = _date_kind(field.annotation) if field is not None else None
        if kind and isinstance(value, str):
            if not value.strip():
                return None  # an emptied optional date: its default applies
            try:
                return typed_date(value, with_time=kind == "datetime")
            except ValueError:
                try:  # ISO with seconds or a time zone, as the API may send it
                    return datetime.fromisoformat(value.strip())
                except ValueError:
                    pass
                raise
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _sane_dates(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            check_date(value.date())
        elif isinstance(value, date):
            check_date(value)
        return value


class FlowInput(FormModel):
    """Base of the flows' parameter models (shown as a form in the Prefect UI)."""

    as_of: OptionalDate = Field(
        None,
        title="Peildatum",
        description="De datum waarvoor de flow werkt. Leeg: vandaag (Europe/Amsterdam). "
        "Een eerdere datum haalt een gemiste dag in; dezelfde datum opnieuw verandert niets.",
    )

    def effective_as_of(self) -> date:
        """``as_of``, or today in the region."""
        return self.as_of or today_in_region()


# Fields that several forms share, with the same Dutch title and check everywhere.
Year = Annotated[int, Field(ge=2000, le=2100, title="Classificatiejaar")]
ProviderCode = Annotated[str, Field(pattern=r"^[0-9]{8}$", title="AGB-code aanbieder")]
StaffKey = Annotated[
    str,
    Field(
        min_length=1,
        title="Medewerker",
        description="Sleutel van de medewerker in de regioconfiguratie, bijvoorbeeld cm-jansen.",
    ),
]


MeetingMonthField = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{4}-(01|04|07|10)$",
        title="Gespreksmaand (JJJJ-MM)",
        description="De maand van het gesprek: april, juli, oktober of januari, bijv. 2027-04.",
    ),
]


class MeetingInput(FlowInput):
    """Base of the forms about one meeting: which provider, which month."""

    provider_code: ProviderCode
    month: MeetingMonthField

    def meeting_month(self) -> date:
        return MeetingMonth.parse(self.month).first_day


def intake_file(kind: str, sheet: str, columns: str) -> object:
    """The field of a file in the intake folder, described for one kind of file."""
    return Field(
        ...,
        min_length=1,
        title="Bestand",
        description=f"Naam van het {kind} (.csv of .xlsx met tabblad '{sheet}') in de "
        f"intakemap. Kolommen: {columns}.",
    )
