"""Check uploaded attachments: allowed types by content (magic bytes), not by name alone, and size.

Word and OpenDocument files are zip containers: ``medvirk.core.uploads.check_archive`` judges
their directory (entries, inflated size, ratio) before anything inside is read, so a zip bomb
is refused here instead of being stored for a colleague to open.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils.translation import gettext_lazy as _

from medvirk.core.errors import ServiceError
from medvirk.core.uploads import check_archive, check_image

from .enums import ParticipationErrorCode

MAX_BYTES = 10 * 1024 * 1024
# extension -> content type
ALLOWED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


def sniff(head: bytes, data: Any) -> str | None:
    """Return the file type (extension key) the content really is, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(data) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    with archive.open("mimetype") as entry:
                        if entry.read(100).strip() == ALLOWED["odt"].encode():
                            return "odt"
                if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                    return "docx"
        except (zipfile.BadZipFile, OSError, KeyError, EOFError):
            return None
    return None


def check_upload(upload: Any) -> tuple[str, str]:
    """Return (safe file name, content type) or raise ``ServiceError`` for a refused file."""
    if upload is None:
        raise ServiceError(ParticipationErrorCode.FILE_REQUIRED, _("Choose a file."), field="file")
    if upload.size > MAX_BYTES:
        raise ServiceError(
            ParticipationErrorCode.FILE_TOO_LARGE, _("The file is larger than 10 MB."), field="file"
        )
    name = str(upload.name).replace("\\", "/").rsplit("/", 1)[-1][:150] or "file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise ServiceError(
            ParticipationErrorCode.FILE_TYPE,
            _("Upload a PDF, Word (docx), OpenDocument (odt), PNG or JPEG file."),
            field="file",
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    check_archive(content)
    kind = sniff(content[:16], io.BytesIO(content))
    expected = "jpg" if extension == "jpeg" else extension
    if kind != expected:
        raise ServiceError(
            ParticipationErrorCode.FILE_CONTENT,
            _("The file's content does not match its type (.%(ext)s).") % {"ext": extension},
            field="file",
        )
    if kind in ("png", "jpg"):
        check_image(content)
    return name, ALLOWED[extension]
