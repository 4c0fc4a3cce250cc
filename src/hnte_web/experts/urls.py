"""URLs of the expert workspace (/expert/…) and the office's pool and panel pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("expert/", views.expert_home, name="expert_home"),
    path("expert/reviews/<int:pk>/", views.expert_review, name="expert_review"),
    path("expert/reviews/<int:pk>/projection.json", views.expert_review_json, name="expert_review_json"),
    path("expert/reviews/<int:pk>/decline/", views.expert_decline, name="expert_decline"),
    path("expert/reviews/<int:pk>/evaluation/", views.expert_evaluation, name="expert_evaluation"),
    path("expert/attachments/<int:pk>/", views.expert_attachment, name="expert_attachment"),
    path("office/experts/", views.office_experts, name="office_experts"),
    path("office/experts/<int:pk>/", views.office_expert, name="office_expert"),
    path("office/applications/<int:pk>/panel/", views.office_panel, name="office_panel"),
    path("office/applications/<int:pk>/panel/record.json", views.office_panel_record, name="office_panel_record"),
]
