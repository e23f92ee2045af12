"""Debian's Chromium for the browser test (installed by `make test`, scripts/system-packages.sh)."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def chromium() -> str:
    """The path of Debian's chromium; skips with the reason when it is missing."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    pytest.skip(
        "chromium ontbreekt: installeer het pakket 'chromium' (make test doet dat als root)"
    )
