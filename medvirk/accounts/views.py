"""Staff pages: log in and out, roles, staff users, the audit log and API tokens."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.core.audit import action_label, actor_label, audit_details
from medvirk.core.forms import form_act, form_submitted, form_submitted_to
from medvirk.core.models import AuditEvent
from medvirk.core.ordering import Norwegian
from medvirk.core.views import service_done, staff_view
from medvirk.orgs.models import Municipality

from . import idporten, services, sso, sso_services, two_factor
from .access import (
    access_role_by_id,
    access_unit_by_id,
    access_user_by_id,
    administered_municipality,
    can_anywhere,
    municipality_id_of,
    municipality_of,
    scope_q,
    units_for_new_work,
)
from .branding import LOGO_MAX_BYTES
from .forms import (
    BrandingForm,
    CodeForm,
    IdPortenForm,
    LoginForm,
    RoleGrantForm,
    SingleSignOnForm,
    TokenForm,
    UserCreateForm,
    idporten_initial,
    invite_act,
)
from .invitation_services import user_create_invited
from .invitations import invitations_waiting
from .models import ApiToken, IdPorten, RoleAssignment, User
from .permissions import Perm
from .requests import StaffRequest
from .services import municipality_branding_update as branding_update


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return ""
    return target


def login_view(request: HttpRequest) -> HttpResponse:
    """Log a staff member in, throttling repeated failures per username and per client."""
    form = LoginForm(request, data=request.POST or None)
    status = 200
    throttled = sso_only = False
    if request.method == "POST":
        username = request.POST.get("username", "")
        if services.login_is_throttled(username=username, client=_client(request)):
            form = LoginForm(request, initial={"username": username})
            throttled = True
            status = 429
        elif form.is_valid() and not sso.local_password_allowed(form.get_user()):
            form = LoginForm(request, initial={"username": username})
            sso_only = True
        elif form.is_valid():
            user = form.get_user()
            target = _next(request)
            if two_factor.totp_of(user) is not None:  # the password was right; now the code
                two_factor.pending_start(request, user, target)
                return redirect("accounts:login_code")
            services.login_failures_clear(username=username)
            login(request, user)
            if two_factor.required(user):
                request.session[two_factor.SETUP_REQUIRED] = True
                return redirect("accounts:two_factor")
            return redirect(target or "site:dashboard")
        else:
            services.login_failure_record(username=username, client=_client(request))
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "throttled": throttled,
        "sso_only": sso_only,
        "sso_choices": sso.login_choices(),
    }
    return render(request, "accounts/login.html", context, status=status)


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of a password login for a user with an authenticator app: the code."""
    user_id = two_factor.pending_user_id(request)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        request.session.pop(two_factor.PENDING, None)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if services.login_is_throttled(username=user.username, client=_client(request)):
            request.session.pop(two_factor.PENDING, None)
            form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
            status = 429
        elif two_factor.code_valid(user, form.cleaned_data["code"]):
            target = request.session.pop(two_factor.PENDING)["next"]
            services.login_failures_clear(username=user.username)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(target or "site:dashboard")
        else:
            services.login_failure_record(username=user.username, client=_client(request))
            form.add_error("code", _("The code is wrong or already used. Type the code your app shows now."))
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


@staff_view
def two_factor_setup(request: StaffRequest) -> HttpResponse:
    """Set up an authenticator app (TOTP): scan its QR code, confirm one code, keep the recovery codes."""
    if two_factor.totp_of(request.user) is not None:
        return render(request, "accounts/two_factor.html", {"enabled": True})
    secret = two_factor.setup_secret(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.activate(request, request.user, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "accounts/two_factor.html", {"enabled": True, "recovery_codes": codes})
        form.add_error("code", _("The code does not match. Type the code your app shows now."))
    address = two_factor.setup_address(request.user, secret)
    # segno writes the SVG itself from the otpauth address (no user text in it), so it is safe to embed.
    qr = mark_safe(
        segno.make(address, error="m").svg_inline(scale=5, title=_("QR code for your authenticator app"))
    )
    context = {
        "form": form,
        "qr": qr,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": request.session.get(two_factor.SETUP_REQUIRED, False),
    }
    return render(request, "accounts/two_factor.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out and return to the front page; after single sign-on, log out at the provider too."""
    at_provider = sso.provider_logout_url(request)  # before the logout flushes the session
    logout(request)
    return redirect(at_provider or "site:home")


@staff_view
def roles(request: HttpRequest) -> HttpResponse:
    """List the role assignments the user may manage."""
    if not can_anywhere(request.user, Perm.ROLES_MANAGE):
        raise Http404
    assignments = (
        RoleAssignment.objects.filter(scope_q(request.user, Perm.ROLES_MANAGE, path_field="unit__path"))
        .select_related("user", "unit")
        .order_by(Norwegian("user__last_name"), Norwegian("user__first_name"), "user__username", "unit__path")
    )
    waiting = invitations_waiting(municipality_id=municipality_id_of(request.user))
    return render(request, "accounts/roles.html", {"assignments": assignments, "waiting": waiting})


@staff_view
def role_grant(request: StaffRequest) -> HttpResponse:
    """Give a staff user a role on a unit within the granter's scope."""
    units = list(units_for_new_work(request.user, Perm.ROLES_MANAGE))
    if not units:
        raise Http404
    users = User.objects.filter(municipality_id=municipality_id_of(request.user), is_active=True).order_by(
        "last_name", "first_name", "username"
    )
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = access_unit_by_id(request.user, request.GET["unit"], Perm.ROLES_MANAGE).pk
    form = RoleGrantForm(request.POST or None, users=users, units=units, initial=initial)
    if form_submitted(
        request,
        form,
        _("The role was given."),
        lambda: services.role_grant(
            actor=request.user,
            unit=access_unit_by_id(request.user, form.cleaned_data["unit"], Perm.ROLES_MANAGE),
            user=access_user_by_id(request.user, form.cleaned_data["user"]),
            role=form.cleaned_data["role"],
        ),
    ):
        return redirect("accounts:roles")
    return render(request, "accounts/role_grant.html", {"form": form})


@staff_view
@require_POST
def role_revoke(request: StaffRequest, role_id: int) -> HttpResponse:
    """Remove a role assignment."""
    assignment = access_role_by_id(request.user, role_id)
    service_done(
        request,
        _("The role was removed."),
        lambda: services.role_revoke(actor=request.user, assignment=assignment),
    )
    return redirect("accounts:roles")


@staff_view
def user_create(request: StaffRequest) -> HttpResponse:
    """Create a staff user in the administrator's municipality."""
    if not can_anywhere(request.user, Perm.ROLES_MANAGE):
        raise Http404
    form = UserCreateForm(request.POST or None)

    def create() -> tuple[User, bool]:
        data = dict(form.cleaned_data)
        invite = data.pop("invite") and not data["password"]
        if invite:  # no user without the invitation that was asked for
            del data["password"]
            user = user_create_invited(
                actor=request.user,
                municipality=municipality_of(request.user),
                base_url=request.build_absolute_uri("/"),
                **data,
            )
        else:
            user = services.user_create(
                actor=request.user, municipality=municipality_of(request.user), **data
            )
        return user, invite

    if done := invite_act(request, form, create):
        user, invite = done.result
        if invite:
            text = _("%(name)s was added and invited by e-mail. Now give them a role.")
        else:
            text = _("%(name)s was added. Now give them a role.")
        messages.success(request, text % {"name": user})
        return redirect("accounts:role_grant")
    return render(request, "accounts/user_form.html", {"form": form})


@staff_view
def audit(request: StaffRequest) -> HttpResponse:
    """Show the municipality's audit log to administrators of the whole municipality."""
    municipality = administered_municipality(request.user, Perm.AUDIT_VIEW)
    events = AuditEvent.objects.filter(municipality=municipality).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "event": e,
            "who": actor_label(e),
            "label": action_label(e.action),
            "details": audit_details(e.action, e.data),
        }
        for e in page
    ]
    return render(request, "accounts/audit.html", {"page": page, "rows": rows})


@staff_view
def tokens(request: StaffRequest) -> HttpResponse:
    """List the user's API tokens and create a new one (its secret is shown once)."""
    form = TokenForm(request.POST or None)
    secret = None
    if done := form_act(
        request, form, lambda: services.token_create(actor=request.user, name=form.cleaned_data["name"])
    ):
        _token, secret = done.result
        form = TokenForm()
    own = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": own, "secret": secret})


@staff_view
@require_POST
def token_revoke(request: StaffRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens."""
    token = ApiToken.objects.filter(pk=token_id, user=request.user, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@staff_view
def branding(request: StaffRequest) -> HttpResponse:
    """Let administrators of the whole municipality set how its public pages look and what they link to."""
    municipality = administered_municipality(request.user)
    initial = {
        key: getattr(municipality, key)
        for key in ("brand_colour", "accessibility_statement_url", "privacy_contact", "privacy_statement")
    }
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)

    def update() -> None:
        data = form.cleaned_data
        upload = data.pop("logo")
        branding_update(
            actor=request.user,
            municipality=municipality,
            logo=upload.read(LOGO_MAX_BYTES + 1) if upload else None,
            **data,
        )

    if form_submitted(request, form, _("The public pages were updated."), update):
        return redirect("accounts:branding")
    return render(request, "accounts/branding.html", {"form": form, "municipality": municipality})


@staff_view
def single_sign_on(request: StaffRequest) -> HttpResponse:
    """Let administrators of the whole municipality set up its staff single sign-on."""
    municipality = administered_municipality(request.user, Perm.SSO_MANAGE)
    current = sso.sso_of(municipality)
    initial: dict[str, object] = {"enabled": True}
    if current is not None:
        initial = {
            "issuer": current.app.settings.get("server_url", ""),
            "client_id": current.app.client_id,
            "match_claim": current.match_claim,
            "create_users": current.create_users,
            "local_passwords_off": current.local_passwords_off,
            "enabled": current.enabled,
        }
    form = SingleSignOnForm(request.POST or None, initial=initial)
    if form_submitted_to(
        request, form, _("Single sign-on was saved."), sso_services.sso_configure, municipality=municipality
    ):
        return redirect("accounts:single_sign_on")
    context = {
        "form": form,
        "municipality": municipality,
        "current": current,
        "redirect_uri": request.build_absolute_uri(sso.callback_path(municipality)),
    }
    return render(request, "accounts/single_sign_on.html", context)


@staff_view
def id_porten(request: StaffRequest) -> HttpResponse:
    """Let administrators of the whole municipality set up ID-porten for its citizens."""
    municipality = administered_municipality(request.user, Perm.SSO_MANAGE)
    return id_porten_page(request, municipality, "accounts:id_porten")


def id_porten_page(request: StaffRequest, municipality: Municipality | None, url_name: str) -> HttpResponse:
    """The page of a municipality's own ID-porten client, or (None) the installation's, at ``url_name``."""
    current = IdPorten.objects.filter(municipality=municipality).select_related("app").first()
    form = IdPortenForm(request.POST or None, initial=idporten_initial(current))
    if form_submitted_to(
        request, form, _("ID-porten was saved."), sso_services.idporten_configure, municipality=municipality
    ):
        return redirect(url_name)
    provider_id = idporten.provider_id_for(municipality)
    context = {
        "form": form,
        "municipality": municipality,
        "current": current,
        "redirect_uri": request.build_absolute_uri(idporten.callback_path(provider_id)),
        "logout_uri": request.build_absolute_uri(reverse("idporten:logged_out")),
    }
    return render(request, "accounts/id_porten.html", context)
