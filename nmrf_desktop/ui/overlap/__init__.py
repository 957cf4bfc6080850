"""The overlap wing of the window: related recommendations, the clusters tab, decisions."""
