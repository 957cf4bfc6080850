"""Use cases: each user action is one transaction opened here; results are plain records."""
