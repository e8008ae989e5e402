"""The upload guard: zip containers are judged by their directory before anything is inflated,
parsers run in a child process that is stopped at the time and memory limits, and text uploads
are decoded or refused with a plain message. Archives are built here, small, with small limits."""

from __future__ import annotations

import io
import multiprocessing
import os
import struct
import zipfile
from typing import Any

import pytest

from medvirk.core import uploads
from medvirk.core.uploads import (
    UploadErrorCode,
    UploadRefused,
    check_archive,
    parse_limited,
    read_json,
    read_text,
)

from . import sandbox_targets


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def small_limits(settings: Any) -> Any:
    settings.UPLOAD_MAX_ENTRIES = 20
    settings.UPLOAD_MAX_INFLATED_BYTES = 1_000_000
    settings.UPLOAD_MAX_RATIO = 100
    settings.UPLOAD_PARSE_SECONDS = 2
    settings.UPLOAD_PARSE_MEMORY_BYTES = 128 * 1024 * 1024
    return settings


def _refused(data: bytes) -> str:
    with pytest.raises(UploadRefused) as refused:
        check_archive(data)
    assert str(refused.value.message)
    return refused.value.code


def test_an_ordinary_archive_passes(small_limits: Any) -> None:
    check_archive(_zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": os.urandom(200_000)}))
    check_archive(b"not a zip at all")  # the parser says what it is in its own words


def test_a_bomb_is_refused_by_its_ratio(small_limits: Any) -> None:
    bomb = _zip({"xl/worksheets/sheet1.xml": b"<row/>" * 150_000})  # 900 KB of markup in ~3 KB
    assert len(bomb) < 10_000
    assert _refused(bomb) == UploadErrorCode.ARCHIVE_RATIO


def test_small_tightly_packed_parts_are_allowed(small_limits: Any) -> None:
    check_archive(_zip({f"xl/styles{i}.xml": b"<a/>" * 20_000 for i in range(3)}))  # 80 KB each, ratio > 100


def test_too_many_inflated_bytes_are_refused(small_limits: Any) -> None:
    archive = _zip({f"part{i}": os.urandom(300_000) for i in range(4)})  # incompressible: ratio 1
    assert _refused(archive) == UploadErrorCode.ARCHIVE_INFLATED


def test_too_many_entries_are_refused(small_limits: Any) -> None:
    assert _refused(_zip({f"e{i}": b"x" for i in range(21)})) == UploadErrorCode.ARCHIVE_ENTRIES


def test_a_damaged_archive_is_refused(small_limits: Any) -> None:
    assert _refused(b"PK\x03\x04" + os.urandom(200)) == UploadErrorCode.ARCHIVE_DAMAGED


def _lie_about_size(archive: bytes, size: int) -> bytes:
    """Write ``size`` as the inflated size in the local and the central header."""
    data = bytearray(archive)
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, size)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, size)
    return bytes(data)


def test_a_lying_directory_cannot_inflate_past_the_check(small_limits: Any) -> None:
    """The guard trusts the directory's sizes because zipfile enforces them when reading."""
    liar = _lie_about_size(_zip({"sheet.xml": b"<row/>" * 1_000_000}), 100)
    check_archive(liar)  # 100 bytes promised: passes
    received = 0
    with (
        zipfile.ZipFile(io.BytesIO(liar)) as archive,
        archive.open("sheet.xml") as entry,
        pytest.raises(zipfile.BadZipFile, match="CRC"),
    ):
        while chunk := entry.read(10):
            received += len(chunk)
    assert received <= 100  # the 6 MB behind the lie are never inflated


def test_a_parser_returns_its_result(small_limits: Any) -> None:
    assert parse_limited(sandbox_targets.double, 21) == 42
    assert parse_limited(sandbox_targets.pid) != os.getpid()  # it ran in another process


def test_a_parser_that_never_ends_is_stopped(small_limits: Any) -> None:
    with pytest.raises(UploadRefused) as refused:
        parse_limited(sandbox_targets.spin)
    assert refused.value.code == UploadErrorCode.PARSE_TIME
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_a_parser_that_eats_memory_is_stopped(small_limits: Any) -> None:
    with pytest.raises(UploadRefused) as refused:
        parse_limited(sandbox_targets.hog_memory)
    assert refused.value.code == UploadErrorCode.PARSE_MEMORY


def test_a_parser_that_crashes_is_a_refusal_and_is_logged(small_limits: Any, caplog: Any) -> None:
    with pytest.raises(UploadRefused) as refused:
        parse_limited(sandbox_targets.fail)
    assert refused.value.code == UploadErrorCode.PARSE_FAILED
    assert "parser bug" in caplog.text


def test_text_problems_are_worded_for_people() -> None:
    with pytest.raises(UploadRefused) as refused:
        read_text(_zip({"a": b"b"}))
    assert "CSV UTF-8" in str(refused.value.message)
    with pytest.raises(UploadRefused) as refused:
        read_json(b"[" * 5000 + b"]" * 5000)
    assert refused.value.code == "json_depth"
    assert "64 levels" in str(refused.value.message)
    with pytest.raises(UploadRefused) as refused:
        read_json(b'{"a":\n}')
    assert "line 2" in str(refused.value.message)
    assert read_text("Ærlig".encode("utf-16")).text == "Ærlig"
    assert uploads.read_json(b'{"a": [1]}') == {"a": [1]}
