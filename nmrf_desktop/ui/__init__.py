"""The PySide6 desktop application: main window, item models, views, dialogs, tasks."""
