"""Debian's Chromium for the browser test: used when present, installed when missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def chromium() -> str:
    """The path of Debian's chromium, installing the package (apt) if it is missing; skips
    with the reason when it can neither be found nor installed here."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "chromium"]
        # the package lists may be stale on a fresh machine: refresh once if it fails
        if subprocess.run(install, env=env, capture_output=True, timeout=900).returncode:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=900)
            subprocess.run(install, env=env, capture_output=True, timeout=900)
        if Path(CHROMIUM).exists():
            return CHROMIUM
    pytest.skip("chromium ontbreekt en kan hier niet met apt-get worden geïnstalleerd")
