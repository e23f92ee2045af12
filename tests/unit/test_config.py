"""The region configuration: the demo file is valid, and errors name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clm.errors import ConfigError
from clm.rules.config import load_config
from clm.settings import PROJECT_DIR

DEMO = PROJECT_DIR / "config" / "region.yaml"


def _variant(tmp_path: Path, change) -> Path:  # noqa: ANN001
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "regio.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_demo_config_is_valid() -> None:
    cfg = load_config(DEMO)
    assert {m.code for m in cfg.municipalities} == {
        "GM0034",
        "GM0303",
        "GM0995",
        "GM0171",
        "GM0184",
        "GM0050",
    }
    assert [c.meetings_per_year for c in cfg.classification.categories] == [4, 3, 2, 2]
    assert cfg.classification.categories[0].meeting_months == [4, 7, 10, 1]
    assert cfg.classification.categories[2].meeting_months == [4, 10]


def _set(path: list, value):  # noqa: ANN001, ANN202
    def change(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "key", "fragment"),
    [
        (_set(["municipalities", 0, "code"], "0034"), "municipalities.0.code", "pattern"),
        (
            _set(["classification", "criteria", "clients", "weight"], 0),
            "classification.criteria.clients.weight",
            "greater than 0",
        ),
        (
            _set(["classification", "criteria", "revenue", "bands", 0, "from"], 10),
            "classification.criteria.revenue.bands",
            "from: 0",
        ),
        (
            _set(["classification", "categories", 1, "min_score"], 9),
            "classification.categories",
            "dalen",
        ),
        (
            _set(["classification", "categories", 2, "meeting_months"], [4, 5]),
            "classification.categories.2.meeting_months",
            "cyclus",
        ),
        (_set(["staff", 0, "email"], "geen-adres"), "staff.0.email", "email"),
        (_set(["kpis", 0, "label"], "woord " * 40), "kpis.0.label", "at most 200"),
        (_set(["mail", "sender_emial"], "x@example.org"), "mail.sender_emial", "Extra inputs"),
        (
            _set(
                ["classification", "criteria", "specialisation", "bands"],
                [{"from": 0, "points": 1}],
            ),
            "classification.criteria",
            "beoordeeld criterium",
        ),
    ],
)
def test_config_errors_name_file_and_key(tmp_path: Path, change, key: str, fragment: str) -> None:  # noqa: ANN001
    path = _variant(tmp_path, change)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert f"{path}: {key}" in message
    assert fragment in message


def test_missing_role_is_named(tmp_path: Path) -> None:
    path = _variant(
        tmp_path,
        lambda d: d.update(staff=[s for s in d["staff"] if s["role"] != "support_officer"]),
    )
    with pytest.raises(ConfigError, match="support_officer"):
        load_config(path)


def test_the_cross_checks_name_every_problem_at_once(tmp_path: Path) -> None:
    def change(data: dict) -> None:
        data["municipalities"].append(dict(data["municipalities"][0]))
        data["care_types"].append(dict(data["care_types"][-1]))
        data["staff"] = [s for s in data["staff"] if s["role"] != "contract_administration"]
        data.setdefault("mailbox", {})["post_handler"] = "niemand"

    path = _variant(tmp_path, change)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    lines = str(info.value).splitlines()[1:]
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    assert lines == [
        f"{path}: municipalities: '{data['municipalities'][0]['code']}' staat er dubbel in",
        f"{path}: care_types: '{data['care_types'][-1]['code']}' staat er dubbel in",
        f"{path}: staff: niemand met de rol 'contract_administration'",
        f"{path}: mailbox.post_handler: 'niemand' staat niet bij staff",
    ]
    assert "Value error" not in str(info.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="niet gevonden"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("region: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="geen geldige YAML"):
        load_config(bad)


def test_region_config_is_read_once_per_version_of_the_file(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """Loaded once while the file stays the same; an edited file is read again."""
    import os

    from clm.services.common import region_config
    from clm.settings import get_settings

    path = _variant(tmp_path, lambda data: None)
    monkeypatch.setenv("CLM_REGION_CONFIG", str(path))
    get_settings.cache_clear()
    try:
        first = region_config()
        assert region_config() is first
        text = path.read_text(encoding="utf-8").replace(
            "name: Jeugdhulpregio Flevoland (demo)", "name: Jeugdhulpregio Flevoland (test)"
        )
        path.write_text(text, encoding="utf-8")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        second = region_config()
        assert second is not first and second.region.name.endswith("(test)")
    finally:
        get_settings.cache_clear()


def test_config_warnings(tmp_path: Path) -> None:
    """What is allowed but advised against: fewer than two meetings a year (seed 004:
    "meerdere gesprekken per jaar"), and the organisation under two names in mails."""
    from clm.rules.config import config_warnings

    assert config_warnings(load_config(DEMO)) == []

    def change(data: dict) -> None:
        data["classification"]["categories"][3]["meeting_months"] = [4]
        data["mail"]["sender_name"] = "Inkoop Jeugd"

    warnings = config_warnings(load_config(_variant(tmp_path, change)))
    assert len(warnings) == 2
    assert warnings[0].startswith("categorie 4 ") and "minstens twee" in warnings[0]
    assert "aanbieders zien de organisatie dan onder twee namen" in warnings[1]
