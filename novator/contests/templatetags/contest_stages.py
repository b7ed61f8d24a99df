"""`{{ contest|contest_phase }}`: the contest's state in the words of its window (contests.stages);
`{{ application|application_outcome }}`: what it came to (contests.outcomes)."""

from __future__ import annotations

from django import template

from .. import outcomes
from ..models import Application, Contest
from ..stages import phase_label

register = template.Library()


@register.filter
def contest_phase(contest: Contest) -> str:
    return phase_label(contest)


@register.filter
def application_outcome(application: Application) -> str:
    return outcomes.application_outcome(application)
