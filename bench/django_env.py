# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every in-process bench runner does before it imports Medvirk: Django's set-up, and the
one way they time a call.

A runner is started as a script (``.venv/bin/python bench/<name>/<runner>.py``), so Python sees
its own folder only; it puts ``bench/`` on ``sys.path`` (as the load runners do for
``submit/harness.py``) and calls :func:`setup`, which adds the repository root::

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from django_env import setup

    setup("config.settings.dev", DEBUG="0")

Environment variables already set win over the runner's defaults (as ``os.environ.setdefault``).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def setup(settings: str, **environ: str) -> None:
    """Put the repository root on ``sys.path``, default ``DJANGO_SETTINGS_MODULE`` and ``environ``,
    then ``django.setup()``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    for name, value in environ.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Call ``fn`` ``repeat`` times; return each call's wall time in milliseconds."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out
