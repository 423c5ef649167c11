from django.urls import URLPattern, path

from outsidein.journeys import views

urlpatterns: list[URLPattern] = [
    path("journeys/", views.journey_list, name="journey-list"),
    path("journeys/new/", views.journey_create, name="journey-create"),
    path("journeys/<int:journey_id>/", views.journey_detail, name="journey-detail"),
    path("journeys/<int:journey_id>/edit/", views.journey_edit, name="journey-edit"),
    path("journeys/<int:journey_id>/delete/", views.journey_delete, name="journey-delete"),
    path("journeys/<int:journey_id>/print/", views.journey_print, name="journey-print"),
    path("journeys/<int:journey_id>/stages/new/", views.stage_add, name="stage-add"),
    path("journeys/stages/<int:stage_id>/edit/", views.stage_edit, name="stage-edit"),
    path("journeys/stages/<int:stage_id>/move/", views.stage_move, name="stage-move"),
    path("journeys/stages/<int:stage_id>/delete/", views.stage_delete, name="stage-delete"),
    path("journeys/stages/<int:stage_id>/touchpoints/new/", views.touchpoint_add, name="touchpoint-add"),
    path("journeys/touchpoints/<int:touchpoint_id>/", views.touchpoint_detail, name="touchpoint-detail"),
    path("journeys/touchpoints/<int:touchpoint_id>/edit/", views.touchpoint_edit, name="touchpoint-edit"),
    path("journeys/touchpoints/<int:touchpoint_id>/delete/", views.touchpoint_delete, name="touchpoint-delete"),
    path("journeys/touchpoints/<int:touchpoint_id>/propose/", views.touchpoint_propose, name="touchpoint-propose"),
    path("journeys/touchpoints/<int:touchpoint_id>/start/", views.touchpoint_start, name="touchpoint-start"),
    path("journeys/evidence/new/", views.evidence_link_new, name="evidence-link-new"),
    path("marketplace/", views.marketplace, name="marketplace"),
    path("marketplace/segments/<int:segment_id>/go-to-market/", views.market_note_edit, name="market-note-edit"),
    path("journeys/evidence/<int:evidence_link_id>/decide/", views.evidence_decide, name="evidence-decide"),
]
