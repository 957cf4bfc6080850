"""Progress reporting as an injected protocol: start, advance, finish, cancellable."""

from __future__ import annotations

from typing import Protocol


class Cancelled(Exception):
    """The user cancelled a long job; whatever it did is rolled back."""


class Progress(Protocol):
    def start(self, total: int, label: str = "") -> None: ...

    def advance(self, amount: int = 1) -> None:
        """Move on; raises Cancelled when the user asked to stop."""

    def finish(self) -> None: ...


class _NoProgress:
    def start(self, total: int, label: str = "") -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


NO_PROGRESS: Progress = _NoProgress()
