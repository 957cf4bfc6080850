"""Overlap tables: indexed documents, term frequencies, matches, clusters, decisions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nmrf_desktop.store.models import Base, utcnow


class OverlapDoc(Base):
    """A recommendation as last indexed: its text fingerprint, term counts and asks."""

    __tablename__ = "overlap_docs"

    recommendation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    country: Mapped[str] = mapped_column(String(120), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    terms: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    asks: Mapped[str] = mapped_column(Text, nullable=False, default="")
    __table_args__ = (Index("ix_overlap_docs_country", "country"),)


class OverlapTerm(Base):
    """Document frequency of a term over every indexed recommendation (for idf)."""

    __tablename__ = "overlap_terms"

    term: Mapped[str] = mapped_column(String(200), primary_key=True)
    df: Mapped[int] = mapped_column(Integer, nullable=False)


class OverlapMatch(Base):
    """Two recommendations found to ask the same thing, with the reason (a < b)."""

    __tablename__ = "overlap_matches"

    rec_a: Mapped[str] = mapped_column(String(36), primary_key=True)
    rec_b: Mapped[str] = mapped_column(String(36), primary_key=True)
    country: Mapped[str] = mapped_column(String(120), nullable=False)
    basis: Mapped[str] = mapped_column(String(20), nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    __table_args__ = (Index("ix_overlap_matches_b", "rec_b"),
                      Index("ix_overlap_matches_country", "country"))


class OverlapCluster(Base):
    __tablename__ = "overlap_clusters"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    country: Mapped[str] = mapped_column(String(120), nullable=False)
    channel: Mapped[str] = mapped_column(String(60), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    reasons: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    __table_args__ = (Index("ix_overlap_clusters_country", "country"),)


class OverlapMember(Base):
    __tablename__ = "overlap_members"

    cluster_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    recommendation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    __table_args__ = (Index("ix_overlap_members_rec", "recommendation_id"),)


class OverlapDecision(Base):
    """A coordinator's verdict on a pair, by recommendation UUIDs: travels with the data."""

    __tablename__ = "overlap_decisions"

    rec_a: Mapped[str] = mapped_column(String(36), primary_key=True)
    rec_b: Mapped[str] = mapped_column(String(36), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(10), nullable=False)
    decided_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class CarryForward(Base):
    """A coordinator's decision that a recommendation repeats an earlier one (issue 17).

    `carried`: the earlier one's agencies were assigned to the new one and its actions
    linked (what was added is kept, as JSON lists, so undo removes exactly that);
    `declined`: not a repeat worth carrying, so it is not offered again. Nothing is
    written here without a human decision; the row travels to laptops in packs.
    """

    __tablename__ = "carry_forwards"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    recommendation_id: Mapped[str] = mapped_column(ForeignKey("recommendations.id"),
                                                   nullable=False)
    earlier_id: Mapped[str] = mapped_column(ForeignKey("recommendations.id"), nullable=False)
    verdict: Mapped[str] = mapped_column(String(10), nullable=False)  # carried | declined
    agencies: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    actions: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    decided_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        UniqueConstraint("recommendation_id", "earlier_id", name="uq_carry_forwards_pair"),
        Index("ix_carry_forwards_earlier", "earlier_id"),
    )
