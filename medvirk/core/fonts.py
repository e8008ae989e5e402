"""Designsystemet's typeface, Inter, self-hosted from npm (`@fontsource/inter`) for pages and PDFs.

The Designsystemet theme sets `--ds-font-family: Inter` but loads no font file, so without this
every page and PDF falls back to whatever the reader's machine has (a serif font on many). The
npm package brings the font as `@font-face` rules split by script (`unicode-range`), one file per
weight and script, served from `/static/fonts/inter/`. Pages link the weights Designsystemet uses
(400, 500, 600) and bold for `<strong>`; the PDF report embeds the same files.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings

FAMILY = "Inter"
STATIC_PREFIX = "fonts/inter"  # the STATICFILES_DIRS prefix of the npm package
STYLESHEETS = ("400.css", "400-italic.css", "500.css", "600.css", "700.css")


def package_dir() -> Path:
    """Where npm installed the font package."""
    return Path(settings.NODE_MODULES) / "@fontsource" / "inter"


def static_paths() -> list[str]:
    """The static paths of the stylesheets a page links."""
    return [f"{STATIC_PREFIX}/{name}" for name in STYLESHEETS]


def pdf_css() -> str:
    """The same `@font-face` rules, pointing at the files on disk, for WeasyPrint."""
    files = package_dir() / "files"
    rules = []
    for name in STYLESHEETS:
        css = (package_dir() / name).read_text(encoding="utf-8")
        rules.append(re.sub(r"url\(\./files/([\w.-]+)\)", lambda m: f"url({(files / m[1]).as_uri()})", css))
    return "\n".join(rules)


def local_font_file(url: str) -> Path | None:
    """The font file a `file:` URL names, when it lies inside the package's files; else None."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return None
    path = Path(unquote(parsed.path)).resolve()
    files = (package_dir() / "files").resolve()
    if path.parent != files or path.suffix not in {".woff", ".woff2"} or not path.is_file():
        return None
    return path
