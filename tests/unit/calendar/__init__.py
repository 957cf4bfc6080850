"""Tests of the calendar wing."""
