"""Addresses that work without logging in: the secret or signed token in the address is the key."""

from django.urls import path

from outsidein.engagement import views
from outsidein.workspaces.throttle import counts_wrong_tokens

# Guessing a secret means opening many addresses that do not exist: past a few, a client is refused (429).
urlpatterns = [
    path("calendar/<str:token>.ics", counts_wrong_tokens(views.calendar_feed), name="calendar-feed"),
    path("digest/unsubscribe/<str:token>/", counts_wrong_tokens(views.digest_unsubscribe),
         name="digest-unsubscribe"),
]
