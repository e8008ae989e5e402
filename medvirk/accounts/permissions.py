"""What each role may do. The one place a role's capabilities are defined."""

from __future__ import annotations

from enum import StrEnum

from .models import Role


class Perm(StrEnum):
    ORG_VIEW = "org.view"
    UNIT_EDIT = "org.unit_edit"  # edit a unit's own details
    ORG_MANAGE = "org.manage"  # create and move units
    ROLES_MANAGE = "roles.manage"
    AUDIT_VIEW = "audit.view"
    SSO_MANAGE = "accounts.sso"  # the municipality's single sign-on (its provider, local passwords)
    SURVEY_DESIGN = "surveys.design"  # create surveys and edit their questions
    SURVEY_DISTRIBUTE = "surveys.distribute"  # links, posters, codes, invitations, paper entry
    RESULTS_VIEW = "results.view"
    POPULATION_MANAGE = "population.manage"  # import population tables, correct their mapping
    USER_COUNTS_EDIT = "population.user_counts_edit"  # enter a unit's service-user counts
    RESULTS_EXPORT_RAW = "results.export_raw"  # response-level exports (anonymous surveys only)
    PARTICIPATION_MANAGE = "participation.manage"  # activities, findings, measures, yearly cycle
    PARTNERS_MANAGE = "partners.manage"  # organisations register: edit, contact persons, moderation, import
    CONTACT_LOG = "partners.contact_log"  # a unit's contact log, invitations and yearly mapping
    PANELS_MANAGE = "panels.manage"  # volunteers' pool, panels, fair selection (municipality-wide)
    # Client feedback (KOR/FIT). Individual records are seen only by the practitioners *on the
    # episode* (feedback.selectors.access_episode_by_id): FEEDBACK_PRACTICE lets a practitioner
    # open episodes in a unit and be added to its episodes; no role sees another's clients.
    FEEDBACK_PRACTICE = "feedback.practice"
    FEEDBACK_STATS = "feedback.stats"  # aggregated outcome dashboard and goal themes, never individuals
    FEEDBACK_MANAGE = "feedback.manage"  # services, instruments (pasting licensed texts), retention
    CONVERSATION_RECORD = "feedback.conversation"  # record "Hva er viktig for deg?" conversations
    # Free choice of provider (``medvirk.choice``): services and their rules, providers and
    # their approvals (on the service's or the provider's unit) …
    CHOICE_SETUP = "choice.setup"
    # … clients, their choices and switches, online requests, importing current clients …
    CHOICE_CASES = "choice.cases"
    # … a provider's own client list (from each client's first day) and its continuity reports …
    CHOICE_CLIENTS = "choice.clients"
    # … and the statistics of choosing (aggregated and suppressed, never a client).
    CHOICE_STATS = "choice.stats"


#: Clinical work is done by practitioners only: an administrator holds every other capability.
CLINICAL = frozenset({Perm.FEEDBACK_PRACTICE})


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm) - CLINICAL,
    Role.ANALYST: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.SURVEY_DESIGN,
            Perm.SURVEY_DISTRIBUTE,
            Perm.RESULTS_VIEW,
            Perm.RESULTS_EXPORT_RAW,
            Perm.POPULATION_MANAGE,
            Perm.USER_COUNTS_EDIT,
            Perm.PARTNERS_MANAGE,
            Perm.CONTACT_LOG,
            Perm.PARTICIPATION_MANAGE,
            Perm.FEEDBACK_STATS,
            Perm.FEEDBACK_MANAGE,
            Perm.CHOICE_SETUP,
            Perm.CHOICE_STATS,
        }
    ),
    Role.UNIT_LEADER: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.UNIT_EDIT,
            Perm.SURVEY_DESIGN,
            Perm.SURVEY_DISTRIBUTE,
            Perm.RESULTS_VIEW,
            Perm.USER_COUNTS_EDIT,
            Perm.CONTACT_LOG,
            Perm.PARTICIPATION_MANAGE,
            Perm.FEEDBACK_STATS,
            Perm.FEEDBACK_MANAGE,
            Perm.CONVERSATION_RECORD,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.SURVEY_DISTRIBUTE,
            Perm.RESULTS_VIEW,
            Perm.PARTNERS_MANAGE,
            Perm.CONTACT_LOG,
            Perm.PARTICIPATION_MANAGE,
            Perm.PANELS_MANAGE,
            Perm.FEEDBACK_STATS,
        }
    ),
    Role.READ_ONLY: frozenset({Perm.ORG_VIEW, Perm.RESULTS_VIEW, Perm.CHOICE_STATS}),
    Role.PRACTITIONER: frozenset({Perm.ORG_VIEW, Perm.FEEDBACK_PRACTICE, Perm.CONVERSATION_RECORD}),
    # Tildelingskontoret: registers clients' choices and switches, keeps providers and rules.
    Role.CASE_HANDLER: frozenset({Perm.ORG_VIEW, Perm.CHOICE_SETUP, Perm.CHOICE_CASES}),
    # A provider (municipal or private), on its own unit: its clients, its surveys, continuity.
    Role.PROVIDER_STAFF: frozenset(
        {Perm.ORG_VIEW, Perm.SURVEY_DISTRIBUTE, Perm.RESULTS_VIEW, Perm.CHOICE_CLIENTS}
    ),
}


def roles_with(perm: Perm) -> set[str]:
    """Return the roles that carry ``perm``."""
    return {role for role, perms in ROLE_PERMISSIONS.items() if perm in perms}


def role_names_with(perm: Perm) -> list[str]:
    """Return the names of the roles that carry ``perm``, in the order roles are listed ("who may")."""
    from .models import Role

    return [str(role.label) for role in Role if role in roles_with(perm)]
