"""The organiser's forms: editing the event, sections and talks, materials; permissions and bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from novator.contests.tests.files import docx, exe_as_pdf, pdf, png
from novator.core.models import ActivityLog
from novator.events import services
from novator.events.models import Event, Material, Registration, RegistrationStatus, Section, Talk
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

from .factories import EventFactory, RegistrationFactory, SectionFactory, TalkFactory


def _edit_post(event, **extra):
    data = {
        "title": event.title,
        "kind": event.kind,
        "level": event.level,
        "organizers": [o.pk for o in event.organizers.all()],
        "starts_at": "2030-03-12T10:00",
        "ends_at": "2030-03-12T13:00",
        "place": "ИМЦ, зал 2",
        "capacity": "30",
        "is_published": "on",
    }
    data.update(extra)
    return data


# --- editing the event -------------------------------------------------------------------------


def test_coordinator_edits_the_event(client, event, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("events:edit", args=[event.pk])).status_code == 200
    response = client.post(
        reverse("events:edit", args=[event.pk]), _edit_post(event, title="Новое <i>имя</i>")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Новое <i>имя</i>" and event.place == "ИМЦ, зал 2"
    log = ActivityLog.objects.get(action="event_update")
    assert log.changes["title"][1] == "Новое <i>имя</i>"
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Новое &lt;i&gt;имя&lt;/i&gt;" in html


def test_edit_keeps_foreign_co_organisers_selectable(client, org_a, coordinator):
    partner = OrganizationFactory()
    event = EventFactory(organizers=[org_a, partner])
    client.force_login(coordinator)
    response = client.post(reverse("events:edit", args=[event.pk]), _edit_post(event))
    assert response.status_code == 302
    assert set(event.organizers.values_list("pk", flat=True)) == {org_a.pk, partner.pk}


def test_edit_cannot_leave_only_foreign_organisers(client, org_a, coordinator):
    partner = OrganizationFactory()
    event = EventFactory(organizers=[org_a, partner])
    client.force_login(coordinator)
    response = client.post(
        reverse("events:edit", args=[event.pk]), _edit_post(event, organizers=[partner.pk])
    )
    assert response.status_code == 400 and response.context["form"].errors["organizers"]
    assert set(event.organizers.values_list("pk", flat=True)) == {org_a.pk, partner.pk}


@pytest.mark.parametrize(
    "bad",
    [
        {"ends_at": "2030-03-11T10:00"},
        {"capacity": "-1"},
        {"capacity": "много"},
        {"starts_at": "31.02.2030 10:00"},
        {"title": ""},
        {"place": "", "link": ""},
        {"link": "javascript:alert(1)"},
        {"registration_closes_at": "2030-03-13T10:00"},
    ],
)
def test_edit_refuses_bad_input_and_changes_nothing(client, event, coordinator, bad):
    before = Event.objects.values().get(pk=event.pk)
    client.force_login(coordinator)
    response = client.post(reverse("events:edit", args=[event.pk]), _edit_post(event, **bad))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Event.objects.values().get(pk=event.pk) == before


def test_edit_cannot_cut_capacity_below_taken_places(client, event, coordinator, staff):
    for person in staff[:3]:
        RegistrationFactory(event=event, person=person)
    client.force_login(coordinator)
    response = client.post(reverse("events:edit", args=[event.pk]), _edit_post(event, capacity="2"))
    assert response.status_code == 400 and response.context["form"].errors["capacity"]
    event.refresh_from_db()
    assert event.capacity == 30


def test_raising_capacity_promotes_the_waitlist_in_order(event, coordinator, staff, mailoutbox):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    event.refresh_from_db()
    regs = [services.registration_create(actor=coordinator, event=event, person=p) for p in staff[:4]]
    data = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    data["capacity"] = 3
    services.event_update(actor=coordinator, event=event, organizers=list(event.organizers.all()), **data)
    statuses = [Registration.objects.get(pk=r.pk).status for r in regs]
    assert statuses == ["registered", "registered", "registered", "waitlisted"]
    assert ActivityLog.objects.filter(action="registration_promote").count() == 2


@pytest.mark.parametrize("who", ["teacher", "coordinator_b", "other_methodologist"])
def test_strangers_cannot_edit(client, event, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("events:edit", args=[event.pk])).status_code in (403, 404)
    response = client.post(reverse("events:edit", args=[event.pk]), _edit_post(event, title="Взлом"))
    assert response.status_code in (403, 404)
    event.refresh_from_db()
    assert event.title != "Взлом"


def test_methodologist_edits_events_of_the_municipality(client, event, methodologist):
    client.force_login(methodologist)
    assert client.post(reverse("events:edit", args=[event.pk]), _edit_post(event)).status_code == 302


# --- sections and talks -------------------------------------------------------------------------


def test_programme_page_pins_queries(client, event, coordinator, org_a, django_assert_num_queries):
    def grow():
        section = SectionFactory(event=event)
        TalkFactory(section=section, speakers=PersonFactory.create_batch(2, organization=org_a))
        Material.objects.create(event=event, title="Программа", file="x.pdf", file_type="pdf", size=10)

    grow()
    client.force_login(coordinator)
    client.get(reverse("events:programme", args=[event.pk]))  # warm the session
    with django_assert_num_queries(11) as ctx:
        assert client.get(reverse("events:programme", args=[event.pk])).status_code == 200
    first = len(ctx.captured_queries)
    for _ in range(3):
        grow()
    with django_assert_num_queries(first):
        client.get(reverse("events:programme", args=[event.pk]))


def test_sections_add_rename_delete(client, event, coordinator):
    client.force_login(coordinator)
    url = reverse("events:programme", args=[event.pk])
    assert client.post(url, {"title": "Пленарное заседание"}).status_code == 302
    assert client.post(url, {"title": "Секция 1"}).status_code == 302
    first, second = Section.objects.order_by("order")
    assert (first.order, second.order) == (0, 1)
    response = client.post(url, {"title": "   "})
    assert response.status_code == 400 and response.context["section_form"].errors
    response = client.post(
        reverse("events:section_edit", args=[second.pk]), {"title": "Секция 2", "order": "x"}
    )
    assert response.status_code == 400
    client.post(reverse("events:section_edit", args=[second.pk]), {"title": "Секция 2", "order": "0"})
    second.refresh_from_db()
    assert second.title == "Секция 2"
    TalkFactory(section=second)
    client.post(reverse("events:section_delete", args=[second.pk]))
    assert list(Section.objects.values_list("title", flat=True)) == ["Пленарное заседание"]
    assert not Talk.objects.exists()
    assert Section.objects.count() == 1


def test_section_of_another_event_is_not_yours(client, org_b, coordinator):
    foreign = SectionFactory(event=EventFactory(organizers=[org_b]), title="Чужая")
    client.force_login(coordinator)
    assert client.post(reverse("events:section_delete", args=[foreign.pk])).status_code == 403
    assert client.post(reverse("events:section_edit", args=[foreign.pk]), {"title": "x"}).status_code == 403
    assert Section.objects.get(pk=foreign.pk).title == "Чужая"


def test_talk_with_speakers_from_any_organisation(client, event, coordinator, org_a, org_b):
    section = SectionFactory(event=event)
    own = PersonFactory(organization=org_a, last_name="Петрова")
    guest = PersonFactory(organization=org_b, last_name="Гостева")
    client.force_login(coordinator)
    url = reverse("events:talk_create", args=[section.pk])
    page = client.get(url)
    choices = {p.pk for p in page.context["form"].fields["speakers"].queryset}
    assert own.pk in choices and guest.pk not in choices
    # «show its staff» adds the other organisation's people and saves nothing
    shown = client.post(
        url, {"section": section.pk, "title": "Доклад", "staff_of": org_b.pk, "show_staff": "1"}
    )
    assert shown.status_code == 200 and not Talk.objects.exists()
    assert guest.pk in {p.pk for p in shown.context["form"].fields["speakers"].queryset}
    response = client.post(
        url,
        {
            "section": section.pk,
            "title": "Сетевое взаимодействие",
            "staff_of": org_b.pk,
            "speakers": [own.pk, guest.pk],
            "abstract": "Тезисы <script>alert(1)</script>",
            "accepted": "on",
        },
    )
    assert response.status_code == 302
    talk = Talk.objects.get()
    assert talk.accepted and set(talk.speakers.all()) == {own, guest}
    html = client.get(event.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    # editing keeps the current (foreign) speaker selectable without `staff_of`
    edit = client.get(reverse("events:talk_edit", args=[talk.pk]))
    assert guest.pk in {p.pk for p in edit.context["form"].fields["speakers"].queryset}


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"title": ""}, "title"),
        ({"accepted": "on", "abstract": "  "}, "abstract"),
        ({"speakers": ["999999"]}, "speakers"),
        ({"speakers": ["abc"]}, "speakers"),
        ({"order": "-5"}, "order"),
        ({"abstract": "x" * 20_001}, "abstract"),
    ],
)
def test_talk_form_refuses_bad_input(client, event, coordinator, bad, field):
    section = SectionFactory(event=event)
    client.force_login(coordinator)
    data = {"section": section.pk, "title": "Доклад", **bad}
    response = client.post(reverse("events:talk_create", args=[section.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Talk.objects.exists()


def test_talk_cannot_move_to_a_section_of_another_event(client, event, coordinator, org_a):
    talk = TalkFactory(section=SectionFactory(event=event))
    other = SectionFactory(event=EventFactory(organizers=[org_a]))
    client.force_login(coordinator)
    response = client.post(
        reverse("events:talk_edit", args=[talk.pk]), {"section": other.pk, "title": "Перенос"}
    )
    assert response.status_code == 400 and response.context["form"].errors["section"]
    talk.refresh_from_db()
    assert talk.section.event_id == event.pk


def test_talk_edit_and_delete_permissions(client, event, coordinator, coordinator_b):
    talk = TalkFactory(section=SectionFactory(event=event), title="Старое")
    client.force_login(coordinator_b)
    assert client.get(reverse("events:talk_edit", args=[talk.pk])).status_code == 403
    assert client.post(reverse("events:talk_delete", args=[talk.pk])).status_code == 403
    client.force_login(coordinator)
    client.post(
        reverse("events:talk_edit", args=[talk.pk]),
        {"section": talk.section_id, "title": "Новое", "order": "3"},
    )
    talk.refresh_from_db()
    assert (talk.title, talk.order) == ("Новое", 3)
    client.post(reverse("events:talk_delete", args=[talk.pk]))
    assert not Talk.objects.exists()
    assert ActivityLog.objects.filter(action="talk_delete").count() == 1


def test_talk_service_refuses_strangers(event, teacher):
    section = SectionFactory(event=event)
    with pytest.raises(PermissionDenied):
        services.talk_save(actor=teacher, section=section, title="x")
    with pytest.raises(ValidationError):
        services.section_save(actor=None, event=event, title="  ")


# --- materials ----------------------------------------------------------------------------------


def test_material_upload_and_download(client, event, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("events:material_add", args=[event.pk]),
        {"title": "Программа конференции", "file": pdf("programme.pdf"), "is_public": "on"},
    )
    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.file_type, material.is_public) == ("pdf", True)
    client.logout()
    download = client.get(reverse("events:material", args=[material.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    html = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:material", args=[material.pk]) in html


@pytest.mark.parametrize(
    "upload",
    [lambda: exe_as_pdf("programme.pdf"), lambda: docx("macro.docx", macros=True), lambda: None],
    ids=["disguised", "macros", "missing"],
)
def test_material_upload_refuses_bad_files(client, event, coordinator, upload):
    client.force_login(coordinator)
    data = {"title": "Файл"}
    file = upload()
    if file is not None:
        data["file"] = file
    response = client.post(reverse("events:material_add", args=[event.pk]), data)
    assert response.status_code == 400
    assert response.context["material_form"].errors["file"]
    assert not Material.objects.exists()


def test_material_size_limit(event, coordinator, monkeypatch):
    monkeypatch.setattr(services, "MAX_MATERIAL_BYTES", 1000)
    with pytest.raises(ValidationError) as info:
        services.material_add(actor=coordinator, event=event, title="x", upload=pdf(size=5000))
    assert "file" in info.value.message_dict
    assert not Material.objects.exists()


def test_material_of_a_talk_of_another_event_is_refused(event, coordinator, org_a):
    foreign = TalkFactory(section=SectionFactory(event=EventFactory(organizers=[org_a])))
    with pytest.raises(ValidationError):
        services.material_add(actor=coordinator, event=event, title="x", upload=pdf(), talk=foreign)


def test_private_material_is_for_registrants_only(
    client, event, coordinator, teacher, teacher_person, coordinator_b
):
    material = services.material_add(
        actor=coordinator, event=event, title="Презентация", upload=png(), is_public=False
    )
    url = reverse("events:material", args=[material.pk])
    assert client.get(url).status_code == 404
    assert "Презентация" not in client.get(event.get_absolute_url()).content.decode()
    client.force_login(teacher)
    assert client.get(url).status_code == 404
    reg = RegistrationFactory(event=event, person=teacher_person)
    assert client.get(url).status_code == 200
    assert "Презентация" in client.get(event.get_absolute_url()).content.decode()
    Registration.objects.filter(pk=reg.pk).update(status=RegistrationStatus.CANCELLED)
    assert client.get(url).status_code == 404
    client.force_login(coordinator_b)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_material_of_an_unpublished_event_is_hidden(client, org_a, coordinator):
    event = EventFactory(organizers=[org_a], is_published=False)
    material = services.material_add(actor=coordinator, event=event, title="Черновик", upload=pdf())
    assert client.get(reverse("events:material", args=[material.pk])).status_code == 404


def test_material_delete(client, event, coordinator, coordinator_b, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    material = services.material_add(actor=coordinator, event=event, title="x", upload=pdf())
    stored = material.file.name
    assert default_storage.exists(stored)
    client.force_login(coordinator_b)
    assert client.post(reverse("events:material_delete", args=[material.pk])).status_code == 403
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("events:material_delete", args=[material.pk])).status_code == 302
    assert not Material.objects.exists() and not default_storage.exists(stored)


def test_event_page_shows_manager_links_only_to_managers(client, event, coordinator, teacher):
    client.force_login(teacher)
    html = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:programme", args=[event.pk]) not in html
    client.force_login(coordinator)
    html = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:programme", args=[event.pk]) in html
    assert reverse("events:edit", args=[event.pk]) in html
    assert gettext("Programme and materials") in html
