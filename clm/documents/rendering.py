"""Jinja2 rendering of everything a person reads (Dutch), with autoescaping on."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from clm.clock import dutch_date, dutch_month
from clm.numbers import format_euro, format_number
from clm.rules.vocabulary import event_label
from clm.settings import get_settings


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
