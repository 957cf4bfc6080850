"""The domain's closed vocabularies as the user reads them: translated labels.

`domain.enums.label` gives the English label; this module lists every one with
QT_TRANSLATE_NOOP so that lupdate collects them, and translates at display time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from nmrf_desktop.domain import enums

CONTEXT = "Enums"

# QT_TRANSLATE_NOOP returns its text unchanged; the stubs only say `object`.
_LABELS = cast(dict[StrEnum, str], {
    enums.Mechanism.UPR: QT_TRANSLATE_NOOP("Enums", "UPR"),
    enums.Mechanism.TREATY_BODY: QT_TRANSLATE_NOOP("Enums", "Treaty body"),
    enums.Mechanism.SPECIAL_PROCEDURE: QT_TRANSLATE_NOOP("Enums", "Special procedure"),
    enums.Position.SUPPORTED: QT_TRANSLATE_NOOP("Enums", "Supported"),
    enums.Position.SUPPORTED_IN_PART: QT_TRANSLATE_NOOP("Enums", "Supported in part"),
    enums.Position.NOTED: QT_TRANSLATE_NOOP("Enums", "Noted"),
    enums.Position.NOT_APPLICABLE: QT_TRANSLATE_NOOP("Enums", "Not applicable"),
    enums.ImplementationStatus.NOT_STARTED: QT_TRANSLATE_NOOP("Enums", "Not started"),
    enums.ImplementationStatus.IN_PROGRESS: QT_TRANSLATE_NOOP("Enums", "In progress"),
    enums.ImplementationStatus.IMPLEMENTED: QT_TRANSLATE_NOOP("Enums", "Implemented"),
    enums.ImplementationStatus.PARTIALLY_IMPLEMENTED: QT_TRANSLATE_NOOP(
        "Enums", "Partially implemented"),
    enums.ImplementationStatus.ONGOING: QT_TRANSLATE_NOOP("Enums", "Ongoing"),
    enums.ImplementationStatus.NO_FURTHER_ACTION: QT_TRANSLATE_NOOP(
        "Enums", "No further action"),
    enums.ActionKind.LEGISLATION: QT_TRANSLATE_NOOP("Enums", "Legislation"),
    enums.ActionKind.POLICY: QT_TRANSLATE_NOOP("Enums", "Policy"),
    enums.ActionKind.PROGRAMME: QT_TRANSLATE_NOOP("Enums", "Programme"),
    enums.ActionKind.FUNDING: QT_TRANSLATE_NOOP("Enums", "Funding"),
    enums.ActionKind.RESEARCH: QT_TRANSLATE_NOOP("Enums", "Research"),
    enums.ActionKind.CONSULTATION: QT_TRANSLATE_NOOP("Enums", "Consultation"),
    enums.ActionKind.REPORTING: QT_TRANSLATE_NOOP("Enums", "Reporting"),
    enums.ActionKind.OTHER: QT_TRANSLATE_NOOP("Enums", "Other"),
    enums.ActionStatus.PLANNED: QT_TRANSLATE_NOOP("Enums", "Planned"),
    enums.ActionStatus.IN_PROGRESS: QT_TRANSLATE_NOOP("Enums", "In progress"),
    enums.ActionStatus.COMPLETED: QT_TRANSLATE_NOOP("Enums", "Completed"),
    enums.ActionStatus.CANCELLED: QT_TRANSLATE_NOOP("Enums", "Cancelled"),
    enums.AssignmentRole.LEAD: QT_TRANSLATE_NOOP("Enums", "Lead"),
    enums.AssignmentRole.CONTRIBUTING: QT_TRANSLATE_NOOP("Enums", "Contributing"),
})


def label(value: StrEnum) -> str:
    """The translated label of an enum value ('supported_in_part' -> 'Supported in part')."""
    source = _LABELS.get(value) or enums.label(value)
    return QCoreApplication.translate(CONTEXT, source)


def agency_name(name_en: str, name_mi: str) -> str:
    """An agency's official names: English with te reo Māori beside it where there is one."""
    if name_mi and name_en and name_mi != name_en:
        return QCoreApplication.translate("Enums", "{0} — {1}").format(name_en, name_mi)
    return name_en or name_mi
