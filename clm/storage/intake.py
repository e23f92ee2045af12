"""The intake folder: the only place files named in a form are read from."""

from __future__ import annotations

from pathlib import Path

from clm.errors import InvalidInput
from clm.rules.inputs import check_file_name
from clm.settings import get_settings


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
