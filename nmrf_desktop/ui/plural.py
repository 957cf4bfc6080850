"""Counted text: Qt's "%n thing(s)" sources, read right in the source English too."""

from __future__ import annotations


def counted(text: str, n: int) -> str:
    """`text`, translated from a "%n thing(s)" source with `n`, its "(s)" settled.

    A catalogue with numerus forms translates the whole phrase for its language; without
    one (the source English) Qt leaves "(s)" as written: this gives 1 bundle, 2 bundles.
    """
    return text.replace("(s)", "" if n == 1 else "s")
