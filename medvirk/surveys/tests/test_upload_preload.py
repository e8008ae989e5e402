"""The modules the upload sandbox's fork server preloads (``interchange.upload``) import without Django."""

from __future__ import annotations

import os
import subprocess
import sys

from medvirk.surveys.interchange.upload import PARSER_MODULES


def test_parser_modules_the_fork_server_preloads_import_without_django() -> None:
    """The fork server imports them before Django is set up; a module that needed the app
    registry would stop the server, and with it every workbook import."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    for module in PARSER_MODULES:
        code = f"import sys, {module}; assert not [m for m in sys.modules if m.startswith('django')]"
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
