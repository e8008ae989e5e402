"""API endpoints of the surveys module."""

from ninja import Router

router = Router(tags=["surveys"])
