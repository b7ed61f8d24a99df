from django.urls import path

from .appeals import views as appeal_views
from .thread import views as thread_views
from .views import applications, manage, public

app_name = "contests"
urlpatterns = [
    path("", public.contest_list, name="list"),
    path("new/", manage.contest_create, name="create"),
    path("<int:pk>/", public.contest_detail, name="detail"),
    path("<int:pk>/regulation/", public.regulation_download, name="regulation"),
    path("<int:pk>/edit/", manage.contest_edit, name="edit"),
    path("<int:pk>/copy/", manage.contest_copy, name="copy"),
    path("<int:pk>/defaults/", manage.contest_defaults, name="defaults"),
    path("<int:pk>/setup/<slug:part>/", manage.setup_list, name="setup"),
    path("<int:pk>/setup/<slug:part>/<int:item_pk>/", manage.setup_item, name="setup_item"),
    path("<int:pk>/setup/<slug:part>/<int:item_pk>/delete/", manage.setup_delete, name="setup_delete"),
    path("<int:pk>/do/<slug:name>/", manage.contest_action, name="action"),
    path("<int:pk>/order/", manage.contest_order, name="order"),
    path("<int:pk>/applications/", manage.contest_applications, name="applications"),
    path("<int:pk>/apply/", applications.application_start, name="apply"),
    path("applications/", applications.my_applications, name="my_applications"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/documents/<int:requirement_pk>/",
        applications.application_upload,
        name="application_upload",
    ),
    path("applications/<int:pk>/do/<slug:name>/", applications.application_action, name="application_action"),
    path("documents/<int:pk>/", applications.document_download, name="document"),
    path("applications/<int:pk>/print.docx", applications.application_print, name="application_print"),
    path(
        "applications/<int:pk>/signed/", applications.application_signed_download, name="application_signed"
    ),
    path(
        "applications/<int:pk>/signed/upload/",
        applications.application_signed_upload,
        name="application_signed_upload",
    ),
    path("applications/<int:pk>/appeal/", appeal_views.appeal_create, name="appeal_create"),
    path("appeals/<int:pk>/", appeal_views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/do/<slug:name>/", appeal_views.appeal_action, name="appeal_action"),
    path("appeals/files/<int:pk>/", appeal_views.appeal_file, name="appeal_file"),
    path("<int:pk>/appeals/", appeal_views.contest_appeals, name="contest_appeals"),
    path("applications/<int:pk>/messages/", thread_views.application_message, name="application_message"),
    path("messages/files/<int:pk>/", thread_views.message_file, name="message_file"),
    path("diplomas/verify/", public.diploma_verify, name="diploma_verify_form"),
    path("diplomas/<str:code>/", public.diploma_verify, name="diploma_verify"),
    path("diplomas/<str:code>/pdf/", public.diploma_download, name="diploma_download"),
]
