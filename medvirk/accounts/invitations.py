"""Starting a real municipality and inviting staff by e-mail.

An invitation is Django's password-reset link (``default_token_generator``: signed with the
secret key, valid ``PASSWORD_RESET_TIMEOUT``, and spent once the password is set, because the
token covers the password hash), sent to a user who has no usable password yet. The person opens
it, chooses a password (``accounts:password_set``) and logs in. No token is stored, so there is
nothing to leak from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.orgs.models import Municipality
from medvirk.orgs.selectors import municipality_root

from .access import Actor, access_user_by_id, ensure_can_anywhere
from .enums import AccountsAuditAction, AccountsErrorCode
from .models import Role, User
from .permissions import Perm
from .services import role_grant, user_create
from .unit_services import municipality_create


def is_waiting(user: User) -> bool:
    """Return whether ``user`` was invited and has not chosen a password yet (nor been withdrawn)."""
    return user.is_active and user.last_login is None and not user.has_usable_password()


@dataclass(frozen=True)
class WaitingInvitation:
    """A staff user who has not accepted their invitation, and until when the last link works."""

    user: User
    sent_at: datetime | None  # None: added without an e-mail (or before invitations were audited)
    expires_at: datetime | None

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


def invited_user_by_id(actor: Actor, user_id: int | str) -> User:
    """A staff user of the actor's municipality waiting on an invitation; otherwise 404 (page and API)."""
    user = access_user_by_id(actor, user_id)
    if not is_waiting(user):
        raise Http404
    return user


def invitations_waiting(*, municipality_id: int) -> list[WaitingInvitation]:
    """Return the municipality's staff who were invited and have not chosen a password (two queries).

    When an invitation was sent comes from the audit log (``user.invited``): no token is stored.
    """
    users = list(
        User.objects.filter(
            municipality_id=municipality_id,
            is_active=True,
            last_login__isnull=True,
            password__startswith=UNUSABLE_PASSWORD_PREFIX,
        ).order_by("username")
    )
    sent: dict[str, datetime] = {}
    events = AuditEvent.objects.filter(
        municipality_id=municipality_id,
        action=AccountsAuditAction.USER_INVITED.value,
        object_type="accounts.user",
        object_id__in=[str(u.pk) for u in users],
    ).values_list("object_id", "created_at")
    for object_id, created_at in events:
        if object_id not in sent or created_at > sent[object_id]:
            sent[object_id] = created_at
    timeout = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    rows = []
    for user in users:
        at = sent.get(str(user.pk))
        rows.append(WaitingInvitation(user, at, at + timeout if at else None))
    return rows


def invitation_link(user: User, *, base_url: str) -> str:
    """Return the one-time link where ``user`` chooses a password (valid PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:password_set", args=[uid, token])


def user_invite(*, actor: Actor, user: User, base_url: str) -> None:
    """E-mail ``user`` a link to choose a password; the actor needs ``ROLES_MANAGE`` in their municipality."""
    ensure_can_anywhere(
        actor,
        Perm.ROLES_MANAGE,
        user.municipality_id,
        gettext_lazy("You can only invite staff of your own municipality."),
    )
    if not user.email:
        raise ServiceError(
            AccountsErrorCode.EMAIL_REQUIRED,
            gettext_lazy("Give an e-mail address to send the invitation to."),
            field="email",
        )
    try:
        validate_email(user.email)
    except ValidationError as error:
        raise ServiceError(
            AccountsErrorCode.EMAIL_INVALID,
            gettext_lazy("Write a whole e-mail address, such as ola.nordmann@kommune.no."),
            field="email",
        ) from error
    municipality = user.municipality
    context = {
        "user": user,
        "municipality": municipality,
        "link": invitation_link(user, base_url=base_url),
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        "username": user.username,
    }
    subject = _("Your access to Medvirk for %(municipality)s") % {"municipality": municipality}
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])
    audit_record(
        actor=actor,
        municipality=municipality,
        action=AccountsAuditAction.USER_INVITED,
        obj=user,
        data={"username": user.username},
    )


def municipality_start(
    *, actor: SystemActor, code: str, name: str, admin_email: str, base_url: str, slug: str = ""
) -> tuple[Municipality, User]:
    """Create a municipality, its root unit and its first administrator, and e-mail them an invitation.

    The administrator's username is their e-mail address; they hold the administrator role on the
    whole municipality and set their password through the link. Nothing is stored if any step fails.
    """
    ensure_system(actor, "Starting a municipality")
    code, name, admin_email = code.strip(), name.strip(), admin_email.strip().lower()
    if not (code.isdigit() and len(code) == 4):
        raise ServiceError(
            AccountsErrorCode.MUNICIPALITY_CODE_INVALID,
            gettext_lazy("A municipality number has four digits, for example 4601."),
            field="code",
        )
    slug = slugify(slug or name)  # the page's form checks a slug; the API may send any text
    if not name or not slug:
        raise ServiceError(
            AccountsErrorCode.NAME_REQUIRED, gettext_lazy("Give the municipality's name."), field="name"
        )
    if Municipality.objects.filter(code=code).exists() or Municipality.objects.filter(slug=slug).exists():
        raise ServiceError(
            AccountsErrorCode.MUNICIPALITY_TAKEN,
            gettext_lazy("A municipality with this number or short name already exists."),
            field="code",
        )
    with transaction.atomic():
        municipality = municipality_create(actor=actor, code=code, name=name, slug=slug)
        admin = user_create(actor=actor, municipality=municipality, username=admin_email, email=admin_email)
        role_grant(
            actor=actor, user=admin, unit=municipality_root(municipality=municipality), role=Role.ADMIN
        )
        # The e-mail goes last: a failure to send rolls everything back, so the command can be rerun.
        user_invite(actor=actor, user=admin, base_url=base_url)
    return municipality, admin
