"""Who may see the personal-data card of a person, export it and erase it."""

from __future__ import annotations

import rules

from novator.accounts.rules import is_admin
from novator.organizations.rules import is_methodologist_of

# The operator (the methodological centre) and the methodologist of the person's municipality read and
# export; erasing is irreversible and only an administrator does it.
rules.add_perm("privacy.view_person_data", is_admin | is_methodologist_of)
rules.add_perm("privacy.export_person_data", is_admin | is_methodologist_of)
rules.add_perm("privacy.erase_person", is_admin)
rules.add_perm("privacy.view_access_log", is_admin)
