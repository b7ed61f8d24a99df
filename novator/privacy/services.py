"""Personal data of one person (152-ФЗ): the access log, export of everything held, erasure, retention."""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.models import ActivityLog
from novator.core.services import require, user_or_none
from novator.organizations.models import Person
from novator.organizations.services import published_name_changed

from . import scrub
from .checks import MAX_WITHDRAWN_DAYS
from .models import AccessKind, ConsentKind, ConsentScan, DestructionAct, PersonalDataAccess

ERASED_NAME = "Удалено"


def access_record(*, actor: Any, person_ids: Iterable[int], kind: str, path: str = "") -> int:
    """Log that `actor` read the personal data of these people (one row per person)."""
    who = user_or_none(actor)
    rows = [PersonalDataAccess(person_id=pk, actor=who, kind=kind, path=path[:300]) for pk in set(person_ids)]
    PersonalDataAccess.objects.bulk_create(rows)
    return len(rows)


def _d(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _rows(queryset: Any, fields: list[str]) -> list[dict[str, Any]]:
    return [{f: _d(v) for f, v in zip(fields, row, strict=True)} for row in queryset.values_list(*fields)]


def person_export(*, actor: Any, person: Person, record_access: bool = True) -> dict[str, Any]:
    """Everything held on one person, as plain JSON values, grouped by where it is kept."""
    require(actor, "privacy.export_person_data", person)
    from novator.accounts.models import RoleAssignment
    from novator.contests.models import Application
    from novator.events.models import Certificate, Registration
    from novator.expertise.models import Score
    from novator.library.models import MethodProduct

    data: dict[str, Any] = {
        "generated_at": _d(timezone.now()),
        "person": {
            "id": person.pk,
            "organization": str(person.organization),
            "last_name": person.last_name,
            "first_name": person.first_name,
            "middle_name": person.middle_name,
            "position": person.position,
            "email": person.email,
            "created_at": _d(person.created_at),
            "updated_at": _d(person.updated_at),
            "erased_at": _d(person.erased_at),
        },
        "consents": {
            "processing_given_on": _d(person.processing_consent_on),
            "processing_withdrawn_on": _d(person.processing_consent_withdrawn_on),
            "publication_given_on": _d(person.publication_consent_on),
            "publication_withdrawn_on": _d(person.publication_consent_withdrawn_on),
        },
        "consent_scans": _rows(
            ConsentScan.objects.filter(person=person).order_by("pk"), ["kind", "file_type", "uploaded_at"]
        ),
        "user_account": None,
        "roles": [],
        "registrations": _rows(
            Registration.objects.filter(person=person).order_by("pk"),
            ["id", "event__title", "status", "queued_at", "attended_at"],
        ),
        "certificates": _rows(
            Certificate.objects.filter(person=person).order_by("pk"), ["id", "event__title", "role", "code"]
        ),
        "applications": _rows(
            Application.objects.filter(applicant=person).order_by("pk"),
            ["id", "contest__title", "project_title", "state", "submitted_at", "total", "rank"],
        ),
        "authored_products": _rows(
            MethodProduct.objects.filter(author_people=person).order_by("pk"),
            ["id", "title", "released_on", "is_published"],
        ),
        "scores_given": [],
        "access_log": _rows(
            PersonalDataAccess.objects.filter(person=person).order_by("at", "pk"),
            ["at", "actor__username", "kind", "path"],
        ),
        "change_log": _rows(
            ActivityLog.objects.filter(
                content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
            ).order_by("created_at", "pk"),
            ["created_at", "actor__username", "action", "changes"],
        ),
    }
    user = person.user
    if user is not None:
        data["user_account"] = {
            "username": user.username,
            "email": user.email,
            "last_name": user.last_name,
            "first_name": user.first_name,
            "is_active": user.is_active,
            "date_joined": _d(user.date_joined),
            "last_login": _d(user.last_login),
        }
        data["roles"] = _rows(
            RoleAssignment.objects.filter(user=user).order_by("pk"),
            ["role", "region__name", "municipality__name", "organization__short_name"],
        )
        data["applications_created"] = _rows(
            Application.objects.filter(created_by=user).order_by("pk"),
            ["id", "contest__title", "project_title", "state"],
        )
        data["scores_given"] = _rows(
            Score.objects.filter(sheet__assignment__expert__user=user).order_by("pk"),
            [
                "sheet__assignment__application__contest__title",
                "sheet__assignment__application_id",
                "criterion__name",
                "points",
                "comment",
                "sheet__state",
            ],
        )
    if record_access:
        with transaction.atomic():
            access_record(actor=actor, person_ids=[person.pk], kind=AccessKind.EXPORT)
            audit.record(actor=actor, action="person.export", obj=person)
    return data


def person_export_xlsx(data: dict[str, Any]) -> bytes:
    """The export as a workbook: one sheet per part of the JSON export."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    for part, value in data.items():
        if part == "generated_at":
            continue
        sheet = workbook.add_worksheet(part[:31])
        if isinstance(value, dict) or value is None:
            for row, (key, item) in enumerate((value or {}).items()):
                sheet.write_string(row, 0, str(key), bold)
                sheet.write_string(row, 1, "" if item is None else str(item))
            continue
        rows = list(value)
        headers = list(rows[0]) if rows else []
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, bold)
        for r, item in enumerate(rows, start=1):
            for col, header in enumerate(headers):
                cell = item.get(header)
                sheet.write_string(r, col, "" if cell is None else str(cell))
    workbook.close()
    return buffer.getvalue()


CONSENT_SCAN_TYPES = ("pdf", "jpg", "png")
CONSENT_SCAN_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def consent_scan_add(*, actor: Any, person: Person, kind: str, upload: Any) -> ConsentScan:
    """Attach the scan of a consent the person signed. Checked by content like every upload."""
    from django.core.files.base import File

    from novator.core.files import check_upload

    require(actor, "privacy.upload_consent_scan", person)
    if person.erased_at is not None:
        raise ValidationError(_("This person's data has been erased."))
    if kind not in ConsentKind.values:
        raise ValidationError({"kind": _("Choose which consent the scan is of.")})
    try:
        file_type = check_upload(upload, allowed=CONSENT_SCAN_TYPES, max_bytes=CONSENT_SCAN_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    scan = ConsentScan(
        person=person, kind=kind, file_type=file_type, size=upload.size, uploaded_by=_who(actor)
    )
    scan.file.save(f"consent-{person.pk}-{kind}.{file_type}", File(upload), save=False)
    scan.save()
    audit.record(
        actor=actor, action="person.consent_scan_add", obj=person, changes={"consent_scan": [None, kind]}
    )
    return scan


def confirmation_phrase(person: Person) -> str:
    """What the operator types to confirm erasure: the person's id (a name may repeat)."""
    return f"{person.pk}"


@transaction.atomic
def person_erase(*, actor: Any, person: Person, confirmation: str, reason: str = "") -> Person:
    """Replace the person's names and contacts for good; scores, totals, registrations stay for statistics.

    Irreversible: the operator confirms by typing the person's number. Audited (without the old values).
    """
    require(actor, "privacy.erase_person", person)
    if confirmation.strip() != confirmation_phrase(person):
        raise ValidationError(
            {
                "confirmation": _("Type the number %(number)s to confirm.")
                % {"number": confirmation_phrase(person)}
            }
        )
    person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if person.erased_at is not None:
        raise ValidationError(_("This person's data has already been erased."))
    old_names = [(person.last_name, person.first_name, person.middle_name)]
    if person.user is not None:
        old_names.append((person.user.last_name, person.user.first_name, person.user.middle_name))
    subject_name = person.full_name
    categories = _categories(person)
    scans = list(person.consent_scans.all())
    person.last_name = ERASED_NAME
    person.first_name = f"№ {person.pk}"
    person.middle_name = ""
    person.position = "—"
    person.email = ""
    person.publication_consent_on = None
    person.publication_consent_withdrawn_on = None
    if person.processing_consent_on and not person.processing_consent_withdrawn_on:
        person.processing_consent_withdrawn_on = timezone.localdate()
    person.erased_at = timezone.now()
    person.save()
    # The library's search index holds an author's published name as stems: reindexed like a withdrawal.
    published_name_changed(person)
    user = person.user
    if user is not None:
        user.username = f"erased-{person.pk}-{user.pk}"
        user.first_name = ""
        user.last_name = ERASED_NAME
        user.middle_name = ""
        user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    # Earlier change records of the person held the old values: keep the fact of the change, drop the values.
    ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=str(person), changes={})
    # Anywhere else the name was written out (older log records, notifications, free-text authors,
    # search indexes): replaced by the reference of the erased record.
    mentions = scrub.scrub_name(old_names, str(person))
    if mentions:
        categories.append(f"упоминания фамилии, имени, отчества в других записях базы данных ({mentions})")
    # The scans of signed consents carry the name and the signature: destroyed with the rest.
    for scan in scans:
        transaction.on_commit(functools.partial(scan.file.storage.delete, scan.file.name))
    person.consent_scans.all().delete()
    entry = PersonalDataAccess.objects.create(person=person, actor=_who(actor), kind=AccessKind.ERASE)
    reason = scrub.scrub_text(reason, old_names, str(person))
    audit.record(actor=actor, action="person.erase", obj=person, changes={"reason": reason[:500]})
    _make_act(actor, person, subject_name, categories, reason, entry)
    return person


def _categories(person: Person) -> list[str]:
    """What of the person is destroyed, in the words of the act (before the record is changed)."""
    found = ["фамилия, имя, отчество"]
    if person.position:
        found.append("должность")
    if person.email:
        found.append("адрес электронной почты")
    if person.publication_consent_on:
        found.append("даты согласия на распространение (публикацию) персональных данных")
    if person.user_id:
        found.append(
            "учётная запись: логин, фамилия, имя, отчество, адрес электронной почты; "
            "пароль сделан непригодным"
        )
    scans = person.consent_scans.count()
    if scans:
        found.append(f"сканы подписанных согласий ({scans})")
    found.append("прежние значения в журнале изменений записи работника")
    return found


def _make_act(
    actor: Any, person: Person, subject_name: str, categories: list[str], reason: str, entry: Any
) -> DestructionAct:
    from django.core.files.base import ContentFile

    from .act import ActContent, build_act

    who = _who(actor)
    act = DestructionAct.objects.create(person=person, reason=reason[:2000], created_by=who)
    content = ActContent(
        number=act.pk,
        made_at=act.created_at,
        operator=getattr(settings, "PERSONAL_DATA_OPERATOR", ""),
        subject_name=subject_name,
        subject_ref=f"запись работника № {person.pk}",
        organization=str(person.organization),
        categories=categories,
        reason=reason or ("истёк срок хранения (purge_personal_data)" if actor is None else ""),
        destroyed_by=who.display_name if who is not None else "автоматически, по сроку хранения",
        access_log_entry=entry.pk,
    )
    act.file.save(f"act-person-{person.pk}.docx", ContentFile(build_act(content)), save=True)
    return act


def _who(actor: Any) -> Any:
    return user_or_none(actor)


# --- retention -------------------------------------------------------------------------------------------


def retention() -> dict[str, int]:
    return {
        "years": int(getattr(settings, "PERSONAL_DATA_RETENTION_YEARS", 5)),
        # never above the law's 30 days, even where the system check was not run (a bare gunicorn)
        "withdrawn_days": max(
            0, min(int(getattr(settings, "PERSONAL_DATA_WITHDRAWN_GRACE_DAYS", 30)), MAX_WITHDRAWN_DAYS)
        ),
        "access_log_years": int(getattr(settings, "PERSONAL_DATA_ACCESS_LOG_RETENTION_YEARS", 3)),
    }


def purge_candidates(*, today: datetime.date | None = None) -> dict[str, Any]:
    """Who is due for erasure and which access-log rows are due for deletion, by the retention settings.

    - consent to processing withdrawn more than PERSONAL_DATA_WITHDRAWN_GRACE_DAYS ago;
    - no change to the record for PERSONAL_DATA_RETENTION_YEARS and no active user account
      (the person has left the organisation or the organisation has closed);
    - access-log rows older than PERSONAL_DATA_ACCESS_LOG_RETENTION_YEARS.
    """
    from django.db.models import Q

    today = today or timezone.localdate()
    limits = retention()
    withdrawn_before = today - datetime.timedelta(days=limits["withdrawn_days"])
    stale_before = timezone.make_aware(
        datetime.datetime.combine(_years_back(today, limits["years"]), datetime.time.min)
    )
    log_before = timezone.make_aware(
        datetime.datetime.combine(_years_back(today, limits["access_log_years"]), datetime.time.min)
    )
    people = Person.objects.filter(erased_at__isnull=True, is_demo=False).filter(
        Q(processing_consent_withdrawn_on__lte=withdrawn_before)
        | (Q(updated_at__lt=stale_before) & (Q(user__isnull=True) | Q(user__is_active=False)))
    )
    return {"people": people, "access_log": PersonalDataAccess.objects.filter(at__lt=log_before)}


def _years_back(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def purge_personal_data(*, today: datetime.date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Erase the people and delete the access-log rows whose retention has run out. Returns the counts."""
    found = purge_candidates(today=today)
    people = list(found["people"].order_by("pk"))
    log_count = found["access_log"].count()
    if dry_run:
        return {"people": len(people), "access_log": log_count}
    for person in people:
        person_erase(
            actor=None,
            person=person,
            confirmation=confirmation_phrase(person),
            reason="retention period ended (purge_personal_data)",
        )
    deleted, _ = found["access_log"].delete()
    return {"people": len(people), "access_log": deleted}
