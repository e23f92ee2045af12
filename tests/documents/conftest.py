"""One of each document, made by the services from the demo region (the session's snapshot
'samples', admin.samples) on SQLite and on PostgreSQL, and printed to PDF by LibreOffice as a
provider's program would."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from admin.samples import Samples
from tests import office

OFFICE_KINDS = ("conceptagenda", "gegevensblad", "verslagblad")


@dataclass(frozen=True)
class Printed:
    """The samples, and each document as PDF: office files as LibreOffice printed them,
    PDFs as they are."""

    samples: Samples
    pdf: dict[str, Path]
    engine: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def printed(request: pytest.FixtureRequest) -> Printed:
    reason = office.missing()
    if reason:
        pytest.skip(reason)
    _, intake, samples = request.getfixturevalue("snapshots").get(request, request.param, "samples")
    converted = office.convert([samples.files[k] for k in OFFICE_KINDS], intake.parent / "afdruk")
    pdf = {k: p for k, p in samples.files.items() if p.suffix == ".pdf"}
    pdf |= {k: converted[samples.files[k]] for k in OFFICE_KINDS}
    return Printed(samples, pdf, request.param)
