from django.urls import path

from . import views

urlpatterns = [
    path("enterprise/supervision/", views.supervision_enterprise, name="supervision_enterprise"),
    path("enterprise/supervision/reports/<int:pk>/", views.annual_report_edit, name="annual_report_edit"),
    path("enterprise/supervision/certificates/<int:pk>/change/", views.change_report_new, name="change_report_new"),
    path("enterprise/supervision/certificates/<int:pk>/reidentify/", views.reidentify, name="reidentify"),
    path("office/supervision/", views.supervision_office, name="supervision_office"),
    path("office/supervision/deadline/", views.local_deadline, name="local_deadline"),
    path("office/supervision/certificates/<int:pk>/", views.supervision_record, name="supervision_record"),
    path("office/supervision/certificates/<int:pk>/propose/", views.revocation_propose, name="revocation_propose"),
    path("office/supervision/changes/<int:pk>/", views.change_report_detail, name="change_report_detail"),
    path("office/supervision/revocations/<int:pk>/", views.revocation_detail, name="revocation_detail"),
    path("office/supervision/checks/", views.checks, name="checks"),
    path("office/supervision/checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("office/supervision/check-items/<int:pk>/", views.check_item, name="check_item"),
    path("office/supervision/reexaminations/", views.reexaminations, name="reexaminations"),
    path("office/supervision/reexaminations/<int:pk>/", views.reexamination_detail, name="reexamination_detail"),
    path("office/supervision/relocations/", views.relocations, name="relocations"),
    path("office/dashboard/", views.supervision_dashboard, name="supervision_dashboard"),
    path("office/dashboard/export.csv", views.dashboard_export, {"fmt": "csv"}, name="dashboard_export_csv"),
    path("office/dashboard/export.xlsx", views.dashboard_export, {"fmt": "xlsx"}, name="dashboard_export_xlsx"),
    path("supervision/identified/", views.public_identified, name="public_identified"),
    path("supervision/revoked/", views.public_revoked, name="public_revoked"),
    path("supervision/name-changes/", views.public_name_changes, name="public_name_changes"),
]
