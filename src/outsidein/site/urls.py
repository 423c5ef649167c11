"""The root URL conf: it composes every area's URLs, so it is the site layer's."""

from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import URLPattern, URLResolver, include, path

from outsidein.site import app_shell, errors
from outsidein.site import views as site_views
from outsidein.site.api import api
from outsidein.site.review import views as review_views
from outsidein.workspaces import security_views
from outsidein.workspaces import views as workspace_views

# Everything a workspace owns lives under /w/<slug>/; WorkspaceMiddleware turns the slug into
# request.workspace after checking membership, so views never see another workspace's rows.
workspace_patterns: list[URLPattern | URLResolver] = [
    path("", site_views.workspace_home, name="workspace-home"),
    path("review/", review_views.review_page, name="review"),
    path("", include("outsidein.workspaces.urls")),
    path("", include("outsidein.customers.urls")),
    path("", include("outsidein.engagement.urls")),
    path("", include("outsidein.conversations.urls")),
    path("", include("outsidein.guides.urls")),
    path("", include("outsidein.feedback.urls")),
    path("", include("outsidein.learning.urls")),
    path("", include("outsidein.initiatives.urls")),
    path("", include("outsidein.insights.urls")),
    path("", include("outsidein.loop.urls")),
    path("", include("outsidein.journeys.urls")),
]

urlpatterns = [
    path("", site_views.home, name="home"),
    path("manifest.webmanifest", app_shell.manifest, name="web-manifest"),
    path("sw.js", app_shell.service_worker, name="service-worker"),
    path("login/", workspace_views.EmailLoginView.as_view(), name="login"),
    path("login/code/", security_views.login_code, name="login-code"),
    path("login/sso/", security_views.sso_start, name="sso-start"),
    path("login/sso/callback/", security_views.sso_callback, name="sso-callback"),
    path("account/security/", security_views.security, name="security"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("workspaces/", workspace_views.workspace_list, name="workspace-list"),
    path("invitations/<str:token>/", workspace_views.invitation_accept, name="invitation-accept"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("outsidein.engagement.public_urls")),
    path("", include("outsidein.loop.public_urls")),
    path("w/<slug:ws>/", include(workspace_patterns)),
]

# Error pages in the product's look (JSON under /api/): site/errors.py.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
