"""Addresses that work without logging in: the secret or signed token in the address is the key."""

from django.urls import path

from outsidein.engagement import views

urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest-unsubscribe"),
]
