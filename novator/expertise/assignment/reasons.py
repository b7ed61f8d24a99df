"""Why an assignment cannot be made, in the user's language.

The solver explains infeasibility with `Reason(code, message, params)`: ids and numbers under a stable
code, and an English sentence. `record()` keeps the code and the numbers and adds the names of the
experts and applications (stored with a proposal); `text()` turns a record into a translated sentence
when it is shown, so each user reads it in their own language. An unknown code falls back to the
solver's English sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..conflicts import reason_text as conflict_reason
from .solver import Reason

#: names listed before «and N more»
LIST_LIMIT = 10


def record(
    reason: Reason,
    experts: Mapping[int, str],
    applications: Mapping[int, str],
    conflicts: Mapping[int, Mapping[str, int]] | None = None,
) -> dict[str, Any]:
    """A JSON-ready record of `reason`, with the names of the experts and applications it mentions and,
    for an application short of experts, how many members are in conflict with it and why
    (`conflicts`: application id → {reason code: members})."""
    params = dict(reason.params)
    labels: dict[str, Any] = {}
    if "expert" in params:
        labels["expert"] = experts.get(params["expert"], str(params["expert"]))
    if "application" in params:
        labels["application"] = applications.get(params["application"], str(params["application"]))
        if conflicts and reason.code in ("too_few_experts", "no_external_expert"):
            labels["conflicts"] = sorted(conflicts.get(params["application"], {}).items())
    for key, names in (
        ("experts", experts),
        ("applications", applications),
        ("external_slots", applications),
    ):
        if key in params:
            labels[key] = [names.get(i, str(i)) for i in params[key]]
    return {"code": reason.code, "message": reason.message, "params": params, "labels": labels}


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:LIST_LIMIT])
    if len(items) > LIST_LIMIT:
        shown += " " + _("and %(count)d more") % {"count": len(items) - LIST_LIMIT}
    return shown


def _hall_applications(p: Mapping[str, Any], labels: Mapping[str, Any]) -> str:
    values = {
        "applications": _names(labels.get("applications", [])),
        "experts": _names(labels.get("experts", [])),
        "needed": p["needed"],
        "possible": p["possible"],
        "shortfall": p["shortfall"],
    }
    external_only = set(p.get("external_slots", [])) == set(p.get("applications", [])) and p.get(
        "external_slots"
    )
    if external_only:
        return (
            _(
                "Applications %(applications)s each need an expert from another municipality "
                "(%(needed)d in all), but the external experts who may score them (%(experts)s) can take at "
                "most %(possible)d of them within their maximum loads: short by %(shortfall)d."
            )
            % values
        )
    return (
        _(
            "Applications %(applications)s together need %(needed)d more experts, but the members who may "
            "score them (%(experts)s) can take at most %(possible)d within their maximum loads: "
            "short by %(shortfall)d."
        )
        % values
    )


def _too_few(p: Mapping[str, Any], labels: Mapping[str, Any]) -> str:
    return ngettext(
        "%(application)s needs %(needed)d more expert, but only %(available)d members may score it "
        "(the others are in conflict of interest or at their maximum load).",
        "%(application)s needs %(needed)d more experts, but only %(available)d members may score it "
        "(the others are in conflict of interest or at their maximum load).",
        p["needed"],
    ) % {"application": labels.get("application"), "needed": p["needed"], "available": p["available"]}


def _render(code: str, p: Mapping[str, Any], lb: Mapping[str, Any]) -> str | None:
    """The sentence of one reason code, or None for a code this module does not know."""
    expert, application = lb.get("expert"), lb.get("application")
    if code == "fixed_conflict":
        return _(
            "%(expert)s is assigned to %(application)s but is in conflict of interest with it: "
            "remove that assignment."
        ) % {"expert": expert, "application": application}
    if code == "fixed_conflict_more":
        return _("And %(count)d more assignments are conflicts of interest.") % {"count": p["count"]}
    if code == "min_above_max":
        return _("%(expert)s has a minimum load of %(min_load)d, above their maximum of %(max_load)d.") % {
            "expert": expert,
            "min_load": p["min_load"],
            "max_load": p["max_load"],
        }
    if code == "fixed_above_k":
        return _(
            "%(application)s already has %(fixed)d experts but needs only %(k)d: "
            "remove the extra assignments."
        ) % {"application": application, "fixed": p["fixed"], "k": p["k"]}
    if code == "fixed_above_max_load":
        return _("%(expert)s already has %(fixed)d assignments, above their maximum of %(max_load)d.") % {
            "expert": expert,
            "fixed": p["fixed"],
            "max_load": p["max_load"],
        }
    if code == "demand_above_capacity":
        return _(
            "The applications need %(demand)d more experts' places but the members can take only "
            "%(capacity)d within their maximum loads: short by %(shortfall)d. Raise the maximum loads or "
            "add members."
        ) % {"demand": p["demand"], "capacity": p["capacity"], "shortfall": p["shortfall"]}
    if code == "min_load_above_demand":
        return _(
            "The minimum loads add up to %(min_load)d, more than the %(demand)d places to fill "
            "(by %(excess)d)."
        ) % {"min_load": p["min_load"], "demand": p["demand"], "excess": p["excess"]}
    if code == "too_few_experts":
        return _too_few(p, lb)
    if code == "no_external_expert":
        return _(
            "%(application)s needs an expert from another municipality, but no such member is free of "
            "conflicts and below their maximum load."
        ) % {"application": application}
    if code == "fixed_without_external":
        return _(
            "%(application)s is filled by its %(k)d assigned experts, none of them from another "
            "municipality: replace one of them."
        ) % {"application": application, "k": p["k"]}
    if code == "min_load_unreachable":
        return _(
            "%(expert)s needs %(min_load)d more applications (minimum load) but only %(available)d are open "
            "to them."
        ) % {"expert": expert, "min_load": p["min_load"], "available": p["available"]}
    if code == "hall_applications":
        return _hall_applications(p, lb)
    if code == "hall_min_load":
        return _(
            "Experts %(experts)s together need at least %(needed)d more applications (minimum loads), but "
            "the applications open to them can take at most %(possible)d: short by %(shortfall)d."
        ) % {
            "experts": _names(lb.get("experts", [])),
            "needed": p["needed"],
            "possible": p["possible"],
            "shortfall": p["shortfall"],
        }
    if code == "combined":
        return _(
            "The loads and the numbers of experts per application can each be met, but not all at once: "
            "raise some maximum loads or add members."
        )
    return None


def _conflicts(labels: Mapping[str, Any]) -> str:
    parts = [
        ngettext(
            "%(count)d member is in conflict (%(reason)s)",
            "%(count)d members are in conflict (%(reason)s)",
            count,
        )
        % {"count": count, "reason": conflict_reason(code)}
        for code, count in labels.get("conflicts", [])
    ]
    return (" " + "; ".join(parts) + ".") if parts else ""


def text(item: Mapping[str, Any] | Reason) -> str:
    """The translated sentence of a stored record (or of a solver Reason)."""
    if isinstance(item, Reason):
        item = record(item, {}, {})
    labels = item.get("labels", {})
    try:
        sentence = _render(str(item.get("code")), item.get("params", {}), labels)
    except (KeyError, TypeError, ValueError):  # a record from an older solver: say what it said
        sentence = None
    if sentence is None:
        return str(item.get("message", ""))
    return sentence + _conflicts(labels)
