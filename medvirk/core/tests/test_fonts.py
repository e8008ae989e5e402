"""The self-hosted Designsystemet font: stylesheets that exist, and a PDF fetcher that reads only them."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders

from medvirk.core import fonts


def _found(path: str) -> str:
    found = finders.find(path)
    assert isinstance(found, str), f"{path} is not served"
    return found


def test_every_linked_stylesheet_is_served_and_names_the_theme_font() -> None:
    theme = Path(_found("ds/theme/designsystemet.css")).read_text()
    assert f"--ds-font-family:{fonts.FAMILY}" in theme.replace(" ", "")
    for path in fonts.static_paths():
        css = Path(_found(path)).read_text()
        assert f"font-family: '{fonts.FAMILY}'" in css
        for name in re.findall(r"url\(\./files/([\w.-]+)\)", css):
            assert finders.find(f"{fonts.STATIC_PREFIX}/files/{name}"), name


def test_pdf_css_points_at_files_on_disk() -> None:
    css = fonts.pdf_css()
    urls = re.findall(r"url\((file:[^)]+)\)", css)
    assert urls and "./files/" not in css
    assert all(fonts.local_font_file(url) is not None for url in urls)


def test_only_the_font_files_may_be_read(tmp_path: Path) -> None:
    inside = (fonts.package_dir() / "files" / "inter-latin-400-normal.woff2").as_uri()
    assert fonts.local_font_file(inside) is not None
    for url in [
        "https://example.org/inter.woff2",
        (fonts.package_dir() / "files" / ".." / "package.json").as_uri(),
        (fonts.package_dir() / "400.css").as_uri(),
        Path("/etc/passwd").as_uri(),
        "file:///etc/passwd#x.woff2",
    ]:
        assert fonts.local_font_file(url) is None, url
