"""Real images for upload tests: uploads are checked by their header (``core.uploads.check_image``),
so magic bytes alone no longer pass."""

from __future__ import annotations

import io

from PIL import Image


def image(fmt: str = "PNG", width: int = 2, height: int = 2, mode: str = "RGB") -> bytes:
    """Return an image file of one colour; a large ``width`` × ``height`` in mode "1" stays small."""
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, format=fmt)
    return buffer.getvalue()


PNG = image("PNG")
JPEG = image("JPEG")
