"""API endpoints of the population module."""

from ninja import Router

router = Router(tags=["population"])
