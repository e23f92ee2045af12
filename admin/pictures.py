"""Pictures of what providers receive, for the README: one document of each kind made from
the demo region (admin.samples), the office files printed by LibreOffice as a provider's
program prints them, the first page of each rendered to PNG by Poppler.

Usage: python -m admin.pictures [folder]   (default docs/documenten; needs soffice, pdftoppm)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from icalendar import Calendar

from clm.clock import REGION_TZ, dutch_date
from clm.settings import PROJECT_DIR

# kind: (title, who receives it and when)
CAPTIONS = {
    "conceptagenda": (
        "Conceptagenda (.docx)",
        "With the data request, when the quarter's meetings are planned (about a month ahead); "
        "the provider can write in it.",
    ),
    "gegevensblad": (
        "Gegevensblad (.xlsx)",
        "With the data request. Only the yellow cells (value, remark) can be changed; printed, "
        "it fits one page wide with the column titles on every page.",
    ),
    "uitnodiging": ("Uitnodiging (.ics)", "With the data request, to every attendee."),
    "agenda": (
        "Definitieve agenda (PDF)",
        "Three working days before the meeting, with the figures delivered.",
    ),
    "verslagblad": (
        "Verslagsjabloon (.xlsx)",
        "For the support officer who takes the minutes on paper or in Excel.",
    ),
    "verslag-concept": (
        "Conceptverslag (PDF)",
        "After the meeting; the provider has a week to react.",
    ),
    "verslag-definitief": (
        "Definitief verslag (PDF)",
        "After the provider agrees or the week has passed; also in the contract dossier.",
    ),
    "tredebrief": ("Brief escalatietrede (PDF)", "With each step on the escalation ladder."),
    "groep-uitnodiging": (
        "Uitnodiging groepsoverleg (.ics)",
        "To every contracted provider of the lot.",
    ),
    "groep-verslag": ("Verslag groepsoverleg (PDF)", "After the group meeting, to the invited."),
    "regioanalyse": ("Regioanalyse (PDF)", "For the region, every quarter."),
    "analysepagina": (
        "Pagina uit de regioanalyse (PDF)",
        "A provider's own page, in its contract dossier.",
    ),
    "dossier": ("Dossierexport (PDF)", "For an auditor, or for the provider on request."),
    "verplaatst": (
        "Gewijzigde uitnodiging (.ics)",
        "When the meeting moves: same UID, next number.",
    ),
    "geannuleerd": (
        "Annulering (.ics)",
        "When the meeting is cancelled: it leaves every calendar (METHOD:CANCEL, same UID).",
    ),
}


def _invite_table(path: Path) -> str:
    """What a calendar shows of an invite, as a small table."""
    event = next(c for c in Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    start = event.decoded("dtstart").astimezone(REGION_TZ)
    end = event.decoded("dtend").astimezone(REGION_TZ)
    attendees = event.get("attendee", [])
    attendees = attendees if isinstance(attendees, list) else [attendees]  # one: not a list
    roles = {"REQ-PARTICIPANT": "verplicht", "OPT-PARTICIPANT": "optioneel"}
    people = [f"{a.params.get('CN')} ({roles.get(a.params.get('ROLE'), '')})" for a in attendees]
    rows = [
        ("Onderwerp", str(event.get("summary"))),
        ("Wanneer", f"{dutch_date(start.date(), weekday=True)}, {start:%H:%M}–{end:%H:%M}"),
        ("Waar", str(event.get("location"))),
        ("Organisator", str(event.get("organizer").params.get("CN"))),
        ("Deelnemers", ", ".join(people)),
        ("UID / volgnummer", f"`{event.get('uid')}` / {event.get('sequence')}"),
    ]
    return "\n".join(["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])


def main(folder: Path) -> None:
    """Make the samples, print and picture them into ``folder`` with an index page."""
    missing = [p for p in ("soffice", "pdftoppm") if shutil.which(p) is None]
    if missing:
        sys.exit(
            f"{', '.join(missing)} ontbreekt (apt-get install libreoffice-writer-nogui "
            "libreoffice-calc-nogui poppler-utils)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["CLM_VAR_DIR"] = str(work / "var")
        from admin.samples import KINDS, make_samples, print_with_libreoffice
        from clm.rules.config import load_config
        from clm.storage.db import migrate

        url = f"sqlite:///{work / 'clm.db'}"
        migrate(url)
        samples = make_samples(url, load_config(PROJECT_DIR / "config" / "region.yaml"), work)
        office = [p for p in samples.files.values() if p.suffix in (".docx", ".xlsx")]
        print_with_libreoffice(office, work / "afdruk")
        folder.mkdir(parents=True, exist_ok=True)
        lines = [
            "# What providers receive",
            "",
            "One document of each kind, made by `python -m admin.pictures` from the demo region "
            "(the data `make up` loads) through the same services the flows call; the office "
            "files as LibreOffice prints them, first pages only. Provider: "
            f"{samples.provider_name} (AGB {samples.provider_code}).",
            "",
        ]
        for kind in KINDS:
            path = samples.files[kind]
            title, when = CAPTIONS[kind]
            lines += [f"## {title}", "", when, ""]
            if path.suffix == ".ics":
                lines += [_invite_table(path), ""]
                continue
            pdf = path if path.suffix == ".pdf" else work / "afdruk" / f"{path.stem}.pdf"
            subprocess.run(
                ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile",
                 str(pdf), str(folder / kind)],
                check=True, timeout=120,
            )  # fmt: skip
            lines += [f"![{title}](documenten/{kind}.png)", ""]
        (folder.parent / "documenten.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(KINDS)} documenten in {folder}, overzicht in {folder.parent / 'documenten.md'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_DIR / "docs" / "documenten")
