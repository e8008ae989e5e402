"""API endpoints of the panels module."""

from ninja import Router

router = Router(tags=["panels"])
