"""The cross-checks of the region configuration: what no one section can check alone (refused
at load), and what it allows but the seeds would not want (warnings, one line each)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .region import Role

if TYPE_CHECKING:
    from .schema import RegionConfig


def check_across_sections(cfg: RegionConfig) -> None:
    """What no one section can check alone: keys unique within their list, the roles the
    process needs staffed, the post handler a staff member; a ValueError naming the key."""
    for name, items, attr in (
        ("municipalities", cfg.municipalities, "code"),
        ("care_types", cfg.care_types, "code"),
        ("staff", cfg.staff, "key"),
        ("kpis", cfg.kpis, "code"),
        ("admission.requirements", cfg.admission.requirements, "key"),
    ):
        seen: set[str] = set()
        for item in items:
            value = getattr(item, attr)
            if value in seen:
                raise ValueError(f"{name}: '{value}' staat er dubbel in")
            seen.add(value)
    roles = {s.role for s in cfg.staff}
    for needed in (Role.CONTRACT_MANAGER, Role.CONTRACT_ADMINISTRATION, Role.SUPPORT_OFFICER):
        if needed not in roles:
            raise ValueError(f"staff: niemand met de rol '{needed.value}'")
    handler = cfg.mailbox.post_handler
    if handler is not None and handler not in {s.key for s in cfg.staff}:
        raise ValueError(f"mailbox.post_handler: '{handler}' staat niet bij staff")


def config_warnings(cfg: RegionConfig) -> list[str]:
    """What the configuration allows but the seeds (or the providers reading the mail) would
    not want, in Dutch, one line each.

    Seed 004: "als uitgangspunt meerdere gesprekken per jaar"; seed 002: 2 to 4 a year."""
    warnings = [
        f"categorie {c.number} ({c.label}) heeft {len(c.meeting_months)} gesprek per jaar; "
        "de uitgangspunten vragen er minstens twee (classification.categories)"
        for c in cfg.classification.categories
        if len(c.meeting_months) < 2
    ]
    if cfg.mail.sender_name != cfg.region.organisation:
        warnings.append(
            f"mail.sender_name ('{cfg.mail.sender_name}') wijkt af van region.organisation "
            f"('{cfg.region.organisation}'): aanbieders zien de organisatie dan onder twee namen"
        )
    return warnings
