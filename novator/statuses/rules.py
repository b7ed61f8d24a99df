from __future__ import annotations

import rules

from novator.accounts.rules import is_admin
from novator.organizations.rules import is_methodologist_of

# A status is awarded and changed by the authority: the methodologists of the organisation's municipality.
rules.add_perm("statuses.award_status", is_admin | is_methodologist_of)
rules.add_perm("statuses.change_status", is_admin | is_methodologist_of)
rules.add_perm("statuses.view_register", rules.always_allow)
