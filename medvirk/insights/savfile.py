"""Write SPSS system files (.sav) in constant memory, batch by batch.

No library writes a .sav incrementally: pyreadstat (ReadStat) writes one whole pandas data frame
(606 MB peak for 200,000 responses × 30 questions), and pyspssio's ``append_sav`` needs IBM's
proprietary I/O module. This writer follows the documented format (GNU PSPP Developers Guide,
"System File Format") and writes only what the response-level export needs:

- file header (record type 1) with the case count, bytecode compression (bias 100);
- one variable record (type 2) per variable and 8-byte segment, with its label and up to three
  discrete user-missing values; strings over 255 bytes as very long strings (segments of 255
  bytes, subtype 14); strings over 32,767 bytes (SPSS's maximum width) are cut at a character;
- value labels (types 3 and 4) for numeric variables; labels are cut to 255 bytes (variable)
  and 120 bytes (value) at a character boundary;
- machine integer and floating-point info (subtypes 3, 4), measure level, display width and
  alignment (11), long variable names (13), case count (16) and the UTF-8 encoding (20).

String widths are the longest value written (as pyreadstat does), which is known only at the
end: ``add`` therefore encodes each batch's numbers at once and spools the batch to a temporary
file (about one byte a number), and ``write`` writes the dictionary and then the cases from the
spool, a bounded chunk at a time. Memory stays flat whatever the number of cases.
"""

from __future__ import annotations

import pickle
import struct
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

import numpy as np

BIAS = 100.0
MAX_STRING = 32767  # SPSS's widest string, in bytes
SEGMENT = 255  # bytes of data in each segment of a very long string
SEGMENT_WIDTH = 252  # width a very long string's segment stands for (PSPP guide, subtype 14)
VARIABLE_LABEL_BYTES = 255
VALUE_LABEL_BYTES = 120
SYSMIS = struct.pack("<Q", 0xFFEFFFFFFFFFFFFF)  # -DBL_MAX
HIGHEST = struct.pack("<Q", 0x7FEFFFFFFFFFFFFF)
LOWEST = struct.pack("<Q", 0xFFEFFFFFFFFFFFFE)
MEASURES = {"nominal": 1, "ordinal": 2, "scale": 3}
RAW, SPACES, MISSING = 253, 254, 255  # compression codes; 1–251 are the integers code − bias
CHUNK_UNITS = 1 << 18  # 8-byte units compressed at once in ``write`` (≈ 20 MB of work arrays)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
F8_2 = (5 << 16) | (8 << 8) | 2  # print/write format F8.2, as pyreadstat writes numbers


class Writable(Protocol):
    """Where a file is written: anything with ``write(bytes)`` (a file, a socket, a counter)."""

    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True)
class Variable:
    """One variable of the file: numbers (float, NaN for system-missing) or text."""

    name: str  # a valid SPSS name, at most 64 bytes
    label: str = ""
    numeric: bool = True
    value_labels: Mapping[float, str] = field(default_factory=dict)
    missing: Sequence[float] = ()  # discrete user-missing values, at most three
    measure: str = "nominal"


def _cut(text: str, limit: int) -> bytes:
    """Return ``text`` in UTF-8, cut to at most ``limit`` bytes without splitting a character."""
    data = text.encode()
    if len(data) <= limit:
        return data
    return data[:limit].decode("utf-8", "ignore").encode()


def _segments(width: int) -> list[int]:
    """Return the widths of the segments that store a string of ``width`` bytes (one if ≤ 255)."""
    if width <= SEGMENT:
        return [width]
    n = (width + SEGMENT_WIDTH - 1) // SEGMENT_WIDTH
    return [SEGMENT] * (n - 1) + [width - (n - 1) * SEGMENT_WIDTH]


def _units(width: int) -> int:
    """Return the number of 8-byte units a string segment of ``width`` bytes occupies."""
    return (width + 7) // 8


class SavWriter:
    """Collect cases with ``add`` (column batches), then ``write`` the whole file once.

    Use as a context manager so the spool is removed even if writing fails.
    """

    def __init__(self, variables: Sequence[Variable], *, file_label: str = "") -> None:
        self.variables = list(variables)
        self.file_label = file_label
        self.numeric = [i for i, v in enumerate(self.variables) if v.numeric]
        self.strings = [i for i, v in enumerate(self.variables) if not v.numeric]
        self.widths = {i: 1 for i in self.strings}  # longest value so far, in bytes
        self.cases = 0
        self.batches = 0
        self.spool: IO[bytes] = tempfile.TemporaryFile(suffix=".spool")  # noqa: SIM115 (closed on exit)

    def __enter__(self) -> SavWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.spool.close()

    def add(self, columns: Sequence[Sequence[Any]]) -> None:
        """Add a batch of cases, given as one equally long column per variable, in order.

        Numbers are floats (NaN or None for system-missing); text is ``str`` (``None`` → empty).
        """
        n = len(columns[0]) if columns else 0
        if not n:
            return
        values = np.empty((n, len(self.numeric)), dtype=np.float64)
        for j, i in enumerate(self.numeric):
            values[:, j] = np.asarray(columns[i], dtype=np.float64)
        codes = np.full(values.shape, RAW, dtype=np.uint8)
        whole = (values == np.round(values)) & (values >= 1 - BIAS) & (values <= 251 - BIAS)
        codes[whole] = (values[whole] + BIAS).astype(np.uint8)
        codes[np.isnan(values)] = MISSING
        raw = values[codes == RAW]
        texts: list[list[bytes]] = []
        for i in self.strings:
            encoded = [b"" if v is None else str(v).encode() for v in columns[i]]
            longest = max(map(len, encoded))
            if longest > MAX_STRING:
                encoded = [v if len(v) <= MAX_STRING else _cut(v.decode(), MAX_STRING) for v in encoded]
                longest = max(map(len, encoded))
            self.widths[i] = max(self.widths[i], longest)
            texts.append(encoded)
        pickle.dump((n, codes, raw, texts), self.spool, protocol=pickle.HIGHEST_PROTOCOL)
        self.cases += n
        self.batches += 1

    def write(self, out: Writable) -> int:
        """Write the dictionary and all cases added to ``out``; return the number of cases."""
        layout = self._layout()
        out.write(self._dictionary(layout))
        self.spool.seek(0)
        for _ in range(self.batches):
            n, codes, raw, texts = pickle.load(self.spool)  # noqa: S301 (our own unlinked file)
            values = np.zeros(codes.shape, dtype=np.float64)
            values[codes == RAW] = raw
            step = max(1, CHUNK_UNITS // layout.units)
            for start in range(0, n, step):
                end = min(n, start + step)
                out.write(
                    self._cases(layout, codes[start:end], values[start:end], [t[start:end] for t in texts])
                )
        return self.cases

    # -- dictionary ---------------------------------------------------------------------------

    def _layout(self) -> _Layout:
        """Place every variable: its segments' widths and its first 8-byte unit in a case."""
        offsets: list[int] = []
        segments: list[list[int]] = []
        unit = 0
        for i, v in enumerate(self.variables):
            widths = [0] if v.numeric else _segments(self.widths[i])
            offsets.append(unit)
            segments.append(widths)
            unit += sum(_units(w) if w else 1 for w in widths)
        return _Layout(offsets, segments, unit)

    def _dictionary(self, layout: _Layout) -> bytes:
        parts = [self._header(layout.units)]
        short = 0
        long_names: list[str] = []
        very_long: list[str] = []
        display: list[int] = []
        for i, v in enumerate(self.variables):
            for s, width in enumerate(layout.segments[i]):
                short += 1
                name = f"V{short}"
                first = s == 0
                label = _cut(v.label, VARIABLE_LABEL_BYTES) if first and v.label else b""
                missing = list(v.missing) if first and v.numeric else []
                if len(missing) > 3:
                    raise ValueError(f"{v.name}: at most three user-missing values")
                fmt = F8_2 if v.numeric else (1 << 16) | (min(width, 255) << 8)
                parts.append(
                    struct.pack(
                        "<iiiiii8s",
                        2,
                        width,
                        1 if label else 0,
                        len(missing),
                        fmt,
                        fmt,
                        name.ljust(8).encode(),
                    )
                )
                if label:
                    parts.append(struct.pack("<i", len(label)) + label.ljust((len(label) + 3) // 4 * 4))
                parts.extend(struct.pack("<d", m) for m in missing)
                stored = _units(width) if width else 1
                blank = struct.pack("<iiiiii8s", 2, -1, 0, 0, 0, 0, b" " * 8)
                parts.append(blank * (stored - 1))
                measure = MEASURES[v.measure]
                display += [measure, 8, 1 if v.numeric else 0]
                if first:
                    long_names.append(f"{name}={v.name}")
                    if len(layout.segments[i]) > 1:
                        very_long.append(f"{name}={self.widths[i]:05d}\0\t")
        for i, v in enumerate(self.variables):
            if v.value_labels:
                if not v.numeric:
                    raise ValueError(f"{v.name}: value labels are written for numbers only")
                parts.append(_value_labels(v.value_labels, layout.offsets[i] + 1))
        parts.append(_info(3, 4, struct.pack("<8i", 20, 0, 0, -1, 1, 1, 2, 65001)))
        parts.append(_info(4, 8, SYSMIS + HIGHEST + LOWEST))
        parts.append(_info(11, 4, struct.pack(f"<{len(display)}i", *display)))
        parts.append(_info(13, 1, "\t".join(long_names).encode()))
        if very_long:
            parts.append(_info(14, 1, "".join(very_long).encode()))
        parts.append(_info(16, 8, struct.pack("<qq", 1, self.cases)))
        parts.append(_info(20, 1, b"UTF-8"))
        parts.append(struct.pack("<ii", 999, 0))
        return b"".join(parts)

    def _header(self, units: int) -> bytes:
        now = time.localtime()
        return struct.pack(
            "<4s60siiiiid9s8s64s3x",
            b"$FL2",
            b"@(#) SPSS DATA FILE Medvirk".ljust(60),
            2,  # layout code
            units,  # nominal case size, in 8-byte units
            1,  # bytecode compression
            0,  # no weight variable
            self.cases if self.cases < 2**31 else -1,  # -1: unknown (the 64-bit count is in subtype 16)
            BIAS,
            f"{now.tm_mday:02d} {MONTHS[now.tm_mon - 1]} {now.tm_year % 100:02d}".encode(),
            time.strftime("%H:%M:%S", now).encode(),
            _cut(self.file_label, 64).ljust(64),
        )

    # -- cases ----------------------------------------------------------------------------------

    def _cases(self, layout: _Layout, codes: Any, values: Any, texts: list[list[bytes]]) -> bytes:
        """Return the compressed cases: per case, blocks of 8 codes each followed by raw units."""
        n = len(codes)
        blocks = (layout.units + 7) // 8
        code = np.zeros((n, blocks * 8), dtype=np.uint8)  # 0 pads a case's last block
        data = np.zeros((n, blocks * 8, 8), dtype=np.uint8)
        at = np.array([layout.offsets[i] for i in self.numeric], dtype=np.intp)
        code[:, at] = codes
        data[:, at, :] = values.astype("<f8", copy=False).view(np.uint8).reshape(n, len(self.numeric), 8)
        for k, i in enumerate(self.strings):
            widths = layout.segments[i]
            stored = sum(map(_units, widths))
            start = layout.offsets[i]
            cells = np.frombuffer(_pack(texts[k], widths, stored * 8), dtype=np.uint8).reshape(n, stored, 8)
            data[:, start : start + stored, :] = cells
            code[:, start : start + stored] = np.where((cells == 32).all(axis=2), SPACES, RAW)
        out = np.empty((n, blocks, 72), dtype=np.uint8)
        out[:, :, :8] = code.reshape(n, blocks, 8)
        out[:, :, 8:] = data.reshape(n, blocks, 64)
        keep = np.empty(out.shape, dtype=bool)
        keep[:, :, :8] = True
        keep[:, :, 8:] = np.repeat(code.reshape(n, blocks, 8) == RAW, 8, axis=2)
        return out[keep].tobytes()


@dataclass
class _Layout:
    offsets: list[int]  # first 8-byte unit of each variable in a case
    segments: list[list[int]]  # segment widths of each variable (0 for a number)
    units: int  # 8-byte units in a case


def _pack(values: list[bytes], widths: list[int], size: int) -> bytes:
    """Return ``values`` laid out as stored: 255 bytes in each 256-byte segment, space-padded."""
    if len(widths) == 1:
        return b"".join(v.ljust(size) for v in values)
    out = []
    for v in values:
        if len(v) > SEGMENT:  # the last piece may lie in a narrower last segment: cut the padding
            v = b"".join(v[p : p + SEGMENT].ljust(SEGMENT + 1) for p in range(0, len(v), SEGMENT))[:size]
        out.append(v.ljust(size))
    return b"".join(out)


def _info(subtype: int, size: int, payload: bytes) -> bytes:
    """Return an extension record (type 7): ``payload`` as ``len / size`` items of ``size`` bytes."""
    return struct.pack("<iiii", 7, subtype, size, len(payload) // size) + payload


def _value_labels(labels: Mapping[float, str], index: int) -> bytes:
    """Return a value label record (type 3) and its variable record (type 4) for one variable."""
    parts = [struct.pack("<ii", 3, len(labels))]
    for value, text in labels.items():
        label = _cut(text, VALUE_LABEL_BYTES)
        entry = struct.pack("<dB", float(value), len(label)) + label
        parts.append(entry.ljust(8 + (len(label) + 1 + 7) // 8 * 8))
    parts.append(struct.pack("<iii", 4, 1, index))
    return b"".join(parts)
