"""The problems of one import collected per file, row and column, in Dutch, so that one bad row
is named and the rest still read."""

from __future__ import annotations

import pandas as pd

from clm.errors import InputProblem, InvalidInput


class ProblemCollector:
    """Gathers row problems column by column, keeping a bounded list but the full count."""

    def __init__(
        self, source: str, headers: dict[str, str] | None = None, keep: int = 1000
    ) -> None:
        self.source = source
        self.headers = headers or {}
        self.keep = keep
        self.problems: list[InputProblem] = []
        self.total = 0

    def add(self, rows: pd.Series, column: str, message: str | pd.Series) -> None:
        """Record ``message`` (one text, or one per row) for every row number in ``rows``."""
        self.total += len(rows)
        room = max(self.keep - len(self.problems), 0)
        texts = message if isinstance(message, pd.Series) else pd.Series(message, index=rows.index)
        for row, text in zip(rows.iloc[:room], texts.iloc[:room], strict=True):
            self.problems.append(
                InputProblem(
                    self.source, text, row=int(row), column=self.headers.get(column, column)
                )
            )

    def raise_if_any(self, title: str) -> None:
        if self.total:
            self.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
            raise InvalidInput(self.problems, title, total=self.total)
