"""UPR sessions, cycles and years; the UN bodies and their mechanisms."""

from __future__ import annotations

from nmrf_desktop.domain.enums import Mechanism

# (first session, last session, cycle) per DESIGN.md §2.
_CYCLES: tuple[tuple[int, int, int], ...] = ((1, 12, 1), (13, 26, 2), (27, 40, 3), (41, 54, 4))

# The year each UPR Working Group session was held (from the OHCHR session calendar).
_SESSION_YEARS: dict[int, int] = {
    **dict.fromkeys(range(1, 4), 2008), **dict.fromkeys(range(4, 7), 2009),
    **dict.fromkeys(range(7, 10), 2010), **dict.fromkeys(range(10, 13), 2011),
    **dict.fromkeys(range(13, 15), 2012), **dict.fromkeys(range(15, 18), 2013),
    **dict.fromkeys(range(18, 21), 2014), **dict.fromkeys(range(21, 24), 2015),
    **dict.fromkeys(range(24, 27), 2016), **dict.fromkeys(range(27, 29), 2017),
    **dict.fromkeys(range(29, 32), 2018), **dict.fromkeys(range(32, 35), 2019),
    **dict.fromkeys(range(35, 37), 2020), **dict.fromkeys(range(37, 40), 2021),
    **dict.fromkeys(range(40, 42), 2022), **dict.fromkeys(range(42, 45), 2023),
    **dict.fromkeys(range(45, 48), 2024), **dict.fromkeys(range(48, 51), 2025),
}


def cycle_of_session(session: int) -> int | None:
    """The UPR cycle a Working Group session belongs to, or None if unknown."""
    for first, last, cycle in _CYCLES:
        if first <= session <= last:
            return cycle
    if session > _CYCLES[-1][1]:
        return 5 + (session - 55) // 14
    return None


def year_of_session(session: int) -> int | None:
    """The calendar year a UPR Working Group session was held in."""
    if session in _SESSION_YEARS:
        return _SESSION_YEARS[session]
    if session > max(_SESSION_YEARS):
        return 2025 + (session - 48) // 3
    return None


# Canonical body codes and the mechanism each belongs to.
BODIES: dict[str, Mechanism] = {
    "UPR": Mechanism.UPR,
    "CCPR": Mechanism.TREATY_BODY,
    "CESCR": Mechanism.TREATY_BODY,
    "CERD": Mechanism.TREATY_BODY,
    "CEDAW": Mechanism.TREATY_BODY,
    "CAT": Mechanism.TREATY_BODY,
    "SPT": Mechanism.TREATY_BODY,
    "CRC": Mechanism.TREATY_BODY,
    "CRPD": Mechanism.TREATY_BODY,
    "CED": Mechanism.TREATY_BODY,
    "CMW": Mechanism.TREATY_BODY,
    "SP": Mechanism.SPECIAL_PROCEDURE,
}

# Names that real exports use for the bodies, folded to lower case.
_BODY_ALIASES: dict[str, str] = {
    "universal periodic review": "UPR",
    "upr": "UPR",
    "human rights committee": "CCPR",
    "committee on economic, social and cultural rights": "CESCR",
    "committee on the elimination of racial discrimination": "CERD",
    "committee on the elimination of discrimination against women": "CEDAW",
    "committee against torture": "CAT",
    "subcommittee on prevention of torture": "SPT",
    "committee on the rights of the child": "CRC",
    "committee on the rights of persons with disabilities": "CRPD",
    "committee on enforced disappearances": "CED",
    "committee on migrant workers": "CMW",
    "committee on the protection of the rights of all migrant workers and members of their "
    "families": "CMW",
}


def body_code(name: str) -> str:
    """Canonical code for a body named in an export ('Committee against Torture' -> 'CAT').

    Special procedures (special rapporteurs, independent experts, working groups) all map
    to 'SP'; any other unknown name is returned upper-cased so nothing is silently lost.
    """
    cleaned = " ".join(name.split())
    key = cleaned.casefold()
    if cleaned.upper() in BODIES:
        return cleaned.upper()
    if key in _BODY_ALIASES:
        return _BODY_ALIASES[key]
    for alias, code in _BODY_ALIASES.items():
        if key.startswith(alias):
            return code
    if key.startswith(("special rapporteur", "independent expert", "working group",
                       "special procedure", "sr ", "ie ", "wg ")) or key in ("sr", "ie", "wg"):
        return "SP"
    return cleaned


def mechanism_of_body(code: str) -> Mechanism:
    """The mechanism of a body code; an optional protocol ('CRC-OP-AC') is its treaty's."""
    if code in BODIES:
        return BODIES[code]
    base = code.split("-", 1)[0]
    return BODIES.get(base, Mechanism.SPECIAL_PROCEDURE)
