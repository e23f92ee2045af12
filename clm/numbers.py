"""Numbers as the region writes them: a decimal comma, thousands dots, euros, and 'geen
gegevens' where there is no figure. Plain functions under every layer: rules word a fine with
them, documents and mails print with them."""

from __future__ import annotations

from decimal import Decimal


def format_number(value: float | Decimal | int | None, decimals: int = 1) -> str:
    """A number with a Dutch decimal comma and thousands dots; None reads 'geen gegevens'."""
    if value is None or value != value:  # None or NaN
        return "geen gegevens"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_value(value: float | Decimal | int | None, unit: str) -> str:
    """A KPI figure in its unit's way: a whole count without decimals ('2', not '2,0'),
    every other figure (and a count's mean or median that is not whole) with one."""
    if value is None or value != value:
        return "geen gegevens"
    if unit == "aantal" and float(value).is_integer():
        return format_number(value, 0)
    return format_number(value)


def format_euro(value: float | Decimal | int | None) -> str:
    """An amount as '€ 1.234,56'."""
    if value is None or value != value:
        return "geen gegevens"
    return f"€ {format_number(value, 2)}"
