"""The one guard every upload passes: archives checked before they are opened, parsers bounded.

- :func:`check_archive` reads only a zip's central directory (XLSX, DOCX, ODT, ZIP) and refuses
  too many entries, too many inflated bytes in total, and entries that inflate more than
  ``UPLOAD_MAX_RATIO`` times (above 100 KB; Apache POI's rule for Office files). The declared
  sizes are binding: Python's ``zipfile``, which openpyxl uses, never returns more bytes of an
  entry than its central-directory size and fails its CRC check when the data holds more
  (``tests/test_uploads.py`` proves it), so a lying header cannot inflate past the check.
- :func:`parse_limited` runs a parser in a child process (``common/sandbox.py``) for at most
  ``UPLOAD_PARSE_SECONDS`` and ``UPLOAD_PARSE_MEMORY_BYTES``.
- :func:`check_image` reads only a PNG's or JPEG's header and refuses more pixels than
  ``UPLOAD_MAX_IMAGE_PIXELS``: a 200 KB one-colour PNG can declare a billion pixels, gigabytes in
  every browser or viewer that shows it.
- :func:`read_text` decodes a text upload (``common/textfiles.py``): UTF-8/16/32 by BOM or
  pattern, Windows-1252, or a plain message when it is not text.

Every refusal is a :class:`UploadRefused` (a ``ServiceError``) with a message for people.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext_lazy as _

from medvirk.common.sandbox import LimitExceeded, LimitReason, run_limited
from medvirk.common.textfiles import (
    MAX_JSON_DEPTH,
    DecodedText,
    TextFileError,
    TextProblem,
    decode_text,
    load_json,
)

from .errors import CoreErrorCode, ErrorCode, ServiceError

logger = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
RATIO_GRACE_BYTES = 100 * 1024  # entries smaller than this inflated are not held to the ratio


class UploadErrorCode(ErrorCode):
    """Codes of refused uploads (API ``error.code``); the text problems keep ``TextProblem``'s values."""

    TEXT_SPREADSHEET = TextProblem.SPREADSHEET.value
    TEXT_OLD_OFFICE = TextProblem.OLD_OFFICE.value
    TEXT_PDF = TextProblem.PDF.value
    TEXT_BINARY = TextProblem.BINARY.value
    TEXT_BAD_UNICODE = TextProblem.BAD_UNICODE.value
    TEXT_NOT_UTF8 = TextProblem.NOT_UTF8.value
    JSON_SYNTAX = TextProblem.JSON_SYNTAX.value
    JSON_DEPTH = TextProblem.JSON_DEPTH.value
    ARCHIVE_DAMAGED = "archive_damaged"
    ARCHIVE_ENTRIES = "archive_too_many_entries"
    ARCHIVE_INFLATED = "archive_too_large_inflated"
    ARCHIVE_RATIO = "archive_ratio"
    PARSE_TIME = "file_parse_time"
    PARSE_MEMORY = "file_parse_memory"
    PARSE_FAILED = "file_parse_failed"
    IMAGE_DAMAGED = "image_damaged"
    IMAGE_PIXELS = "image_too_many_pixels"


class UploadRefused(ServiceError):
    """An upload Medvirk will not read; ``message`` says why in words people understand."""


TEXT_MESSAGES = {
    TextProblem.SPREADSHEET: _(
        "The file is an Excel workbook or another zip file, not CSV text. In Excel, choose "
        "“Save as” and “CSV UTF-8”."
    ),
    TextProblem.OLD_OFFICE: _(
        "The file is an old Excel (.xls) or Word (.doc) file, not CSV text. In Excel, choose "
        "“Save as” and “CSV UTF-8”."
    ),
    TextProblem.PDF: _("The file is a PDF, not CSV text."),
    TextProblem.BINARY: _("The file is not a text file (it contains binary data)."),
    TextProblem.BAD_UNICODE: _(
        "The file looks like %(encoding)s text but is damaged. Save it again as UTF-8 and upload it."
    ),
    TextProblem.NOT_UTF8: _("The file is not UTF-8 text."),
    TextProblem.JSON_SYNTAX: _("The file is not valid JSON (line %(line)s): %(detail)s"),
    TextProblem.JSON_DEPTH: _(
        "The file nests lists or objects more than %(limit)s levels deep; no Medvirk file does that."
    ),
}


def text_problem(error: TextFileError) -> str:
    """Return what is wrong with a text upload, in the user's language."""
    return str(TEXT_MESSAGES[error.code]) % {
        "encoding": error.encoding or "Unicode",
        "line": error.lineno,
        "detail": error.message,
        "limit": MAX_JSON_DEPTH,
    }


def refusal(error: TextFileError, *, field: str = "file") -> UploadRefused:
    """Return the refusal (code and message for people) for a text or JSON problem."""
    return UploadRefused(UploadErrorCode(error.code.value), text_problem(error), field=field)


def preview_rows_load(
    token: str, *, salt: str, max_age: int, code: ErrorCode = CoreErrorCode.BAD_SIGNATURE
) -> list[Any]:
    """Return the rows an import preview signed into its confirm form (``signing.dumps``).

    Tampered with, or older than ``max_age`` seconds: a ``ServiceError`` with ``code``.
    """
    try:
        rows = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        rows = None
    if not isinstance(rows, list):
        raise ServiceError(code, _("The preview has expired. Upload the file again."))
    return rows


def read_text(data: bytes, *, field: str = "file") -> DecodedText:
    """Decode a CSV or other text upload; raise :class:`UploadRefused` when it is not text."""
    try:
        return decode_text(data)
    except TextFileError as error:
        raise refusal(error, field=field) from None


def read_json(data: str | bytes, *, field: str = "file", **options: Any) -> Any:
    """Parse an uploaded JSON document (nesting limited); raise :class:`UploadRefused` otherwise."""
    try:
        return load_json(data, **options)
    except TextFileError as error:
        raise refusal(error, field=field) from None


def check_archive(data: bytes, *, field: str = "file") -> None:
    """Refuse a zip whose central directory promises too much; read nothing but the directory.

    Data that is not a zip at all passes (the parser reports it in its own words).
    """
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(
            UploadErrorCode.ARCHIVE_DAMAGED, _("The file is damaged: it cannot be opened."), field=field
        ) from None
    if len(entries) > settings.UPLOAD_MAX_ENTRIES:
        raise UploadRefused(
            UploadErrorCode.ARCHIVE_ENTRIES,
            _("The file holds %(n)s parts; at most %(max)s are allowed.")
            % {"n": len(entries), "max": settings.UPLOAD_MAX_ENTRIES},
            field=field,
        )
    inflated = sum(entry.file_size for entry in entries)
    if inflated > settings.UPLOAD_MAX_INFLATED_BYTES:
        raise UploadRefused(
            UploadErrorCode.ARCHIVE_INFLATED,
            _("Unpacked, the file would take %(size)s MB; at most %(max)s MB are allowed.")
            % {"size": _megabytes(inflated), "max": _megabytes(settings.UPLOAD_MAX_INFLATED_BYTES)},
            field=field,
        )
    for entry in entries:
        if entry.file_size > RATIO_GRACE_BYTES and entry.file_size > settings.UPLOAD_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise UploadRefused(
                UploadErrorCode.ARCHIVE_RATIO,
                _(
                    "The file is packed unusually tightly (a part grows %(ratio)s times when unpacked), "
                    "as files made to overload servers are. Save it again from Excel or Word."
                )
                % {"ratio": entry.file_size // max(entry.compress_size, 1)},
                field=field,
            )


def check_image(data: bytes, *, max_pixels: int | None = None, field: str = "file") -> tuple[int, int]:
    """Return a PNG's or JPEG's (width, height) from its header, or refuse it (damaged, too big).

    Pillow's ``Image.open`` reads the header only; no pixel is decoded here.
    """
    from PIL import Image, UnidentifiedImageError

    limit = max_pixels or settings.UPLOAD_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():  # Pillow warns of a bomb at its own limit; ours decides
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:  # Pillow's own ceiling, far above ours
        width = height = limit + 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise UploadRefused(
            UploadErrorCode.IMAGE_DAMAGED, _("The image is damaged: it cannot be opened."), field=field
        ) from None
    if width * height > limit:
        raise UploadRefused(
            UploadErrorCode.IMAGE_PIXELS,
            _("The image has %(n)s million pixels; at most %(max)s million are allowed. Make it smaller.")
            % {"n": _millions(width * height), "max": _millions(limit)},
            field=field,
        )
    return width, height


def _millions(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".rstrip("0").rstrip(".")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f}" if size >= 10_000_000 else f"{size / 1_000_000:.1f}"


def parse_limited(
    parser: Callable[..., Any], *args: Any, preload: Sequence[str] = (), field: str = "file"
) -> Any:
    """Return ``parser(*args)`` run in a child process within the upload limits from settings.

    Raise :class:`UploadRefused` when the parser takes too long, needs too much memory, or
    fails (the traceback is logged; parsers are expected to return problems, not raise).
    """
    try:
        return run_limited(
            parser,
            *args,
            seconds=settings.UPLOAD_PARSE_SECONDS,
            memory_bytes=settings.UPLOAD_PARSE_MEMORY_BYTES,
            preload=preload,
        )
    except LimitExceeded as exceeded:
        if exceeded.reason == LimitReason.TIME:
            raise UploadRefused(
                UploadErrorCode.PARSE_TIME,
                _("Reading the file took longer than %(n)s seconds, so it was stopped.")
                % {"n": settings.UPLOAD_PARSE_SECONDS},
                field=field,
            ) from None
        if exceeded.reason == LimitReason.MEMORY:
            raise UploadRefused(
                UploadErrorCode.PARSE_MEMORY,
                _("The file needs more memory to read than Medvirk allows, so it was stopped."),
                field=field,
            ) from None
        logger.error("Parsing an upload with %s failed: %s", parser.__qualname__, exceeded.detail)
        raise UploadRefused(
            UploadErrorCode.PARSE_FAILED, _("The file could not be read. Is it damaged?"), field=field
        ) from None


class BoundedRequestUploadHandler(FileUploadHandler):
    """Refuse a multipart request larger than ``MAX_REQUEST_BYTES`` before any of it is read.

    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bounds a request's fields but not its files: Django streams
    a file part of any size to a temporary file, on any page that reads ``request.POST`` (the
    CSRF check does, on every form), before the view can look at it. So anyone could send the
    public answering or sign-up page a body of some gigabytes and fill the server's disk while
    holding a worker (red team 5); each import form's own limit (``core.forms.BoundedFileField``)
    comes only after the whole file is on disk. First in ``FILE_UPLOAD_HANDLERS``: Django asks it
    before parsing, with the request's declared length, and answers a refusal with 400 (the API
    with 413 ``request_too_large``). A body without a length is read as empty by Django.
    """

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length > settings.MAX_REQUEST_BYTES:
            raise RequestDataTooBig(
                f"A multipart request of {content_length} bytes is above MAX_REQUEST_BYTES "
                f"({settings.MAX_REQUEST_BYTES})."
            )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data  # the next handler (memory or temporary file) keeps it

    def file_complete(self, file_size: int) -> None:
        return None
