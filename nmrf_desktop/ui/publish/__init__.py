"""File → Publish Public Site…: the static public monitor written from the central record."""
