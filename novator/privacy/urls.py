from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("people/<int:pk>/", views.person_card, name="person"),
    path("people/<int:pk>/export.json", views.export_json, name="export_json"),
    path("people/<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("people/<int:pk>/erase/", views.erase, name="erase"),
    path("people/<int:pk>/act.docx", views.destruction_act, name="destruction_act"),
    path("people/<int:pk>/consents/upload/", views.consent_scan_upload, name="consent_scan_upload"),
    path("people/<int:pk>/consents/<str:kind>/", views.consent_scan_download, name="consent_scan"),
]
