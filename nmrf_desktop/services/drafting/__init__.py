"""The drafting wing: Word drafts of the State's reports (follow-up, UPR mid-term, periodic,
consultation) from the record."""

from nmrf_desktop.reports.draft_model import DraftKind
from nmrf_desktop.services.drafting.build import build_draft, validate
from nmrf_desktop.services.drafting.request import DraftError, DraftRequest, DraftResult
from nmrf_desktop.services.drafting.write import draft

__all__ = ["DraftError", "DraftKind", "DraftRequest", "DraftResult", "build_draft", "draft",
           "validate"]
