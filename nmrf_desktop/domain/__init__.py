"""Plain records, enums and rules of the domain; imports neither Qt nor SQLAlchemy."""
