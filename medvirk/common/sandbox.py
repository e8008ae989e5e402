"""Run a parser on an uploaded file in a child process with a time and a memory limit.

Pure Python (no Django): the child runs only the parser. ``medvirk.core.uploads.parse_limited``
is the entry point with the limits from settings.

Why a child process: Python cannot stop a thread, and the cost of parsing a workbook depends
on more than its inflated size (openpyxl pads rows to the declared dimension, one shared string
can be referenced by every cell and copied by each ``strip()``), so no cheap check up front
bounds it. A child can be killed at the deadline, and ``RLIMIT_AS`` turns runaway memory into a
``MemoryError`` in the child instead of the web worker being killed by the kernel.

Why the ``forkserver`` start method (measured on the project's 2-core machine under a load
average of about 10, importing the XLSForm reader, i.e. pyxform and openpyxl):

============  ==============================  =============================================
method        cost per parse                  drawback
============  ==============================  =============================================
spawn         1.4–2.9 s (a new interpreter    every upload waits for the imports
              imports pyxform each time)
fork          30 ms                           copies the web process with its threads' locks
                                              (runserver, threaded workers): unsafe
forkserver    70–100 ms after a first 2.4 s   one idle helper per web process after its
              (the server imports once)       first upload (53 MB) and multiprocessing's
                                              resource tracker (13 MB)
============  ==============================  =============================================

The fork server is a fresh single-threaded interpreter that has imported the parser modules
(``preload``); each parse is a fork of it, so it inherits no web-worker state: no database
connection, no threads, no request. It stops when its parent process exits. Python 3.11 gives
the server no path to the parent's main script, so each child imports that script again before
it runs (``multiprocessing.spawn.prepare``): gunicorn's and ``manage.py``'s are a few imports, so
keep a main script that starts Medvirk light at import (code under ``if __name__ == "__main__"``).

Measured through ``read_survey_upload`` with a gunicorn-like main script (load average 7 on 2
cores): the first parse of a web process 1.4 s (the server starts), then a 9 KB XLSForm 0.14–0.18 s
(0.08 s in process) and a 3,000-question one 1.7–2.1 s (1.6 s in process); hence the default
``UPLOAD_PARSE_SECONDS`` of 20, ten times the largest form we expect.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import traceback
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

_preloaded: set[str] = set()


class LimitReason(StrEnum):
    TIME = "time"
    MEMORY = "memory"
    FAILED = "failed"  # the parser raised or the child died another way


class LimitExceeded(Exception):
    """The parse did not finish within its limits; ``reason`` says which, ``detail`` for logs."""

    def __init__(self, reason: LimitReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail


def _context(preload: Sequence[str]) -> Any:
    """Return the forkserver context, asking the server to import ``preload`` when it starts.

    ``multiprocessing`` has one fork server per process and reads the module list only when
    it starts it, so modules named after the first use are imported by each child instead.
    """
    context = multiprocessing.get_context("forkserver")
    if not set(preload) <= _preloaded:
        _preloaded.update(preload)
        context.set_forkserver_preload(sorted(_preloaded))
    return context


def _vm_bytes() -> int:
    """Return this process's virtual memory size (Linux), or 0 where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _child(send: Any, func: Callable[..., Any], args: tuple[Any, ...], seconds: float, memory: int) -> None:
    """Set the limits on this process, run ``func(*args)`` and send back what happened."""
    cpu = int(seconds) + 1  # a second line of defence: the kernel stops a child the parent lost
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU would otherwise dump core
    base = _vm_bytes()
    if base:  # the address space already mapped (libraries, the server's heap) plus the budget
        resource.setrlimit(resource.RLIMIT_AS, (base + memory, base + memory))
    try:
        outcome: tuple[str, Any] = ("ok", func(*args))
    except MemoryError:
        outcome = (LimitReason.MEMORY, "")
    except BaseException:
        outcome = (LimitReason.FAILED, traceback.format_exc(limit=-8))
    try:
        send.send(outcome)
    except MemoryError:  # the result itself does not fit
        send.send((LimitReason.MEMORY, "result"))
    finally:
        send.close()


def run_limited(
    func: Callable[..., Any],
    *args: Any,
    seconds: float,
    memory_bytes: int,
    preload: Sequence[str] = (),
) -> Any:
    """Return ``func(*args)`` computed in a child process, or raise :class:`LimitExceeded`.

    ``func`` must be a module-level function and its arguments and result picklable. The child
    is killed after ``seconds`` of wall time; it may allocate ``memory_bytes`` beyond what the
    fork server had mapped. Exceptions ``func`` raises come back as ``LimitExceeded(FAILED)``
    with the traceback in ``detail`` (parsers report problems as values, not exceptions).
    """
    context = _context(preload)
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, func, args, seconds, memory_bytes), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise LimitExceeded(LimitReason.TIME, f"{seconds} s")
        try:
            status, value = receive.recv()
        except (EOFError, OSError):  # killed: CPU limit, out of memory while unwinding
            raise LimitExceeded(LimitReason.FAILED, f"exit code {process.exitcode}") from None
    finally:
        receive.close()
        with contextlib.suppress(OSError):
            if process.is_alive():
                process.kill()
        process.join()
        process.close()
    if status != "ok":
        raise LimitExceeded(LimitReason(status), value)
    return value
