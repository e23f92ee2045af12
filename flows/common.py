"""What every flow's parameters share: the ``as_of`` date."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from clm.clock import today_in_region


class FlowInput(BaseModel):
    """Base of the flows' parameter models (shown as a form in the Prefect UI)."""

    model_config = ConfigDict(extra="forbid")

    as_of: date | None = Field(
        None,
        title="Peildatum",
        description="De datum waarvoor de flow werkt. Leeg: vandaag (Europe/Amsterdam). "
        "Een eerdere datum haalt een gemiste dag in; dezelfde datum opnieuw verandert niets.",
    )

    def effective_as_of(self) -> date:
        """``as_of``, or today in the region."""
        return self.as_of or today_in_region()
