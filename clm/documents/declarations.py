"""Declaration files: the documented column set, validation of the whole file, normalisation.

Columns (headers in any case, Dutch or English):

========================  ==========================================================
provider_code             aanbieder, AGB-code: the provider's 8-digit code
client_ref                cliënt, cliëntnummer: a pseudonymised client id
municipality_code         gemeente, gemeentecode: CBS code such as GM0034 (or 0034)
period                    periode, maand: 2025-03, 2025-03-01, 03-2025 or 01-03-2025
amount                    bedrag: euros, at most two decimals, comma or point; thousands
                          grouped either way (1234,56 / 1.234,56 / 1,234.56 / 1.234)
care_type                 zorgvorm, perceel: a care-type code from the region config
========================  ==========================================================

Excel files need the sheet 'Declaraties'. Row numbers in errors are spreadsheet rows (the
header is row 1).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from clm.documents.tabular import ProblemCollector, read_table
from clm.rules.inputs import FIRST_YEAR, LAST_YEAR, parse_decimal

SHEET = "Declaraties"
COLUMNS: dict[str, tuple[str, ...]] = {
    "provider_code": (
        "provider_code",
        "aanbieder",
        "aanbiedercode",
        "agb",
        "agb-code",
        "agb_code",
        "provider",
    ),
    "client_ref": (
        "client_ref",
        "client",
        "cliënt",
        "cliëntnummer",
        "clientnummer",
        "client_id",
        "cliënt-id",
        "pseudoniem",
    ),
    "municipality_code": (
        "municipality_code",
        "gemeente",
        "gemeentecode",
        "municipality",
        "cbs-code",
    ),
    "period": ("period", "periode", "maand", "month"),
    "amount": ("amount", "bedrag", "bedrag (€)", "bedrag_euro", "amount_eur"),
    "care_type": ("care_type", "zorgvorm", "perceel", "lot"),
}
CLIENT_REF_LENGTH = 64  # the column's length
KEY = ["provider_code", "client_ref", "municipality_code", "period", "care_type"]


def _parse_period(text: pd.Series) -> pd.Series:
    """First day of the month for each accepted spelling; NaT where it is not a valid month
    of 2000-2100 (a year 0001 or 9999 is a typo, and beyond what pandas can hold)."""
    patterns = (
        r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})(?:-(?P<d>[0-9]{1,2}))?(?:[ T]00:00:00)?$",
        r"^(?P<d>[0-9]{1,2})-(?P<m>[0-9]{1,2})-(?P<y>[0-9]{4})$",
        r"^(?P<m>[0-9]{1,2})-(?P<y>[0-9]{4})$",
        r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})$",
    )
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for pattern in patterns:
        parts = text.str.extract(pattern)
        year = pd.to_numeric(parts["y"], errors="coerce")
        hit = year.between(FIRST_YEAR, LAST_YEAR) & result.isna()
        if not hit.any():
            continue
        day = parts.get("d", pd.Series(index=text.index, dtype=object)).fillna("1")
        stamp = pd.to_datetime(
            {
                "year": year[hit].astype(int),
                "month": parts.loc[hit, "m"].astype(int),
                "day": day[hit].astype(int),
            },
            errors="coerce",
        )
        result.loc[hit] = stamp
    return result.dt.to_period("M").dt.to_timestamp()


# An amount as most files write it (1234 / 1234,5 / 1234.56): read at once; anything else
# (thousands separators, a euro sign) goes through the one careful parser, row by row.
_SIMPLE_AMOUNT = r"-?[0-9]{1,10}(?:[.,][0-9]{1,2})?"
AMOUNT_PLACES, AMOUNT_DIGITS = 2, 10  # the column: Numeric(12, 2)


def _parse_amount(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The amounts in euros (at most 12 significant digits: exact as a float), and per row
    why it could not be read ('' where it could)."""
    simple = text.str.fullmatch(_SIMPLE_AMOUNT)
    amount = pd.to_numeric(
        text.where(simple, "").str.replace(",", ".", regex=False), errors="coerce"
    )
    reason = pd.Series("", index=text.index, dtype=object)
    for index, value in text[~simple].items():
        try:
            amount[index] = float(
                parse_decimal(
                    value, places=AMOUNT_PLACES, max_integer_digits=AMOUNT_DIGITS, thousands=True
                )
            )
        except ValueError as exc:
            reason[index] = str(exc)
    return amount.round(AMOUNT_PLACES), reason


def parse_declarations(
    path: Path,
    *,
    provider_codes: set[str] | None,
    municipality_codes: set[str],
    care_type_codes: set[str],
    source: str | None = None,
) -> pd.DataFrame:
    """Read and validate a whole declaration file; return normalised rows or raise.

    Raises :class:`clm.errors.InvalidInput` listing every problem (file, row, column) when
    anything is wrong; then nothing may be written.
    """
    source = source or path.name
    table = read_table(path, COLUMNS, sheet=SHEET, source=source)
    problems = ProblemCollector(source, table.attrs["headers"])
    rows = table["_row"]

    code = table["provider_code"]
    bad_format = ~code.str.fullmatch(r"[0-9]{8}")
    problems.add(rows[bad_format], "provider_code", "geen geldige AGB-code (8 cijfers)")
    if provider_codes is not None:  # None: a preview without the register
        unknown = ~bad_format & ~code.isin(provider_codes)
        problems.add(rows[unknown], "provider_code", "onbekende aanbieder (niet in het register)")

    problems.add(rows[table["client_ref"] == ""], "client_ref", "cliënt ontbreekt")
    too_long = table["client_ref"].str.len() > CLIENT_REF_LENGTH
    problems.add(
        rows[too_long], "client_ref", f"cliëntnummer langer dan {CLIENT_REF_LENGTH} tekens"
    )

    municipality = table["municipality_code"].str.upper()
    municipality = municipality.where(
        ~municipality.str.fullmatch(r"[0-9]{1,4}"), "GM" + municipality.str.zfill(4)
    )
    problems.add(
        rows[~municipality.isin(municipality_codes)],
        "municipality_code",
        "onbekende gemeentecode (geen gemeente van de regio)",
    )

    period = _parse_period(table["period"])
    problems.add(
        rows[period.isna()],
        "period",
        "ongeldige periode (verwacht bijvoorbeeld 2025-03 of 01-03-2025)",
    )

    amount, unreadable = _parse_amount(table["amount"])
    problems.add(rows[table["amount"] == ""], "amount", "bedrag ontbreekt")
    refused = (unreadable != "") & (table["amount"] != "")
    problems.add(rows[refused], "amount", "bedrag " + unreadable[refused])
    readable = amount.notna()
    problems.add(rows[readable][amount[readable] < 0], "amount", "negatief bedrag")

    care_type = table["care_type"].str.upper()
    problems.add(
        rows[~care_type.isin(care_type_codes)],
        "care_type",
        f"onbekende zorgvorm (bekend: {', '.join(sorted(care_type_codes))})",
    )

    normal = pd.DataFrame(
        {
            "provider_code": code,
            "client_ref": table["client_ref"],
            "municipality_code": municipality,
            "period": period.dt.date,
            "amount": amount,
            "care_type": care_type,
        }
    )
    duplicated = normal.duplicated(KEY, keep="first")
    if duplicated.any():
        first_row = rows.groupby([normal[k] for k in KEY], dropna=False).transform("first")
        problems.add(
            rows[duplicated],
            "client_ref",
            "dubbele regel: zelfde aanbieder, cliënt, gemeente, periode en zorgvorm als rij "
            + first_row[duplicated].astype(str),
        )
    problems.raise_if_any(f"Declaratiebestand {source} afgekeurd, er is niets opgeslagen")
    return normal


def content_hash(rows: pd.DataFrame) -> str:
    """A hash of the normalised rows, independent of their order and of the file format."""
    ordered = rows.sort_values(KEY).reset_index(drop=True)
    return hashlib.sha256(ordered.to_csv(index=False).encode()).hexdigest()
