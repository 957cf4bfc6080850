"""Reports out of the record: PDF progress summaries and XLSX workbooks (no Qt, no SQLAlchemy)."""
