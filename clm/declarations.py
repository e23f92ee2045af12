"""Declaration files: the documented column set, validation of the whole file, normalisation.

Columns (headers in any case, Dutch or English):

========================  ==========================================================
provider_code             aanbieder, AGB-code: the provider's 8-digit code
client_ref                cliënt, cliëntnummer: a pseudonymised client id
municipality_code         gemeente, gemeentecode: CBS code such as GM0034 (or 0034)
period                    periode, maand: 2025-03, 2025-03-01, 03-2025 or 01-03-2025
amount                    bedrag: euros, decimal comma or point (1234,56 / 1.234,56)
care_type                 zorgvorm, perceel: a care-type code from the region config
========================  ==========================================================

Excel files need the sheet 'Declaraties'. Row numbers in errors are spreadsheet rows (the
header is row 1).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from clm.tabular import ProblemCollector, read_table

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
KEY = ["provider_code", "client_ref", "municipality_code", "period", "care_type"]


def _parse_period(text: pd.Series) -> pd.Series:
    """First day of the month for each accepted spelling; NaT where it is not a valid month."""
    patterns = {
        r"^(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?(?:[ T]00:00:00)?$": None,
        r"^(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})$": None,
        r"^(?P<m>\d{1,2})-(?P<y>\d{4})$": None,
        r"^(?P<y>\d{4})(?P<m>\d{2})$": None,
    }
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for pattern in patterns:
        parts = text.str.extract(pattern)
        hit = parts["y"].notna() & result.isna()
        if not hit.any():
            continue
        day = parts.get("d", pd.Series(index=text.index, dtype=object)).fillna("1")
        stamp = pd.to_datetime(
            {
                "year": parts.loc[hit, "y"].astype(int),
                "month": parts.loc[hit, "m"].astype(int),
                "day": day[hit].astype(int),
            },
            errors="coerce",
        )
        result.loc[hit] = stamp
    return result.dt.to_period("M").dt.to_timestamp()


def _parse_amount(text: pd.Series) -> pd.Series:
    cleaned = text.str.replace("€", "", regex=False).str.replace(r"\s", "", regex=True)
    dutch = cleaned.str.contains(",", regex=False)
    cleaned = cleaned.where(
        ~dutch, cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    return pd.to_numeric(cleaned, errors="coerce")


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
    bad_format = ~code.str.fullmatch(r"\d{8}")
    problems.add(rows[bad_format], "provider_code", "geen geldige AGB-code (8 cijfers)")
    if provider_codes is not None:  # None: a preview without the register
        unknown = ~bad_format & ~code.isin(provider_codes)
        problems.add(rows[unknown], "provider_code", "onbekende aanbieder (niet in het register)")

    problems.add(rows[table["client_ref"] == ""], "client_ref", "cliënt ontbreekt")

    municipality = table["municipality_code"].str.upper()
    municipality = municipality.where(
        ~municipality.str.fullmatch(r"\d{1,4}"), "GM" + municipality.str.zfill(4)
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

    amount = _parse_amount(table["amount"])
    problems.add(rows[amount.isna()], "amount", "bedrag is geen getal")
    problems.add(rows[amount < 0], "amount", "negatief bedrag")

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
            "amount": amount.round(2),
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
