"""Writes: invitations (create, send again, revoke, accept), deactivating an account, requests to join an
organisation. Each is one transaction with its activity-log entry; e-mail leaves after the commit."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from novator.accounts.models import ApiToken, Role, RoleAssignment, User
from novator.accounts.scope import forget_scope
from novator.accounts.services import email_taken_check, role_grant, user_create
from novator.core import audit
from novator.core.jobs import enqueue_on_commit, job_create
from novator.core.models import Job
from novator.core.services import require, user_or_none
from novator.core.workflow import perform
from novator.notifications.services import notify
from novator.organizations.models import Organization, Person

from .models import Invitation, InvitationState, JoinRequest, JoinRequestState, StaffImport, StaffImportRow
from .rules import INVITABLE_ROLES, manages_user, may_invite
from .staffing import StaffTable, count_rows, plan_staff
from .workflow import INVITATION_TRANSITIONS, JOIN_REQUEST_TRANSITIONS

_SALT = "novator.onboarding.invitation"


# --- the link -------------------------------------------------------------------------------------------


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=".")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_link_token() -> tuple[str, str]:
    """(the token for the link, the hash to store). The link's key is random and signed."""
    raw = secrets.token_urlsafe(24)
    return _signer().sign(raw), _hash(raw)


def token_hash_of(link_token: str) -> str | None:
    """The stored hash a link's token stands for, or None for a forged or mangled link."""
    try:
        return _hash(_signer().unsign(link_token))
    except signing.BadSignature:
        return None


def invitation_days() -> int:
    return int(settings.NOVATOR_INVITATION_DAYS)


def base_url() -> str:
    return str(settings.NOVATOR_BASE_URL).rstrip("/")


def send_invitation(invitation: Invitation, link_token: str) -> None:
    """The e-mail (in Russian, the interface's default language) through the mail queue, on commit."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "role": invitation.get_role_display(),
            "scope": invitation.scope,
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "link": base_url() + reverse("onboarding:accept", args=[link_token]),
            "valid_until": formats.date_format(timezone.localtime(invitation.expires_at), "d.m.Y H:i"),
        }
        subject = " ".join(render_to_string("onboarding/email/invitation_subject.txt", context).split())
        body = render_to_string("onboarding/email/invitation.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    transaction.on_commit(lambda: get_connection(fail_silently=True).send_messages([message]))


# --- invitations ----------------------------------------------------------------------------------------


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    return email


def _check_scope(actor: Any, role: str, organization: Any, municipality: Any) -> None:
    if role not in INVITABLE_ROLES:
        raise ValidationError(
            {"role": _("An invitation can make a methodologist, a coordinator or a teacher only.")},
            code="wrong_role",
        )
    if role == Role.METHODOLOGIST and municipality is None:
        raise ValidationError({"municipality": _("Choose the municipality of the methodologist.")})
    if role != Role.METHODOLOGIST and organization is None:
        raise ValidationError({"organization": _("Choose the organisation.")})
    if role == Role.METHODOLOGIST:
        organization = None
    else:
        municipality = None
    if not may_invite(actor, role=role, organization=organization, municipality=municipality):
        raise ValidationError(
            {
                "organization" if organization is not None else "municipality": _(
                    "You may not invite a %(role)s to %(scope)s: it is outside what you manage."
                )
                % {"role": Role(role).label.lower(), "scope": organization or municipality}
            },
            code="out_of_scope",
        )


def check_address_free(email: str, *, exclude: int | None = None) -> None:
    try:
        email_taken_check(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("There is already an account with the e-mail address %(email)s.") % {"email": email}},
            code="email_taken",
        ) from None
    pending = Invitation.objects.filter(email__iexact=email, state=InvitationState.PENDING)
    if exclude is not None:
        pending = pending.exclude(pk=exclude)
    now = timezone.now()
    # a pending invitation past its term stops holding the address
    pending.filter(expires_at__lte=now).update(state=InvitationState.EXPIRED)
    if pending.filter(expires_at__gt=now).exists():
        raise ValidationError(
            {
                "email": _(
                    "An invitation to %(email)s is already waiting to be accepted; send it again from the "
                    "users page instead."
                )
                % {"email": email}
            },
            code="already_invited",
        )


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    email: str,
    role: str,
    organization: Organization | None = None,
    municipality: Any = None,
    person: Person | None = None,
) -> Invitation:
    """Invite ``email`` as ``role`` of ``organization`` (coordinator, teacher) or ``municipality``
    (methodologist); the e-mail with the link leaves on commit."""
    email = _clean_email(email)
    _check_scope(actor, role, organization, municipality)
    check_address_free(email)
    link_token, token_hash = new_link_token()
    now = timezone.now()
    invitation = Invitation(
        email=email,
        role=role,
        organization=organization if role != Role.METHODOLOGIST else None,
        municipality=municipality if role == Role.METHODOLOGIST else None,
        person=person,
        invited_by=user_or_none(actor),
        token_hash=token_hash,
        expires_at=now + datetime.timedelta(days=invitation_days()),
        sent_at=now,
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        # a second request for the same address committed between the check and the insert
        raise ValidationError(
            {"email": _("An invitation to %(email)s has just been sent.") % {"email": email}},
            code="already_invited",
        ) from None
    audit.record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        changes={"role": [None, role], "scope": [None, str(invitation.scope)]},
    )
    send_invitation(invitation, link_token)
    return invitation


def invitation_transition(*, actor: Any, invitation: Invitation, name: str) -> Invitation:
    """Send an invitation again (a new link — the old one stops working — and a new term) or revoke it,
    as `workflow.INVITATION_TRANSITIONS` declares. Accepting is `invitation_accept` (the link is its
    permission)."""
    if name == "accept":
        raise ValidationError(_("Unknown action."), code="unknown")
    return perform(actor, invitation, name, transitions=INVITATION_TRANSITIONS)


class InvitationLinkError(Exception):
    """The link cannot be used; ``message`` says why, in the user's language. Nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def invitation_for_link(link_token: str) -> Invitation:
    """The pending invitation of a link, or InvitationLinkError saying why the link is no good."""
    token_hash = token_hash_of(link_token)
    invitation = (
        Invitation.objects.select_related("organization", "municipality", "invited_by")
        .filter(token_hash=token_hash)
        .first()
        if token_hash
        else None
    )
    if invitation is None:
        raise InvitationLinkError(
            _(
                "This invitation link is not valid. Check that it was copied whole, or ask whoever invited "
                "you to send it again."
            )
        )
    state = invitation.current_state
    if state == InvitationState.ACCEPTED:
        raise InvitationLinkError(
            _("This invitation has already been used. Sign in with your e-mail address and password.")
        )
    if state == InvitationState.REVOKED:
        raise InvitationLinkError(_("This invitation has been revoked by whoever sent it."))
    if state == InvitationState.EXPIRED:
        raise InvitationLinkError(
            _("This invitation expired on %(date)s. Ask whoever invited you to send it again.")
            % {"date": formats.date_format(timezone.localtime(invitation.expires_at), "d.m.Y")}
        )
    return invitation


def _username_for(email: str) -> str:
    base = email.lower()[:140]
    username = base
    while User.objects.filter(username__iexact=username).exists():
        username = f"{base}-{get_random_string(4).lower()}"
    return username


@transaction.atomic
def invitation_accept(
    *,
    link_token: str,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    password: str,
    consent: bool,
) -> User:
    """The invitee's account: made with the invitation's e-mail and role, the password set, consent to the
    processing of personal data recorded on their staff record. Raises InvitationLinkError (bad link) or
    ValidationError (no consent, the address taken meanwhile); either way nothing is saved."""
    invitation = invitation_for_link(link_token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation = invitation_for_link(link_token)  # again under the lock: a second click finds it used
    if not consent:
        raise ValidationError(
            {"consent": _("Without consent to the processing of personal data an account cannot be made.")}
        )
    inviter = invitation.invited_by
    if (
        inviter is None
        or not inviter.is_active
        or not may_invite(
            inviter,
            role=invitation.role,
            organization=invitation.organization,
            municipality=invitation.municipality,
        )
    ):
        # the role is given on the inviter's authority: one who has lost it gives nothing
        raise InvitationLinkError(
            _(
                "Whoever sent this invitation may no longer give this role. Ask the organisation's "
                "coordinator or the methodologist to invite you again."
            )
        )
    email_taken = User.objects.filter(email__iexact=invitation.email).exists()
    if email_taken:
        raise InvitationLinkError(
            _("There is already an account with the e-mail address %(email)s.") % {"email": invitation.email}
        )
    user = user_create(
        actor=invitation.invited_by,
        username=_username_for(invitation.email),
        password=password,
        email=invitation.email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        middle_name=middle_name.strip(),
    )
    role_grant(
        actor=invitation.invited_by,
        user=user,
        role=invitation.role,
        organization=invitation.organization,
        municipality=invitation.municipality,
    )
    today = timezone.localdate()
    person = invitation.person
    if person is None and invitation.organization is not None:
        person = (
            Person.objects.filter(
                organization=invitation.organization, email__iexact=invitation.email, user__isnull=True
            )
            .order_by("id")
            .first()
        )
    if person is None and invitation.organization is not None:
        person = Person(
            organization=invitation.organization,
            last_name=user.last_name,
            first_name=user.first_name,
            middle_name=user.middle_name,
            position=str(Role(invitation.role).label),
            email=invitation.email,
        )
    if person is not None and person.user_id is None and person.erased_at is None:
        person.user = user
        person.processing_consent_on = today
        person.processing_consent_withdrawn_on = None
        person.save()
        audit.record(
            actor=user,
            action="person.consent_given",
            obj=person,
            changes={"processing_consent_on": [None, today.isoformat()], "user": [None, audit.ref(user)]},
        )
    if person is None:  # a methodologist has no staff record: the consent is in the activity log
        audit.record(
            actor=user,
            action="invitation.consent_given",
            obj=invitation,
            changes={"consent_to_processing": [None, today.isoformat()]},
        )
    invitation = perform(user, invitation, "accept", transitions=INVITATION_TRANSITIONS, user=user)
    if invitation.invited_by is not None:
        notify(
            [invitation.invited_by],
            kind="onboarding.invitation_accepted",
            subject=_("%(email)s has accepted your invitation") % {"email": invitation.email},
            body=_("%(name)s (%(email)s) now has an account as %(role)s.")
            % {"name": user.display_name, "email": invitation.email, "role": invitation.get_role_display()},
            url=reverse("onboarding:users"),
        )
    return user


# --- accounts -------------------------------------------------------------------------------------------


@transaction.atomic
def user_deactivate(*, actor: Any, user: User) -> User:
    """Switch an account off: it cannot sign in, its sessions and API tokens end; its history, roles and
    staff record stay."""
    user = User.objects.select_for_update().get(pk=user.pk)
    assignments = list(RoleAssignment.objects.filter(user=user).select_related("organization"))
    if not manages_user(actor, user, assignments):
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("This account is already switched off."), code="inactive")
    user.is_active = False
    user.session_salt = get_random_string(32)
    user.save(update_fields=["is_active", "session_salt"])
    revoked, _deleted = ApiToken.objects.filter(user=user).delete()
    audit.record(
        actor=actor,
        action="user.deactivate",
        obj=user,
        changes={"is_active": [True, False], "api_tokens": [revoked, 0]},
    )
    return user


# --- requests to join -----------------------------------------------------------------------------------


def _coordinators_of(organization: Organization) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.COORDINATOR,
            role_assignments__organization=organization,
        ).distinct()
    )


@transaction.atomic
def join_request_create(
    *, actor: Any, organization: Organization, position: str, message: str = ""
) -> JoinRequest:
    """A signed-in user asks to join ``organization`` as a teacher; its coordinators are told."""
    position = " ".join((position or "").split())[:255]
    if not position:
        raise ValidationError({"position": _("Write your job title in the organisation.")})
    if not organization.is_active:
        raise ValidationError({"organization": _("This organisation is closed.")})
    if RoleAssignment.objects.filter(
        user=actor, organization=organization, role__in=[Role.TEACHER, Role.COORDINATOR]
    ).exists():
        raise ValidationError(
            {"organization": _("You are already on the staff of %(org)s.") % {"org": organization}}
        )
    if JoinRequest.objects.filter(
        user=actor, organization=organization, state=JoinRequestState.PENDING
    ).exists():
        raise ValidationError(
            {
                "organization": _("Your request to join %(org)s is already waiting for a decision.")
                % {"org": organization}
            }
        )
    join_request = JoinRequest.objects.create(
        user=actor, organization=organization, position=position, message=(message or "").strip()[:2000]
    )
    audit.record(actor=actor, action="join_request.create", obj=join_request)
    notify(
        _coordinators_of(organization),
        kind="onboarding.join_request",
        subject=_("A request to join %(org)s") % {"org": organization.short_name},
        body=_("%(name)s (%(email)s) asks to join %(org)s as «%(position)s».")
        % {
            "name": actor.display_name,
            "email": actor.email,
            "org": organization.short_name,
            "position": position,
        },
        url=reverse("onboarding:join_requests"),
    )
    return join_request


@transaction.atomic
def join_request_decide(
    *, actor: Any, join_request: JoinRequest, decision: str, reason: str = ""
) -> JoinRequest:
    """Approve (the user becomes a teacher of the organisation, with a staff record) or decline, as
    `workflow.JOIN_REQUEST_TRANSITIONS` declares; the user is told either way."""
    join_request = perform(
        actor, join_request, decision, transitions=JOIN_REQUEST_TRANSITIONS, reason=reason or ""
    )
    user = join_request.user
    organization = join_request.organization
    if join_request.state == JoinRequestState.APPROVED:
        role_grant(actor=actor, user=user, role=Role.TEACHER, organization=organization)
        if not Person.objects.filter(user=user).exists():
            person = Person.objects.create(
                organization=organization,
                user=user,
                last_name=user.last_name or user.username,
                first_name=user.first_name,
                middle_name=user.middle_name,
                position=join_request.position,
                email=user.email,
            )
            audit.record(actor=actor, action="person.create", obj=person)
        forget_scope(user)
        subject = _("You have joined %(org)s") % {"org": organization.short_name}
        body = _(
            "The coordinator of %(org)s has approved your request: you are on its staff as a teacher."
        ) % {"org": organization.short_name}
    else:
        subject = _("Your request to join %(org)s was declined") % {"org": organization.short_name}
        body = _("The coordinator of %(org)s has declined your request.") % {"org": organization.short_name}
        if join_request.reason:
            body += " " + _("Reason: %(reason)s") % {"reason": join_request.reason}
    notify(
        [user], kind="onboarding.join_request_decided", subject=subject, body=body, url=reverse("portal:home")
    )
    return join_request


# --- the staff file -------------------------------------------------------------------------------------


def staff_import_create(
    *, actor: Any, organization: Organization, original_name: str, table: StaffTable, content: bytes
) -> StaffImport:
    """Store an uploaded staff file with its preview (row by row) for confirmation; nothing else changes."""
    require(actor, "onboarding.import_staff", organization)
    rows = plan_staff(table, organization=organization)
    upload = StaffImport(
        organization=organization,
        original_name=original_name[:255],
        created_by=actor,
        notices=list(table.notices),
        counts=count_rows(rows),
    )
    # the stored name is random: the user's file name (often a person's) is kept only as text
    upload.file.save(f"{uuid.uuid4().hex}.{table.file_type}", ContentFile(content), save=False)
    with transaction.atomic():
        upload.save()
        StaffImportRow.objects.bulk_create(
            StaffImportRow(upload=upload, position=n, action=row.action, data=row.as_json())
            for n, row in enumerate(rows)
        )
        audit.record(
            actor=actor, action="staff_import.upload", obj=upload, changes={"counts": [None, upload.counts]}
        )
    return upload


def staff_import_confirm(*, actor: Any, upload: StaffImport) -> Job:
    """Queue the import as a job (once: a second confirmation finds it taken) and return the job."""
    require(actor, "onboarding.import_staff", upload.organization)
    if not upload.counts.get("create"):
        raise ValidationError(_("There is nobody to add in this file."), code="nothing")
    with transaction.atomic():
        claimed = StaffImport.objects.filter(pk=upload.pk, state=StaffImport.State.PREVIEWED).update(
            state=StaffImport.State.QUEUED
        )
        if not claimed:
            raise ValidationError(_("This import has already been started."), code="started")
        job = job_create(
            actor=actor,
            kind="onboarding.staff_import",
            title=_("Staff of %(org)s from «%(name)s»")
            % {"org": upload.organization.short_name, "name": upload.original_name},
        )
        StaffImport.objects.filter(pk=upload.pk).update(job=job)
        audit.record(actor=actor, action="staff_import.confirm", obj=upload)
        from .tasks import import_staff_task

        enqueue_on_commit(import_staff_task, upload.pk, str(job.pk))
    return job
