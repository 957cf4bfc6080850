"""The inbox details panel: one bundle's manifest contents as readable HTML."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QTextBrowser, QWidget

from nmrf_desktop.services.exchange.inbox import InboxDetail
from nmrf_desktop.ui.exchange.inbox_model import status_label
from nmrf_desktop.ui.exchange.messages import remedy
from nmrf_desktop.ui.exchange.table_model import display
from nmrf_desktop.ui.palette import muted_colour

_T = QCoreApplication.translate


def _size(n: int) -> str:
    return QLocale().formattedDataSize(n)


def _key_text(d: InboxDetail) -> str:
    """The signer (verified), or the key an unverified bundle names and what the registry
    knows of it."""
    if d.row.verified:
        return (f"{d.key_owner}  ·  {d.key_fingerprint}" if d.key_owner
                else d.key_fingerprint or "—")
    if not d.key_fingerprint:
        return "—"
    if not d.key_owner:
        known = _T("Inbox", "not registered here")
    elif d.key_status == "revoked":
        known = _T("Inbox", "registered to {0}, revoked").format(d.key_owner)
    else:
        known = _T("Inbox", "registered to {0}").format(d.key_owner)
    return f"{d.key_fingerprint}  ·  {known}"


def _named(value: str, verified: bool) -> str:
    if not value:
        return "—"
    return value if verified else _T("Inbox", "{0} (unverified)").format(value)


def detail_html(d: InboxDetail) -> str:
    r = d.row
    muted = muted_colour().name()
    rows: list[tuple[str, str]] = [
        (_T("Inbox", "Status"), status_label(r.shown_status)),
        (_T("Inbox", "Reason"), r.reason or "—"),
        (_T("Inbox", "What to do"), remedy(r) or "—"),
        (_T("Inbox", "File"), r.file),
        (_T("Inbox", "Agency"), _named(r.agency, r.verified)),
        (_T("Inbox", "Officer"), _named(r.officer, r.verified)),
        (_T("Inbox", "Signed by") if r.verified else _T("Inbox", "Key it names"),
         _key_text(d)),
        (_T("Inbox", "Device"), d.device or "—"),
        (_T("Inbox", "Sequence"), display(r.sequence) or "—"),
        (_T("Inbox", "Changes"), "—" if r.status == "rejected" and not r.changes
         else display(r.changes)),
        (_T("Inbox", "Based on pack"), display(d.pack_version) or "—"),
        (_T("Inbox", "Created (laptop clock)"), d.created_at or "—"),
        (_T("Inbox", "Received"), display(r.received_at)),
        (_T("Inbox", "Bundle id"), r.bundle_id or "—"),
        (_T("Inbox", "File SHA-256"), d.file_sha256),
    ]
    always = {_T("Inbox", "Status"), _T("Inbox", "Reason"), _T("Inbox", "File")}
    rows = [(k, v) for k, v in rows if v not in ("—", "") or k in always]
    if d.outcomes:
        rows.insert(min(len(rows), 10), (_T("Inbox", "Outcome"), ", ".join(
            f"{name}: {count}" for name, count in sorted(d.outcomes.items()))))
    cells = "".join(
        f"<tr><td style='color:{muted}; padding-right:12px; white-space:nowrap'>{escape(k)}</td>"
        f"<td>{escape(v)}</td></tr>" for k, v in rows)
    parts = [f"<h3 style='margin:0 0 6px 0'>{escape(r.file)}</h3>",
             f"<table cellspacing='0' cellpadding='2'>{cells}</table>"]
    if not r.verified and (r.agency or r.officer or d.key_id or r.bundle_id):
        note = _T("Inbox", "Agency, officer, key, sequence and bundle id are as this bundle "
                  "names them: its signature did not check out, so none of them is verified.")
        parts.append(f"<p style='color:{muted}'>{escape(note)}</p>")
    if d.evidence:
        items = "".join(
            f"<li>{escape(e.display_name or e.sha256[:12])} "
            f"<span style='color:{muted}'>({escape(e.media_type or '?')}, "
            f"{escape(_size(e.size))})</span></li>" for e in d.evidence)
        parts.append(f"<p><b>{escape(_T('Inbox', 'Evidence files'))}</b></p><ul>{items}</ul>")
    elif r.status != "rejected" or d.key_id:
        parts.append(f"<p style='color:{muted}'>{escape(_T('Inbox', 'No evidence files.'))}</p>")
    return "".join(parts)


class InboxDetailPane(QTextBrowser):
    """Read-only details of the selected inbox entry."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxDetail")
        self.setOpenLinks(False)
        self.setAccessibleName(self.tr("Bundle details"))
        self.show_placeholder()

    def show_placeholder(self, text: str = "") -> None:
        text = text or self.tr("Select a bundle to see what it holds.")
        self.setHtml(f"<p style='color:{muted_colour(self.palette()).name()}'>{escape(text)}</p>")

    def show_detail(self, detail: InboxDetail) -> None:
        self.setHtml(detail_html(detail))
