"""What every flow's parameters share: the ``as_of`` date."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from clm.clock import today_in_region

# Optional values shown in the UI as a plain date or number field: left empty, the default
# applies. (The generated 'date or None' schema makes the form ask for a type first.)
OptionalDate = Annotated[date | None, WithJsonSchema({"type": "string", "format": "date"})]
OptionalYear = Annotated[
    int | None,
    Field(ge=2000, le=2100),
    WithJsonSchema({"type": "integer", "minimum": 2000, "maximum": 2100}),
]


def _no_null_defaults(schema: dict[str, Any]) -> None:
    """Drop a ``null`` default where the field's schema is a plain type: the UI would send
    that null and then refuse it ('None is not of type string'); left out, an empty field
    is simply not sent and the model's default (today, next year, …) applies."""
    for prop in schema.get("properties", {}).values():
        if prop.get("default", "") is None and "anyOf" not in prop and prop.get("type") != "null":
            del prop["default"]


class FlowInput(BaseModel):
    """Base of the flows' parameter models (shown as a form in the Prefect UI)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_no_null_defaults)

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
ProviderCode = Annotated[str, Field(pattern=r"^\d{8}$", title="AGB-code aanbieder")]
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
        pattern=r"^\d{4}-(01|04|07|10)$",
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
