"""Indicator tables: indicators, their links to recommendations and clusters, their values."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nmrf_desktop.store.models import Base, Versioned, new_id, utcnow


class Indicator(Versioned, Base):
    """A structural, process or outcome indicator (OHCHR HR/PUB/12/5), with its Māori data
    governance: Māori data is never public unless `release_public` says it may be."""

    __tablename__ = "indicators"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    title_mi: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    unit: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    unit_multiplier: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    direction: Mapped[str | None] = mapped_column(String(10))  # up | down | none; NULL: not set
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    method: Mapped[str] = mapped_column(Text, nullable=False, default="")
    steward: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"))
    sdg: Mapped[str | None] = mapped_column(String(20))
    # Numbers as canonical text (Decimal-safe on SQLite and PostgreSQL alike).
    baseline_value: Mapped[str | None] = mapped_column(String(50))
    baseline_period: Mapped[str | None] = mapped_column(String(40))
    target_value: Mapped[str | None] = mapped_column(String(50))
    target_period: Mapped[str | None] = mapped_column(String(40))
    maori_data: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    governance: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    governance_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    release_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ix_indicators_steward", "steward"),
                      Index("ix_indicators_sdg", "sdg"))


class IndicatorLink(Base):
    """Many-to-many: an indicator measures one or many recommendations."""

    __tablename__ = "indicator_links"

    indicator_id: Mapped[str] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True)
    recommendation_id: Mapped[str] = mapped_column(
        ForeignKey("recommendations.id"), primary_key=True)
    __table_args__ = (Index("ix_indicator_links_rec", "recommendation_id"),)


class IndicatorCluster(Base):
    """Many-to-many: an indicator measures an overlap cluster (by its id; clusters are
    rebuilt, so no foreign key: a link to a cluster no longer there shows as such)."""

    __tablename__ = "indicator_clusters"

    indicator_id: Mapped[str] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True)
    cluster_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    __table_args__ = (Index("ix_indicator_clusters_cluster", "cluster_id"),)


class IndicatorValue(Base):
    """One version of one value: a period of a series (units + disaggregation).

    Never updated but to be superseded: a changed value is a new row with the next
    `version`, the old one loses `current` and names its successor. `key` is the hash of
    (period, units, disaggregation) that finds the slot.
    """

    __tablename__ = "indicator_values"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicators.id"), nullable=False)
    key: Mapped[str] = mapped_column(String(64), nullable=False)
    period: Mapped[str] = mapped_column(String(40), nullable=False)
    disaggregation: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    units: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    value: Mapped[str] = mapped_column(String(50), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="final")
    observation_status: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    attributes: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    evidence_id: Mapped[str | None] = mapped_column(ForeignKey("evidence.id"))
    maori_data: Mapped[bool | None] = mapped_column(Boolean)  # NULL: as the indicator
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    superseded_by: Mapped[str | None] = mapped_column(String(36))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    source_file: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    source_row: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("indicator_id", "key", "version", name="uq_indicator_values_version"),
        Index("ix_indicator_values_current", "indicator_id", "current"),
    )
