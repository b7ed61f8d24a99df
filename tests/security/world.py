"""A small demo-like world for the permission matrix: two municipalities, two organisations, one object of
each kind, and one user per role. Built once per test module (see conftest.py).

Roles (the columns of the matrix):
  anonymous, teacher (org A), coordinator_a, coordinator_b, expert_assigned (has the sheet of the application
  of org A), expert_unassigned, expert_conflicted (declared a conflict with that application),
  methodologist_x (the municipality of org A and organiser of the contest), methodologist_y, observer
  (the region), regional (the regional methodologist of the region), regional_other (a regional
  methodologist of another region), admin.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.organizations.tests.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    PersonFactory,
    RegionFactory,
)

ROLES: tuple[str, ...] = (
    "anonymous",
    "teacher",
    "coordinator_a",
    "coordinator_b",
    "expert_assigned",
    "expert_unassigned",
    "expert_conflicted",
    "methodologist_x",
    "methodologist_y",
    "observer",
    "regional",
    "regional_other",
    "admin",
)

MISSING = 999_999  # a primary key that does not exist: the page answers 404 to everyone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def pk(self, name: str) -> Any:
        obj = self.objects.get(name)
        return MISSING if obj is None else obj.pk

    def get(self, name: str, attr: str = "pk", default: Any = MISSING) -> Any:
        obj = self.objects.get(name)
        for part in attr.split("."):
            if obj is None:
                return default
            obj = getattr(obj, part)
        return default if obj is None else obj


def _user(username: str, role: str | None = None, **scope: Any) -> Any:
    user = UserFactory(username=username)
    if role:
        RoleAssignmentFactory(user=user, role=role, **scope)
    return user


def _step(world: World, name: str, build: Callable[[], Any]) -> None:
    """Build one part of the world; a part that fails (another app changed) leaves its URLs on 404."""
    from django.db import transaction

    try:
        with transaction.atomic():
            result = build()
    except Exception as exc:  # pragma: no cover - reported by the test
        world.failures[name] = f"{type(exc).__name__}: {exc}"
        return
    if isinstance(result, dict):
        world.objects.update(result)
    elif result is not None:
        world.objects[name] = result


def build_world() -> World:
    w = World()
    region = RegionFactory()
    mun_x = MunicipalityFactory(region=region, name="Выселковский район", oktmo="03612000")
    mun_y = MunicipalityFactory(region=region, name="Тихорецкий район", oktmo="03654000")
    org_a = OrganizationFactory(municipality=mun_x, short_name="МБОУ СОШ № 1 ст. Выселки")
    org_b = OrganizationFactory(municipality=mun_y, short_name="МБОУ СОШ № 3 г. Тихорецка")
    person = PersonFactory(organization=org_a, consented=True)
    w.objects.update(region=region, mun_x=mun_x, mun_y=mun_y, org_a=org_a, org_b=org_b, person=person)

    w.users = {
        "anonymous": None,
        "teacher": _user("teacher", Role.TEACHER, organization=org_a),
        "coordinator_a": _user("coordinator-a", Role.COORDINATOR, organization=org_a),
        "coordinator_b": _user("coordinator-b", Role.COORDINATOR, organization=org_b),
        "expert_assigned": _user("expert-assigned"),
        "expert_unassigned": _user("expert-unassigned"),
        "expert_conflicted": _user("expert-conflicted"),
        "methodologist_x": _user("methodologist-x", Role.METHODOLOGIST, municipality=mun_x),
        "methodologist_y": _user("methodologist-y", Role.METHODOLOGIST, municipality=mun_y),
        "observer": _user("observer", Role.OBSERVER, region=region),
        "regional": _user("regional", Role.REGIONAL_METHODOLOGIST, region=region),
        "regional_other": _user(
            "regional-other",
            Role.REGIONAL_METHODOLOGIST,
            region=RegionFactory(code="61", name="Ростовская область"),
        ),
        "admin": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    teacher_person = PersonFactory(organization=org_a, user=w.users["teacher"], consented=True)
    w.objects["teacher_person"] = teacher_person

    # --- statuses
    def statuses() -> Any:
        from novator.statuses.tests.factories import StatusAssignmentFactory

        return StatusAssignmentFactory(organization=org_a, active=True)

    _step(w, "status", statuses)

    # --- contests and expertise
    def contests() -> dict[str, Any]:
        from novator.contests.models import ApplicationState, ContestState
        from novator.contests.tests.factories import (
            ApplicationFactory,
            complete_application,
            contest_with_setup,
        )
        from novator.expertise.tests.factories import (
            AssignmentFactory,
            CommissionFactory,
            CommissionMemberFactory,
            ConflictDeclarationFactory,
            ExpertFactory,
        )

        contest = contest_with_setup(organiser_municipality=mun_x, state=ContestState.EXPERTISE)
        application = ApplicationFactory(contest=contest, organization=org_a, state=ApplicationState.DRAFT)
        complete_application(application)
        application.state = ApplicationState.ACCEPTED
        application.submitted_at = timezone.now()
        application.save()
        expert_a = ExpertFactory(user=w.users["expert_assigned"], municipality=mun_y)
        expert_u = ExpertFactory(user=w.users["expert_unassigned"], municipality=mun_y)
        expert_c = ExpertFactory(user=w.users["expert_conflicted"], municipality=mun_x)
        commission = CommissionFactory(contest=contest, chair=None)
        for e in (expert_a, expert_u, expert_c):
            CommissionMemberFactory(commission=commission, expert=e)
        assignment = AssignmentFactory(application=application, expert=expert_a)
        ConflictDeclarationFactory(application=application, expert=expert_c)
        commission.assignments_published_at = timezone.now()
        commission.save()
        draft = ApplicationFactory(
            contest=contest_with_setup(organiser_municipality=mun_x, announced=True), organization=org_a
        )
        document = application.documents.first()
        member = commission.members.first() if hasattr(commission, "members") else None
        return {
            "contest": contest,
            "application": application,
            "draft_application": draft,
            "draft_requirement": draft.contest.required_documents.first(),
            "requirement": contest.required_documents.first(),
            "criterion": contest.criteria.first(),
            "document": document,
            "commission": commission,
            "member": member,
            "expert": expert_a,
            "expert_x": expert_c,  # the profile of an expert of mun_x (expert_a's is of mun_y)
            "assignment": assignment,
            "sheet": assignment.sheet if hasattr(assignment, "sheet") else None,
        }

    _step(w, "contests", contests)

    def proposal() -> Any:
        from novator.expertise.models import AssignmentProposal, ProposalRow

        contest = w.objects.get("contest")
        if contest is None:
            return None
        p = AssignmentProposal.objects.create(
            contest=contest, state=AssignmentProposal.State.READY, created_by=w.users["methodologist_x"]
        )
        row = ProposalRow.objects.create(
            proposal=p, application=w.objects["application"], expert=w.objects["expert"], affinity=0.5
        )
        return {"proposal": p, "proposal_row": row}

    _step(w, "proposal", proposal)

    def invitation() -> Any:
        """A pending invitation of an expert of another district (expert_unassigned) to the commission."""
        from novator.expertise.models import CommissionInvitation

        commission = w.objects.get("commission")
        if commission is None:
            return None
        expert = commission.members.get(expert__user=w.users["expert_unassigned"]).expert
        return CommissionInvitation.objects.create(
            commission=commission, expert=expert, invited_by=w.users["methodologist_x"]
        )

    _step(w, "commission_invitation", invitation)

    # --- projects
    def projects() -> dict[str, Any]:
        from novator.projects.tests.factories import (
            ProgrammeFactory,
            ResultFactory,
            StageFactory,
            fill_report,
            make_project,
            make_run,
        )

        project = make_project(org_a, status=w.objects.get("status"))
        report = project.reports.order_by("academic_year").first()
        if report is not None:
            fill_report(report)
        programme = ProgrammeFactory(municipality=mun_x)
        stage = StageFactory(programme=programme)
        result = ResultFactory(stage=stage)
        run = make_run(org_a)
        out: dict[str, Any] = {
            "project": project,
            "report": report,
            "programme": programme,
            "stage": stage,
            "result": result,
            "survey_run": run,
            "version": project.versions.order_by("number").first(),
        }
        if report is not None:
            from novator.projects.models import ReportEvidence

            out["evidence"] = ReportEvidence.objects.create(
                report=report,
                title="Приказ",
                file=ContentFile(PDF, name="order.pdf"),
                original_name="Приказ.pdf",
                file_type="pdf",
                **({"size": len(PDF)} if _has_field(ReportEvidence, "size") else {}),
            )
            from novator.projects.models import ProjectProposal

            out["project_proposal"] = ProjectProposal.objects.create(
                project=project,
                report=report,
                kind=ProjectProposal._meta.get_field("kind").choices[0][0],  # type: ignore[index]
                grounds="Проект выполнен досрочно",
                created_by=w.users["methodologist_x"],
            )
        return out

    _step(w, "projects", projects)

    # --- networks
    def networks() -> dict[str, Any]:
        from novator.networks.models import Agreement
        from novator.networks.tests.factories import NetworkFactory, PartnershipFactory

        network = NetworkFactory(leader=org_a)
        partnership = PartnershipFactory(network=network, organization=org_b)
        agreement = Agreement.objects.create(
            network=network,
            number="1-С",
            signed_on=datetime.date(2023, 9, 1),
            valid_from=datetime.date(2023, 9, 1),
            valid_to=datetime.date(2026, 8, 31),
            file=ContentFile(PDF, name="agreement.pdf"),
            file_type="pdf",
        )
        from novator.networks.tests.factories import PlanItemFactory

        plan_item = PlanItemFactory(network=network)
        return {
            "network": network,
            "partnership": partnership,
            "agreement": agreement,
            "plan_item": plan_item,
        }

    _step(w, "networks", networks)

    # --- events
    def events() -> dict[str, Any]:
        from novator.events.checkin import make_token
        from novator.events.models import Certificate, CertificateRole
        from novator.events.tests.factories import EventFactory, RegistrationFactory

        event = (
            EventFactory(organizer=org_a) if _has_field_name("events.Event", "organizer") else EventFactory()
        )
        registration = RegistrationFactory(event=event, person=teacher_person)
        certificate = Certificate.objects.create(
            event=event, person=teacher_person, role=CertificateRole.values[0], code="TESTCODE01"
        )
        from novator.events.tests.factories import SectionFactory, TalkFactory

        section = SectionFactory(event=event)
        talk = TalkFactory(section=section)
        out: dict[str, Any] = {"section": section, "talk": talk}
        try:
            from novator.events.models import Material

            out["material"] = Material.objects.create(
                event=event,
                title="Презентация",
                file=ContentFile(PDF, name="slides.pdf"),
                file_type="pdf",
                size=len(PDF),
            )
        except Exception:
            pass
        return {
            **out,
            "event": event,
            "registration": registration,
            "certificate": certificate,
            "checkin_token": _Token(make_token(registration.pk)),
        }

    _step(w, "events", events)

    # --- library
    def library() -> dict[str, Any]:
        from novator.library.models import ProductFile
        from novator.library.tests.factories import AdoptionFactory, MethodProductFactory

        product = (
            MethodProductFactory(organization=org_a)
            if _has_field_name("library.MethodProduct", "organization")
            else MethodProductFactory()
        )
        file = ProductFile.objects.create(
            product=product,
            file=ContentFile(PDF, name="guide.pdf"),
            original_name="Пособие.pdf",
            file_type="pdf",
            **({"size": len(PDF)} if _has_field(ProductFile, "size") else {}),
        )
        adoption = AdoptionFactory(product=product, organization=org_b)
        return {"product": product, "product_file": file, "adoption": adoption}

    _step(w, "library", library)

    # --- monitoring
    def monitoring() -> dict[str, Any]:
        from novator.monitoring.models import Campaign, CampaignResponse

        campaign = Campaign.objects.create(
            title="Мониторинг 2025/26", academic_year="2025/26", due_on=datetime.date(2026, 6, 1)
        )
        response = CampaignResponse.objects.create(campaign=campaign, organization=org_a)
        return {"campaign": campaign, "campaign_response": response}

    _step(w, "monitoring", monitoring)

    # --- registry import and a job
    def imports() -> dict[str, Any]:
        from novator.core.models import Job
        from novator.organizations.models import ImportPartsUpload, OrganizationImport

        upload = OrganizationImport.objects.create(
            file=ContentFile(b"x", name="registry.xlsx"),
            original_name="registry.xlsx",
            created_by=w.users["methodologist_x"],
        )
        job = Job.objects.create(kind="test", title="Тест", created_by=w.users["methodologist_x"])
        parts = ImportPartsUpload.objects.create(
            created_by=w.users["methodologist_x"], original_name="opendata.zip", size=10, part_size=5
        )
        return {"import": upload, "job": job, "import_parts": parts}

    _step(w, "imports", imports)

    def notifications() -> Any:
        from novator.notifications.models import Notification

        return Notification.objects.create(
            user=w.users["coordinator_a"], kind="test", subject="Заявка принята", url="/contests/"
        )

    _step(w, "notification", notifications)

    def diploma() -> Any:
        from novator.contests.models import Diploma

        application = w.objects.get("application")
        if application is None:
            return None
        return Diploma.objects.create(
            application=application,
            kind=Diploma._meta.get_field("kind").choices[0][0],
            code="DIPL0001",
            issued_at=timezone.now(),
        )

    _step(w, "diploma", diploma)

    def appeal() -> dict[str, Any]:
        from novator.contests.models import Appeal, AppealFile

        application = w.objects.get("application")
        if application is None:
            return {}
        appeal = Appeal.objects.create(
            application=application,
            reasons="Не учтены результаты апробации.",
            submitted_by=w.users["coordinator_a"],
            submitted_at=timezone.now(),
        )
        stored = AppealFile(appeal=appeal, original_name="Скан.pdf", file_type="pdf", size=len(PDF))
        stored.file.save("scan.pdf", ContentFile(PDF), save=False)
        stored.save()
        return {"appeal": appeal, "appeal_file": stored}

    _step(w, "appeal", appeal)

    def thread() -> dict[str, Any]:
        from novator.contests.models import ApplicationMessage, MessageFile

        application = w.objects.get("application")
        if application is None:
            return {}
        message = ApplicationMessage.objects.create(
            application=application,
            author=w.users["methodologist_x"],
            side="organiser",
            text="Уточните сроки апробации.",
            created_at=timezone.now(),
        )
        stored = MessageFile(message=message, original_name="Замечания.pdf", file_type="pdf", size=len(PDF))
        stored.file.save("notes.pdf", ContentFile(PDF), save=False)
        stored.save()
        return {"message": message, "message_file": stored}

    _step(w, "thread", thread)

    def professional() -> dict[str, Any]:
        from novator.contests.models import ContestState, Round
        from novator.contests.tests.factories import ApplicationFactory, ContestFactory

        contest = ContestFactory(
            professional=True, organiser_municipality=mun_x, state=ContestState.EXPERTISE
        )
        round_ = Round.objects.create(
            contest=contest,
            title="Тур 1",
            starts_on=datetime.date(2026, 1, 10),
            ends_on=datetime.date(2026, 2, 10),
        )
        nominee = ApplicationFactory(contest=contest, organization=org_a, applicant=teacher_person)
        return {"pro_contest": contest, "round": round_, "nominee": nominee}

    _step(w, "professional", professional)

    # --- onboarding: an invitation, a staff file and a request to join, all of org A
    def onboarding() -> dict[str, Any]:
        from novator.onboarding.models import Invitation, JoinRequest, StaffImport

        invitation = Invitation.objects.create(
            email="invited@example.org",
            role=Role.TEACHER,
            organization=org_a,
            invited_by=w.users["coordinator_a"],
            token_hash="0" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
        staff_import = StaffImport.objects.create(
            organization=org_a,
            original_name="staff.csv",
            created_by=w.users["coordinator_a"],
            counts={"create": 0, "unchanged": 0, "reject": 0},
        )
        newcomer = _user("newcomer")
        join_request = JoinRequest.objects.create(user=newcomer, organization=org_a, position="учитель")
        return {"invitation": invitation, "staff_import": staff_import, "join_request": join_request}

    _step(w, "onboarding", onboarding)

    # --- the region page's map: the region's uploaded boundaries
    def region_map() -> Any:
        from novator.regions.models import RegionBoundaries

        return RegionBoundaries.objects.create(
            region=region, geojson='{"type":"FeatureCollection","features":[]}', features=0
        )

    _step(w, "region_boundaries", region_map)
    return w


class _Token:
    """A non-model value used as a URL kwarg (pk-like access through `.pk`)."""

    def __init__(self, value: str) -> None:
        self.pk = value

    def __repr__(self) -> str:
        return self.pk


def _has_field(model: Any, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _has_field_name(label: str, name: str) -> bool:
    from django.apps import apps

    return _has_field(apps.get_model(label), name)
