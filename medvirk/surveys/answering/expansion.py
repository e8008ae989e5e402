"""The job worker's side of received responses (issue 21, bench/submit).

The public API stores a validated response as one ``ReceivedResponse`` row and answers at once
(``services.response_receive``); the task here, run by ``db_worker``, expands received rows into
responses and answer rows in batches (``services.received_expand``). A submission queues the task
only when none waits already, which its own INSERT asks on PostgreSQL, so a burst of submissions
queues a handful of tasks, not one each. ``warm_results --watch`` queues one too whenever it finds
received rows and no task waiting (after a worker died mid-task, say), so none waits for long.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import connection
from django_tasks import task

from medvirk.core.actors import SystemActor

#: Medvirk itself expands what respondents sent.
EXPANDER = SystemActor("the job worker storing received responses")

#: Seconds without a new received response after which a task starts storing; also the least it
#: waits, so a submission whose INSERT saw the task waiting has committed when it starts.
PAUSE = 0.5
#: While responses keep arriving (a burst: a newsletter's link, a class at once), a task waits up to
#: this long before it stores them, so the requests get the CPU first and it stores them in larger
#: batches once arrivals pause. Results count a response within about this long plus the storing.
MAX_WAIT = 10.0


def wait_for_a_lull() -> float:
    """Sleep until no response was received for ``PAUSE`` seconds, at most ``MAX_WAIT``; return
    the seconds waited."""
    from .answer_store import received_latest

    waited, last = 0.0, None
    while waited < MAX_WAIT:
        latest = received_latest()
        if latest == last:
            break
        last = latest
        time.sleep(PAUSE)
        waited += PAUSE
    return waited


@task()
def expand_received_responses() -> int:
    """Expand every received response; return how many responses were stored."""
    from .services import finished_expansions_prune, received_expand

    if expansion_queue() is not None:  # a real worker (not the immediate backend of tests)
        wait_for_a_lull()
    stored = received_expand(actor=EXPANDER)
    finished_expansions_prune(actor=EXPANDER)  # each run leaves a row; the oldest go
    return stored


#: Finished expansion tasks stay in the task table this long (to see that the worker ran), ...
KEEP_SUCCESSFUL = timedelta(hours=1)
#: ... failed ones this long (to find out why; the received rows stay and are expanded again).
KEEP_FAILED = timedelta(days=14)
#: At most this many are deleted per task run: one short DELETE, however long none was pruned.
PRUNE_AT_MOST = 1000


def expansion_queue() -> tuple[str, str] | None:
    """Return the quoted task table and this task's path when tasks are queued in the database
    (``django_tasks_db``), else None (the immediate backend runs a task when it is queued)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(expand_received_responses.get_backend(), DatabaseBackend):
        return None
    return connection.ops.quote_name(DBTaskResult._meta.db_table), expand_received_responses.module_path


def expansion_waits() -> bool:
    """Return whether an expansion task is queued and not started yet."""
    from django_tasks_db.models import DBTaskResult

    queue = expansion_queue()
    return queue is not None and DBTaskResult.objects.ready().filter(task_path=queue[1]).exists()


def expansion_wanted() -> None:
    """Queue the expansion task unless one waits already (PostgreSQL asked that with the INSERT)."""
    if connection.vendor != "postgresql" and expansion_waits():
        return
    expand_received_responses.enqueue()
