"""The backup wing of the window: one app per record, backups, the start-up check, restore."""
