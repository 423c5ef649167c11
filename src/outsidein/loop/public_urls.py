"""Addresses customers open without logging in: the secret or signed token in the address is the key."""

from django.urls import URLPattern, path

from outsidein.loop.views import customer, customer_boards, opt_out
from outsidein.workspaces.throttle import counts_wrong_tokens

# Guessing a secret means opening many addresses that do not exist: past a few, a client is refused (429).
urlpatterns: list[URLPattern] = [
    # Opt-out from messages.
    path("loop/opt-out/<str:token>/", counts_wrong_tokens(opt_out.opt_out_page), name="loop-opt-out"),
    # The customer's own page.
    path("c/<str:secret>/", counts_wrong_tokens(customer.customer_page_view), name="customer-page"),
    # Brainstorm boards, as a customer sees them.
    path("c/<str:secret>/brainstorms/<int:conversation_id>/", counts_wrong_tokens(customer_boards.customer_board),
         name="customer-board"),
]
