"""Mount every module's router on the one API instance."""

from .accounts import router as accounts_router
from .base import api
from .choice import router as choice_router
from .feedback import router as feedback_router
from .insights import router as insights_router
from .interchange import router as interchange_router
from .invitations import router as invitations_router
from .jobs import router as jobs_router
from .operator import router as operator_router
from .org_import import router as org_import_router
from .orgs import router as orgs_router
from .panels import router as panels_router
from .participation import router as participation_router
from .partners import router as partners_router
from .population import router as population_router
from .survey_builder import router as survey_builder_router
from .surveys import public as public_router
from .surveys import router as surveys_router

# First: a request's route is found by trying the patterns in order, and respondents' submissions
# (/public/surveys/...) are the busiest requests (bench/submit); no other route starts with public/surveys/.
api.add_router("/", public_router)
api.add_router("/", org_import_router)  # before orgs: /units/import vs /units/{unit_id}
api.add_router("/", orgs_router)
api.add_router("/", accounts_router)
api.add_router("/", invitations_router)
api.add_router("/", operator_router)
api.add_router("/", interchange_router)  # before surveys: /surveys/import vs /surveys/{id}
api.add_router("/", surveys_router)
api.add_router("/", survey_builder_router)
api.add_router("/", insights_router)
api.add_router("/", population_router)
api.add_router("/", participation_router)
api.add_router("/", partners_router)
api.add_router("/", panels_router)
api.add_router("/", choice_router)
api.add_router("/", feedback_router)
api.add_router("/", jobs_router)

__all__ = ["api"]
