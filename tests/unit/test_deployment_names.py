"""Every deployment is named for its task in Dutch, once: prefect.yaml and the names texts
use (``clm.rules.labels.DEPLOYMENTS``) agree, and no two tasks share a name."""

from __future__ import annotations

import importlib
import re

import yaml

from clm.rules.labels import DEPLOYMENTS
from clm.settings import PROJECT_DIR


def _declared() -> dict[str, str]:
    spec = yaml.safe_load((PROJECT_DIR / "prefect.yaml").read_text(encoding="utf-8"))
    names = {}
    for deployment in spec["deployments"]:
        path, func = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        names[getattr(module, func).name] = deployment["name"]
    return names


def test_prefect_yaml_names_each_deployment_as_the_labels_do() -> None:
    assert _declared() == DEPLOYMENTS


def test_deployment_names_are_dutch_words_and_unique() -> None:
    names = list(DEPLOYMENTS.values())
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", n) for n in names), names
    assert "clm" not in names


def test_who_did_it_reads_in_dutch() -> None:
    """The dossier's 'Door': staff by name, the system by its task's Dutch name."""
    from clm.rules.labels import actor_label

    staff = {"cm-jansen": "Marieke Jansen"}
    assert actor_label("cm-jansen", staff) == "Marieke Jansen (cm-jansen)"
    assert actor_label("yearly-classification", staff) == "systeem: jaarlijkse-classificatie"
    assert actor_label("intake", staff) == "systeem: gegevensinname"
    assert actor_label("12345678", staff) == "12345678"  # as recorded
