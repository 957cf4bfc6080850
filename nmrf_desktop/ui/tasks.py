"""The task runner: database work serialized on one worker thread, results back by signal.

Widgets never call a service directly from the GUI thread. They hand a callable to
`TaskRunner.run`; it runs on the single worker (so database work is serialized and
never blocks the event loop), and `on_done` / `on_error` run back on the GUI thread.
A task given a `key` supersedes a queued task with the same key that has not started
yet (a search typed on top of an older search), so the queue never grows stale.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Job:
    """The callable the worker runs; it lets go of `fn` before the future completes."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn: Callable[[], Any] | None = fn

    def __call__(self) -> Any:
        fn, self.fn = self.fn, None
        assert fn is not None
        return fn()


class TaskRunner(QObject):
    """One background worker for database work; callbacks come back on the GUI thread.

    Callbacks (and the task itself) are held only by the runner on the GUI thread and
    released there, so a widget captured by a callback is never destroyed on the worker.
    """

    # Emitted from the worker with a job number; Qt queues it to the runner's thread.
    _deliver = Signal(int)
    busyChanged = Signal(bool)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nmrf-db")
        self._pending = 0
        self._queued: dict[str, Future[Any]] = {}
        self._jobs: dict[int, tuple[Future[Any], Any, Done | None, Failed | None,
                                    str | None]] = {}
        self._next_job = 0
        self._closed = False
        self._deliver.connect(self._on_deliver)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    @property
    def closed(self) -> bool:
        return self._closed

    def run(self, fn: Callable[[], T], on_done: Callable[[T], None] | None = None,
            on_error: Failed | None = None, *, key: str | None = None) -> Future[T]:
        """Run `fn` on the worker; then `on_done(result)` or `on_error(exc)` on this thread."""
        if self._closed:
            raise RuntimeError("the task runner is shut down")
        if key is not None:
            previous = self._queued.pop(key, None)
            if previous is not None:
                previous.cancel()  # only succeeds if it has not started; that is the point
        self._next_job += 1
        job = self._next_job
        future = self._executor.submit(_Job(fn))
        self._jobs[job] = (future, fn, on_done, on_error, key)
        if key is not None:
            self._queued[key] = future
        self._set_pending(self._pending + 1)

        def finished(_f: Future[T], job: int = job) -> None:
            self._finished(job)
        future.add_done_callback(finished)
        return future

    def _finished(self, job: int) -> None:
        # Runs on the worker (or on this thread for a cancelled task): hop to the GUI thread.
        if not self._closed:
            self._deliver.emit(job)

    @Slot(int)
    def _on_deliver(self, job: int) -> None:
        entry = self._jobs.pop(job, None)
        if entry is None or self._closed:
            return
        future, _fn, on_done, on_error, key = entry
        self._complete(future, on_done, on_error, key)

    def _complete(self, future: Future[Any], on_done: Done | None, on_error: Failed | None,
                  key: str | None) -> None:
        if key is not None and self._queued.get(key) is future:
            del self._queued[key]
        self._set_pending(self._pending - 1)
        if future.cancelled():
            return
        exc = future.exception()
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                log.error("background task failed", exc_info=exc)
                self.failed.emit(str(exc) or type(exc).__name__)
            return
        if on_done is not None:
            on_done(future.result())

    def _set_pending(self, value: int) -> None:
        was_busy = self._pending > 0
        self._pending = value
        if was_busy != (value > 0):
            self.busyChanged.emit(value > 0)

    def shutdown(self) -> None:
        """Finish queued work and deliver nothing more.

        Keyed tasks still queued are dropped (a newer request superseded them anyway);
        every other task runs, so a queued write or a record's close is never lost.
        """
        if self._closed:
            return
        self._closed = True
        for future in list(self._queued.values()):
            future.cancel()
        self._queued.clear()
        self._executor.shutdown(wait=True)
        self._jobs.clear()
