"""One of each document, made by the services from the demo region (admin.samples) on
SQLite and on PostgreSQL, and printed to PDF by LibreOffice as a provider's program would."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from admin.samples import Samples, make_samples
from clm.rules.config import load_config
from clm.settings import PROJECT_DIR, get_settings
from tests import office
from tests.conftest import fresh_postgres

OFFICE_KINDS = ("conceptagenda", "gegevensblad", "verslagblad")


@dataclass(frozen=True)
class Printed:
    """The samples, and each document as PDF: office files as LibreOffice printed them,
    PDFs as they are."""

    samples: Samples
    pdf: dict[str, Path]
    engine: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    reason = office.missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp(f"documenten-{request.param}")
    with pytest.MonkeyPatch.context() as patch:
        # anything a service keeps on disk stays in this folder
        patch.setenv("CLM_VAR_DIR", str(folder / "var"))
        patch.setenv("CLM_MAIL_TRANSPORT", "file")
        patch.delenv("CLM_DATABASE_URL", raising=False)
        if request.param == "postgresql":
            url = fresh_postgres(request)
        else:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), folder / "clm.db")
            url = f"sqlite:///{folder / 'clm.db'}"
        get_settings.cache_clear()
        try:
            samples = make_samples(url, load_config(PROJECT_DIR / "config" / "region.yaml"), folder)
        finally:
            get_settings.cache_clear()
    converted = office.convert([samples.files[k] for k in OFFICE_KINDS], folder / "afdruk")
    pdf = {k: p for k, p in samples.files.items() if p.suffix == ".pdf"}
    pdf |= {k: converted[samples.files[k]] for k in OFFICE_KINDS}
    return Printed(samples, pdf, request.param)
