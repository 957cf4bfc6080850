"""The task runner: work on one worker thread, results and errors back on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from nmrf_desktop.ui.tasks import TaskRunner


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def test_runs_off_the_gui_thread_and_delivers_on_it(qtbot, tasks: TaskRunner) -> None:
    gui = threading.get_ident()
    seen: dict[str, int] = {}

    def work() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(value: int) -> None:
        seen["done"] = threading.get_ident()
        seen["value"] = value

    tasks.run(work, done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["worker"] != gui
    assert seen["done"] == gui
    assert seen["value"] == 42
    assert not tasks.busy


def test_tasks_run_one_at_a_time_in_order(qtbot, tasks: TaskRunner) -> None:
    order: list[int] = []
    threads: set[int] = set()

    def job(n: int) -> int:
        threads.add(threading.get_ident())
        return n

    for n in range(20):
        tasks.run(lambda n=n: job(n), order.append)
    qtbot.waitUntil(lambda: len(order) == 20)
    assert order == list(range(20))
    assert len(threads) == 1


def test_errors_go_to_on_error_or_to_the_failed_signal(qtbot, tasks: TaskRunner) -> None:
    errors: list[BaseException] = []

    def boom() -> None:
        raise ValueError("bad input")

    tasks.run(boom, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)

    with qtbot.waitSignal(tasks.failed, timeout=5000) as blocker:
        tasks.run(boom)
    assert blocker.args == ["bad input"]


def test_a_keyed_task_supersedes_the_queued_one(qtbot, tasks: TaskRunner) -> None:
    gate = threading.Event()
    results: list[str] = []
    tasks.run(gate.wait)  # keeps the worker busy so the next two stay queued
    tasks.run(lambda: "old", results.append, key="search")
    tasks.run(lambda: "new", results.append, key="search")
    gate.set()
    qtbot.waitUntil(lambda: not tasks.busy)
    assert results == ["new"]


def test_busy_changes_are_signalled(qtbot, tasks: TaskRunner) -> None:
    states: list[bool] = []
    tasks.busyChanged.connect(states.append)
    done: list[int] = []
    tasks.run(lambda: 1, done.append)
    qtbot.waitUntil(lambda: bool(done))
    assert states == [True, False]


def test_shutdown_finishes_queued_work_and_refuses_more(tasks: TaskRunner) -> None:
    ran = threading.Event()
    tasks.run(ran.set)
    tasks.shutdown()
    assert ran.is_set()
    with pytest.raises(RuntimeError):
        tasks.run(lambda: None)
