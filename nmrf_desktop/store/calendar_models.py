"""Reporting calendar tables: UN deadlines per body and the recommendations each covers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nmrf_desktop.store.models import Base, Versioned, new_id


class CalendarEntry(Versioned, Base):
    """One reporting deadline of a body: a periodic report, list of issues, follow-up, …

    It covers the recommendations linked in `calendar_covers`, and also, when
    `covers_all` is set, every recommendation of `body` (in `cycle`, when one is given)
    — read when shown, so recommendations imported later are covered too.
    """

    __tablename__ = "calendar_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    body: Mapped[str] = mapped_column(String(80), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    due_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    covers_all: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    cycle: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (Index("ix_calendar_entries_due", "due_on"),
                      Index("ix_calendar_entries_body", "body"))


class CalendarCover(Base):
    """Many-to-many: a calendar entry covers a recommendation chosen by reference."""

    __tablename__ = "calendar_covers"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("calendar_entries.id", ondelete="CASCADE"), primary_key=True)
    recommendation_id: Mapped[str] = mapped_column(
        ForeignKey("recommendations.id"), primary_key=True)
    __table_args__ = (Index("ix_calendar_covers_rec", "recommendation_id"),)
