"""Jinja2 rendering of everything a person reads (Dutch), with autoescaping on."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from clm.clock import dutch_date, dutch_month
from clm.rules.vocabulary import event_label
from clm.settings import get_settings


def format_number(value: float | Decimal | int | None, decimals: int = 1) -> str:
    """A number with a Dutch decimal comma and thousands dots; None reads 'geen gegevens'."""
    if value is None or value != value:  # None or NaN
        return "geen gegevens"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_value(value: float | Decimal | int | None, unit: str) -> str:
    """A KPI figure in its unit's way: a whole count without decimals ('2', not '2,0'),
    every other figure (and a count's mean or median that is not whole) with one."""
    if value is None or value != value:
        return "geen gegevens"
    if unit == "aantal" and float(value).is_integer():
        return format_number(value, 0)
    return format_number(value)


def format_euro(value: float | Decimal | int | None) -> str:
    """An amount as '€ 1.234,56'."""
    if value is None or value != value:
        return "geen gegevens"
    return f"€ {format_number(value, 2)}"


def _autoescape(name: str | None) -> bool:
    # Text mails are plain text; HTML and markdown (shown as HTML in the Prefect UI) escape.
    return not (name or "").endswith(".txt.j2")


def markdown_cell(value: Any) -> Markup:
    """A value safe inside a markdown table cell: HTML escaped, pipes and line breaks defused."""
    text = str(escape(value)).replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return Markup(text)


@lru_cache(maxsize=4)
def _environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        dutch_date=lambda d, weekday=False: dutch_date(d, weekday) if isinstance(d, date) else d,
        month_name=dutch_month,
        number=format_number,
        euro=format_euro,
        cell=markdown_cell,
        event_label=event_label,
        next_day=lambda d: d + timedelta(days=1),
    )
    return env


def render(template: str, **context: Any) -> str:
    """Render one template from the project's ``templates/`` folder."""
    return _environment(get_settings().templates_dir).get_template(template).render(**context)
