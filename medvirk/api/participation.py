"""API endpoints of the participation module."""

from ninja import Router

router = Router(tags=["participation"])
