"""What people read: Dutch formats, escaping of provider text; the clm command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from admin.cli import main
from admin.demo import demo_declarations, demo_judged_scores, demo_providers, write_declarations_csv
from clm.clock import dutch_date
from clm.documents.rendering import markdown_cell, render
from clm.numbers import format_euro, format_number
from clm.rules.config import load_config
from clm.settings import PROJECT_DIR


def test_dutch_formats() -> None:
    assert dutch_date(date(2026, 4, 14), weekday=True) == "dinsdag 14 april 2026"
    assert format_number(1234567.891, 2) == "1.234.567,89"
    assert format_euro(52499.6) == "€ 52.499,60"
    assert format_number(None) == "geen gegevens"


def test_markdown_cells_escape_html_and_pipes() -> None:
    assert str(markdown_cell("<script>x</script> | a\nb")) == (
        "&lt;script&gt;x&lt;/script&gt; \\| a b"
    )


def test_artifacts_escape_provider_text() -> None:
    html = render(
        "artifacts/missing_judged.md.j2", year=2027, providers=["12345678 <b>Zorg & Co</b>"]
    )
    assert "<b>" not in html and "&lt;b&gt;Zorg &amp; Co&lt;/b&gt;" in html


def test_check_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check-config", str(PROJECT_DIR / "config" / "region.yaml")]) == 0
    out = capsys.readouterr().out
    assert "in orde" in out and "Let op" not in out  # every category meets twice or more
    # seed 004 "meerdere gesprekken per jaar", seed 002 two to four: one a year is flagged
    once = tmp_path / "eenmaal.yaml"
    text = (PROJECT_DIR / "config" / "region.yaml").read_text(encoding="utf-8")
    once.write_text(text.replace("meeting_months: [4, 10]}", "meeting_months: [4]}"), "utf-8")
    assert main(["check-config", str(once)]) == 0
    assert "Let op: categorie 3 (Regulier) heeft 1 gesprek per jaar" in capsys.readouterr().out
    bad = tmp_path / "r.yaml"
    bad.write_text("region: {name: x}\n", encoding="utf-8")
    assert main(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: region.organisation: Field required" in err
    assert f"{bad}: municipalities: Field required" in err


def test_classify_preview_prints_csv_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLM_VAR_DIR", str(tmp_path / "var"))
    cfg = load_config(PROJECT_DIR / "config" / "region.yaml")
    providers = demo_providers(cfg, count=5)
    decl = write_declarations_csv(demo_declarations(cfg, providers, 2025), tmp_path / "d.csv")
    judged = tmp_path / "j.csv"
    demo_judged_scores(providers).to_csv(judged, index=False)
    assert (
        main(["classify", "--year", "2027", "--declarations", str(decl), "--judged", str(judged)])
        == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("provider_code,year,clients,municipalities,revenue")
    assert len(lines) == 6
    assert {line.split(",")[0] for line in lines[1:]} == {p.code for p in providers}
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize(
    "subject",
    [
        "Indeling contractmanagement 2027: categorie 2 (regulier), 3 gesprekken",
        "Verslag contractvoortgangsgesprek 05-04-2027 (versie 1): reactie uiterlijk 14-04-2027",
        "Signaal: Cliënttevredenheid van Jeugd-GGZ De Regenboog — onder de norm, 1e kwartaal 2027",
    ],
)
def test_a_subject_is_never_folded_right_after_its_name(subject: str) -> None:
    """A mail reader shows a subject folded right after 'Subject:' with a leading space."""
    from email import message_from_bytes, policy

    from clm.storage.mail import Envelope, build_message

    msg = build_message(
        Envelope("<1@x>", "Regio", "r@x.nl", None, ["a@x.nl"], [], subject, "tekst é", "<p>é</p>")
    )
    raw = msg.as_bytes()
    assert b"Subject:\n" not in raw and b"Subject:\r\n" not in raw
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject


def test_whole_counts_have_no_decimals() -> None:
    from clm.numbers import format_value

    assert format_value(2.0, "aantal") == "2" and format_value(2, "aantal") == "2"
    assert format_value(2.5, "aantal") == "2,5"  # a mean or median of counts
    assert format_value(1234.0, "aantal") == "1.234"
    assert format_value(7.0, "cijfer") == "7,0" and format_value(75, "percentage") == "75,0"
    assert format_value(None, "aantal") == "geen gegevens"
    assert format_value(float("nan"), "weken") == "geen gegevens"
