"""Tests of the backup wing."""
