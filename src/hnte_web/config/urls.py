from django.urls import include, path

from hnte_web.accounts import views as accounts
from hnte_web.api.api import api
from hnte_web.applications import views as applications
from hnte_web.core import views as core
from hnte_web.enterprises import views as enterprises
from hnte_web.registries import views as registries
from hnte_web.review import views as review

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("workflow/", core.workflow_diagrams, name="workflow"),
    path("notifications/", core.notifications, name="notifications"),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/password/", accounts.password_change, name="password_change"),
    path("accounts/tokens/", accounts.tokens, name="tokens"),
    path("register/", enterprises.register, name="register"),
    path("enterprise/", enterprises.enterprise_home, name="enterprise_home"),
    path("enterprise/registration/", enterprises.registration_edit, name="registration_edit"),
    path("applications/new/", applications.application_new, name="application_new"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/<str:section>/", applications.application_edit, name="application_edit"),
    path("applications/<int:pk>/assessment/", applications.application_panel, name="application_panel"),
    path("applications/<int:pk>/assessment/trace/<str:criterion>/", applications.application_trace, name="application_trace"),
    path("applications/<int:pk>/export.json", applications.application_export_view, name="application_export"),
    path("applications/<int:pk>/versions/<int:number>/", applications.version_detail, name="version_detail"),
    path("applications/<int:pk>/versions/<int:number>/export.json", applications.application_export_view, name="version_export"),
    path("applications/<int:pk>/import/", applications.application_import_view, name="application_import"),
    path("applications/<int:pk>/attachments/", applications.attachments, name="attachments"),
    path("applications/<int:pk>/submit/", applications.application_submit_view, name="application_submit"),
    path("applications/<int:pk>/pilot-form/", applications.pilot_form, name="pilot_form"),
    path("attachments/<int:pk>/", applications.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", applications.attachment_remove_view, name="attachment_remove"),
    path("office/", review.office_home, name="office_home"),
    path("office/batches/", review.batches, name="batches"),
    path("office/batches/<int:pk>/report/", review.batch_report, name="batch_report"),
    path("office/applications/<int:pk>/action/", review.application_action, name="application_action"),
    path("office/applications/<int:pk>/onsite/", review.onsite_check, name="onsite_check"),
    path("office/registrations/<int:pk>/", enterprises.office_registration, name="office_registration"),
    path("office/intermediaries/", registries.intermediaries, name="intermediaries"),
    path("office/intermediaries/<int:pk>/", registries.intermediary_detail, name="intermediary_detail"),
    path("office/records/", registries.records, name="records"),
    path("records/", registries.public_records, name="public_records"),
    path("", include("hnte_web.experts.urls")),  # /expert/… and the office's expert pool and panel pages
    path("", include("hnte_web.publicity.urls")),  # /publicity/… (public lists, objections), the offices' objections and calendar
    path("", include("hnte_web.certificates.urls")),  # /certificates/… (results, issue, PDF, public verification)
    path("", include("hnte_web.supervision.urls")),  # /enterprise/supervision/…, /office/supervision/…, /office/dashboard/, public lists
    path("api/v1/", api.urls),
]
