"""What one write changed, by kind of record: each view refreshes only for what it shows.

The GUI counterpart of Anki's OpChanges: an operation names the kinds it touched, the
window announces them once, and each view asks `affects` for the kinds it shows.
"""

from __future__ import annotations

from enum import Flag, auto


class Changed(Flag):
    """The kinds of record a write touched (combine with `|`)."""

    NOTHING = 0
    RECOMMENDATIONS = auto()  # texts, tags and flags (imports, Te Tiriti flags)
    ASSIGNMENTS = auto()  # which agency leads or contributes
    ACTIONS = auto()  # actions and their links to recommendations
    PROGRESS = auto()  # dated progress updates (and so each recommendation's status)
    EVIDENCE = auto()  # evidence files and links
    EXCHANGE = auto()  # the unsent change log, packs, bundles, conflicts, keys
    OVERLAP = auto()  # overlap clusters and the coordinator's decisions on them
    CALENDAR = auto()  # reporting deadlines
    INDICATORS = auto()  # indicators, their links and values

    def affects(self, shown: Changed) -> bool:
        """True when this change touches any kind a view shows."""
        return bool(self & shown)


# What recording work writes: the record itself, and an entry in the unsent change log.
ACTION_ENTRY = Changed.ACTIONS | Changed.EVIDENCE | Changed.EXCHANGE  # with its evidence
PROGRESS_ENTRY = Changed.PROGRESS | Changed.EXCHANGE
EVIDENCE_ENTRY = Changed.EVIDENCE | Changed.EXCHANGE

# What each main view shows.
IN_TABLE = Changed.RECOMMENDATIONS | Changed.ASSIGNMENTS | Changed.PROGRESS
IN_DETAIL = (Changed.RECOMMENDATIONS | Changed.ASSIGNMENTS | Changed.ACTIONS
             | Changed.PROGRESS | Changed.EVIDENCE | Changed.OVERLAP)
IN_OVERVIEW = Changed.RECOMMENDATIONS | Changed.ASSIGNMENTS | Changed.PROGRESS
EVERYTHING = ~Changed.NOTHING

# What the exchange writes: a merged bundle or a resolved conflict changes actions, progress
# and evidence; an imported pack may change anything the laptop shows.
MERGED = (Changed.ACTIONS | Changed.PROGRESS | Changed.EVIDENCE | Changed.EXCHANGE
          | Changed.INDICATORS)
PACK_IMPORTED = EVERYTHING
