"""NMRF Desktop: follow up UN human-rights recommendations, offline."""

__version__ = "0.1.0"
