"""Packs and bundles in the GUI: the officer's export/import and the coordinator's exchange.

Officer: ExportBundleDialog, PackImporter, UnsentBadge.
Coordinator: InboxView, ConflictsView, KeysView, ExportPacksDialog.
Each takes the TaskRunner and the open Record (views also `set_record`), never a Session.
"""

from .badge import UnsentBadge
from .conflicts_view import ConflictsView
from .export_bundle_dialog import ExportBundleDialog
from .export_packs_dialog import ExportPacksDialog
from .import_pack import PackImporter
from .inbox_view import InboxView
from .keys_view import KeysView

__all__ = ["ConflictsView", "ExportBundleDialog", "ExportPacksDialog", "InboxView",
           "KeysView", "PackImporter", "UnsentBadge"]
