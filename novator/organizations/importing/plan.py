"""From rows of text to a plan (create / update / unchanged / reject per row), and carrying it out.

`build_plan` only reads the database: the preview shows exactly what `apply_plan` will do. The checks
are the model's own validators and the services' rules (kind/subtype, parents, scope); `apply_plan`
then writes the rows in batches through `services.organization_create_many` / `organization_update_many`
(one transaction per batch), falling back to `organization_create` / `organization_update` row by row,
which validate once more in full, for a batch that fails.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.ru import inn as stdnum_inn

from novator.core.text import fold

from .. import services
from ..models import SUBTYPES_BY_KIND, Municipality, Organization
from ..validators import validate_inn
from .columns import (
    COLUMNS_BY_KEY,
    KIND_OF_SUBTYPE,
    KIND_WORDS,
    SUBTYPE_WORDS,
    bool_text,
    clean_identifier,
    guess_subtype,
    parse_bool,
    parse_kind,
    parse_subtype,
)
from .reader import Table

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"
#: The count key of each action, as the job result and the command print them.
COUNT_KEYS = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged", REJECT: "rejected"}
ACTION_LABELS = {
    CREATE: gettext_lazy("new"),
    UPDATE: gettext_lazy("update"),
    UNCHANGED: gettext_lazy("unchanged"),
    REJECT: gettext_lazy("rejected"),
}
TEXT_FIELDS = (
    "full_name",
    "short_name",
    "address",
    "head_name",
    "head_position",
    "phone",
    "email",
    "website",
)
_CHUNK = 500
#: Rows written per transaction by `apply_plan` (settings.NOVATOR_IMPORT_BATCH_SIZE overrides it).
DEFAULT_BATCH_SIZE = 1000
#: Below this many rows to write, `apply_plan` goes row by row: nothing to gain from batches.
BATCH_MIN_ROWS = 50
_SCIENTIFIC_HINT = "sci"


def identity_key(inn: str, kpp: str | None) -> str:
    """The registry's identity of an organisation, ИНН + КПП (a branch has its parent's ИНН), as one key."""
    return f"{inn}/{kpp or ''}"


@dataclass
class PlannedRow:
    number: int
    action: str = REJECT
    inn: str = ""
    ogrn: str = ""
    name: str = ""
    municipality: str = ""
    reason: str = ""
    changes: list[list[str]] = field(default_factory=list)  # [column header, old, new]
    data: dict[str, Any] = field(default_factory=dict, repr=False)  # for the services
    organization: Organization | None = field(default=None, repr=False)  # the existing one
    pending_parent_inn: str = ""  # the parent is created by an earlier row of the same file
    kpp: str = ""
    pending_parent_kpp: str = ""  # with pending_parent_inn: the identity of that earlier row
    #: a conflict with the registry (another ОГРН, КПП, kind or municipality): {"organization": pk,
    #: "municipality": pk}; rejected unless accepted in the web preview, then `accepted` is set
    conflict: dict[str, Any] | None = None
    accepted: bool = False

    @property
    def key(self) -> str:
        return identity_key(self.inn, self.kpp)

    @property
    def pending_parent_key(self) -> str:
        return (
            identity_key(self.pending_parent_inn, self.pending_parent_kpp) if self.pending_parent_inn else ""
        )

    def as_json(self) -> dict[str, Any]:
        data = {
            "row": self.number,
            "action": self.action,
            "inn": self.inn,
            "kpp": self.kpp,
            "ogrn": self.ogrn,
            "name": self.name,
            "municipality": self.municipality,
            "reason": self.reason,
            "changes": self.changes,
        }
        if self.conflict is not None:
            data["conflict"] = self.conflict
        if self.accepted:
            data["accepted"] = True
        return data


@dataclass
class Plan:
    rows: list[PlannedRow]
    notices: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(COUNT_KEYS.values(), 0)
        for row in self.rows:
            counts[COUNT_KEYS[row.action]] += 1
        return counts

    @property
    def has_work(self) -> bool:
        return any(row.action in (CREATE, UPDATE) for row in self.rows)

    def as_json(self) -> dict[str, Any]:
        return {"rows": [row.as_json() for row in self.rows], "notices": list(self.notices)}


class _ParentMissing(Exception):
    """A row's parent is created by an earlier row of the file, and that row was not written."""


class _Rejected(Exception):
    def __init__(self, *reasons: str) -> None:
        self.reasons = [r for r in reasons if r]


class _Conflict(_Rejected):
    """A row that would turn an organisation into another one: rejected unless accepted, with both
    versions (`changes`) shown."""

    def __init__(self, reasons: list[str], changes: list[list[str]], conflict: dict[str, Any]) -> None:
        super().__init__(*reasons)
        self.changes = changes
        self.conflict = conflict


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _message(exc: ValidationError) -> str:
    """A model or service ValidationError as one line, naming the file's column where that helps."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for name, errors in exc.error_dict.items():
        text = " ".join(m for e in errors for m in e.messages)
        column = COLUMNS_BY_KEY.get("parent_inn" if name == "parent" else name)
        if column is None or name in ("inn", "ogrn", "kpp", "subtype"):
            parts.append(text)  # these messages already name the identifier or both values
        else:
            parts.append(f"«{column.header}»: {text}")
    return " ".join(parts)


class _Planner:
    def __init__(self, table: Table, actor: Any, accepted: Collection[int] = ()) -> None:
        self.table = table
        self.actor = actor
        self.accepted = set(accepted)
        self.seen_inn: dict[str, PlannedRow] = {}  # identity key (ИНН + КПП) → its first row
        self.first_of_inn: dict[str, PlannedRow] = {}  # ИНН → the first row with it (a head organisation)
        self.seen_org: dict[int, PlannedRow] = {}  # existing organisation → the row that changes it
        self.seen_ogrn: dict[str, tuple[int, str]] = {}  # ОГРН → (row, ИНН)
        self.values = [(n, self._values(cells)) for n, cells in table.rows]
        self._load()

    # values and database look-ups, once for the whole file

    def _values(self, cells: list[str]) -> dict[str, str]:
        values = {key: self.table.value(cells, key) for key in self.table.columns}
        identifiers = (
            ("inn", 10),
            ("ogrn", 13),
            ("kpp", 9),
            ("parent_inn", 10),
            ("parent_kpp", 9),
            ("oktmo", 0),
        )
        for key, length in identifiers:
            if not values.get(key):
                continue
            cleaned = clean_identifier(
                values[key].upper(), length=9 if key in ("kpp", "parent_kpp") else None
            )
            digits = cleaned.digits
            if key == "oktmo" and digits.isdigit() and len(digits) in (7, 10):
                digits = "0" + digits  # Excel dropped the leading zero of 03612000
            if length == 10 and len(digits) == 9 and stdnum_inn.is_valid("0" + digits):
                digits = "0" + digits  # ИНН of regions 01–09 lose their zero the same way
            values[key] = digits
            if cleaned.from_scientific:
                values[f"{key}.{_SCIENTIFIC_HINT}"] = "1"
        return values

    def _load(self) -> None:
        municipalities = list(Municipality.objects.select_related("region"))
        self.by_oktmo = {m.oktmo: m for m in municipalities}
        self.by_name: dict[str, list[Municipality]] = {}
        for m in municipalities:
            self.by_name.setdefault(fold(m.name), []).append(m)
        inns = sorted({v[k] for _, v in self.values for k in ("inn", "parent_inn") if v.get(k)})
        ogrns = sorted({v["ogrn"] for _, v in self.values if v.get("ogrn")})
        self.by_inn: dict[str, list[Organization]] = {}  # a head organisation and its branches share it
        for chunk in _chunks(inns):
            for org in Organization.objects.filter(inn__in=chunk).select_related("municipality", "parent"):
                self.by_inn.setdefault(org.inn, []).append(org)
        self.ogrn_owner: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(ogrns):
            for ogrn, inn, name in Organization.objects.filter(ogrn__in=chunk).values_list(
                "ogrn", "inn", "short_name"
            ):
                self.ogrn_owner[ogrn] = (inn, name)

    # one row

    def plan(self) -> Plan:
        rows = []
        for number, values in self.values:
            row = PlannedRow(
                number=number,
                inn=values.get("inn", ""),
                kpp=values.get("kpp", ""),
                ogrn=values.get("ogrn", ""),
                name=values.get("short_name") or values.get("full_name", ""),
                municipality=values.get("municipality") or values.get("oktmo", ""),
            )
            try:
                if number in self.table.row_errors:
                    raise _Rejected(self.table.row_errors[number])
                self._plan_row(row, values)
            except _Rejected as exc:
                row.action = REJECT
                row.reason = " ".join(exc.reasons)
                row.data = {}
                row.changes = exc.changes if isinstance(exc, _Conflict) else []
                row.conflict = exc.conflict if isinstance(exc, _Conflict) else None
            rows.append(row)
        return Plan(rows, list(self.table.notices))

    def _plan_row(self, row: PlannedRow, values: dict[str, str]) -> None:
        inn = values.get("inn", "")
        if not inn:
            raise _Rejected(_("ИНН is empty."))
        try:
            validate_inn(inn)
        except ValidationError as exc:
            raise _Rejected(_message(exc), self._hint(values, "inn")) from exc
        kpp = values.get("kpp", "")
        first = self.seen_inn.get(row.key)
        if first is not None:
            raise _Rejected(
                (
                    _(
                        "ИНН %(inn)s with КПП %(kpp)s already appears in row %(row)d of this file; this row "
                        "is skipped."
                    )
                    if kpp
                    else _("ИНН %(inn)s already appears in row %(row)d of this file; this row is skipped.")
                )
                % {"inn": inn, "kpp": kpp, "row": first.number}
            )
        self.seen_inn[row.key] = row
        self.first_of_inn.setdefault(inn, row)
        existing = self._existing(inn, kpp, values)
        if existing is not None:
            earlier = self.seen_org.setdefault(existing.pk, row)
            if earlier is not row:
                raise _Rejected(
                    _(
                        "Row %(row)d of this file already changes «%(name)s» (ИНН %(inn)s); this row is "
                        "skipped."
                    )
                    % {"row": earlier.number, "name": existing.short_name, "inn": inn}
                )
            if not kpp:
                row.kpp = existing.kpp or ""
        row.organization = existing
        if existing is not None and not row.name:
            row.name = existing.short_name
        errors: list[str] = []
        data = self._data(row, values, existing, errors)
        if errors:
            raise _Rejected(*errors)
        conflicts = self._conflicts(existing, data) if existing is not None else []
        candidate = self._candidate(existing, data)
        if existing is not None:
            data = {k: v for k, v in data.items() if self._differs(existing, k, v)}
            if not data and not row.pending_parent_inn:
                row.action = UNCHANGED
                return
        self._check_scope(existing, candidate)
        self._validate(candidate, values, row, errors)
        if errors:
            raise _Rejected(*errors)
        if conflicts:
            assert existing is not None
            if row.number not in self.accepted:
                raise _Conflict(
                    [
                        _("Conflict with the registry, not applied:"),
                        *conflicts,
                        _(
                            "Accept it in the preview of the web import, or correct the organisation on its "
                            "page."
                        ),
                    ],
                    [self._change(existing, key, value) for key, value in data.items()],
                    {"organization": existing.pk, "municipality": candidate.municipality_id},
                )
            row.accepted = True
            row.reason = " ".join([_("Conflict accepted:"), *conflicts])
        row.data = data
        if existing is None:
            row.action = CREATE
        else:
            row.action = UPDATE
            row.changes = [self._change(existing, key, value) for key, value in data.items()]
            if row.pending_parent_inn:
                row.changes.append(
                    [
                        COLUMNS_BY_KEY["parent_inn"].header,
                        existing.parent.inn if existing.parent else "",
                        row.pending_parent_inn,
                    ]
                )

    def _existing(self, inn: str, kpp: str, values: dict[str, str]) -> Organization | None:
        """The organisation a row is about, by ИНН + КПП. A row without КПП is the organisation without
        one, else the head organisation of that ИНН; a head organisation's row (not a branch's) whose
        КПП is new is the head organisation without КПП (it gets one) or with another КПП (a conflict)."""
        candidates = self.by_inn.get(inn, [])
        if kpp:
            exact = [o for o in candidates if o.kpp == kpp]
            if exact:
                return exact[0]
            if values.get("parent_inn"):
                return None  # a branch of its own КПП: a new organisation
        else:
            without = [o for o in candidates if not o.kpp]
            if without:
                return without[0]
        heads = [o for o in candidates if o.parent_id is None]
        return heads[0] if len(heads) == 1 else None

    @staticmethod
    def _conflicts(existing: Organization, data: dict[str, Any]) -> list[str]:
        """A row that would turn an organisation into another one is a conflict, never applied unless
        accepted.

        The same ИНН with another ОГРН is another legal entity (or a typo in the file), another КПП of
        the head organisation is another registration, and a move to another kind or municipality is no
        correction of details: such rows are rejected with both versions instead of silently rewriting
        somebody else's school.
        """
        conflicts = []
        name = existing.short_name
        if data.get("ogrn") and data["ogrn"] != existing.ogrn:
            conflicts.append(
                _("ИНН %(inn)s belongs to «%(name)s» with ОГРН %(old)s; the file has ОГРН %(new)s.")
                % {"inn": existing.inn, "name": name, "old": existing.ogrn, "new": data["ogrn"]}
            )
        if data.get("kpp") and existing.kpp and data["kpp"] != existing.kpp:
            conflicts.append(
                _("ИНН %(inn)s belongs to «%(name)s» with КПП %(old)s; the file has КПП %(new)s.")
                % {"inn": existing.inn, "name": name, "old": existing.kpp, "new": data["kpp"]}
            )
        if data.get("kind") and data["kind"] != existing.kind:
            conflicts.append(
                _("«%(name)s» would change its kind from «%(old)s» to «%(new)s».")
                % {"name": name, "old": KIND_WORDS[existing.kind], "new": KIND_WORDS[data["kind"]]}
            )
        municipality = data.get("municipality")
        if municipality is not None and municipality.pk != existing.municipality_id:
            conflicts.append(
                _("«%(name)s» would move from «%(old)s» to «%(new)s».")
                % {"name": name, "old": existing.municipality.name, "new": municipality.name}
            )
        return conflicts

    def _hint(self, values: dict[str, str], key: str) -> str:
        if values.get(f"{key}.{_SCIENTIFIC_HINT}"):
            return _(
                "Excel showed this number in scientific notation and may have rounded it; format the "
                "column as text and type the number again."
            )
        return ""

    def _data(
        self, row: PlannedRow, values: dict[str, str], existing: Organization | None, errors: list[str]
    ) -> dict[str, Any]:
        """The fields this row sets. Empty cells leave an existing organisation's values as they are."""
        data: dict[str, Any] = {"inn": values["inn"]}
        if values.get("ogrn"):
            data["ogrn"] = values["ogrn"]
        elif existing is None:
            errors.append(_("ОГРН is empty."))
        if values.get("kpp"):
            data["kpp"] = values["kpp"]
        for key in TEXT_FIELDS:
            if values.get(key):
                data[key] = values[key]
        if website := data.get("website"):
            data["website"] = _with_scheme(website)
        if existing is None:
            if "full_name" not in data and "short_name" in data:
                data["full_name"] = data["short_name"]
            if "short_name" not in data and "full_name" in data:
                data["short_name"] = data["full_name"]
            if "full_name" not in data:
                errors.append(_("The name is empty."))
        known_errors = len(errors)
        municipality = self._municipality(values, errors)
        if municipality is not None:
            data["municipality"] = municipality
            row.municipality = municipality.name
        elif existing is None and len(errors) == known_errors:
            errors.append(_("The municipality is empty: fill in «ОКТМО» or «Муниципальное образование»."))
        self._kind_subtype(values, data, existing, errors)
        if values.get("is_active"):
            active = parse_bool(values["is_active"])
            if active is None:
                errors.append(
                    _("«Действует» must be «да» or «нет», got «%(value)s».") % {"value": values["is_active"]}
                )
            else:
                data["is_active"] = active
        if values.get("parent_inn"):
            self._parent(row, values["parent_inn"], values.get("parent_kpp", ""), data, errors)
        return data

    def _municipality(self, values: dict[str, str], errors: list[str]) -> Municipality | None:
        oktmo, name = values.get("oktmo", ""), values.get("municipality", "")
        by_code = self.by_oktmo.get(oktmo) if oktmo else None
        if oktmo and by_code is None:
            errors.append(_("There is no municipality with ОКТМО %(oktmo)s.") % {"oktmo": oktmo})
            return None
        if name:
            found = self.by_name.get(fold(name), [])
            if by_code is not None:
                if found and by_code not in found:
                    errors.append(
                        _("ОКТМО %(oktmo)s belongs to «%(code_name)s», not to «%(name)s».")
                        % {"oktmo": oktmo, "code_name": by_code.name, "name": name}
                    )
                    return None
                return by_code
            if not found:
                errors.append(_("Unknown municipality «%(name)s».") % {"name": name})
                return None
            if len(found) > 1:
                errors.append(
                    _("Several municipalities are called «%(name)s»; fill in «ОКТМО».") % {"name": name}
                )
                return None
            return found[0]
        return by_code

    def _kind_subtype(
        self, values: dict[str, str], data: dict[str, Any], existing: Organization | None, errors: list[str]
    ) -> None:
        kind = subtype = None
        if values.get("kind"):
            kind = parse_kind(values["kind"])
            if kind is None:
                errors.append(_("Unknown kind of organisation «%(value)s».") % {"value": values["kind"]})
        if values.get("subtype"):
            subtype = parse_subtype(values["subtype"])
            if subtype is None:
                errors.append(_("Unknown subtype «%(value)s».") % {"value": values["subtype"]})
        if errors:
            return
        names = (data.get("short_name", ""), data.get("full_name", ""))
        if existing is not None:
            if kind is None and subtype is None:
                return
            if kind is not None and subtype is None:
                subtype = existing.subtype
                if subtype not in SUBTYPES_BY_KIND[kind]:
                    guessed = guess_subtype(existing.short_name, existing.full_name, *names)
                    subtype = guessed if guessed in SUBTYPES_BY_KIND[kind] else "other"
            if subtype is not None and kind is None:
                kind = existing.kind
                if subtype not in SUBTYPES_BY_KIND[kind]:
                    kind = KIND_OF_SUBTYPE[subtype]
        else:
            if subtype is None:
                guessed = guess_subtype(*names)
                if kind is None:
                    subtype = guessed
                else:
                    subtype = guessed if guessed in SUBTYPES_BY_KIND[kind] else "other"
            if subtype is None:
                errors.append(
                    _("Cannot tell the kind of organisation from its name: fill in «Вид» or «Подтип».")
                )
                return
            if kind is None:
                kind = KIND_OF_SUBTYPE[subtype]
        data["kind"], data["subtype"] = kind, subtype

    def _parent(
        self, row: PlannedRow, parent_inn: str, parent_kpp: str, data: dict[str, Any], errors: list[str]
    ) -> None:
        """The parent by its ИНН (+ КПП when the file gives it; else the head organisation of that ИНН):
        an earlier row of the file, else the registry."""
        if parent_inn == row.inn and parent_kpp == row.kpp:
            errors.append(_("An organisation cannot be its own parent organisation."))
            return
        if parent_kpp:
            earlier = self.seen_inn.get(identity_key(parent_inn, parent_kpp))
        else:
            earlier = self.first_of_inn.get(parent_inn)
        if earlier is not None and earlier is not row:
            if earlier.action == REJECT:
                errors.append(
                    _("The parent organisation (ИНН %(inn)s, row %(row)d) is rejected.")
                    % {"inn": parent_inn, "row": earlier.number}
                )
            elif earlier.organization is not None:
                data["parent"] = earlier.organization
            else:
                row.pending_parent_inn, row.pending_parent_kpp = earlier.inn, earlier.kpp
            return
        candidates = [o for o in self.by_inn.get(parent_inn, []) if o is not row.organization]
        if parent_kpp:
            candidates = [o for o in candidates if o.kpp == parent_kpp]
        else:
            candidates = [o for o in candidates if o.parent_id is None] or candidates
        if len(candidates) != 1:
            errors.append(
                _(
                    "The parent organisation with ИНН %(inn)s is neither in the registry nor above this "
                    "row in the file."
                )
                % {"inn": " ".join(filter(None, [parent_inn, parent_kpp and f"КПП {parent_kpp}"]))}
                if not candidates
                else _("Several organisations have ИНН %(inn)s: fill in «КПП головной организации».")
                % {"inn": parent_inn}
            )
            return
        data["parent"] = candidates[0]

    # validation with the model's own rules

    def _candidate(self, existing: Organization | None, data: dict[str, Any]) -> Organization:
        """An unsaved organisation as the row would leave it (the existing one is not touched)."""
        if existing is None:
            candidate = Organization()
        else:
            candidate = Organization(
                **{f.attname: getattr(existing, f.attname) for f in Organization._meta.concrete_fields}
            )
        for key, value in data.items():
            setattr(candidate, key, value)
        return candidate

    def _check_scope(self, existing: Organization | None, candidate: Organization) -> None:
        actor = self.actor
        if actor is None:
            return
        if existing is None:
            if not actor.has_perm("organizations.add_organization"):
                raise _Rejected(_("You cannot add organisations."))
        elif not actor.has_perm("organizations.manage_organization", existing):
            raise _Rejected(self._out_of_scope(existing.municipality))
        if not actor.has_perm("organizations.manage_organization", candidate):
            raise _Rejected(self._out_of_scope(candidate.municipality))
        problem = services.parent_out_of_scope(actor, candidate, existing.parent_id if existing else None)
        if problem:
            raise _Rejected(problem)

    def _out_of_scope(self, municipality: Municipality) -> str:
        return _(
            "«%(municipality)s» is not among your municipalities: you cannot add or change its organisations."
        ) % {"municipality": municipality.name}

    def _validate(
        self, candidate: Organization, values: dict[str, str], row: PlannedRow, errors: list[str]
    ) -> None:
        # Field validators (ИНН/ОГРН/КПП check digits, lengths, e-mail, site), then the services' rules.
        # Foreign keys and uniqueness are looked up once for the whole file instead of per row; the
        # services check them again when the row is written.
        try:
            candidate.clean_fields(exclude=["municipality", "parent", "search_text"])
        except ValidationError as exc:
            errors.append(_message(exc))
            for key in ("ogrn", "kpp"):
                if key in exc.error_dict:
                    errors.append(self._hint(values, key))
        for rule in services.ORGANIZATION_RULES:
            try:
                rule(candidate)
            except ValidationError as exc:
                errors.append(_message(exc))
        ogrn = candidate.ogrn
        owner = self.ogrn_owner.get(ogrn)
        if owner is not None and owner[0] != row.inn:
            errors.append(
                _("ОГРН %(ogrn)s already belongs to «%(name)s» (ИНН %(inn)s).")
                % {"ogrn": ogrn, "name": owner[1], "inn": owner[0]}
            )
        # a branch has its parent's ОГРН: the same ОГРН under another ИНН is the problem
        first, first_inn = self.seen_ogrn.setdefault(ogrn, (row.number, row.inn)) if ogrn else (0, row.inn)
        if first_inn != row.inn:
            errors.append(
                _("ОГРН %(ogrn)s already appears in row %(row)d of this file.") % {"ogrn": ogrn, "row": first}
            )
        errors[:] = [e for e in errors if e]

    @staticmethod
    def _differs(existing: Organization, key: str, value: Any) -> bool:
        if key in ("municipality", "parent"):
            return getattr(existing, f"{key}_id") != (value.pk if value is not None else None)
        return bool(getattr(existing, key) != value)

    @staticmethod
    def _change(existing: Organization, key: str, value: Any) -> list[str]:
        return [
            COLUMNS_BY_KEY["parent_inn" if key == "parent" else key].header,
            display_value(key, getattr(existing, key)),
            display_value(key, value),
        ]


def _with_scheme(url: str) -> str:
    """«school1.ru» → «https://school1.ru»: how sites are written in spreadsheets."""
    if "://" in url or " " in url or "." not in url:
        return url
    return f"https://{url}"


def display_value(key: str, value: Any) -> str:
    """A field's value as the file writes it (the preview shows changes this way)."""
    if value is None or value == "":
        return ""
    if key == "kind":
        return KIND_WORDS.get(value, str(value))
    if key == "subtype":
        return SUBTYPE_WORDS.get(value, str(value))
    if key == "is_active":
        return bool_text(bool(value))
    if key == "parent":
        return f"{value.inn} / {value.kpp}" if value.kpp else str(value.inn)
    if key == "municipality":
        return str(value.name)
    return str(value)


def build_plan(table: Table, *, actor: Any, accepted: Collection[int] = ()) -> Plan:
    """What importing `table` would do, row by row, for `actor` (None: the system). Writes nothing.

    A row that conflicts with the registry (another ОГРН or КПП for the ИНН, another kind or
    municipality) is rejected with both versions, unless its number is in `accepted`: the conflicts a
    methodologist accepted in the web preview are then planned as updates."""
    return _Planner(table, actor, accepted).plan()


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return _message(exc)
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("You do not have permission to do this.")
    return _("The row conflicts with another organisation (the same ИНН or ОГРН).")


def _parent(row: PlannedRow, created: dict[str, Organization]) -> Organization:
    """The row's parent: created by this run, else the registry's organisation with its ИНН + КПП."""
    parent = created.get(row.pending_parent_key) or (
        Organization.objects.filter(inn=row.pending_parent_inn, kpp=row.pending_parent_kpp or None).first()
    )
    if parent is None:
        raise _ParentMissing(row.pending_parent_inn)
    return parent


def _apply_row(row: PlannedRow, actor: Any, created: dict[str, Organization]) -> None:
    """One row through the services in its own transaction; a failure rejects the row with the reason."""
    try:
        with transaction.atomic():
            data = dict(row.data)
            if row.pending_parent_inn:
                data["parent"] = _parent(row, created)
            if row.action == CREATE:
                created[row.key] = services.organization_create(actor=actor, data=data)
            else:
                assert row.organization is not None
                services.organization_update(actor=actor, organization=row.organization, data=data)
    except _ParentMissing:
        row.action, row.reason = REJECT, _("The parent organisation was not created.")
    except (ValidationError, PermissionDenied, IntegrityError) as exc:
        row.action, row.reason = REJECT, _error_text(exc)


def _resolve_parents(rows: list[PlannedRow], created: dict[str, Organization]) -> None:
    """Parents that earlier rows of the file created: from this run's memory, else one query."""
    missing = {r.pending_parent_key: r.pending_parent_inn for r in rows if r.pending_parent_inn}
    batch_keys = {r.key for r in rows if r.action == CREATE}
    lookup = sorted({inn for key, inn in missing.items() if key not in created and key not in batch_keys})
    for chunk in _chunks(lookup):
        for org in Organization.objects.filter(inn__in=chunk):
            key = identity_key(org.inn, org.kpp)
            if key in missing:
                created[key] = org


def _write_batch(rows: list[PlannedRow], actor: Any, created: dict[str, Organization]) -> None:
    """All rows of a batch in one transaction: creates level by level (a parent before its branches),
    then updates. Raises on any failure, leaving nothing of the batch."""
    _resolve_parents(rows, created)
    in_batch = {r.key for r in rows if r.action == CREATE}
    for r in rows:
        parent = r.pending_parent_key
        if parent and parent not in created and parent not in in_batch:
            r.action, r.reason = REJECT, _("The parent organisation was not created.")
    creates = [r for r in rows if r.action == CREATE]
    updates = [r for r in rows if r.action == UPDATE]
    with transaction.atomic():
        _create_by_levels(creates, actor, created)
        items = [_update_item(r, created) for r in updates]
        if items:
            services.organization_update_many(actor=actor, items=items)


def _with_parent(row: PlannedRow, created: dict[str, Organization]) -> dict[str, Any]:
    """The row's data for the services, its parent taken from the organisations this run has."""
    data = dict(row.data)
    if row.pending_parent_inn:
        if row.pending_parent_key not in created:
            raise _ParentMissing(row.pending_parent_inn)
        data["parent"] = created[row.pending_parent_key]
    return data


def _update_item(row: PlannedRow, created: dict[str, Organization]) -> tuple[Organization, dict[str, Any]]:
    assert row.organization is not None
    return row.organization, _with_parent(row, created)


def _create_by_levels(creates: list[PlannedRow], actor: Any, created: dict[str, Organization]) -> None:
    """Create the rows whose parent is known, then those whose parent was just created, and so on."""
    waiting = creates
    while waiting:
        # rows whose parent is known now; the rest wait for their parent's INSERT
        ready = [r for r in waiting if not r.pending_parent_inn or r.pending_parent_key in created]
        if not ready:
            raise _ParentMissing  # a parent that is nowhere: the per-row path names the rows
        datas = [_with_parent(r, created) for r in ready]
        for r, org in zip(ready, services.organization_create_many(actor=actor, rows=datas), strict=True):
            created[r.key] = org
        done = {id(r) for r in ready}
        waiting = [r for r in waiting if id(r) not in done]


def _reload(rows: list[PlannedRow]) -> None:
    """The organisations of UPDATE rows as the database has them (a failed batch changed them in memory)."""
    ids = [r.organization.pk for r in rows if r.action == UPDATE and r.organization is not None]
    fresh = Organization.objects.select_related("municipality", "parent").in_bulk(ids)
    for r in rows:
        if r.action == UPDATE and r.organization is not None and r.organization.pk in fresh:
            r.organization = fresh[r.organization.pk]


def apply_plan(
    plan: Plan,
    *,
    actor: Any,
    on_row: Callable[[PlannedRow], None] | None = None,
    on_batch: Callable[[list[PlannedRow]], None] | None = None,
    batch_size: int | None = None,
) -> dict[str, int]:
    """Carry out a plan through the services; returns the counts.

    Rows are written in batches of `batch_size` (settings.NOVATOR_IMPORT_BATCH_SIZE, 1,000), each batch
    in one transaction with one INSERT/UPDATE for the organisations and one for the audit: a crash
    leaves whole batches, and running the file again finds them unchanged. A batch that fails (the
    database changed since the preview) is written again row by row, each row in its own transaction,
    so that only the failing row is rejected, with its reason. A file with fewer than
    `BATCH_MIN_ROWS` rows to write goes row by row from the start. `on_row` is called for every row
    and `on_batch` once per batch, after the batch is committed.
    """
    size = max(1, batch_size or int(getattr(settings, "NOVATOR_IMPORT_BATCH_SIZE", DEFAULT_BATCH_SIZE)))
    work = sum(1 for row in plan.rows if row.action in (CREATE, UPDATE))
    row_by_row = size == 1 or (batch_size is None and work < BATCH_MIN_ROWS)
    created: dict[str, Organization] = {}
    counts = dict.fromkeys(COUNT_KEYS.values(), 0)
    for start in range(0, len(plan.rows), size):
        batch = plan.rows[start : start + size]
        writes = [row for row in batch if row.action in (CREATE, UPDATE)]
        if row_by_row or len(writes) == 1:
            for row in writes:
                _apply_row(row, actor, created)
        elif writes:
            try:
                _write_batch(writes, actor, created)
            except (ValidationError, PermissionDenied, IntegrityError, _ParentMissing):
                for row in writes:
                    if row.action == CREATE:
                        created.pop(row.key, None)  # rolled back with the batch
                _reload(writes)
                for row in writes:
                    if row.action in (CREATE, UPDATE):
                        _apply_row(row, actor, created)
        for row in batch:
            counts[COUNT_KEYS[row.action]] += 1
            if on_row is not None:
                on_row(row)
        if on_batch is not None:
            on_batch(batch)
    return counts
