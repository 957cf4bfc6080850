"""File → Import UN Document…: read a document, review what was read, apply it."""
