from django.urls import path

from outsidein.learning import views

urlpatterns = [
    path("assumptions/", views.assumption_list, name="assumption-list"),
    path("assumptions/new/", views.assumption_create, name="assumption-create"),
    path("assumptions/<int:assumption_id>/", views.assumption_detail, name="assumption-detail"),
    path("assumptions/<int:assumption_id>/edit/", views.assumption_edit, name="assumption-edit"),
    path("assumptions/<int:assumption_id>/delete/", views.assumption_delete, name="assumption-delete"),
    path("assumptions/<int:assumption_id>/status/", views.assumption_status, name="assumption-status"),
    path("assumptions/<int:assumption_id>/confirm/", views.assumption_confirm, name="assumption-confirm"),
    path("assumptions/<int:assumption_id>/evidence/", views.evidence_link, name="evidence-link"),
    path("assumptions/<int:assumption_id>/evidence/search/", views.evidence_search, name="evidence-search"),
    path("evidence/<int:evidence_id>/unlink/", views.evidence_unlink, name="evidence-unlink"),
    path("experiments/", views.experiment_list, name="experiment-list"),
    path("experiments/new/", views.experiment_create, name="experiment-create"),
    path("experiments/<int:experiment_id>/", views.experiment_detail, name="experiment-detail"),
    path("experiments/<int:experiment_id>/edit/", views.experiment_edit, name="experiment-edit"),
    path("experiments/<int:experiment_id>/delete/", views.experiment_delete, name="experiment-delete"),
    path("experiments/<int:experiment_id>/learning-card/", views.experiment_complete, name="experiment-complete"),
]
