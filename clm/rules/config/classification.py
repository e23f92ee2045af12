"""The classification model of the region configuration: criteria and their bands, factual and
judged, and the four categories."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from clm.rules.quarters import MEETING_MONTHS

from .base import Strict


class Band(Strict):
    """From this value on (inclusive), the criterion scores these points."""

    from_value: Annotated[float, Field(alias="from", ge=0)]
    points: Annotated[int, Field(ge=1, le=10)]


class Criterion(Strict):
    label: str
    weight: Annotated[float, Field(gt=0)]
    bands: list[Band] | None = None

    @field_validator("bands")
    @classmethod
    def _bands_cover_and_ascend(cls, bands: list[Band] | None) -> list[Band] | None:
        if bands is None:
            return None
        if not bands or bands[0].from_value != 0:
            raise ValueError(
                "de eerste band moet beginnen bij 'from: 0' zodat elke waarde punten krijgt"
            )
        for lower, upper in zip(bands, bands[1:], strict=False):
            if upper.from_value <= lower.from_value:
                raise ValueError("'from'-waarden moeten strikt oplopen")
            if upper.points < lower.points:
                raise ValueError("punten mogen niet dalen bij een hogere waarde")
        return bands


FACTUAL = ("clients", "municipalities", "revenue")


JUDGED = ("specialisation", "information", "political_importance")


class Criteria(Strict):
    """The six criteria of the classification model (seed 000)."""

    clients: Criterion
    municipalities: Criterion
    revenue: Criterion
    specialisation: Criterion
    information: Criterion
    political_importance: Criterion

    @model_validator(mode="after")
    def _factual_have_bands(self) -> Criteria:
        for key in FACTUAL:
            if getattr(self, key).bands is None:
                raise ValueError(f"{key}: een feitelijk criterium heeft 'bands' nodig")
        for key in JUDGED:
            if getattr(self, key).bands is not None:
                raise ValueError(f"{key}: een beoordeeld criterium heeft geen 'bands' (score 1-10)")
        return self


class Category(Strict):
    number: Annotated[int, Field(ge=1, le=4)]
    label: str
    min_score: Annotated[float, Field(ge=1, le=10)]
    meeting_months: list[int]

    @field_validator("meeting_months")
    @classmethod
    def _quarter_months(cls, months: list[int]) -> list[int]:
        if not months:
            raise ValueError("minstens één gespreksmaand")
        bad = [m for m in months if m not in MEETING_MONTHS]
        if bad:
            raise ValueError(
                f"maanden {bad} horen niet bij de cyclus april, juli, oktober, januari"
            )
        if len(set(months)) != len(months):
            raise ValueError("een maand staat er dubbel in")
        return sorted(months, key=MEETING_MONTHS.index)

    @property
    def meetings_per_year(self) -> int:
        return len(self.meeting_months)


class Classification(Strict):
    criteria: Criteria
    categories: list[Category]
    allow_missing_judged: bool = False
    letter_on_change_only: bool = True

    @field_validator("categories")
    @classmethod
    def _four_descending(cls, cats: list[Category]) -> list[Category]:
        if [c.number for c in cats] != [1, 2, 3, 4]:
            raise ValueError("precies vier categorieën, in volgorde 1, 2, 3, 4")
        for higher, lower in zip(cats, cats[1:], strict=False):
            if lower.min_score >= higher.min_score:
                raise ValueError("min_score moet dalen van categorie 1 naar 4")
        if cats[-1].min_score > 1:
            raise ValueError("categorie 4 moet bij score 1 beginnen (min_score: 1)")
        return cats

    def category_for(self, score: float) -> Category:
        """The category whose band holds this (rounded) score."""
        for cat in self.categories:
            if score >= cat.min_score:
                return cat
        return self.categories[-1]
