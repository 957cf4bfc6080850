"""Tests of the dashboard wing."""
