from django.urls import path

from . import views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/verify", views.certificate_verify, name="certificate_verify"),
    path("certificates/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/issue/<int:pk>/", views.certificate_issue, name="certificate_issue"),
]
