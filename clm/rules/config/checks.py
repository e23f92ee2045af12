"""The cross-checks of the region configuration: what no one section can check alone (refused
at load), and what it allows but the seeds would not want (warnings, one line each)."""

from __future__ import annotations

from collections import Counter

from .region import Role
from .schema import RegionConfig


def cross_problems(cfg: RegionConfig) -> list[str]:
    """What no one section can check alone, one line each naming the key: keys unique within
    their list, the roles the process needs staffed, the post handler a staff member."""
    problems = []
    for name, items, attr in (
        ("municipalities", cfg.municipalities, "code"),
        ("care_types", cfg.care_types, "code"),
        ("staff", cfg.staff, "key"),
        ("kpis", cfg.kpis, "code"),
        ("admission.requirements", cfg.admission.requirements, "key"),
    ):
        counted = Counter(getattr(item, attr) for item in items)
        problems += [f"{name}: '{v}' staat er dubbel in" for v, n in counted.items() if n > 1]
    roles = {s.role for s in cfg.staff}
    for needed in (Role.CONTRACT_MANAGER, Role.CONTRACT_ADMINISTRATION, Role.SUPPORT_OFFICER):
        if needed not in roles:
            problems.append(f"staff: niemand met de rol '{needed.value}'")
    handler = cfg.mailbox.post_handler
    if handler is not None and handler not in {s.key for s in cfg.staff}:
        problems.append(f"mailbox.post_handler: '{handler}' staat niet bij staff")
    return problems


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
