"""The region's configuration: schema, loading and validation, one concern per module: base (the
strict model every section shares), region (who the region is: municipalities, care types,
staff, mail, mailbox and contract rules), classification (the scoring model and categories),
meetings (calendar, meeting plan, minutes, group meetings, agenda), obligations (KPIs and norms,
the escalation ladder, admission), schema (the whole file), checks (the cross-checks over
sections and the warnings), loading (YAML read, every error naming the file and the key).  The
YAML file is the region's own; everything in it that shapes decisions is validated at load."""

from .base import Strict
from .checks import config_warnings
from .classification import FACTUAL, JUDGED, Band, Category, Classification, Criteria, Criterion
from .loading import load_config, parse_config
from .meetings import (
    AgendaRules,
    AgendaTheme,
    CalendarConfig,
    GroupMeetingRules,
    Location,
    MeetingPlan,
    MinutesRules,
)
from .obligations import AdmissionRules, DeclarationMeasure, EscalationRules, Kpi, Requirement
from .region import (
    ROLE_LABELS,
    CareType,
    ContractRules,
    Mail,
    MailboxRules,
    Municipality,
    Region,
    Role,
    StaffMember,
)
from .schema import RegionConfig

__all__ = [
    "AdmissionRules",
    "AgendaRules",
    "AgendaTheme",
    "Band",
    "CalendarConfig",
    "CareType",
    "Category",
    "Classification",
    "ContractRules",
    "Criteria",
    "Criterion",
    "DeclarationMeasure",
    "EscalationRules",
    "FACTUAL",
    "GroupMeetingRules",
    "JUDGED",
    "Kpi",
    "Location",
    "Mail",
    "MailboxRules",
    "MeetingPlan",
    "MinutesRules",
    "Municipality",
    "ROLE_LABELS",
    "Region",
    "RegionConfig",
    "Requirement",
    "Role",
    "StaffMember",
    "Strict",
    "config_warnings",
    "load_config",
    "parse_config",
]
