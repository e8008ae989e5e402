"""API endpoints of the insights module."""

from ninja import Router

router = Router(tags=["insights"])
