"""Module-level functions the sandbox tests run in a child process (importable without Django)."""

from __future__ import annotations

import os


def double(value: int) -> int:
    return value * 2


def spin() -> None:
    while True:
        pass


def hog_memory() -> int:
    blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB if nothing stops it
    return len(blocks)


def fail() -> None:
    raise RuntimeError("parser bug")


def pid() -> int:
    return os.getpid()
