"""Helpers for the services' own permission tests (``<app>/tests/test_service_permissions.py``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from medvirk.core.errors import ServiceError


def refused(call: Callable[..., object]) -> ServiceError:
    """Assert that ``call()`` is refused as forbidden (403) by the service itself; return the error."""
    with pytest.raises(ServiceError) as error:
        call()
    assert (error.value.code, error.value.status) == ("forbidden", 403)
    return error.value
