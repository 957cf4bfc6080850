"""Packs and bundles in the GUI: the officer's export/import and the coordinator's exchange.

Officer: ExportBundleDialog, PackImporter, UnsentBadge.
Coordinator: InboxView, ConflictsView, KeysView, ExportPacksDialog.
Each takes the TaskRunner and the open Record (views also `set_record`), never a Session.
"""

from nmrf_desktop.ui.exchange.badge import UnsentBadge
from nmrf_desktop.ui.exchange.conflicts_view import ConflictsView
from nmrf_desktop.ui.exchange.export_bundle_dialog import ExportBundleDialog
from nmrf_desktop.ui.exchange.export_packs_dialog import ExportPacksDialog
from nmrf_desktop.ui.exchange.import_pack import PackImporter
from nmrf_desktop.ui.exchange.inbox_view import InboxView
from nmrf_desktop.ui.exchange.keys_view import KeysView

__all__ = ["ConflictsView", "ExportBundleDialog", "ExportPacksDialog", "InboxView",
           "KeysView", "PackImporter", "UnsentBadge"]
