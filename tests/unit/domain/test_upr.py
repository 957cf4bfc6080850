"""UPR sessions, cycles and years; body names as real exports spell them."""

from __future__ import annotations

import itertools

import pytest

from nmrf_desktop.domain.enums import Mechanism
from nmrf_desktop.domain.upr import body_code, cycle_of_session, mechanism_of_body, year_of_session


@pytest.mark.parametrize(("session", "cycle", "year"), [
    (5, 1, 2009), (18, 2, 2014), (32, 3, 2019), (46, 4, 2024),  # New Zealand's four reviews
    (1, 1, 2008), (12, 1, 2011), (13, 2, 2012), (26, 2, 2016), (27, 3, 2017), (40, 3, 2022),
    (41, 4, 2022), (54, 4, None),
])
def test_session_to_cycle_and_year(session: int, cycle: int, year: int | None) -> None:
    assert cycle_of_session(session) == cycle
    if year is not None:
        assert year_of_session(session) == year


def test_cycles_are_contiguous_and_years_never_go_back() -> None:
    cycles = [cycle_of_session(s) for s in range(1, 80)]
    assert all(b in (a, a + 1) for a, b in itertools.pairwise(cycles))
    years = [year_of_session(s) for s in range(1, 80)]
    assert all(y is not None for y in years)
    assert years == sorted(years)  # type: ignore[type-var]


@pytest.mark.parametrize("session", [0, -1])
def test_no_cycle_or_year_before_the_first_session(session: int) -> None:
    assert cycle_of_session(session) is None
    assert year_of_session(session) is None


@pytest.mark.parametrize(("name", "code"), [
    ("UPR", "UPR"), ("upr", "UPR"), ("Universal Periodic Review", "UPR"),
    ("Human Rights Committee", "CCPR"), ("ccpr", "CCPR"),
    ("Committee on Economic, Social and Cultural Rights", "CESCR"),
    ("Committee on the Elimination of Racial Discrimination", "CERD"),
    ("Committee on the Elimination of Discrimination against Women", "CEDAW"),
    ("Committee against Torture", "CAT"),
    ("Subcommittee on Prevention of Torture", "SPT"),
    ("Committee on the Rights of the Child", "CRC"),
    ("Committee on the Rights of Persons with Disabilities", "CRPD"),
    ("Committee on Enforced Disappearances", "CED"),
    ("Committee on Migrant Workers", "CMW"),
    ("Committee on the Protection of the Rights of All Migrant Workers and Members of Their "
     "Families", "CMW"),
    ("  Committee   against\nTorture ", "CAT"),
    ("Special Rapporteur on the right to adequate housing", "SP"),
    ("Independent Expert on sexual orientation and gender identity", "SP"),
    ("Working Group on Arbitrary Detention", "SP"),
])
def test_body_code_aliases(name: str, code: str) -> None:
    assert body_code(name) == code


def test_unknown_body_is_kept_not_lost() -> None:
    assert body_code("Some New  Committee") == "Some New Committee"


def test_mechanism_of_body() -> None:
    assert mechanism_of_body("UPR") is Mechanism.UPR
    assert mechanism_of_body("CRC") is Mechanism.TREATY_BODY
    assert mechanism_of_body("SP") is Mechanism.SPECIAL_PROCEDURE
