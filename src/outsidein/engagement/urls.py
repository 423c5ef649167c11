from django.urls import path

from outsidein.engagement import views

urlpatterns = [
    path("pulse/", views.pulse, name="pulse"),
    path("pulse/team/", views.pulse_team, name="pulse-team"),
    path("pulse/digest/", views.digest_preview, name="digest-preview"),
    path("challenges/", views.challenge_list, name="challenge-list"),
    path("challenges/new/", views.challenge_create, name="challenge-create"),
    path("challenges/<int:challenge_id>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<int:challenge_id>/invite/", views.challenge_invite, name="challenge-invite"),
    path("challenges/<int:challenge_id>/join/", views.challenge_join, name="challenge-join"),
    path("challenges/entries/<int:participant_id>/answer/", views.participant_respond, name="participant-respond"),
    path("planning/", views.planning, name="planning"),
    path("planning/requests/<int:request_id>/answer/", views.host_request_answer, name="host-request-answer"),
    path("settings/calendar/", views.calendar_settings, name="calendar-settings"),
]
