"""What officers record (actions, progress updates, evidence) and the rules each must meet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus


class InvalidEntry(ValueError):
    """A draft breaks a rule; `field` names the field so a dialog can point at it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


# Characters in a description or a narrative: the bundle format's limit, so whatever an
# officer can save, the centre can merge.
MAX_TEXT = 100_000


@dataclass(slots=True)
class ActionDraft:
    title: str
    agency: str
    description: str = ""
    kind: ActionKind = ActionKind.OTHER
    status: ActionStatus = ActionStatus.PLANNED
    start_date: dt.date | None = None
    target_date: dt.date | None = None
    completed_date: dt.date | None = None
    is_public: bool = False
    recommendation_ids: tuple[str, ...] = ()

    def validate(self) -> None:
        if not self.title.strip():
            raise InvalidEntry("title", "An action needs a title.")
        if len(self.title) > 300:
            raise InvalidEntry("title", "The title is longer than 300 characters.")
        if len(self.description) > MAX_TEXT:
            raise InvalidEntry("description",
                               f"The description is longer than {MAX_TEXT:,} characters.")
        if self.start_date and self.target_date and self.target_date < self.start_date:
            raise InvalidEntry("target_date", "The target date is before the start date.")
        if self.start_date and self.completed_date and self.completed_date < self.start_date:
            raise InvalidEntry("completed_date", "The completed date is before the start date.")
        if self.status is ActionStatus.COMPLETED and self.completed_date is None:
            raise InvalidEntry("completed_date", "A completed action needs its completed date.")
        if not self.recommendation_ids:
            raise InvalidEntry("recommendations",
                               "Link the action to at least one recommendation.")


@dataclass(slots=True)
class ProgressDraft:
    recommendation_id: str
    agency: str
    status: ImplementationStatus
    narrative: str
    as_of: dt.date = field(default_factory=dt.date.today)
    is_public: bool = False

    def validate(self, today: dt.date | None = None) -> None:
        if not self.narrative.strip():
            raise InvalidEntry("narrative", "Say what has happened: the narrative is empty.")
        if len(self.narrative) > MAX_TEXT:
            raise InvalidEntry("narrative",
                               f"The narrative is longer than {MAX_TEXT:,} characters.")
        if self.as_of > (today or dt.date.today()):
            raise InvalidEntry("as_of", "The as-of date is in the future.")


@dataclass(frozen=True, slots=True)
class ActionRecord:
    id: str
    agency: str
    title: str
    description: str
    kind: str
    status: str
    start_date: dt.date | None
    target_date: dt.date | None
    completed_date: dt.date | None
    is_public: bool
    version: int
    recommendation_ids: tuple[str, ...]

    def draft(self) -> ActionDraft:
        """The draft that would recreate these values (undo, redo, re-insert)."""
        return ActionDraft(
            title=self.title, agency=self.agency, description=self.description,
            kind=ActionKind(self.kind), status=ActionStatus(self.status),
            start_date=self.start_date, target_date=self.target_date,
            completed_date=self.completed_date, is_public=self.is_public,
            recommendation_ids=self.recommendation_ids)


@dataclass(frozen=True, slots=True)
class ProgressRecord:
    id: str
    recommendation_id: str
    agency: str
    status: str
    narrative: str
    as_of: dt.date
    is_public: bool
    officer: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    id: str
    action_id: str | None
    recommendation_id: str | None
    display_name: str
    sha256: str | None
    size: int | None
    media_type: str
    url: str
    is_public: bool
    created_at: dt.datetime
