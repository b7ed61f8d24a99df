"""Who may see the personal-data card of a person, export it and erase it."""

from __future__ import annotations

import rules

from novator.accounts.rules import is_admin
from novator.organizations.rules import is_methodologist_of, is_the_person

# The operator (the methodological centre) and the methodologist of the person's municipality read and
# export; erasing is irreversible and only an administrator does it. The person reads and exports their own
# data (152-ФЗ ст. 14).
rules.add_perm("privacy.view_person_data", is_admin | is_methodologist_of | is_the_person)
rules.add_perm("privacy.export_person_data", is_admin | is_methodologist_of | is_the_person)
rules.add_perm("privacy.erase_person", is_admin)
rules.add_perm("privacy.view_access_log", is_admin)
# the scan of a signed consent is attached by those who keep the person's record of consents
rules.add_perm("privacy.upload_consent_scan", is_admin | is_methodologist_of)
# the acts of destruction are the operator's records
rules.add_perm("privacy.download_destruction_act", is_admin)
