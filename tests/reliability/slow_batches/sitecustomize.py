"""Test instrumentation for test_worker_crash.py, loaded by every Python process of the stack that the test
starts (this directory is put on PYTHONPATH): after each committed batch of a registry import the task
sleeps NOVATOR_TEST_BATCH_DELAY seconds, so that the test's SIGKILL lands in the middle of the file rather
than after a file that a fast machine imported in a second. Nothing else is changed."""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import time
from typing import Any

TARGET = "novator.organizations.tasks"


class _SlowBatches(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != TARGET:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module  # type: ignore[attr-defined]

        def exec_and_slow_down(module: Any) -> None:
            exec_module(module)
            batch_done = module._batch_done
            delay = float(os.environ.get("NOVATOR_TEST_BATCH_DELAY", "0"))

            def slow_batch_done(progress: Any, rows: Any) -> None:
                batch_done(progress, rows)
                time.sleep(delay)

            module._batch_done = slow_batch_done

        loader.exec_module = exec_and_slow_down  # type: ignore[method-assign]
        return spec


if os.environ.get("NOVATOR_TEST_BATCH_DELAY"):
    sys.meta_path.insert(0, _SlowBatches())
