"""Background work through Django's tasks: the queues, and enqueueing after commit.

One database queue (``django_tasks_db``) serves every app; a worker runs
``lintas db_worker --queue-name '*'``. Each kind of work has its own queue name, so that a
busy hub can give, say, messages a worker of their own (``--queue-name messaging``)
while the linkage runs elsewhere. A task is always enqueued after the transaction that
asked for it commits: a worker must never see a request for rows it cannot read yet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from django.db import transaction
from django.tasks import Task, default_task_backend

__all__ = [
    "QUEUE_DEFAULT",
    "QUEUE_INSIGHTS",
    "QUEUE_LINKAGE",
    "QUEUE_MESSAGING",
    "enqueue_on_commit",
    "tasks_in_background",
]

QUEUE_DEFAULT: Final = "default"
#: Linkage runs: long, one at a time.
QUEUE_LINKAGE: Final = "linkage"
#: Outbound messages and their retries: short, many.
QUEUE_MESSAGING: Final = "messaging"
#: Dashboard totals kept up to date.
QUEUE_INSIGHTS: Final = "insights"


def tasks_in_background() -> bool:
    """Whether enqueued tasks run in a worker (False: inline, in the enqueueing process).

    Inline tasks (``LINTAS_TASKS_BACKEND=immediate``, the tests' default) cannot wait for
    a later time, and a long one would hold the request that enqueued it.
    """
    return bool(default_task_backend.supports_defer)


def enqueue_on_commit(
    task: Task[Any, Any], *args: Any, run_after: datetime | None = None, **kwargs: Any
) -> None:
    """Enqueue ``task(*args, **kwargs)`` once the current transaction commits.

    Outside a transaction it is enqueued at once. ``run_after`` (an aware time) asks the
    worker not to start it earlier; a backend that cannot wait refuses such a task, so it
    is then not enqueued at all (``tasks_in_background`` says which).
    """

    def _enqueue() -> None:
        if run_after is None:
            task.enqueue(*args, **kwargs)
        elif tasks_in_background():
            task.using(run_after=run_after).enqueue(*args, **kwargs)

    transaction.on_commit(_enqueue)
