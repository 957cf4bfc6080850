"""The main window: its widgets, menus, per-database session, remembered state and dialogs."""
