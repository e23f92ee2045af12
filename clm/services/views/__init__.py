"""The read side: the queries that feed what staff read (artifacts, work lists, the morning
mail), one read model per module. They write nothing; their column names are English and
``clm.rules.labels`` holds the Dutch titles they are published under."""

from .amendments import amendment_table
from .classification import classification_table
from .mails import WrittenMail, mails_since
from .memberships import care_type_memberships, memberships
from .months import month_table
from .providers import provider_table
from .signals import OpenSignal, open_signals
from .timeliness import minutes_timeliness, shared_terms, timeliness_counts
from .worklist import AHEAD_DAYS, COLUMNS, work_list

__all__ = [
    "AHEAD_DAYS",
    "COLUMNS",
    "OpenSignal",
    "WrittenMail",
    "amendment_table",
    "care_type_memberships",
    "classification_table",
    "mails_since",
    "memberships",
    "minutes_timeliness",
    "month_table",
    "open_signals",
    "provider_table",
    "shared_terms",
    "timeliness_counts",
    "work_list",
]
