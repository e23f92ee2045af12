"""A reply to the receipt of an application: on the work list of contract administration."""

from __future__ import annotations

from collections.abc import Callable

from clm.rules.config import RegionConfig, Role
from clm.rules.vocabulary import InboundStatus
from clm.services.mailbox.replies import Action, Reply, staff_post
from clm.storage.db import UnitOfWork
from clm.storage.models import Admission


def application_reply(
    uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: Reply
) -> Action:
    """The reply to an application receipt: on the work list of contract administration."""
    with uow_factory() as uow:
        admission = uow.session.get(Admission, reply.subject_id)
        pending = admission is not None and admission.status == "pending"
    staff = [s.key for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)]
    return Action(
        InboundStatus.DONE,
        f"Post bij de aanvraag tot toetreding ({reply.attachment_names}); op de werkvoorraad "
        "van contractbeheer" + ("" if pending else " (de aanvraag is al besloten)"),
        [staff_post(s, reply.provider, "de aanvraag tot toetreding", reply) for s in staff],
    )
