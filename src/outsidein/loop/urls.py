from django.urls import URLPattern, path

from outsidein.loop.views import brainstorms as boards
from outsidein.loop.views import links, messages, owed, suggestions

urlpatterns: list[URLPattern] = [
    # Suggestions: threads, raisers, status and history.
    path("loop/", suggestions.suggestion_list, name="suggestion-list"),
    path("loop/suggestions/new/", suggestions.suggestion_create, name="suggestion-create"),
    path("loop/suggestions/from-highlight/<int:highlight_id>/", suggestions.raise_from_highlight,
         name="suggestion-from-highlight"),
    path("loop/suggestions/from-feedback/<int:item_id>/", suggestions.raise_from_feedback,
         name="suggestion-from-feedback"),
    path("loop/suggestions/<int:suggestion_id>/", suggestions.suggestion_detail, name="suggestion-detail"),
    path("loop/suggestions/<int:suggestion_id>/edit/", suggestions.suggestion_edit, name="suggestion-edit"),
    path("loop/suggestions/<int:suggestion_id>/delete/", suggestions.suggestion_delete, name="suggestion-delete"),
    path("loop/suggestions/<int:suggestion_id>/status/", suggestions.suggestion_status, name="suggestion-status"),
    path("loop/suggestions/<int:suggestion_id>/raisers/new/", suggestions.raiser_add, name="raiser-add"),
    path("loop/raisers/<int:raiser_id>/split/", suggestions.raiser_split, name="raiser-split"),
    path("loop/raisers/<int:raiser_id>/delete/", suggestions.raiser_delete, name="raiser-delete"),
    # Messages: drafts, sending, thank-yous, pilots, the log.
    path("loop/messages/", messages.message_list, name="message-list"),
    path("loop/messages/<int:message_id>/", messages.message_detail, name="message-detail"),
    path("loop/messages/<int:message_id>/send/", messages.message_send, name="message-send"),
    path("loop/suggestions/<int:suggestion_id>/send/", messages.suggestion_send, name="suggestion-send"),
    path("loop/thanks/new/", messages.thanks_new, name="thanks-new"),
    path("loop/pilots/<int:pilot_id>/", messages.pilot_messages, name="loop-pilot-messages"),
    # Customer links (the leader's side).
    path("loop/persons/<int:person_id>/links/", links.customer_links, name="customer-links"),
    path("loop/links/<int:link_id>/revoke/", links.link_revoke, name="customer-link-revoke"),
    # Brainstorm boards.
    path("loop/brainstorms/", boards.brainstorm_list, name="brainstorm-list"),
    path("loop/brainstorms/<int:conversation_id>/", boards.brainstorm_board, name="brainstorm-board"),
    path("loop/brainstorms/<int:conversation_id>/ideas/new/", boards.idea_add, name="brainstorm-idea-add"),
    path("loop/ideas/<int:idea_id>/vote/", boards.idea_vote, name="brainstorm-idea-vote"),
    path("loop/ideas/<int:idea_id>/group/", boards.idea_group, name="brainstorm-idea-group"),
    path("loop/ideas/<int:idea_id>/convert/", boards.idea_convert, name="brainstorm-idea-convert"),
    path("loop/ideas/<int:idea_id>/delete/", boards.idea_delete, name="brainstorm-idea-delete"),
    # Owed replies and loop figures.
    path("loop/owed/", owed.owed_replies, name="owed-replies"),
]
