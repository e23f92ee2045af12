"""What every flow's parameters share: the ``as_of`` date."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator

from clm.clock import today_in_region
from clm.rules.inputs import check_date, clean_text

# Optional values shown in the UI as a plain date or number field: left empty, the default
# applies. (The generated 'date or None' schema makes the form ask for a type first.)
OptionalDate = Annotated[date | None, WithJsonSchema({"type": "string", "format": "date"})]
OptionalYear = Annotated[
    int | None,
    Field(ge=2000, le=2100),
    WithJsonSchema({"type": "integer", "minimum": 2000, "maximum": 2100}),
]


# A date of 2000-2100 (clm.inputs.check_date) as the schema says it: the server refuses
# 9999-12-31 when the run is created, before any worker sees it.
SANE_DATE_PATTERN = r"^(20[0-9]{2}|2100)-"


def _form_schema(schema: dict[str, Any]) -> None:
    """Drop a ``null`` default where the field's schema is a plain type: the UI would send
    that null and then refuse it ('None is not of type string'); left out, an empty field
    is simply not sent and the model's default (today, next year, …) applies. Dates get
    the pattern of the years the product accepts."""
    for prop in schema.get("properties", {}).values():
        if prop.get("default", "") is None and "anyOf" not in prop and prop.get("type") != "null":
            del prop["default"]
        for variant in [prop, *prop.get("anyOf", [])]:
            if variant.get("format") in ("date", "date-time"):
                variant.setdefault("pattern", SANE_DATE_PATTERN)


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
        return clean_form_value(value, required=field is not None and field.is_required())

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


MeetingMonth = Annotated[
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
    month: MeetingMonth

    def meeting_month(self) -> date:
        return date(int(self.month[:4]), int(self.month[5:]), 1)


def intake_file(kind: str, sheet: str, columns: str) -> object:
    """The field of a file in the intake folder, described for one kind of file."""
    return Field(
        ...,
        min_length=1,
        title="Bestand",
        description=f"Naam van het {kind} (.csv of .xlsx met tabblad '{sheet}') in de "
        f"intakemap. Kolommen: {columns}.",
    )
