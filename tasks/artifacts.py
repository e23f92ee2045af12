"""Artifacts that staff and auditors read in the Prefect UI."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd
from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from clm.documents.rendering import render
from clm.errors import InvalidInput


def _plain(value: Any) -> Any:
    """Values a JSON table accepts: NaN becomes None, numpy and dates become plain values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, datetime):  # one way of writing a date in every table staff read
        return f"{value:%d-%m-%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@task(name="publish-table", cache_policy=NO_CACHE)
def publish_table(
    frame: pd.DataFrame, key: str, description: str, labels: dict[str, str] | None = None
) -> None:
    """One table artifact from a data frame, its columns titled with the Dutch ``labels``."""
    table_artifact(frame, key, description, labels)


def table_artifact(
    frame: pd.DataFrame, key: str, description: str, labels: dict[str, str] | None = None
) -> None:
    """The table artifact of publish_table, for a task that makes its own table(s): inside a
    task, publish_table would add a task run of its own for each one."""
    frame = frame.rename(columns=labels or {})
    rows = [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]
    create_table_artifact(table=rows, key=key, description=description)


@task(name="publish-markdown", cache_policy=NO_CACHE)
def publish_markdown(template: str, key: str, description: str, **context: Any) -> str:
    """Render a markdown template once and publish it as one artifact."""
    markdown = render(template, **context)
    create_markdown_artifact(markdown=markdown, key=key, description=description)
    return markdown


def publish_input_errors(error: InvalidInput, key: str) -> None:
    """The list of problems of a refused input, as a markdown artifact."""
    publish_markdown(
        "artifacts/input_errors.md.j2",
        key=key,
        description=error.title,
        error=error,
        problems=error.problems,
    )
