"""The `nmrf` command: main.py parses and dispatches, common.py is shared, one module per wing."""
