from django.urls import path

from .views import parts, registry, transfer

app_name = "organizations"
urlpatterns = [
    path("", registry.organization_list, name="list"),
    path("new/", registry.organization_create, name="create"),
    path("<int:pk>/", registry.organization_detail, name="detail"),
    path("<int:pk>/edit/", registry.organization_edit, name="edit"),
    path("<int:pk>/history/", registry.organization_history, name="history"),
    path("<int:pk>/staff/new/", registry.person_create, name="person_create"),
    path("staff/<int:pk>/edit/", registry.person_edit, name="person_edit"),
    path("export/", transfer.organization_export, name="export"),
    path("import/", transfer.import_upload, name="import"),
    path("import/<int:pk>/", transfer.import_preview, name="import_preview"),
    path("import/parts/", parts.parts_start, name="import_parts"),
    path("import/parts/<uuid:token>/<int:index>/", parts.parts_write, name="import_part"),
    path("import/parts/<uuid:token>/finish/", parts.parts_finish, name="import_parts_finish"),
]
