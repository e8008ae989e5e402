from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "medvirk.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save

        from . import checks  # noqa: F401 — registers the deploy check of the encryption keys
        from .ordering import register_sqlite_collation
        from .plaintext import before_save

        # No right-to-left override in any stored text, whoever typed it (core/plaintext.py).
        pre_save.connect(before_save, dispatch_uid="medvirk-text-without-bidi-controls")

        # Names in Norwegian alphabetical order on SQLite too (core/ordering.py).
        connection_created.connect(register_sqlite_collation, dispatch_uid="medvirk-norwegian-collation")
        from .dataprotection import NO_PERSONAL_DATA, PersonalData, declare_external

        # Tables of Django and of the task queue (the record of processing lists every table).
        for label in (
            "auth.permission",
            "auth.group",
            "contenttypes.contenttype",
            "django_tasks_database.dbtaskresult",
        ):
            declare_external(label, NO_PERSONAL_DATA)
        declare_external(
            "sessions.session",
            PersonalData(
                data=_(
                    "who is logged in, and a citizen's pseudonymous ID-porten identifier while a form needs "
                    "it"
                ),
                subjects=_("staff; citizens who log in with ID-porten"),
                purpose=_("keep a person logged in between pages"),
                retention=_("until logging out, at most two weeks (staff) or 30 minutes (ID-porten)"),
                seen_by=_("nobody (only the login check reads it)"),
                legal_basis=_("GDPR art. 6(1)(e) and art. 32 (security of processing)"),
                pseudonymous=True,
            ),
        )
