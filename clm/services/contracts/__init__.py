"""The contract register: lots with their terms and option years, read from a sheet; the
decision on an option year; the reminder before it in the one sweep; step 7 acting on it.

Seed 004, step 7: "SDFL verlengt de overeenkomst voor optiejaren niet of ontbindt per direct
de overeenkomst ingeval van vastgestelde fraude of ernstige misstanden."

By concern: :mod:`.register` reads and stores the sheet (with its subcontracting);
:mod:`.terms` is a contract as the rules see it and its planned decision; :mod:`.options`
the decision on an option year and its reminders in the sweep; :mod:`.step7` what step 7
does to the register and undoes when withdrawn; :mod:`.outlook` what tables and the
analysis show. The rules over the whole register are :mod:`clm.services.register_rules`.
"""

from clm.services.contracts.options import OPTION_RULES, OptionDecision, decide_option_year
from clm.services.contracts.outlook import contract_outlook, terms_by_provider
from clm.services.contracts.register import (
    ContractImport,
    ContractInput,
    import_contracts,
    parse_contract_sheet,
    register_contracts,
)
from clm.services.contracts.step7 import end_contracts, restore_contracts
from clm.services.contracts.terms import term_of

__all__ = [
    "ContractImport",
    "ContractInput",
    "import_contracts",
    "parse_contract_sheet",
    "register_contracts",
    "term_of",
    "OPTION_RULES",
    "OptionDecision",
    "decide_option_year",
    "end_contracts",
    "restore_contracts",
    "contract_outlook",
    "terms_by_provider",
]
