"""Read uploaded text: one decoder for CSV files and one JSON loader with a nesting limit.

Pure Python (``medvirk.common``: no Django), so the parsers in ``population`` and ``surveys`` may
import it; the Django side words the problems for people (``medvirk.core.uploads.text_problem``).

Decoding (:func:`decode_text`): a byte-order mark decides first (UTF-8, UTF-16 and UTF-32, both
byte orders). Without one, NUL bytes tell UTF-16/32 apart from everything else: text that is
mostly ASCII has a NUL in every second byte in UTF-16 (in three of four in UTF-32), and no NUL at
all in UTF-8 or Windows-1252. Any other NUL means the file is not text (a workbook, a PDF, an
image), which is said plainly instead of decoding it as Windows-1252 and blaming the header.
Text without NULs is UTF-8 when it decodes as UTF-8, else Windows-1252 (what Excel writes as
"CSV" on Norwegian Windows). Python's ``codecs`` does the decoding; only the choice is ours,
since the candidates (``chardet``, ``charset-normalizer``) guess among dozens of legacy
encodings and would turn a binary file into "text" as well.

JSON (:func:`load_json`): ``json.loads`` recurses once per nested list or object and raises
``RecursionError`` near Python's recursion limit (about 1,000 levels); a document just under it
still makes every later recursive walk (validation, ``json.dumps``, signing) fail. So the loader
refuses documents nested deeper than :data:`MAX_JSON_DEPTH`, either way, with one error.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: Deepest nesting of lists and objects an uploaded JSON document may have. A survey definition
#: needs about 10 (conditions inside conditions a few more), JSON-stat 5.
MAX_JSON_DEPTH = 64

# Longest BOMs first: the UTF-32 little-endian mark begins with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_SAMPLE = 4096  # bytes looked at to recognise UTF-16/32 without a BOM


class TextProblem(StrEnum):
    """Why an upload is not usable text."""

    SPREADSHEET = "text_spreadsheet"  # a zip container: .xlsx/.docx/.odt, not text
    OLD_OFFICE = "text_old_office"  # an OLE2 file: .xls or .doc
    PDF = "text_pdf"
    BINARY = "text_binary"  # NUL bytes that are no UTF-16/32 pattern
    BAD_UNICODE = "text_bad_unicode"  # a UTF-16/32 mark (or pattern) but bytes that do not decode
    NOT_UTF8 = "text_not_utf8"  # JSON must be Unicode; Windows-1252 is not guessed for it
    JSON_SYNTAX = "json_syntax"
    JSON_DEPTH = "json_depth"


# File signatures of what people upload by mistake instead of text.
_SIGNATURES = (
    (b"PK\x03\x04", TextProblem.SPREADSHEET),  # .xlsx, .docx, .odt, .zip
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", TextProblem.OLD_OFFICE),  # .xls, .doc
    (b"%PDF-", TextProblem.PDF),
)


class TextFileError(ValueError):
    """The upload is not text Medvirk can read; ``code`` says why, ``message`` in English."""

    def __init__(
        self,
        code: TextProblem,
        message: str,
        *,
        encoding: str = "",
        lineno: int | None = None,
        colno: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.encoding = encoding
        self.lineno = lineno
        self.colno = colno

    @classmethod
    def too_deep(cls, limit: int = MAX_JSON_DEPTH) -> TextFileError:
        """Return the error for JSON nested deeper than ``limit``."""
        return cls(TextProblem.JSON_DEPTH, f"The JSON nests lists or objects more than {limit} levels deep.")


@dataclass(frozen=True, slots=True)
class DecodedText:
    """The text of an upload and the encoding it was written in (for people: "UTF-16")."""

    text: str
    encoding: str


def _binary(data: bytes) -> TextFileError:
    for signature, problem in _SIGNATURES:
        if data.startswith(signature):
            return TextFileError(problem, f"The file is not text ({problem}).")
    return TextFileError(TextProblem.BINARY, "The file is not text (it contains NUL bytes).")


def _unicode_without_bom(data: bytes) -> tuple[str, str] | None:
    """Return (codec, name) when the NULs in ``data`` follow the UTF-16 or UTF-32 pattern."""
    sample = data[: _SAMPLE - _SAMPLE % 4]
    if len(sample) < 4:
        return None
    # ASCII-range text in UTF-32: three NULs in every four bytes, the character in the first
    # (little-endian) or the last (big-endian) byte.
    quads = len(sample) // 4
    for offset, codec in ((0, "utf-32-le"), (3, "utf-32-be")):
        others = [i for i in range(4) if i != offset]
        if len(data) % 4 == 0 and all(sample[i::4].count(0) >= 0.9 * quads for i in others):
            return codec, "UTF-32"
    # UTF-16: a NUL in most even bytes (big-endian) or most odd bytes (little-endian) and
    # hardly any in the other half. Norwegian letters (æøå: 0x00e6 …) keep the pattern.
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd >= 0.3 * pairs and even <= 0.05 * pairs:
        return "utf-16-le", "UTF-16"
    if even >= 0.3 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be", "UTF-16"
    return None


def _decode(data: bytes, codec: str, name: str) -> DecodedText:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise TextFileError(
            TextProblem.BAD_UNICODE,
            f"The file looks like {name} but byte {exc.start} cannot be read as {name}.",
            encoding=name,
        ) from None
    if "\x00" in text:  # a NUL character in the decoded text: binary data, or unusable text
        raise _binary(data)
    return DecodedText(text, name)


def decode_text(data: bytes, *, legacy_fallback: bool = True) -> DecodedText:
    """Return the text of an uploaded file, or raise :class:`TextFileError` saying what is wrong.

    ``legacy_fallback`` reads non-UTF-8 bytes as Windows-1252 (CSV from Excel); without it they
    are an error (JSON is Unicode by definition).
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], codec, name)
    if data.startswith(tuple(signature for signature, _problem in _SIGNATURES)):
        raise _binary(data)
    if b"\x00" in data:
        found = _unicode_without_bom(data)
        if found is None:
            raise _binary(data)
        return _decode(data, *found)
    try:
        return DecodedText(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as exc:
        if not legacy_fallback:
            raise TextFileError(
                TextProblem.NOT_UTF8, f"The file is not UTF-8 text (byte {exc.start})."
            ) from None
    # Windows-1252 leaves five bytes undefined; "replace" keeps such a row visible in error reports.
    return DecodedText(data.decode("cp1252", errors="replace"), "Windows-1252")


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Return whether lists and objects in ``value`` nest deeper than ``limit`` (a loop, no recursion)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def load_json(data: str | bytes, *, max_depth: int = MAX_JSON_DEPTH, **options: Any) -> Any:
    """Parse an uploaded JSON document; raise :class:`TextFileError` for anything unusable.

    Bytes are decoded as UTF-8, UTF-16 or UTF-32 (a BOM is allowed); ``options`` go to
    ``json.loads`` (``object_pairs_hook``, ``parse_constant`` …). Syntax errors keep their line
    (``lineno``); a ``ValueError`` raised by a hook becomes a syntax error, other exceptions
    pass through.
    """
    text = decode_text(data, legacy_fallback=False).text if isinstance(data, bytes) else data
    try:
        value = json.loads(text.removeprefix("\ufeff"), **options)
    except RecursionError:
        raise TextFileError.too_deep(max_depth) from None
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4,300 digits
        detail = getattr(exc, "msg", str(exc))
        lineno, colno = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        raise TextFileError(TextProblem.JSON_SYNTAX, detail, lineno=lineno, colno=colno) from None
    # Nesting needs an opening bracket per level: two substring counts (memory speed) spare the
    # walk for every ordinary document, such as a survey response on the submission path.
    if text.count("[") + text.count("{") > max_depth and json_depth_exceeds(value, max_depth):
        raise TextFileError.too_deep(max_depth)
    return value
