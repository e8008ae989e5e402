"""A municipality's public face: logo, colour, privacy contact and statement, accessibility statement.

Municipality administrators set them (``municipality_branding_update``); the public pages under
/p/, /o/ and /v/ show them (``site/public_base.html``). The colour becomes Designsystemet's accent
tokens in a small stylesheet per municipality (``theme_css``; inline styles are blocked by the
CSP). A colour is refused when white text on it, or it as text on the page's light backgrounds,
would fall below WCAG AA contrast (4.5:1); contrast is computed by ColorAide (WCAG 2.1 formula).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from coloraide import Color
from django.utils.translation import gettext_lazy as _

from medvirk.core.errors import ServiceError
from medvirk.core.uploads import check_image
from medvirk.orgs.models import Municipality

from .enums import BrandingErrorCode

MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal text (1.4.3)
# What the brand colour must stand out against: white text on buttons and the header band, and the
# light page backgrounds (Designsystemet's neutral background default and tinted) links sit on.
CONTRAST_AGAINST = ("#ffffff", "#f3f3f4")
LOGO_MAX_BYTES = 200_000
LOGO_MAX_PIXELS = 4_000_000  # 2000 x 2000; every visitor's browser decodes the logo
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}  # no SVG: it can run script
STATEMENT_HOSTS = {"uustatus.no", "www.uustatus.no"}
HEX = re.compile(r"#[0-9a-fA-F]{6}")


def contrast(colour: str, other: str) -> float:
    """The WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    return float(Color(colour).contrast(other, method="wcag21"))


def check_colour(colour: str) -> str:
    """Return the colour as lower-case #rrggbb, or raise a readable error when it cannot be used."""
    colour = colour.strip()
    if not HEX.fullmatch(colour):
        raise ServiceError(
            BrandingErrorCode.COLOUR_INVALID,
            _("Write the colour as # and six hexadecimal digits, for example #0062ba."),
            field="brand_colour",
        )
    worst = min(contrast(colour, other) for other in CONTRAST_AGAINST)
    if worst < MIN_CONTRAST:
        raise ServiceError(
            BrandingErrorCode.COLOUR_CONTRAST,
            _(
                "%(colour)s is too light: white text on it, and it as link text on the page, would have "
                "a contrast of %(ratio)s:1, and at least %(min)s:1 is needed to be readable (WCAG AA). "
                "Choose a darker shade."
            )
            % {"colour": colour, "ratio": f"{worst:.1f}".replace(".", ","), "min": "4,5"},
            field="brand_colour",
        )
    return colour.lower()


def check_logo(data: bytes) -> str:
    """Return the logo's content type, or raise when it is not a small PNG or JPEG."""
    if len(data) > LOGO_MAX_BYTES:
        raise ServiceError(BrandingErrorCode.LOGO_SIZE, _("The logo may be at most 200 kB."), field="logo")
    for magic, content_type in LOGO_TYPES.items():
        if data.startswith(magic):
            check_image(data, max_pixels=LOGO_MAX_PIXELS, field="logo")
            return content_type
    raise ServiceError(BrandingErrorCode.LOGO_TYPE, _("Upload the logo as a PNG or JPEG file."), field="logo")


def check_statement_url(url: str) -> str:
    """Return the address of the accessibility statement, which must be on uustatus.no."""
    url = url.strip()
    if url and (urlparse(url).scheme != "https" or urlparse(url).hostname not in STATEMENT_HOSTS):
        raise ServiceError(
            BrandingErrorCode.STATEMENT_URL,
            _("Public bodies publish their accessibility statement on uustatus.no: paste its https address."),
            field="accessibility_statement_url",
        )
    return url


def theme_css(municipality: Municipality) -> str:
    """Designsystemet accent tokens in the municipality's colour (empty without one)."""
    if not municipality.brand_colour:
        return ""
    brand = Color(municipality.brand_colour)

    def darker(amount: float) -> str:
        return str(brand.mix("black", amount, space="srgb").to_string(hex=True))

    tokens = {
        "--ds-color-accent-base-default": municipality.brand_colour,
        "--ds-color-accent-base-hover": darker(0.15),
        "--ds-color-accent-base-active": darker(0.3),
        "--ds-color-accent-base-contrast-default": "#ffffff",
        "--ds-color-accent-text-subtle": municipality.brand_colour,
        "--ds-color-accent-text-default": darker(0.45),
        "--mv-brand": municipality.brand_colour,
    }
    body = "".join(f"  {name}: {value};\n" for name, value in tokens.items())
    return f"/* {municipality.name} */\n:root, [data-color-scheme] {{\n{body}}}\n"
