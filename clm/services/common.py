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

_loaded: dict[Path, tuple[tuple[int, int], RegionConfig]] = {}


def region_config() -> RegionConfig:
    """The region configuration named by the settings, read and validated once per version of
    the file (its modification time and size): a run asks for it dozens of times, and a
    region that edits the file gets the new version at the next call."""
    path = Path(get_settings().region_config).resolve()
    try:
        stat = path.stat()
    except OSError:
        return load_config(path)  # names the missing file in its error
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _loaded.get(path)
    if cached is None or cached[0] != version:
        cached = _loaded[path] = (version, load_config(path))
    return cached[1]


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
