"""The tables of the record, as typed SQLAlchemy ORM classes.

Every record that can change after it is shared carries a `version` that the ORM
increments on each update (optimistic concurrency; bundles name it as base version).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # Every model is declared with __tablename__, so it is mapped to a Table
        # (DeclarativeBase allows any FromClause).
        __table__: ClassVar[Table]


class Versioned:
    """Mixin: a row version the ORM bumps on every UPDATE (base version for bundles)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Recommendation(Versioned, Base):
    __tablename__ = "recommendations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # Local sequence number: the full-text index's rowid (stable across VACUUM).
    num: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    reference: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    source_id: Mapped[str] = mapped_column(String(80), nullable=False)
    # Hash of the imported fields: a re-import compares it to skip unchanged rows.
    source_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(120), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    paragraph: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    document_symbol: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    mechanism: Mapped[str] = mapped_column(String(20), nullable=False)
    body: Mapped[str] = mapped_column(String(80), nullable=False)
    upr_session: Mapped[int | None] = mapped_column(Integer)
    cycle: Mapped[int | None] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[str | None] = mapped_column(String(20))
    action_category: Mapped[int | None] = mapped_column(Integer)
    te_tiriti: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    withdrawn: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Latest progress status and when it was set (kept by the progress service).
    status: Mapped[str | None] = mapped_column(String(30))
    last_update_on: Mapped[dt.date | None] = mapped_column(Date)
    # Treaty bodies: singled out for follow-up, or among the "paragraphs of particular
    # importance" (set from the concluding observations; 0012).
    follow_up: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                            server_default=false())
    important: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                            server_default=false())

    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_recommendations_source_id"),
        Index("ix_recommendations_body_cycle", "body", "cycle"),
        Index("ix_recommendations_country", "country"),
        Index("ix_recommendations_status", "status"),
    )


class State(Base):
    """A recommending state (or body) and its UN regional group."""

    __tablename__ = "states"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    regional_group: Mapped[str] = mapped_column(String(40), nullable=False, default="")


class RecommendationState(Base):
    __tablename__ = "recommendation_states"

    recommendation_id: Mapped[str] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id"), primary_key=True)
    __table_args__ = (Index("ix_recommendation_states_state", "state_id"),)


class Term(Base):
    """One entry of a taxonomy: a theme, an affected group, or an SDG target."""

    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    label: Mapped[str] = mapped_column(String(500), nullable=False)
    __table_args__ = (UniqueConstraint("kind", "label", name="uq_terms_kind_label"),)


class RecommendationTerm(Base):
    __tablename__ = "recommendation_terms"

    recommendation_id: Mapped[str] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), primary_key=True)
    __table_args__ = (Index("ix_recommendation_terms_term", "term_id"),)


class Agency(Versioned, Base):
    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200), nullable=False)
    name_mi: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)



class BodyLead(Base):
    """Annex II of the Cabinet paper: the lead agency (or agencies) for each body."""

    __tablename__ = "body_leads"

    body: Mapped[str] = mapped_column(String(80), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), primary_key=True)


class Officer(Versioned, Base):
    __tablename__ = "officers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"))
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="officer")



class Assignment(Versioned, Base):
    __tablename__ = "assignments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recommendation_id: Mapped[str] = mapped_column(
        ForeignKey("recommendations.id"), nullable=False
    )
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    __table_args__ = (
        UniqueConstraint("recommendation_id", "agency_code", name="uq_assignments_rec_agency"),
        Index("ix_assignments_agency", "agency_code", "role"),
    )


class Action(Versioned, Base):
    __tablename__ = "actions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="other")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="planned")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    completed_date: Mapped[dt.date | None] = mapped_column(Date)
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("officers.id"))



class ActionLink(Base):
    """Many-to-many: an action answers one or many recommendations."""

    __tablename__ = "action_links"

    action_id: Mapped[str] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    recommendation_id: Mapped[str] = mapped_column(
        ForeignKey("recommendations.id"), primary_key=True
    )
    __table_args__ = (Index("ix_action_links_rec", "recommendation_id"),)


class ProgressUpdate(Base):
    """An agency's dated statement on a recommendation. Append-only: never updated."""

    __tablename__ = "progress_updates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recommendation_id: Mapped[str] = mapped_column(
        ForeignKey("recommendations.id"), nullable=False
    )
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), nullable=False)
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officers.id"))
    status: Mapped[str] = mapped_column(String(30), nullable=False)
    narrative: Mapped[str] = mapped_column(Text, nullable=False, default="")
    as_of: Mapped[dt.date] = mapped_column(Date, nullable=False)
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    __table_args__ = (Index("ix_progress_rec_asof", "recommendation_id", "as_of"),)


class Evidence(Versioned, Base):
    """A file (stored content-addressed by SHA-256) or a URL that shows an action happened."""

    __tablename__ = "evidence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    action_id: Mapped[str | None] = mapped_column(ForeignKey("actions.id"))
    recommendation_id: Mapped[str | None] = mapped_column(ForeignKey("recommendations.id"))
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(BigInteger)  # files may exceed 2 GiB
    media_type: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    display_name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    url: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    removed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        Index("ix_evidence_action", "action_id"),
        Index("ix_evidence_rec", "recommendation_id"),
        Index("ix_evidence_sha", "sha256"),
    )


class Change(Base):
    """The local change log: every edit an officer makes, for the next update bundle."""

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False)
    op: Mapped[str] = mapped_column(String(10), nullable=False)
    fields: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    base_version: Mapped[int | None] = mapped_column(Integer)
    officer_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    # Set when the change leaves in a bundle; cleared never (acknowledged by a pack).
    bundle_id: Mapped[str | None] = mapped_column(String(36))
    acknowledged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class AuditEvent(Base):
    """Append-only, hash-chained log of every write: each hash covers the previous one."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    event: Mapped[str] = mapped_column(String(60), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    entity_id: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    details: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)


class ImportRun(Base):
    """One import of a source: which files (by hash), when, and what it did."""

    __tablename__ = "import_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    files: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    report: Mapped[str] = mapped_column(Text, nullable=False, default="{}")


class Setting(Base):
    """Small key/value facts about this database (role, agency, pinned keys...)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False, default="")


class SigningKeyRow(Base):
    """The key registry: which public key speaks for which officer and agency."""

    __tablename__ = "signing_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(100), nullable=False)
    officer_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"))
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="officer")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    valid_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    replaced_by: Mapped[str | None] = mapped_column(String(64))


class InboxEntry(Base):
    """Every bundle the central record was given, and what became of it."""

    __tablename__ = "bundle_inbox"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    file_name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    bundle_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    key_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    agency_code: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    officer: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    sequence: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    manifest: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    change_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Why it was refused or held (services/exchange/rejections.Kind); "" before 0010.
    reason_kind: Mapped[str] = mapped_column(String(30), nullable=False, default="",
                                             server_default="")
    # False: agency, officer, bundle id, key and sequence were read, for display only, from
    # a bundle whose signature did not check out.
    identity_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True,
                                                    server_default=true())
    __table_args__ = (Index("ix_bundle_inbox_bundle", "bundle_id"),
                      Index("ix_bundle_inbox_status", "status"))


class MergedBundle(Base):
    """Bundles merged into the record: the constraints make each merge happen exactly once."""

    __tablename__ = "merged_bundles"

    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    bundle_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    manifest_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    agency_code: Mapped[str] = mapped_column(String(20), nullable=False)
    merged_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    __table_args__ = (UniqueConstraint("key_id", "sequence", name="uq_merged_bundles_key_seq"),)


class Conflict(Base):
    """An incoming change that met a newer value: soft (both kept) or hard (decide)."""

    __tablename__ = "conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False)
    field: Mapped[str] = mapped_column(String(60), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    base_version: Mapped[int | None] = mapped_column(Integer)
    current_value: Mapped[str] = mapped_column(Text, nullable=False, default="null")
    incoming_value: Mapped[str] = mapped_column(Text, nullable=False, default="null")
    change_id: Mapped[str] = mapped_column(String(36), nullable=False)
    bundle_id: Mapped[str] = mapped_column(String(36), nullable=False)
    agency_code: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    resolution: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    resolved_value: Mapped[str] = mapped_column(Text, nullable=False, default="null")
    resolved_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    __table_args__ = (Index("ix_conflicts_status", "status"),)


class RecordVersion(Base):
    """Every version of every shared record, kept: nothing an officer wrote is lost."""

    __tablename__ = "record_versions"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    fields: Mapped[str] = mapped_column(Text, nullable=False)
    origin: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    actor: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    __table_args__ = (Index("ix_record_versions_entity", "entity", "entity_id"),)


class SentBundle(Base):
    """On the laptop: bundles exported, awaiting acknowledgement in a pack."""

    __tablename__ = "sent_bundles"

    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    manifest_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    change_count: Mapped[int] = mapped_column(Integer, nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    acknowledged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class IssuedPack(Base):
    """At central: every pack issued to an agency, with its version and expiry."""

    __tablename__ = "issued_packs"

    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    # The pack's own id, which its bundles name (NULL for packs issued before 0011).
    pack_id: Mapped[str | None] = mapped_column(String(36))


class AppliedChange(Base):
    """At central: each change id applied once, whichever bundle carried it."""

    __tablename__ = "applied_changes"

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    bundle_id: Mapped[str] = mapped_column(String(36), nullable=False)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)


from nmrf_desktop.store import calendar_models, indicator_models, overlap_models  # noqa: E402,F401  (tables on this Base)
