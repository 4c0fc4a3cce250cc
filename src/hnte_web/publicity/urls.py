from django.urls import path

from . import views

urlpatterns = [
    path("publicity/", views.publicity_list, name="publicity_list"),
    path("publicity/new/", views.publicity_new, name="publicity_new"),
    path("publicity/<int:pk>/", views.publicity_detail, name="publicity_detail"),
    path("publicity/<int:pk>/objection/", views.objection_new, name="objection_new"),
    path("publicity/entries/<int:pk>/end/", views.publicity_entry_end, name="publicity_entry_end"),
    path("office/objections/", views.objection_list, name="objection_list"),
    path("office/objections/<int:pk>/", views.objection_detail, name="objection_detail"),
    path("office/calendar/", views.calendar_years, name="calendar_years"),
]
