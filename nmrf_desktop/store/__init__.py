"""Persistence: the only package that imports SQLAlchemy (tables, engine, queries, search)."""
