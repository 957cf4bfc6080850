"""Browsing the record: search box, filter panel, the lazy table, detail pane and overview."""
