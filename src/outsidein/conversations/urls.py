from django.urls import path

from outsidein.conversations import views

urlpatterns = [
    path("conversations/", views.conversation_list, name="conversation-list"),
    path("conversations/log/", views.quick_log, name="conversation-log"),
    path("conversations/new/", views.conversation_create, name="conversation-create"),
    path("conversations/<int:conversation_id>/", views.conversation_detail, name="conversation-detail"),
    path("conversations/<int:conversation_id>/edit/", views.conversation_edit, name="conversation-edit"),
    path("conversations/<int:conversation_id>/delete/", views.conversation_delete, name="conversation-delete"),
    path("conversations/<int:conversation_id>/highlights/", views.highlight_create, name="highlight-create"),
    path("highlights/", views.highlight_list, name="highlight-list"),
    path("highlights/<int:highlight_id>/delete/", views.highlight_delete, name="highlight-delete"),
]
