from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from outsidein.core.crud import add_validation_errors, form_page
from outsidein.core.exports import csv_download
from outsidein.core.pagination import CappedPaginator
from outsidein.core.pickers import render_options
from outsidein.core.scoping import get_scoped
from outsidein.workspaces import audit, forms, second_factor, selectors, services, throttle
from outsidein.workspaces.http import AuthenticatedRequest, WorkspaceRequest, require_owner
from outsidein.workspaces.middleware import viewer_may_post
from outsidein.workspaces.models import ApiToken, Invitation, Membership, Role, User


class EmailLoginView(LoginView):
    form_class = forms.EmailLoginForm
    template_name = "workspaces/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if second_factor.has_second_factor(user):
            # Not signed in yet: the password is held until the code matches (security_views.login_code).
            second_factor.hold(self.request, user, self.get_success_url())
            return redirect("login-code")
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="throttled"):
            response.status_code = 429
        return response


@login_required
def workspace_list(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.WorkspaceForm(request.POST or None)
    return form_page(request, form, lambda data: services.create_workspace(data["name"], request.user),
                     "workspaces/list.html", lambda: {"memberships": request.user.memberships.select_related(
                         "workspace").annotate(members=Count("workspace__memberships"))},
                     success_url=lambda workspace: reverse("workspace-home", kwargs={"ws": workspace.slug}))


@login_required
def member_list(request: WorkspaceRequest) -> HttpResponse:
    form = forms.InviteForm(request.POST or None)
    link = None
    if request.method == "POST":
        require_owner(request)
        if form.is_valid():
            try:
                invitation, link = services.invite(request.workspace, request.user, form.cleaned_data["email"],
                                                   form.cleaned_data["role"])
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                form = forms.InviteForm()
    members = request.workspace.memberships.select_related("user")
    invitations = request.workspace.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())
    return render(request, "workspaces/members.html", {"members": members, "invitations": invitations,
                                                       "form": form, "invite_link": link,
                                                       "roles": Role.choices})


@login_required
@require_POST
def member_role(request: WorkspaceRequest, membership_id: int) -> HttpResponseBase:
    require_owner(request)
    membership = get_scoped(Membership.objects.select_related("user"), request.workspace, pk=membership_id)
    form = forms.RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(membership, form.cleaned_data["role"])
            messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("member-list", ws=request.workspace.slug)


@login_required
@require_POST
def member_remove(request: WorkspaceRequest, membership_id: int) -> HttpResponseBase:
    require_owner(request)
    membership = get_scoped(Membership.objects.select_related("user"), request.workspace, pk=membership_id)
    try:
        services.remove_member(membership)
        messages.success(request, f"{membership.user} removed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("member-list", ws=request.workspace.slug)


@throttle.counts_wrong_tokens
def invitation_accept(request: HttpRequest, token: str) -> HttpResponseBase:
    invitation = Invitation.find(token)
    if invitation is None or not invitation.is_open:
        raise Http404("This invitation has expired or was already used.")
    if request.user.is_authenticated:
        if request.method == "POST":
            services.accept_invitation(invitation, request.user)
            return redirect("workspace-home", ws=invitation.workspace.slug)
        return render(request, "workspaces/invitation.html", {"invitation": invitation})
    if User.objects.filter(email=invitation.email).exists():
        return redirect(f"/login/?next={request.path}")
    form = forms.SignupForm(request.POST or None)

    def join(data: dict[str, Any]) -> User:
        user = User.objects.create_user(invitation.email, data["password"], name=data["name"])
        services.accept_invitation(invitation, user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return user

    return form_page(request, form, join, "workspaces/invitation.html", {"invitation": invitation},
                     success_url=reverse("workspace-home", kwargs={"ws": invitation.workspace.slug}))


@login_required
@viewer_may_post
def token_list(request: WorkspaceRequest) -> HttpResponseBase:
    form = forms.TokenForm(request.POST or None)

    def create(data: dict[str, Any]) -> ApiToken:
        token, secret = services.create_api_token(request.workspace, request.user, data["name"])
        # Shown on the next page only: a reload must neither create a second token nor show it again.
        request.session["new_api_token"] = secret
        return token

    return form_page(request, form, create, "workspaces/tokens.html", lambda: {
        "tokens": ApiToken.objects.filter(workspace=request.workspace, user=request.user),
        "secret": request.session.pop("new_api_token", None),
    }, success_url=reverse("token-list", kwargs={"ws": request.workspace.slug}))


@login_required
@viewer_may_post
@require_POST
def token_revoke(request: WorkspaceRequest, token_id: int) -> HttpResponseBase:
    token = get_scoped(ApiToken.objects.filter(user=request.user), request.workspace, pk=token_id)
    services.revoke_api_token(token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("token-list", ws=request.workspace.slug)


@login_required
def workspace_settings(request: WorkspaceRequest) -> HttpResponseBase:
    """The workspace's name, currency and reporting zone: everyone reads them, owners change them."""
    ws = request.workspace
    form = forms.WorkspaceSettingsForm(request.POST or None, initial={
        "name": ws.name, "currency": ws.currency, "time_zone": ws.time_zone})
    can_change = request.membership.can_admin
    if not can_change:
        if request.method == "POST":
            raise PermissionDenied("Only owners can change the workspace's settings.")
        for field in form.fields.values():
            field.disabled = True
    return form_page(request, form, lambda data: services.update_settings(ws, **data), "workspaces/settings.html",
                     {"can_change": can_change}, success_url=reverse("workspace-settings", kwargs={"ws": ws.slug}),
                     message=lambda _: f"Settings saved: amounts are shown in {ws.currency}, "
                                       f"days begin in {ws.time_zone}.")


@login_required
@viewer_may_post
def profile(request: WorkspaceRequest) -> HttpResponseBase:
    form = forms.ProfileForm(request.POST or None, instance=request.user)
    return form_page(request, form, lambda data: form.save(), "workspaces/profile.html", message="Profile saved.",
                     success_url=reverse("profile", kwargs={"ws": request.workspace.slug}))


@login_required
def member_search(request: WorkspaceRequest) -> HttpResponse:
    """The options of a member picker for what has been typed (htmx); ``role`` narrows to some roles and
    ``others`` leaves out the one asking (who cannot host or invite themself)."""
    roles = [r for r in request.GET.get("role", "").split(",") if r]
    exclude = request.user if request.GET.get("others") else None
    options = selectors.search_members(request.workspace, request.GET.get("q", ""), roles=roles, exclude=exclude)
    return render_options(request, options, kind="member")


AUDIT_REFUSAL = "Only the workspace's owners read its audit trail."


@login_required
def audit_log(request: WorkspaceRequest) -> HttpResponse:
    """Who did what, when and from where: the owner's page, filtered, 50 events a page."""
    require_owner(request, AUDIT_REFUSAL)
    ws = request.workspace
    form = forms.AuditFilterForm(request.GET or None, workspace=ws)
    page = CappedPaginator(selectors.audit_events(ws, **form.chosen()), 50).get_page(request.GET.get("page"))
    return render(request, "workspaces/audit.html", {"form": form, "page": page, "keep_days": audit.keep_days()})


@login_required
def audit_export(request: WorkspaceRequest) -> StreamingHttpResponse:
    require_owner(request, AUDIT_REFUSAL)
    ws = request.workspace
    form = forms.AuditFilterForm(request.GET or None, workspace=ws)
    events = selectors.audit_events(ws, **form.chosen())
    response = csv_download(selectors.audit_rows(events), f"{ws.slug}-audit-trail.csv")
    audit.record_export(ws, "audit trail (CSV)", request)
    return response
