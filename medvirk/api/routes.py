"""Mount every module's router on the one API instance."""

from .accounts import router as accounts_router
from .base import api
from .orgs import router as orgs_router

api.add_router("/", orgs_router)
api.add_router("/", accounts_router)

__all__ = ["api"]
