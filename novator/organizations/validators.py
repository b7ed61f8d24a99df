"""Validators for Russian identifiers, with messages in the user's language."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

_DIGITS = re.compile(r"^\d+$")


def validate_oktmo(value: str) -> None:
    if not _DIGITS.match(value or "") or len(value) not in (8, 11):
        raise ValidationError(
            _("ОКТМО must consist of 8 or 11 digits, got «%(value)s»."), code="oktmo", params={"value": value}
        )


def validate_inn(value: str) -> None:
    """ИНН of a legal entity: 10 digits with a valid check digit."""
    if not _DIGITS.match(value or ""):
        raise ValidationError(
            _("ИНН must contain digits only, got «%(value)s»."), code="inn_format", params={"value": value}
        )
    if len(value) != 10:
        raise ValidationError(
            _("ИНН of an organisation must have 10 digits, got %(count)d."),
            code="inn_length",
            params={"count": len(value)},
        )
    try:
        stdnum_inn.validate(value)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("ИНН %(value)s has a wrong check digit."), code="inn_checksum", params={"value": value}
        ) from exc
    except StdnumError as exc:
        raise ValidationError(_("ИНН %(value)s is not valid."), code="inn", params={"value": value}) from exc


def validate_ogrn(value: str) -> None:
    """ОГРН of a legal entity: 13 digits with a valid check digit."""
    if not _DIGITS.match(value or ""):
        raise ValidationError(
            _("ОГРН must contain digits only, got «%(value)s»."), code="ogrn_format", params={"value": value}
        )
    if len(value) != 13:
        raise ValidationError(
            _("ОГРН of an organisation must have 13 digits, got %(count)d."),
            code="ogrn_length",
            params={"count": len(value)},
        )
    try:
        stdnum_ogrn.validate(value)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("ОГРН %(value)s has a wrong check digit."), code="ogrn_checksum", params={"value": value}
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("ОГРН %(value)s is not valid."), code="ogrn", params={"value": value}
        ) from exc


def validate_kpp(value: str | None) -> None:
    """КПП: 9 characters, 4 digits (the tax office), 2 digits or capital letters (the reason), 3 digits.
    Empty is allowed: an organisation without КПП."""
    if not value:
        return
    if len(value) != 9:
        raise ValidationError(
            _("КПП must have 9 characters, got %(count)d («%(value)s»)."),
            code="kpp_length",
            params={"count": len(value), "value": value},
        )
    if not re.match(r"^\d{4}[\dA-Z]{2}\d{3}$", value):
        raise ValidationError(
            _(
                "КПП must have 9 characters (4 digits, 2 digits or capital letters, 3 digits), "
                "got «%(value)s»."
            ),
            code="kpp",
            params={"value": value},
        )
