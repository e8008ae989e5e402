"""Staff users, roles scoped to an organisation subtree, and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from medvirk.core.dataprotection import BASIS_EMPLOYMENT, NO_PERSONAL_DATA, PersonalData
from medvirk.core.fields import unit_reference, user_reference
from medvirk.core.models import KeyedTenantModel, TenantModel, tenant_unique


class User(AbstractUser):
    """A staff member of one municipality (platform operators have no municipality)."""

    personal_data = PersonalData(
        table=_("staff users"),
        data=_("name, username, e-mail address, password hash, last login"),
        subjects=_("staff"),
        purpose=_("let staff log in and show who did what"),
        retention=_("as long as the account exists; an administrator deactivates it when the person leaves"),
        seen_by=_("administrators; colleagues see names on what a person did"),
        legal_basis=BASIS_EMPLOYMENT,
    )

    municipality = models.ForeignKey(
        "orgs.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("municipality"),
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    ADMIN = "admin", _("Municipality administrator")
    ANALYST = "analyst", _("Analyst")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    COORDINATOR = "coordinator", _("Participation coordinator")
    READ_ONLY = "read_only", _("Read only")
    PRACTITIONER = "practitioner", _("Practitioner (client feedback)")
    CASE_HANDLER = "case_handler", _("Case handler (choice of provider)")
    PROVIDER_STAFF = "provider_staff", _("Provider staff")


class RoleAssignment(KeyedTenantModel):
    """A role a user holds on one unit and every unit below it."""

    personal_data = PersonalData(
        table=_("roles given to staff"),
        data=_("which role a staff member holds on which unit, and who gave it"),
        subjects=_("staff"),
        purpose=_("decide what each staff member may see and do"),
        retention=_("as long as the role is held"),
        seen_by=_("administrators who manage roles"),
    )

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    unit = unit_reference(on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = user_reference(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username", "unit__path"]
        constraints = [
            tenant_unique("user", "unit", "role", name="role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class ApiToken(KeyedTenantModel):
    """A bearer token for the JSON API; only its SHA-256 hash is stored."""

    personal_data = PersonalData(
        table=_("API tokens"),
        data=_("a staff member's API tokens (only a hash of the secret), when last used"),
        subjects=_("staff"),
        purpose=_("let scripts and systems act for a staff member"),
        retention=_("until the token is revoked or the account is deleted"),
        seen_by=_("the token's owner"),
    )

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            tenant_unique("user", "name", name="token_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """A failed login, kept briefly to throttle password guessing per username and per client."""

    personal_data = PersonalData(
        table=_("failed logins"),
        data=_("a username tried and a keyed hash of the client's address"),
        subjects=_("anyone trying to log in"),
        purpose=_("slow down password guessing"),
        retention=_("at most a day: removed after the throttling window"),
        seen_by=_("nobody (only the login check reads it)"),
        legal_basis=_("GDPR art. 6(1)(f) and art. 32 (security of processing)"),
        pseudonymous=True,
    )

    username = models.CharField(max_length=150, db_index=True)
    client_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.created_at:%Y-%m-%d %H:%M}"


class MatchClaim(models.TextChoices):
    """The claim of the provider's ID token a staff member is recognised by on a first login."""

    # The claims' names are in docs/operations.md ("Single sign-on"), not on the page.
    EMAIL = "email", _("E-mail address")
    PREFERRED_USERNAME = "preferred_username", _("Sign-in name")
    UPN = "upn", _("User principal name (Microsoft Entra ID)")


class SingleSignOn(TenantModel):
    """A municipality's staff single sign-on: its OpenID Connect app and Medvirk's rules for it.

    The provider itself (issuer, client id and secret) is django-allauth's ``SocialApp`` (provider
    ``openid_connect``, ``provider_id`` = the municipality's slug), which runs the login; this row
    says how a login becomes a Medvirk user (``medvirk.accounts.sso``).
    """

    personal_data = NO_PERSONAL_DATA

    # One per municipality; a reference table (medvirk/core/tenancy.py): the login page lists them all
    # and a login finds its row by the provider before the municipality is known.
    municipality = models.OneToOneField(
        "orgs.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp", on_delete=models.CASCADE, related_name="medvirk_sso"
    )
    match_claim = models.CharField(
        _("recognise staff by"), max_length=20, choices=MatchClaim.choices, default=MatchClaim.EMAIL
    )
    create_users = models.BooleanField(_("create users without roles"), default=False)
    local_passwords_off = models.BooleanField(_("local passwords off"), default=False)
    enabled = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.app.name} ({self.app.settings.get('server_url', '')})"


class IdPortenLevel(models.TextChoices):
    """ID-porten's assurance levels, as requested in ``acr_values`` and returned in ``acr``."""

    SUBSTANTIAL = "idporten-loa-substantial", _("Substantial: MinID, or any method of level high")
    HIGH = "idporten-loa-high", _("High: BankID, Buypass or Commfides")


# The levels in rising order: a login at a higher level also satisfies a lower one.
ID_PORTEN_LEVEL_ORDER = (IdPortenLevel.SUBSTANTIAL, IdPortenLevel.HIGH)


class IdPorten(models.Model):
    """ID-porten for citizens: one OpenID Connect client for the installation or for one municipality.

    The client itself (issuer, client id and secret) is django-allauth's ``SocialApp`` (provider
    ``openid_connect``; ``provider_id`` ``idporten`` for the installation, ``idporten-<slug>`` for a
    municipality), which runs the login; this row says which flows need an identified citizen and
    at which level (``medvirk.accounts.idporten``). A municipality's own row wins over the
    installation's.
    """

    personal_data = NO_PERSONAL_DATA

    # A reference table (medvirk/core/tenancy.py): a login finds its row by the provider before the
    # municipality is known, and the installation's row belongs to no municipality (one such row at
    # most: ``idporten_services.idporten_configure`` keeps it so).
    municipality = models.OneToOneField(
        "orgs.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp", on_delete=models.CASCADE, related_name="medvirk_idporten"
    )
    level_choice_request = models.CharField(
        _("request to choose or switch provider"),
        max_length=30,
        blank=True,
        choices=IdPortenLevel.choices,
        default=IdPortenLevel.SUBSTANTIAL,
    )
    level_volunteer = models.CharField(
        _("volunteers managing their registration"),
        max_length=30,
        blank=True,
        choices=IdPortenLevel.choices,
        default=IdPortenLevel.SUBSTANTIAL,
    )
    enabled = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.app.name} ({self.app.settings.get('server_url', '')})"
