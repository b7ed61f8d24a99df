"""The kinds of notifications users can switch e-mail off for, registered in one place.

Apps pass one of these codes as ``kind`` to ``notify``; an unknown code still delivers (in-app and
e-mail) and shows its code on the preferences page only if it is registered here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    group: str | Promise


GROUP_CONTESTS = _("Contests")
GROUP_EXPERTISE = _("Expertise")
GROUP_PROJECTS = _("Projects")
GROUP_LIBRARY = _("Library")
GROUP_EVENTS = _("Events")
GROUP_MONITORING = _("Monitoring")
GROUP_NETWORKS = _("Networks")
GROUP_GENERAL = _("General")

_KINDS: dict[str, Kind] = {}


def register(code: str, label: str | Promise, group: str | Promise = GROUP_GENERAL) -> Kind:
    """Register (or replace) a kind; returns it."""
    kind = Kind(code, label, group)
    _KINDS[code] = kind
    return kind


for _code, _label, _group in (
    (
        "contests.application",
        _("My organisation's applications: submitted, returned, accepted, rejected"),
        GROUP_CONTESTS,
    ),
    ("contests.contest", _("Contests: announced, results published"), GROUP_CONTESTS),
    ("contests.results", _("Contest results"), GROUP_CONTESTS),
    ("contests.appeal", _("Appeals against contest results: filed, decided"), GROUP_CONTESTS),
    ("contests.message", _("Messages on applications between organisers and applicants"), GROUP_CONTESTS),
    ("expertise.assignment", _("Applications assigned to me for review"), GROUP_EXPERTISE),
    ("expertise.invitation", _("Invitations to expert commissions and the answers"), GROUP_EXPERTISE),
    ("expertise.sheet", _("Score sheets: submitted, reopened"), GROUP_EXPERTISE),
    ("expertise.conclusion", _("Expert conclusions on my organisation's applications"), GROUP_EXPERTISE),
    ("expertise.reminder", _("Reminders about scoring sheets due"), GROUP_EXPERTISE),
    ("expertise.discussion", _("Comments in the commission's discussions"), GROUP_EXPERTISE),
    ("projects.passport", _("Project passports: submitted, approved, returned"), GROUP_PROJECTS),
    ("projects.report", _("Project reports: submitted, accepted, returned, rejected"), GROUP_PROJECTS),
    ("projects.reminder", _("Reminders about report deadlines"), GROUP_PROJECTS),
    ("library.adoption", _("Adoptions of my organisation's products"), GROUP_LIBRARY),
    ("events.registration", _("My event registrations"), GROUP_EVENTS),
    ("events.waitlist_promoted", _("A place freed up for me at an event"), GROUP_EVENTS),
    ("events.reminder", _("Reminders about events I registered for"), GROUP_EVENTS),
    ("events.cancelled", _("Cancelled events"), GROUP_EVENTS),
    ("networks.invitation", _("Invitations to networks"), GROUP_NETWORKS),
    ("monitoring.campaign", _("Monitoring campaigns: opened, returned, accepted"), GROUP_MONITORING),
    ("monitoring.campaign_reminder", _("Reminders about monitoring forms due"), GROUP_MONITORING),
    ("monitoring.published", _("Monitoring results published"), GROUP_MONITORING),
    (
        "group.message",
        _("Messages from organisers to everyone of a contest, an event or a network"),
        GROUP_GENERAL,
    ),
):
    register(_code, _label, _group)


def all_kinds() -> list[Kind]:
    return list(_KINDS.values())


def get(code: str) -> Kind | None:
    return _KINDS.get(code)


def label_for(code: str) -> str:
    kind = _KINDS.get(code)
    return str(kind.label) if kind else code


def group_for(code: str) -> str:
    """The section a kind belongs to (for lists); the code's first part for unknown kinds."""
    kind = _KINDS.get(code)
    return str(kind.group) if kind else code.split(".", 1)[0]


def is_known(code: str) -> bool:
    return code in _KINDS
