"""Small helpers the services share."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.config import RegionConfig, load_config
from clm.errors import InvalidInput, UnknownProvider
from clm.inputs import check_file_name
from clm.models import Provider
from clm.settings import get_settings


def region_config() -> RegionConfig:
    """The region configuration named by the settings."""
    return load_config(get_settings().region_config)


def provider_by_code(session: Session, code: str) -> Provider:
    """The provider with this AGB code, or :class:`UnknownProvider`."""
    provider = session.scalar(select(Provider).where(Provider.code == code.strip()))
    if provider is None:
        raise UnknownProvider(code)
    return provider


def provider_ids(session: Session) -> dict[str, int]:
    """Every provider's code mapped to its id."""
    return dict(session.execute(select(Provider.code, Provider.id)).all())


def resolve_intake_file(name: str, parameter: str, intake: Path | None = None) -> Path:
    """The file ``name`` inside the intake folder; anything that points outside is refused.

    Files named in the UI are read from this one folder only, so that a form cannot make a
    worker read arbitrary files on the machine. A symbolic link counts as where it points:
    the daily sweep's scan applies the same rule (:func:`inside_intake`).
    """
    base = (intake or get_settings().intake_path).resolve()
    try:
        name = check_file_name(name)
    except ValueError as exc:
        raise InvalidInput.one(
            f"parameter {parameter}", str(exc), title="Ongeldige bestandsnaam"
        ) from None
    candidate = Path(name)
    path = candidate if candidate.is_absolute() else base / candidate
    if not inside_intake(path, base):
        raise InvalidInput.one(
            f"parameter {parameter}",
            f"'{name}' ligt buiten de intakemap {base}; zet het bestand daar neer",
            title="Bestand buiten de intakemap",
        )
    if not path.is_file():
        raise InvalidInput.one(
            f"parameter {parameter}",
            f"bestand '{name}' niet gevonden in {base}",
            title="Bestand ontbreekt",
        )
    return path.resolve()


def inside_intake(path: Path, base: Path) -> bool:
    """True when ``path``, with every symbolic link followed, lies inside ``base``."""
    try:
        return path.resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError):  # a link loop, a name the system refuses
        return False
