"""The backup wing: making, checking, summarising and restoring backups of the whole record."""
