"""Signed packs (central → agency) and update bundles (officer → central): format and checks."""
