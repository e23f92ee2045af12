"""The bounds and normal forms of outside input: text, numbers, codes, dates and file names.

Every reader (CSV and Excel files, data and minutes sheets, the UI's forms, the region's
configuration, the intake folder) passes what it reads through these functions, so that one
rule holds everywhere. They raise :class:`ValueError` with a Dutch message; the reader adds
where (file, row and column, or the form field) and turns it into ``InvalidInput``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Dates a person can mean in this product; anything outside is a typo (9999-12-31, 0001-01-01).
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)
FIRST_YEAR, LAST_YEAR = FIRST_DATE.year, LAST_DATE.year

MAX_FILE_NAME_BYTES = 255  # one path component on the file systems here
MAX_PATH_CHARS = 300  # a name within the intake folder, as the file_name columns hold it

# Format characters (Unicode category Cf) show nothing but can reorder or hide text:
# right-to-left overrides, zero-width joiners, the byte-order mark. They are removed.
# Control characters (Cc) other than tab and line feed in multi-line text are refused.
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Cc less tab and line feed


@lru_cache(maxsize=1)
def format_characters() -> re.Pattern[str]:
    """Every format character (Unicode category Cf), as one character class."""
    chars = (chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    return re.compile("[" + "".join(re.escape(ch) for ch in chars) + "]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` in NFC, without format characters and outer white space; a control character
    (NUL, escape, a line break in a one-line field) raises :class:`ValueError`."""
    text = format_characters().sub("", _LINE_BREAKS.sub("\n", value))
    bad = CONTROL.search(text) or (None if multiline else re.search(r"[\n\t]", text.strip()))
    if bad:
        ch = bad.group()
        what = "een regeleinde" if ch == "\n" else f"een stuurteken (U+{ord(ch):04X})"
        raise ValueError(f"bevat {what}; alleen gewone tekst is toegestaan")
    return unicodedata.normalize("NFC", text).strip()


def visible(text: str) -> str:
    """``text`` fit to show in a report about bad data: control characters as U+FFFD."""
    return CONTROL.sub("\ufffd", text)


def required_text(value: str, *, multiline: bool = False) -> str:
    """:func:`clean_text`, refusing a value that is empty or only white space."""
    text = clean_text(value, multiline=multiline)
    if not text:
        raise ValueError("mag niet leeg zijn (alleen spaties telt als leeg)")
    return text


_PLAIN = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?$")
_GROUPED = {  # thousands separator: its pattern (the decimal separator is the other one)
    # the first group has no leading zero: 0,005 is a (too precise) fraction, not 5
    ".": re.compile(r"^[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]+)?$"),
    ",": re.compile(r"^[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?$"),
}


def parse_decimal(
    value: object, *, places: int, max_integer_digits: int, thousands: bool = False
) -> Decimal:
    """A number written by a person or stored by a spreadsheet, as an exact ``Decimal``.

    Accepted: ASCII digits with an optional sign and one decimal separator (comma or point),
    at most ``places`` decimals and ``max_integer_digits`` digits before it. With
    ``thousands`` (amounts in euros, two decimals) groups of three are accepted too, with the
    other separator as the decimal one: 1.234,56 and 1,234.56; a single separator followed by
    exactly three digits is then a thousands separator (1.234 is 1234), since an amount has
    no third decimal. Refused with a reason: NaN, infinity, exponents (1e308), other digits
    (full-width, Arabic-Indic), more decimals or digits than allowed, mixed separators.
    """
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is geen getal")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"'{value}' is geen getal")
        if abs(value) >= 10**max_integer_digits:
            raise ValueError(f"'{value}' is te groot (hoogstens {max_integer_digits} cijfers)")
        # a spreadsheet's double: its shortest text, rounded past what anyone typed
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if isinstance(value, float):
            number = round(number, max(places, 6)).normalize()
        return _bounded(number, str(value), places, max_integer_digits)
    text = re.sub(r"[\s\u00a0\u202f€]", "", str(value))
    if not text:
        raise ValueError("is leeg")
    group = next((g for g, p in _GROUPED.items() if thousands and p.match(text)), None)
    if group is not None:
        text = text.replace(group, "").replace(",", ".")
    elif _PLAIN.match(text):
        text = text.replace(",", ".")
    else:
        raise ValueError(f"'{value}' is geen getal (alleen cijfers 0-9, één komma of punt)")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only plain numbers
        raise ValueError(f"'{value}' is geen getal") from None
    return _bounded(number, str(value), places, max_integer_digits)


def _bounded(number: Decimal, shown: str, places: int, max_integer_digits: int) -> Decimal:
    if not number.is_finite():
        raise ValueError(f"'{shown}' is geen getal")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places and number != round(number, places):
        raise ValueError(f"'{shown}' heeft meer dan {places} decimalen")
    if abs(number) >= Decimal(10) ** max_integer_digits:
        raise ValueError(f"'{shown}' is te groot (hoogstens {max_integer_digits} cijfers)")
    return round(number, places)


def ascii_digits(value: str, length: int) -> bool:
    """True when ``value`` is exactly ``length`` ASCII digits (not full-width or other
    scripts' digits, which Python's ``\\d`` and ``int()`` accept)."""
    return len(value) == length and value.isascii() and value.isdigit()


def check_date(value: date) -> date:
    """``value`` when it lies in 2000-2100, else :class:`ValueError`."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(
            f"{value:%d-%m-%Y} ligt buiten {FIRST_DATE:%d-%m-%Y} t/m {LAST_DATE:%d-%m-%Y}"
        )
    return value


def check_file_name(name: str) -> str:
    """A file name as typed in a form: no control characters, not too long."""
    text = clean_text(name)
    if not text:
        raise ValueError("geen bestandsnaam opgegeven")
    if any(len(part.encode("utf-8")) > MAX_FILE_NAME_BYTES for part in re.split(r"[/\\]", text)):
        raise ValueError(f"bestandsnaam langer dan {MAX_FILE_NAME_BYTES} tekens")
    if len(text) > MAX_PATH_CHARS:
        raise ValueError(f"naam langer dan {MAX_PATH_CHARS} tekens")
    return text


_TYPED = re.compile(
    r"^(?:(?P<y1>[0-9]{4})-(?P<m1>[0-9]{1,2})-(?P<d1>[0-9]{1,2})"
    r"|(?P<d2>[0-9]{1,2})(?P<sep>[-/.])(?P<m2>[0-9]{1,2})(?P=sep)(?P<y2>[0-9]{4}))"
    r"(?:[ T](?P<h>[0-9]{1,2})[:.](?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?)?$"
)


def typed_date(text: str, *, with_time: bool = False) -> date | datetime:
    """A date as staff type it: 01-03-2027, 1-3-2027, 01/03/2027, 01.03.2027 or 2027-03-01
    (day before month, as in the Netherlands); with ``with_time`` also '10:00' after it."""
    match = _TYPED.match(text.strip())
    if match is None:
        raise ValueError(f"'{text}' is geen datum: typ 01-03-2027 of 2027-03-01")
    year = int(match["y1"] or match["y2"])
    month = int(match["m1"] or match["m2"])
    day = int(match["d1"] or match["d2"])
    try:
        if match["h"] is None:
            return datetime(year, month, day) if with_time else date(year, month, day)
        if not with_time:
            raise ValueError(f"'{text}': alleen een datum, zonder tijd")
        return datetime(year, month, day, int(match["h"]), int(match["mi"]), int(match["s"] or 0))
    except ValueError as exc:
        if "zonder tijd" in str(exc):
            raise
        raise ValueError(f"'{text}' bestaat niet als datum (dag {day}, maand {month})") from None


def sheet_date(text: str) -> date:
    """A date in a sheet's cell: as staff type it, or as Excel stores it (ISO, a midnight
    time dropped); within 2000-2100. Else :class:`ValueError` with the reason."""
    return check_date(typed_date(text.split(" 00:00:00")[0]))  # type: ignore[arg-type]
