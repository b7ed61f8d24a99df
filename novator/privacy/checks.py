"""System checks of the personal-data settings (run by `manage.py check`, `migrate` and the dev server)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

#: 152-ФЗ ст. 21 ч. 5: after consent to processing is withdrawn, processing stops and the data are
#: destroyed within thirty days. The retention setting may shorten the period, never lengthen it.
MAX_WITHDRAWN_DAYS = 30


@register()
def check_withdrawn_grace_days(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    value = getattr(settings, "PERSONAL_DATA_WITHDRAWN_GRACE_DAYS", MAX_WITHDRAWN_DAYS)
    if not isinstance(value, int) or not 0 <= value <= MAX_WITHDRAWN_DAYS:
        return [
            Error(
                f"PERSONAL_DATA_WITHDRAWN_GRACE_DAYS is {value!r}: "
                f"it must be from 0 to {MAX_WITHDRAWN_DAYS}.",
                hint="152-ФЗ ст. 21 ч. 5: personal data are destroyed within 30 days after consent to "
                "processing is withdrawn.",
                id="privacy.E001",
            )
        ]
    return []
