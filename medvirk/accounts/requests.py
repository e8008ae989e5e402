"""The request type of staff pages and API routes: the user is a logged-in staff ``User``.

``core.views.staff_view`` lets only logged-in users reach a staff page, and the API's
authentication (``api.base``) only staff with a session or a token, so those views annotate
``request: StaffRequest`` and read ``request.user`` as the ``User`` it is (django-stubs types
``HttpRequest.user`` as ``User | AnonymousUser``). It is a type for the checker only: Django passes
its own request object.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class StaffRequest(HttpRequest):
    user: User
