"""The classification use cases on a real database: store, rerun, override, missing scores."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from clm.errors import InvalidInput, MissingJudgedScores
from clm.rules.config import RegionConfig
from clm.services.classification import (
    ReferencePeriod,
    compute_classification,
    override_category,
    store_classification,
)
from clm.services.judged import JudgedInput, record_judged_scores
from clm.storage.db import UnitOfWork
from clm.storage.models import ClassificationRow, DossierEvent, JudgedScore, OutboxMessage, Provider
from tests.conftest import AS_OF, count, table_counts

YEAR = AS_OF.year + 1
PERIOD = ReferencePeriod.calendar_year(AS_OF.year - 1)


@pytest.fixture
def demo(demo_db: str, cfg: RegionConfig) -> RegionConfig:
    return cfg


def _run(cfg: RegionConfig, as_of: date = AS_OF):  # noqa: ANN202
    result = compute_classification(UnitOfWork(), cfg, YEAR, PERIOD)
    return store_classification(UnitOfWork(), cfg, YEAR, PERIOD, result, as_of)


def test_first_run_stores_all_and_writes_letters(demo: RegionConfig) -> None:
    summary = _run(demo)
    assert (summary.new, summary.changed, summary.letters) == (40, 0, 40)
    assert count(ClassificationRow) == 40
    assert count(OutboxMessage) == 40
    with UnitOfWork() as uow:
        kinds = uow.session.scalars(select(DossierEvent.kind)).all()
        rows = uow.session.scalars(select(ClassificationRow)).all()
        assert {r.category for r in rows} <= {1, 2, 3, 4}
        assert all(len(r.meeting_months) == {1: 4, 2: 3, 3: 2, 4: 2}[r.category] for r in rows)
    assert kinds.count("classification") == 40 and kinds.count("letter") == 40


def test_second_run_writes_nothing(demo: RegionConfig) -> None:
    _run(demo)
    before = table_counts()
    summary = _run(demo, as_of=date(2026, 11, 24))
    assert (summary.new, summary.changed, summary.unchanged, summary.letters) == (0, 0, 40, 0)
    assert table_counts() == before


def test_override_survives_recomputation(demo: RegionConfig) -> None:
    _run(demo)
    with UnitOfWork() as uow:
        provider_id, code = uow.session.execute(
            select(ClassificationRow.provider_id, Provider.code)
            .join(Provider)
            .where(ClassificationRow.category == 4)
        ).first()
    assert override_category(
        UnitOfWork(), demo, code, YEAR, 1, "Politiek gevoelig dossier", "cm-jansen", AS_OF
    )
    # the same override again changes nothing
    before = table_counts()
    assert not override_category(
        UnitOfWork(), demo, code, YEAR, 1, "Politiek gevoelig dossier", "cm-jansen", AS_OF
    )
    assert table_counts() == before

    summary = _run(demo, as_of=date(2026, 12, 1))
    assert summary.changed == 0 and summary.letters == 0
    with UnitOfWork() as uow:
        stored = uow.session.scalar(
            select(ClassificationRow).where(ClassificationRow.provider_id == provider_id)
        )
        assert (stored.category, stored.computed_category) == (1, 4)
        assert stored.meeting_months == [4, 7, 10, 1]
        events = uow.session.execute(
            select(DossierEvent.kind, DossierEvent.actor, DossierEvent.summary)
            .where(DossierEvent.provider_id == provider_id)
            .order_by(DossierEvent.id)
        ).all()
    assert [e.kind for e in events][-3:] == ["category_overridden", "classification", "letter"]
    assert events[-3].actor == "cm-jansen"
    assert "Politiek gevoelig dossier" in events[-3].summary
    assert count(OutboxMessage) == 41


def test_changed_judged_scores_update_the_row_and_letter_only_on_new_category(
    demo: RegionConfig,
) -> None:
    _run(demo)
    with UnitOfWork() as uow:
        row_id, code = uow.session.execute(
            select(ClassificationRow.id, Provider.code)
            .join(Provider)
            .where(ClassificationRow.category == 4)
        ).first()
    record_judged_scores(
        UnitOfWork(), demo, [JudgedInput(code, 10, 10, 10)], YEAR, "cm-bakker", AS_OF
    )
    summary = _run(demo)
    assert summary.changed == 1 and summary.changed_codes == [code]
    with UnitOfWork() as uow:
        stored = uow.session.get(ClassificationRow, row_id)
        assert stored.revision == 2
        assert summary.letters == (1 if stored.category != 4 else 0)


def test_missing_judged_scores_fail_naming_the_providers(demo: RegionConfig) -> None:
    with UnitOfWork() as uow:
        victim = uow.session.scalars(select(JudgedScore)).first()
        name = uow.session.get(Provider, victim.provider_id).name
        uow.session.delete(victim)
        uow.commit()
    with pytest.raises(MissingJudgedScores) as info:
        compute_classification(UnitOfWork(), demo, YEAR, PERIOD)
    assert name in str(info.value) and "allow_missing_judged" in str(info.value)

    allowed = demo.model_copy(
        update={
            "classification": demo.classification.model_copy(update={"allow_missing_judged": True})
        }
    )
    result = compute_classification(UnitOfWork(), allowed, YEAR, PERIOD)
    flagged = result[result["warnings"].map(bool)]
    assert flagged["name"].tolist() == [name]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"reason": "kort"}, "parameter reason"),
        ({"decided_by": "os-mulder"}, "geen contractmanager"),
        ({"category": 5}, "parameter category"),
    ],
)
def test_override_input_errors_write_nothing(
    demo: RegionConfig, kwargs: dict, fragment: str
) -> None:
    _run(demo)
    with UnitOfWork() as uow:
        code = uow.session.scalars(select(Provider.code)).first()
    args = {
        "provider_code": code,
        "year": YEAR,
        "category": 2,
        "reason": "Lange genoeg reden",
        "decided_by": "cm-jansen",
        "as_of": AS_OF,
    } | kwargs
    before = table_counts()
    with pytest.raises(InvalidInput, match=fragment):
        override_category(UnitOfWork(), demo, **args)
    assert table_counts() == before


def test_letters_escape_provider_text(demo: RegionConfig) -> None:
    with UnitOfWork() as uow:
        provider = uow.session.scalars(select(Provider)).first()
        provider.name = "<script>alert(1)</script> Zorg & Co"
        uow.commit()
    _run(demo)
    with UnitOfWork() as uow:
        html = uow.session.scalar(
            select(OutboxMessage.body_html).where(OutboxMessage.provider_id == provider.id)
        )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Zorg &amp; Co" in html
