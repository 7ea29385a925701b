"""Background work of messaging through Django's tasks, started only after commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.tasks import default_task_backend


def enqueue_after_commit(task: Any, *args: Any, run_after: datetime | None = None) -> None:
    """Enqueue ``task(*args)`` once the current transaction commits.

    A backend that cannot defer (the immediate backend of a bare set-up) gets no
    ``run_after``: the later try is then made by ``lintas messaging-tick``.
    """

    def _enqueue() -> None:
        if run_after is not None:
            if not default_task_backend.supports_defer:
                return
            task.using(run_after=run_after).enqueue(*args)
        else:
            task.enqueue(*args)

    transaction.on_commit(_enqueue)
