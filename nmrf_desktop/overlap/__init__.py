"""Overlapping-recommendation detection: pure logic (no Qt, no SQLAlchemy)."""
