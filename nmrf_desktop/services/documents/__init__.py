"""Recommendations read from UN documents: preview, apply, and matching across routes."""
