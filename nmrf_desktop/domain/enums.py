"""The closed vocabularies of the domain: mechanisms, positions, statuses, roles."""

from __future__ import annotations

from enum import StrEnum


class Mechanism(StrEnum):
    UPR = "upr"
    TREATY_BODY = "treaty_body"
    SPECIAL_PROCEDURE = "special_procedure"


class Position(StrEnum):
    SUPPORTED = "supported"
    SUPPORTED_IN_PART = "supported_in_part"
    NOTED = "noted"
    NOT_APPLICABLE = "not_applicable"


class ImplementationStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    PARTIALLY_IMPLEMENTED = "partially_implemented"
    ONGOING = "ongoing"
    NO_FURTHER_ACTION = "no_further_action"


class ActionKind(StrEnum):
    LEGISLATION = "legislation"
    POLICY = "policy"
    PROGRAMME = "programme"
    FUNDING = "funding"
    RESEARCH = "research"
    CONSULTATION = "consultation"
    REPORTING = "reporting"
    OTHER = "other"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class AssignmentRole(StrEnum):
    LEAD = "lead"
    CONTRIBUTING = "contributing"


class TermKind(StrEnum):
    """The taxonomies a recommendation is tagged with."""

    THEME = "theme"
    GROUP = "group"
    SDG = "sdg"


class Source(StrEnum):
    UPR_INFO = "upr-info"
    UHRI = "uhri"
    TEMPLATE = "xlsx"
    MANUAL = "manual"
    DOCUMENT = "document"  # read from a UN document (UPR matrix, report, concluding obs.)


def label(value: StrEnum) -> str:
    """Human label of an enum value: 'supported_in_part' -> 'Supported in part'."""
    text = value.value.replace("_", " ")
    return text[:1].upper() + text[1:]
