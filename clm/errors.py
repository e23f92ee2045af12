"""Domain errors: each carries what a person needs to fix the input."""

from __future__ import annotations

from dataclasses import dataclass


class ClmError(Exception):
    """Base of all errors the domain raises on purpose."""


@dataclass(frozen=True)
class InputProblem:
    """One problem in an input: the file (or parameter), the row and column, and what is wrong."""

    source: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", rij {self.row}"
        if self.column:
            where += f", kolom '{self.column}'"
        return f"{where}: {self.message}"


class InvalidInput(ClmError):
    """An input (file, sheet or parameter) was refused; nothing was written."""

    def __init__(
        self,
        problems: list[InputProblem],
        title: str = "Ongeldige invoer",
        total: int | None = None,
    ) -> None:
        self.problems = problems
        self.title = title
        self.total = total if total is not None else len(problems)
        shown = problems[:50]
        lines = "\n".join(f"- {p}" for p in shown)
        more = f"\n- … en nog {self.total - len(shown)} fout(en)" if self.total > len(shown) else ""
        super().__init__(f"{title} ({self.total} fout(en)):\n{lines}{more}")

    @classmethod
    def one(
        cls,
        source: str,
        message: str,
        row: int | None = None,
        column: str | None = None,
        *,
        title: str = "Ongeldige invoer",
    ) -> InvalidInput:
        """The refusal of an input with a single problem (most parameter checks)."""
        return cls([InputProblem(source, message, row, column)], title)


class ConfigError(ClmError):
    """The region configuration is invalid; the message names the file and the key."""


class UnknownProvider(ClmError):
    """A provider code that is not in the database."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"Onbekende aanbieder: {code!r}")


class MissingJudgedScores(ClmError):
    """Providers without judged scores while the configuration requires them."""

    def __init__(self, year: int, providers: list[str]) -> None:
        self.providers = providers
        listed = ", ".join(providers[:20]) + (" …" if len(providers) > 20 else "")
        super().__init__(
            f"{len(providers)} aanbieder(s) zonder beoordeelde criteria voor {year}: {listed}. "
            "Leg de scores vast (taak beoordeling-vastleggen of beoordelingen-inlezen) of zet "
            "classification.allow_missing_judged aan in de regioconfiguratie."
        )
