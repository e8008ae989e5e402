"""Attachments: allowed types by content (magic bytes), size limit, stored under MEDIA_ROOT."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medvirk.core.errors import ServiceError
from medvirk.participation.tests.factories import make_activity
from medvirk.participation.uploads import MAX_BYTES, check_upload
from tests.images import JPEG, PNG, image

pytestmark = pytest.mark.django_db


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
ALLOWED_ODT = b"application/vnd.oasis.opendocument.text"
ODT = _zip({"mimetype": ALLOWED_ODT, "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("referat.pdf", b"%PDF-1.7\n..."),
        ("bilde.png", PNG),
        ("bilde.JPG", JPEG),
        ("bilde.jpeg", JPEG),
        ("referat.docx", DOCX),
        ("referat.odt", ODT),
    ],
)
def test_allowed_files_pass(name: str, content: bytes) -> None:
    assert check_upload(SimpleUploadedFile(name, content))[0] == name


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("skript.exe", b"MZ....", "file_type"),
        ("side.html", b"<html>", "file_type"),
        ("falsk.pdf", b"<script>alert(1)</script>", "file_content"),
        ("falsk.png", b"%PDF-1.7", "file_content"),
        ("falsk.docx", ODT, "file_content"),
        ("zip.odt", _zip({"a.txt": b"x"}), "file_content"),
        ("ingen-endelse", b"%PDF-", "file_type"),
    ],
)
def test_refused_files(name: str, content: bytes, code: str) -> None:
    with pytest.raises(ServiceError) as error:
        check_upload(SimpleUploadedFile(name, content))
    assert error.value.code == code


def test_too_large_is_refused() -> None:
    upload = SimpleUploadedFile("stor.pdf", b"%PDF-" + b"0" * MAX_BYTES)
    with pytest.raises(ServiceError) as error:
        check_upload(upload)
    assert error.value.code == "file_too_large"


def test_attachment_is_stored_and_downloadable_by_staff_only(
    demo: Any, client_as: Any, settings: Any
) -> None:
    activity = make_activity(
        demo,
        user="admin",
        title="Møte",
        kind="focus_group",
        ladder="informants",
        invited="panel",
        starts_on=datetime.date(2026, 4, 1),
    )
    response = client_as("leder.solsikken").post(
        f"/participation/activities/{activity.pk}/attachments/",
        {"file": SimpleUploadedFile("../../referat.pdf", b"%PDF-1.4 test")},
    )
    assert response.status_code == 302
    attachment = activity.attachments.get()
    assert attachment.name == "referat.pdf"
    assert str(settings.MEDIA_ROOT) in attachment.file.path
    download = client_as("leder.solsikken").get(f"/participation/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert client_as("analytiker.nord").get(f"/participation/attachments/{attachment.pk}/").status_code == 200
    assert client_as("provestad.admin").get(f"/participation/attachments/{attachment.pk}/").status_code == 404
    bad = client_as("leder.solsikken").post(
        f"/participation/activities/{activity.pk}/attachments/",
        {"file": SimpleUploadedFile("x.pdf", b"nope")},
    )
    assert bad.status_code == 302 and activity.attachments.count() == 1


def test_a_zip_bomb_dressed_as_docx_is_refused_before_it_is_opened(settings: Any) -> None:
    settings.UPLOAD_MAX_INFLATED_BYTES = 1_000_000
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:p/>" * 150_000})
    assert len(bomb) < 10_000  # 900 KB of markup packed ~300 times
    with pytest.raises(ServiceError) as error:
        check_upload(SimpleUploadedFile("referat.docx", bomb))
    assert error.value.code == "archive_ratio"
    wide = _zip({"mimetype": ALLOWED_ODT, **{f"Pictures/{i}.png": bytes(2000) for i in range(1001)}})
    with pytest.raises(ServiceError) as error:
        check_upload(SimpleUploadedFile("referat.odt", wide))
    assert error.value.code == "archive_too_many_entries"


def test_an_image_declaring_too_many_pixels_is_refused(settings: Any) -> None:
    """A few kilobytes of PNG can declare a billion pixels: gigabytes in the viewer that opens it."""
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    bomb = image("PNG", 10_000, 10_000, mode="1")
    assert len(bomb) < 20_000
    with pytest.raises(ServiceError) as error:
        check_upload(SimpleUploadedFile("bilde.png", bomb))
    assert error.value.code == "image_too_many_pixels"
    assert check_upload(SimpleUploadedFile("bilde.jpg", image("JPEG", 1000, 1000)))[0] == "bilde.jpg"
