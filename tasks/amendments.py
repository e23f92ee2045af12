"""Tasks of amendments during the term: propose, register a reaction, withdraw."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.rules.amendments import Disadvantaged, PartyResponse
from clm.rules.commands import AmendmentProposal
from clm.services import amendments as service
from clm.services.common import region_config
from clm.storage.db import UnitOfWork


@task(name="propose-amendment", cache_policy=NO_CACHE)
def propose(proposal: AmendmentProposal, as_of: date) -> service.Proposed:
    """Record the proposal and consult the providers concerned by mail."""
    return service.propose_amendment(UnitOfWork(), region_config(), proposal, as_of)


@task(name="register-amendment-reaction", cache_policy=NO_CACHE)
def react(
    amendment_id: int,
    provider_code: str,
    response: PartyResponse,
    disadvantaged: list[Disadvantaged],
    reason: str,
    received_on: date,
    registered_by: str,
    as_of: date,
) -> str:
    """Register a provider's answer to the consultation."""
    return service.register_reaction(
        UnitOfWork(),
        region_config(),
        amendment_id,
        provider_code,
        response,
        disadvantaged,
        reason,
        received_on,
        registered_by,
        as_of,
    )


@task(name="withdraw-amendment", cache_policy=NO_CACHE)
def withdraw(amendment_id: int, reason: str, by: str, as_of: date) -> bool:
    """Withdraw a proposal in consultation; the providers are told."""
    return service.withdraw_amendment(
        UnitOfWork(), region_config(), amendment_id, reason, by, as_of
    )
