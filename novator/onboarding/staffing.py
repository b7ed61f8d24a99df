"""The staff file of an organisation (XLSX or CSV: ФИО, должность, e-mail, СНИЛС optional): read, planned
row by row with reasons, applied by a background job.

Reading reuses the registry import's reader (`organizations.importing.reader`): the same checks by
content, size, unpacked size, rows and columns, encodings and Excel's quirks; only the header is ours.
The plan and its application follow the registry import: upload → preview → confirm → job with a progress
bar; applying again creates nothing (a person already on the staff or already invited is left alone).

СНИЛС is checked (its check number) and used to find a person listed twice; it is not stored (the staff
record does not need it: 152-ФЗ, collect the minimum).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from novator.accounts.models import Role, User
from novator.core import audit
from novator.core.text import fold
from novator.organizations.importing.columns import clean_text, header_key
from novator.organizations.importing.reader import (
    HEADER_SEARCH_ROWS,
    MAX_EMPTY_RUN,
    ImportFileError,
    max_rows,
    read_rows,
)
from novator.organizations.models import Organization, Person

from .models import Invitation, InvitationState

#: the columns of the staff file: key → (the header written in the template, other headers accepted)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("ФИО", ("Фамилия Имя Отчество", "Ф.И.О.", "Сотрудник", "Работник")),
    "position": ("Должность", ("Занимаемая должность",)),
    "email": ("E-mail", ("Email", "Эл. почта", "Электронная почта", "Адрес электронной почты")),
    "snils": ("СНИЛС", ("Номер СНИЛС",)),
}
_HEADERS = {
    header_key(name): key for key, (header, aliases) in COLUMNS.items() for name in (header, *aliases)
}

ACTION_LABELS = {
    "create": gettext_lazy("will be added and invited"),
    "unchanged": gettext_lazy("already there"),
    "reject": gettext_lazy("rejected"),
}


@dataclass
class StaffTable:
    file_type: str
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]
    notices: list[str] = field(default_factory=list)

    def value(self, cells: list[str], key: str) -> str:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""


def _match(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        key = _HEADERS.get(header_key(cell)) if cell else None
        if key is None:
            if cell:
                unknown.append(cell)
        elif key not in found:
            found[key] = index
    return found, unknown


def read_staff_table(source: bytes | IO[bytes]) -> StaffTable:
    """Read a staff file (checked as the registry's files are); raises ImportFileError with a message."""
    return read_rows(source, _tabulate)


def _tabulate(file_type: str, source: Iterator[tuple[int, list[str]]]) -> StaffTable:
    header: dict[str, int] | None = None
    unknown: list[str] = []
    seen = 0
    rows: list[tuple[int, list[str]]] = []
    empty_run = 0
    for number, raw in source:
        cells = [clean_text(c) for c in raw]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        if header is None:
            seen += 1
            found, unknown = _match(cells)
            if "name" in found and "email" in found:
                header = found
            elif seen >= HEADER_SEARCH_ROWS:
                break
            continue
        rows.append((number, cells))
        if len(rows) > max_rows():
            raise ImportFileError(
                _("The file has more than %(limit)d rows. Split it into several files.")
                % {"limit": max_rows()}
            )
    if header is None:
        raise ImportFileError(
            _(
                "The columns «ФИО» and «E-mail» were not found. The first row of the table must hold the "
                "column headers: ФИО, Должность, E-mail, СНИЛС (optional)."
            )
        )
    if not rows:
        raise ImportFileError(_("The file has column headers but no rows with people."))
    notices = []
    if unknown:
        skipped = ", ".join(f"«{c}»" for c in unknown)
        notices.append(_("These columns are not used and were skipped: %(columns)s.") % {"columns": skipped})
    return StaffTable(file_type, header, rows, notices)


# --- values ---------------------------------------------------------------------------------------------

_NOT_DIGIT = re.compile(r"\D")


def snils_is_valid(value: str) -> bool:
    """The check number of a СНИЛС (11 digits; checked for numbers above 001-001-998)."""
    digits = _NOT_DIGIT.sub("", value)
    if len(digits) != 11:
        return False
    number, check = digits[:9], int(digits[9:])
    if int(number) <= 1001998:
        return True
    total = sum(int(d) * (9 - i) for i, d in enumerate(number))
    if total > 101:
        total %= 101
    expected = 0 if total in (100, 101) else total
    return expected == check


def split_name(text: str) -> tuple[str, str, str] | None:
    """«Иванова Мария Петровна» → (last, first, middle); at least a surname and a first name."""
    parts = text.split()
    if len(parts) < 2:
        return None
    return parts[0], parts[1], " ".join(parts[2:])


# --- the plan -------------------------------------------------------------------------------------------


@dataclass
class StaffRow:
    number: int
    action: str  # create / unchanged / reject
    name: str
    position: str
    email: str
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.number,
            "action": self.action,
            "name": self.name,
            "position": self.position,
            "email": self.email,
            "reason": self.reason,
        }


def plan_staff(table: StaffTable, *, organization: Organization) -> list[StaffRow]:
    """What would happen to each row, with the reason of each rejection (nothing is written)."""
    emails = {table.value(cells, "email").strip().lower() for _n, cells in table.rows} - {""}
    on_staff = set(
        Person.objects.filter(organization=organization)
        .annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    accounts = set(
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    invited = {
        e.lower()
        for e in Invitation.objects.filter(
            state=InvitationState.PENDING, organization=organization
        ).values_list("email", flat=True)
    }
    seen = _Seen()
    rows: list[StaffRow] = []
    for number, cells in table.rows:
        snils = table.value(cells, "snils")
        row = StaffRow(
            number,
            "create",
            table.value(cells, "name"),
            table.value(cells, "position"),
            table.value(cells, "email").strip(),
        )
        key = row.email.lower()
        reason = _cell_reason(row, snils) or seen.repeated(row, snils)
        if not reason and key in accounts:
            reason = _("There is already an account with the e-mail address %(email)s.") % {
                "email": row.email
            }
        if reason:
            row.action, row.reason = "reject", reason
        elif key in on_staff or key in invited:
            row.action = "unchanged"
            row.reason = _("Already on the staff or invited.")
        seen.add(row, snils)
        rows.append(row)
    return rows


def _cell_reason(row: StaffRow, snils: str) -> str:
    """Why the row's own cells are unusable, or ""."""
    if split_name(row.name) is None:
        return _("Write the full name: surname, first name and patronymic (if any).")
    if not row.position:
        return _("The job title is empty.")
    if not row.email:
        return _("The e-mail address is empty: the invitation is sent to it.")
    try:
        validate_email(row.email)
    except ValidationError:
        return _("«%(email)s» is not a valid e-mail address.") % {"email": row.email}
    if snils and not snils_is_valid(snils):
        return _("The СНИЛС %(snils)s is wrong: its check number does not match.") % {"snils": snils}
    return ""


class _Seen:
    """The first row of each address, СНИЛС and name-with-address in the file (a person listed twice)."""

    def __init__(self) -> None:
        self.email: dict[str, int] = {}
        self.snils: dict[str, int] = {}
        self.name: dict[str, int] = {}

    @staticmethod
    def _keys(row: StaffRow, snils: str) -> tuple[str, str, str]:
        key = row.email.lower()
        return key, _NOT_DIGIT.sub("", snils), fold(row.name) + "|" + key

    def repeated(self, row: StaffRow, snils: str) -> str:
        email, digits, name = self._keys(row, snils)
        if email in self.email:
            return _("The e-mail address is already in row %(row)d.") % {"row": self.email[email]}
        if digits and digits in self.snils:
            return _("The same person (СНИЛС) is already in row %(row)d.") % {"row": self.snils[digits]}
        if name in self.name:
            return _("The same person is already in row %(row)d.") % {"row": self.name[name]}
        return ""

    def add(self, row: StaffRow, snils: str) -> None:
        email, digits, name = self._keys(row, snils)
        if email:
            self.email.setdefault(email, row.number)
        if digits and snils_is_valid(snils):
            self.snils.setdefault(digits, row.number)
        self.name.setdefault(name, row.number)


def count_rows(rows: list[StaffRow]) -> dict[str, int]:
    counts = {"create": 0, "unchanged": 0, "reject": 0}
    for row in rows:
        counts[row.action] += 1
    return counts


def apply_staff(
    rows: list[StaffRow],
    *,
    actor: Any,
    organization: Organization,
    on_row: Callable[[StaffRow], None] | None = None,
) -> dict[str, int]:
    """Create the staff record and send the invitation of each "create" row, one transaction per row (a
    row that fails for a reason found only now is counted as rejected). Safe to run again."""
    from .services import invitation_create

    counts = {"created": 0, "unchanged": 0, "rejected": 0}
    for row in rows:
        if row.action == "reject":
            counts["rejected"] += 1
        elif row.action == "unchanged":
            counts["unchanged"] += 1
        else:
            last, first, middle = split_name(row.name) or ("", "", "")
            try:
                with transaction.atomic():
                    person = Person.objects.create(
                        organization=organization,
                        last_name=last,
                        first_name=first,
                        middle_name=middle,
                        position=row.position[:255],
                        email=row.email,
                    )
                    audit.record(
                        actor=actor,
                        action="person.create",
                        obj=person,
                        changes={"source": [None, "staff file"]},
                    )
                    invitation_create(
                        actor=actor,
                        email=row.email,
                        role=Role.TEACHER,
                        organization=organization,
                        person=person,
                    )
            except ValidationError as exc:
                row.action, row.reason = "reject", " ".join(exc.messages)
                counts["rejected"] += 1
            else:
                counts["created"] += 1
        if on_row is not None:
            on_row(row)
    return counts
