from django.urls import path

from outsidein.workspaces import security_views, views

urlpatterns = [
    path("members/", views.member_list, name="member-list"),
    path("members/search/", views.member_search, name="member-search"),
    path("members/<int:membership_id>/role/", views.member_role, name="member-role"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member-remove"),
    path("settings/tokens/", views.token_list, name="token-list"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("settings/profile/", views.profile, name="profile"),
    path("settings/workspace/", views.workspace_settings, name="workspace-settings"),
    path("settings/audit/", views.audit_log, name="audit-log"),
    path("settings/sign-in/", security_views.sign_in_settings, name="sign-in-settings"),
    path("settings/audit.csv", views.audit_export, name="audit-export"),
]
