"""``manage.py`` in a process of its own, as an operator runs it: the settings come from the
environment the test gives, nothing from the test process's own Django."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, env: Mapping[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py *args`` from the repository root with exactly ``env``; output kept as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
