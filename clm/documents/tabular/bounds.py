"""How large each kind of sheet may be (file, unpacked, rows, columns, packing), checked on the
zip directory before any cell is read, so that a hostile workbook is refused cheaply with its
limit named."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from clm.errors import InvalidInput

MAX_FILE_BYTES = 256 * 1024**2  # a year of a large region's declarations is about half that


MAX_UNPACKED_BYTES = 1024**3  # an .xlsx is a zip: what it unpacks to is bounded too


MAX_ROWS = 1_048_576  # Excel's own limit


MAX_COLUMNS = 64  # cells right of this are not read (a sheet has a dozen columns at most)


_MB = 1024**2


@dataclass(frozen=True)
class SheetBounds:
    """What one kind of sheet can legitimately hold, checked from the file's zip directory
    before any of it is parsed: a workbook whose parts unpack to more (a few kB of shared
    strings padded out to 100 MB) is refused in milliseconds instead of parsed for half a
    minute. A zip member is never read past the size its directory states, so the stated
    sizes bound the work."""

    what: str  # in the refusal: "een gegevensblad"
    file_bytes: int  # on disk (CSV: what is parsed)
    xml_bytes: int  # what its XML parts (sheets, shared strings, styles) unpack to
    rows: int  # rows of one tab
    unpacked_bytes: int = MAX_UNPACKED_BYTES  # everything, pictures included

    def limit(self, size: int, kind: str) -> str:
        return (
            f"{kind} {size / _MB:.1f} MB; {self.what} bevat hooguit {self.xml_bytes / _MB:.0f} MB"
        )


# One data sheet or minutes sheet is a few dozen rows and 25 kB of XML as the product writes
# it (an Excel re-save with a logo and its styles: some hundreds of kB); a register or the
# judged scores is a row per provider and lot, a region has hundreds; declarations are a
# year of a large region.
DATA_SHEET = SheetBounds("een gegevensblad", 16 * _MB, 2 * _MB, 1_000, 32 * _MB)


MINUTES_SHEET = SheetBounds("een verslagblad", 16 * _MB, 2 * _MB, 2_000, 32 * _MB)


JUDGED_SHEET = SheetBounds("een blad met beoordelingen", 16 * _MB, 8 * _MB, 20_000, 64 * _MB)


REGISTER = SheetBounds("een contractregister", 32 * _MB, 16 * _MB, 50_000, 128 * _MB)


# Spreadsheet XML packs to a fifth or a twentieth (cell references and values differ from
# cell to cell); a part of over a megabyte packed a hundredfold tighter is padding.
MAX_PACKING = 100


_PACKING_FROM = _MB


DECLARATIONS = SheetBounds("een declaratiebestand", MAX_FILE_BYTES, MAX_UNPACKED_BYTES, MAX_ROWS)


def check_size(path: Path, source: str, bounds: SheetBounds = DECLARATIONS) -> None:
    """Refuse a file that is missing or larger than anyone sends, before reading it."""
    if not path.is_file():
        raise InvalidInput.one(source, "bestand niet gevonden", title="Bestand ontbreekt")
    size = path.stat().st_size
    if size > bounds.file_bytes:
        raise InvalidInput.one(
            source,
            f"het bestand is {size / _MB:.0f} MB; de grens voor {bounds.what} is "
            f"{bounds.file_bytes // _MB} MB",
            title="Bestand te groot",
        )


_XML_PARTS = (".xml", ".rels", ".vml")


def check_workbook(path: Path, source: str, bounds: SheetBounds) -> None:
    """The .xlsx's zip directory against ``bounds``: what the whole file and its XML parts
    unpack to, before a byte of it is parsed. Raises :class:`InvalidInput` (or
    ``zipfile.BadZipFile`` for a file that is no zip)."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    xml = sum(m.file_size for m in members if m.filename.lower().endswith(_XML_PARTS))
    if unpacked > bounds.unpacked_bytes:
        raise InvalidInput.one(
            source,
            f"het bestand pakt uit tot {unpacked / _MB:.0f} MB; de grens voor {bounds.what} "
            f"is {bounds.unpacked_bytes // _MB} MB",
            title="Bestand te groot",
        )
    padded = [
        m
        for m in members
        if m.file_size > _PACKING_FROM and m.file_size > MAX_PACKING * max(1, m.compress_size)
    ]
    if padded:
        part = padded[0]
        raise InvalidInput.one(
            source,
            f"het deel {part.filename[:80]} pakt uit van {part.compress_size / 1024:.0f} kB tot "
            f"{part.file_size / _MB:.0f} MB: zo sterk laat een echt werkblad zich niet "
            "inpakken; het bestand is niet gelezen",
            title="Bestand niet leesbaar",
        )
    if xml > bounds.xml_bytes:
        biggest = max(members, key=lambda m: m.file_size)
        raise InvalidInput.one(
            source,
            bounds.limit(xml, "de inhoud van het bestand pakt uit tot")
            + f" (het grootste deel, {biggest.filename[:80]}, is "
            f"{biggest.file_size / _MB:.1f} MB); het blad is niet gelezen",
            title="Bestand te groot",
        )
