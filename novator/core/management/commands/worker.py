"""The task worker of `make run`: django-tasks-db's `db_worker` with the job reaper beside it.

    python manage.py worker [the options of db_worker]

A thread runs `novator.core.jobs.jobs_reap` at start and every half lease
(settings.NOVATOR_JOB_LEASE_SECONDS): jobs whose worker died are queued again and resume from their
committed work, or are marked failed with the reason. Run this instead of `db_worker`; several workers
(on several hosts sharing one PostgreSQL) may run at once.
"""

from __future__ import annotations

import threading
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from novator.core.jobs import reaper_loop


class Command(DbWorkerCommand):
    help = "Run the background task worker with the reaper of jobs whose worker died."

    def handle(self, *args: Any, **options: Any) -> None:
        stopped = threading.Event()
        reaper = threading.Thread(target=reaper_loop, args=(stopped,), name="job-reaper", daemon=True)
        reaper.start()
        try:
            super().handle(*args, **options)
        finally:
            stopped.set()
