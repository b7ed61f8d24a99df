"""Raw and calibrated rankings side by side, the official one chosen before scoring (then locked), the
agreement figures on the ranking page and in the minutes."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from novator.contests.models import OfficialRanking
from novator.contests.tests.factories import ApplicationFactory
from novator.expertise import documents, services
from novator.expertise.models import ScoreSheet
from novator.expertise.ranking import contest_ranking
from novator.organizations.tests.factories import OrganizationFactory

from .factories import (
    MINUTES,
    AssignmentFactory,
    CommissionMemberFactory,
    ExpertFactory,
    publish,
    submit_sheet,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"expertise:{name}", args=args)


# --- the setting ---------------------------------------------------------------------------------


def test_the_official_ranking_is_chosen_before_scoring_and_locked_after(
    client, methodologist, commission, applications, expert_profile, chair
):
    contest = commission.contest
    changes = services.scoring_settings_update(
        actor=methodologist,
        contest=contest,
        data={"official_ranking": "calibrated", "calibration_min_sheets": 3, "spread_threshold_percent": 25},
    )
    assert set(changes) == {"official_ranking", "calibration_min_sheets", "spread_threshold_percent"}
    sheet = submit_sheet(AssignmentFactory(application=applications[1], expert=expert_profile), [3, 10])
    with pytest.raises(ValidationError, match="Scoring has started"):
        services.scoring_settings_update(
            actor=methodologist, contest=contest, data={"official_ranking": "raw"}
        )
    contest.refresh_from_db()
    assert contest.official_ranking == OfficialRanking.CALIBRATED and contest.calibration_min_sheets == 3
    # the spread flag only marks applications: it may still change
    services.scoring_settings_update(
        actor=methodologist, contest=contest, data={"spread_threshold_percent": 40}
    )
    contest.refresh_from_db()
    assert contest.spread_threshold_percent == 40
    # a reopened sheet was submitted once: still locked
    publish(commission)
    services.sheet_reopen(actor=chair.user, sheet=sheet, reason="Проверить баллы")
    assert ScoreSheet.objects.get(pk=sheet.pk).state == ScoreSheet.State.DRAFT
    with pytest.raises(ValidationError, match="Scoring has started"):
        services.scoring_settings_update(
            actor=methodologist, contest=contest, data={"calibration_min_sheets": 4}
        )
    # on the page: the locked fields are disabled, a posted change is ignored, the flag is saved
    client.force_login(methodologist)
    body = client.get(url("ranking", contest.pk)).content.decode()
    assert "Scoring has started" in body
    assert re.search(r'<select name="official_ranking"[^>]*disabled', body)
    client.post(
        url("scoring_settings", contest.pk),
        {"official_ranking": "raw", "calibration_min_sheets": "9", "spread_threshold_percent": "35"},
    )
    contest.refresh_from_db()
    assert (contest.official_ranking, contest.calibration_min_sheets, contest.spread_threshold_percent) == (
        "calibrated",
        3,
        35,
    )


def test_scoring_settings_bad_input_and_permissions(client, methodologist, chair, commission, applications):
    contest = commission.contest
    client.force_login(methodologist)
    response = client.post(
        url("scoring_settings", contest.pk),
        {"official_ranking": "best", "calibration_min_sheets": "1", "spread_threshold_percent": "0"},
        follow=True,
    )
    body = response.content.decode()
    assert "Select a valid choice" in body and "greater than or equal to 2" in body
    contest.refresh_from_db()
    assert contest.official_ranking == "raw" and contest.calibration_min_sheets == 5
    client.force_login(chair.user)  # the chair confirms results but does not set the contest's rules
    assert (
        client.post(url("scoring_settings", contest.pk), {"official_ranking": "calibrated"}).status_code
        == 403
    )


# --- the rankings and the agreement --------------------------------------------------------------


def test_the_ranking_page_shows_both_rankings_and_the_agreement(client, chair, scored, contest):
    contest.calibration_min_sheets = 2
    contest.save()
    client.force_login(chair.user)
    body = client.get(url("ranking", contest.pk)).content.decode()
    assert "Raw total (rank)" in body and "Calibrated total (rank)" in body
    assert "official: raw totals" in body
    # two experts who scored the same three applications: W = 12·6.5 / (4·24 − 2·6) = 0.929
    assert re.search(r'data-figure="kendall-w"><strong>0\.929</strong> — very high agreement', body)
    assert "Leniency of the experts" in body and "+0.67" in body and "-0.67" in body
    assert 'id="leniency-data"' in body and 'data-chart-kind="leniency"' in body
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    ranking = contest_ranking(contest)
    assert ranking.calibrated_experts == 2 and ranking.agreement.flagged == 0
    assert ranking.agreement.icc1 is not None and ranking.agreement.icc2_1 is not None


def test_the_spread_flag_marks_disagreeing_experts(client, chair, scored, contest):
    contest.spread_threshold_percent = 10  # of 8 points: more than 0.80 apart is flagged
    contest.save()
    ranking = contest_ranking(contest)
    flagged = {r.application for r in ranking.rows if r.spread.flagged}
    assert flagged == {scored[0], scored[1]}  # 8 vs 7 and 6 vs 5; the third got 7 and 7
    client.force_login(chair.user)
    assert client.get(url("ranking", contest.pk)).content.decode().count("experts disagree") == 2


def test_results_confirmation_uses_the_official_ranking(chair, scored, contest):
    contest.calibration_min_sheets = 2
    contest.official_ranking = OfficialRanking.CALIBRATED
    contest.save()
    ranking = contest_ranking(contest)
    calibrated = {r.application.pk: r.calibrated.total for r in ranking.rows}
    raw = {r.application.pk: r.raw.total for r in ranking.rows}
    assert calibrated != raw
    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    for application in scored:
        application.refresh_from_db()
        assert application.total == calibrated[application.pk]


@pytest.mark.parametrize("size", [2, 10])
def test_ranking_page_query_count_does_not_grow_with_agreement(
    client,
    methodologist,
    commission,
    contest,
    municipality,
    expert_profile,
    django_assert_num_queries,
    size,
):
    second = ExpertFactory()
    CommissionMemberFactory(commission=commission, expert=second)
    for index in range(size):
        application = ApplicationFactory(
            contest=contest, organization=OrganizationFactory(municipality=municipality), accepted=True
        )
        submit_sheet(AssignmentFactory(application=application, expert=expert_profile), [2, index % 10])
        submit_sheet(AssignmentFactory(application=application, expert=second), [3, (index * 3) % 10])
    publish(commission)
    client.force_login(methodologist)
    # computed: the fingerprint of the ranking cache, then the figures; the applications shown
    with django_assert_num_queries(13):
        body = client.get(url("ranking", contest.pk)).content.decode()
    assert 'data-figure="kendall-w"><strong>' in body
    # cached: no sheets read, nor the experts of the agreement (cached by name); the applications of the page
    with django_assert_num_queries(10):
        cached = client.get(url("ranking", contest.pk)).content.decode()
    token = re.compile(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub("", cached) == token.sub("", body)


# --- the minutes ---------------------------------------------------------------------------------


def test_the_minutes_contain_the_agreement_figures(scored, contest, chair, expert_profile):
    contest.calibration_min_sheets = 2
    contest.spread_threshold_percent = 10
    contest.save()
    # the spread rule: the flagged applications are discussed or the chair records why not
    for application in services.spread_undiscussed(contest):
        services.no_discussion_record(actor=chair.user, application=application, reason="Обосновано")
    services.conclusion_save(actor=chair.user, application=scored[0], text="Проект рекомендован.")
    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    contest.refresh_from_db()
    context = documents.minutes_context(contest)
    assert [c["text"] for c in context["conclusions"]] == ["Проект рекомендован."]
    document = Document(io.BytesIO(documents.render("minutes.docx", context)))
    parts = [p.text for p in document.paragraphs]
    parts += [" | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
    text = "\n".join(parts)
    # a high W on a block of 2 experts × 3 applications is not significant: the words say so
    assert "Коэффициент конкордации Кендалла W = 0,929 (χ² = " in text
    assert "статистически не значим: согласованность оценок экспертов не подтверждена" in text
    assert "очень высокая" not in text
    assert "ICC(1) = " in text and "Рейтинг составлен по средним баллам экспертов" in text
    assert f"№ {scored[0].number} {scored[0].organization.short_name}: от 7,00 до 8,00" in text
    assert f"{expert_profile.user.display_name} | 3 | +0,67 | да" in text
    assert "Средний балл | Откалибр. балл | Итоговый балл" in text
    assert Decimal("7.50") == scored[0].__class__.objects.get(pk=scored[0].pk).total
