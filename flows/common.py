"""What every flow's parameters share: the ``as_of`` date."""

from __future__ import annotations

import functools
import inspect
import warnings
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import Annotated, Any, TypeVar, get_args, get_type_hints

from prefect.runtime import flow_run as runtime_flow_run
from prefect.utilities.callables import parameter_schema
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import PydanticJsonSchemaWarning, SkipJsonSchema

from clm.clock import today_in_region, utcnow
from clm.rules import labels
from clm.rules.inputs import check_date, clean_text, typed_date
from clm.rules.quarters import MeetingMonth
from clm.settings import region_config
from tasks.receipts import publish_receipt
from tasks.worklist import refresh_work_lists

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
# The UI's pick list opens on the arrows at the right of the field, or with the arrow key;
# a click on the field itself does nothing (Prefect 3.8.8's select), so the form says so.
PICK_HINT = "Kies met ⇅ rechts in het veld (of de pijltjestoets)."
DATE_HINT = "Typ de datum als 01-03-2027 of 2027-03-01."
DATETIME_HINT = "Typ datum en tijd als 14-04-2027 10:00 of 2027-04-14 10:00 (tijd in Nederland)."


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


# per pick list (its words): the word of each code, so a form shows a default as a word
_WORD_OF_CODE: dict[tuple[str, ...], dict[str, str]] = {}


def dutch_choice(words: dict[str, str]) -> tuple[BeforeValidator, WithJsonSchema]:
    """A pick list of Dutch words for stored codes (``Annotated[Kind, *dutch_choice(LABELS)]``):
    the form lists the words, the model holds the code; the code itself is taken too (as the
    API or an older run may send it)."""
    codes = {word: code for code, word in words.items()}
    _WORD_OF_CODE[tuple(words.values())] = {str(code): word for code, word in words.items()}

    def to_code(value: Any) -> Any:
        return codes.get(value.strip(), value.strip()) if isinstance(value, str) else value

    return BeforeValidator(to_code), WithJsonSchema(
        {"type": "string", "enum": list(words.values())}
    )


# Fields that several forms share, with the same Dutch title and check everywhere.
Year = Annotated[int, Field(ge=2000, le=2100, title="Classificatiejaar")]
ProviderCode = Annotated[
    str,
    Field(
        pattern=r"^ *[0-9]{8} *$",
        title="AGB-code aanbieder",
        description="Acht cijfers. Opzoeken: Artifacts → aanbieders (alle aanbieders met "
        "AGB-code, naam, categorie en contractmanager).",
    ),
]


def _staff_choice() -> tuple[Any, ...]:
    """The region's staff as a pick list ('Marieke Jansen (cm-jansen)'), read from the region
    config when the flow is loaded: `make up` deploys again when the config changes, so the
    list in the forms follows it. Without a readable config the field is free text."""
    try:
        staff = region_config().staff
    except Exception:  # noqa: BLE001 - a form must load even where the config cannot
        return ()
    return dutch_choice({s.key: f"{s.name} ({s.key})" for s in staff})


StaffKey = Annotated[
    str,
    *_staff_choice(),
    Field(
        min_length=1,
        title="Medewerker",
        description="Kies de medewerker uit de lijst (de medewerkers uit de regioconfiguratie).",
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

    def month_label(self) -> str:
        """'april 2027', as a receipt says it."""
        return MeetingMonth.parse(self.month).label


def intake_file(kind: str, sheet: str, columns: str) -> object:
    """The field of a file in the intake folder, described for one kind of file."""
    return Field(
        ...,
        min_length=1,
        title="Bestand",
        description=f"Naam van het {kind} (.csv of .xlsx met tabblad '{sheet}') in de "
        f"intakemap. Kolommen: {columns}.",
    )


F = TypeVar("F")

# UNSET is left out of the schema on purpose (see _Unset): pydantic says so each time
warnings.filterwarnings(
    "ignore",
    message="Default value <leeg> is not JSON serializable",
    category=PydanticJsonSchemaWarning,
)


class _Unset:
    """The default of a form field whose model default applies: left out of the form's schema
    (the UI would send a null it then refuses) and dropped before the model is built."""

    def __repr__(self) -> str:
        return "<leeg>"


UNSET: Any = _Unset()


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with every ``$ref`` to ``defs`` replaced by the definition itself: a field
    of the flat form stands alone, without the model's ``$defs``."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            merged = {**defs[ref.removeprefix("#/$defs/")], **schema}
            merged.pop("$ref")
            return _inline(merged, defs)
        return {k: _inline(v, defs) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def flat_form(flow_object: F) -> F:
    """Show a flow's form field by field, each with its Dutch title, instead of one group
    ``params`` around them (untranslated, marked Optional in the UI).

    The flow keeps its one model (``params: SomeInput``), so a flow body and its tests are
    unchanged: a deployment's run passes the fields, this builds the model from them (its
    validators, typed dates and all); a call with the model itself, or an older run's
    ``{"params": {...}}``, passes it on. The form's schema is the model's, field by field."""
    original = flow_object.fn
    model = get_type_hints(original)["params"]
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    hidden = inspect.Parameter(
        "params",
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        default=None,
        annotation=Annotated[model | None, SkipJsonSchema()],
    )
    shown, lenient = [], [hidden]
    for name, prop in schema["properties"].items():
        prop = _inline(prop, defs)
        title, description = prop.pop("title", name), prop.pop("description", None)
        if "enum" in prop and PICK_HINT not in (description or ""):
            description = f"{description or ''} {PICK_HINT}".strip()
        default = prop.pop("default", UNSET)
        if default is None:
            default = UNSET
        elif "enum" in prop and default not in prop["enum"]:
            # a pick list of words whose model default is a code: the form shows the word
            default = _WORD_OF_CODE.get(tuple(prop["enum"]), {}).get(str(default), default)
        annotation = Annotated[Any, WithJsonSchema(prop)]
        extra = {"title": title}
        kind = inspect.Parameter.KEYWORD_ONLY
        field = Field(... if name in required else default, description=description,
                      json_schema_extra=extra)  # fmt: skip
        shown.append(inspect.Parameter(name, kind, default=field, annotation=annotation))
        lenient.append(
            inspect.Parameter(
                name, kind, default=Field(UNSET, json_schema_extra=extra), annotation=annotation
            )  # fmt: skip
        )

    @functools.wraps(original)
    def run_form(params: Any = None, **fields: Any) -> Any:
        _RUN_STARTED.set(utcnow())  # the receipt's mails are those written from now on
        if params is None:
            params = model(**{k: v for k, v in fields.items() if v is not UNSET})
        elif isinstance(params, dict):
            params = model(**params)
        _RUN_AS_OF.set(params.effective_as_of() if hasattr(params, "effective_as_of") else None)
        return original(params)

    run_form.__signature__ = inspect.Signature(lenient)  # type: ignore[attr-defined]
    flow_object.fn = run_form
    # what `prefect deploy` reads (parameter_schema(flow)): the fields, the required ones so
    flow_object.__signature__ = inspect.Signature(shown)  # type: ignore[attr-defined]
    flow_object.parameters = parameter_schema(flow_object)
    return flow_object


_RUN_STARTED: ContextVar[datetime | None] = ContextVar("run_started", default=None)
_RUN_AS_OF: ContextVar[date | None] = ContextVar("run_as_of", default=None)


def receipt(
    title: str,
    saved: list[str],
    next_steps: list[str],
    provider_code: str | None = None,
    who: str = "",
) -> str:
    """End a staff-started run with its receipt (``tasks.receipts.publish_receipt``): what
    was saved, the mails written since the run started and to whom, what happens next; and
    refresh the work lists, which the run may have changed (a point done, a term set)."""
    name = runtime_flow_run.flow_name or ""
    try:  # who started it, by name
        member = region_config().staff_by_key.get(who)
        who = f"{member.name} ({who})" if member else who
    except Exception:  # noqa: BLE001 - a receipt never fails a run over a name
        pass
    refresh_work_lists(_RUN_AS_OF.get() or today_in_region())
    return publish_receipt(
        labels.DEPLOYMENTS.get(name, name),
        title,
        saved,
        next_steps,
        _RUN_STARTED.get() or utcnow() - timedelta(minutes=10),
        provider_code,
        who,
    )
