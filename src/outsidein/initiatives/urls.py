from django.urls import path

from outsidein.initiatives import views

urlpatterns = [
    path("initiatives/", views.board, name="initiative-board"),
    path("initiatives/new/", views.initiative_create, name="initiative-create"),
    path("initiatives/gates/", views.gate_settings, name="gate-settings"),
    path("initiatives/<int:initiative_id>/", views.initiative_detail, name="initiative-detail"),
    path("initiatives/<int:initiative_id>/edit/", views.initiative_edit, name="initiative-edit"),
    path("initiatives/<int:initiative_id>/delete/", views.initiative_delete, name="initiative-delete"),
    path("initiatives/<int:initiative_id>/move/", views.initiative_move, name="initiative-move"),
    path("initiatives/<int:initiative_id>/pilots/new/", views.pilot_create, name="pilot-create"),
    path("pilots/<int:pilot_id>/", views.pilot_detail, name="pilot-detail"),
    path("pilots/<int:pilot_id>/edit/", views.pilot_edit, name="pilot-edit"),
    path("pilots/<int:pilot_id>/delete/", views.pilot_delete, name="pilot-delete"),
    path("pilots/<int:pilot_id>/control-group/", views.pilot_control_group, name="pilot-control-group"),
    path("pilots/<int:pilot_id>/measurements/", views.pilot_measurements, name="pilot-measurements"),
    path("pilots/<int:pilot_id>/result/", views.pilot_result, name="pilot-result"),
    path("pilots/<int:pilot_id>/decision/", views.pilot_decision, name="pilot-decision"),
]
