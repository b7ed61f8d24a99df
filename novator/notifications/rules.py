"""Who may do what with notifications (django-rules): `notifications.manage_templates` — the e-mail
templates of the kinds, administrators only (the texts go to every user)."""

from __future__ import annotations

import rules

from novator.accounts.rules import is_admin

rules.add_perm("notifications.manage_templates", is_admin)
