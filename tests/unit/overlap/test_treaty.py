"""Treaty-body paragraphs as UPR-style asks (overlap.treaty), on real UN paragraphs.

The `COMPILATION_*` paragraphs are real: OHCHR's compilation for Slovenia's second UPR
(A/HRC/WG.6/20/SVN/2, 18 August 2014, paragraphs 1, 5, 12, 25, 26 and 30, read from the
PDF with pypdf; endnote marks removed), which reports the treaty bodies' and special
procedures' recommendations in the UN's own words. The `The Committee ...` paragraphs are
in the form concluding observations use (frame, preamble, references, sub-paragraphs).
"""

from __future__ import annotations

import time

import pytest

from nmrf_desktop.overlap.treaty import as_upr_text, asks, is_treaty_text

COMPILATION_1 = (
    "1. In 2010, the Committee on the Elimination of Racial Discrimination (CERD) encouraged "
    "Slovenia to ratify ICRMW. In 2011, the Committee against Torture (CAT) invited the country "
    "to also ratify CPED and OP-ICESCR. In 2013, the Committee on the Rights of the Child (CRC) "
    "recommended also the ratification of OP-CRC-IC.")
COMPILATION_5 = (
    "5. CRC recommended that Slovenia bring the Ombudsman’s Office into compliance with the "
    "Paris Principles. CAT urged Slovenia to provide this Office with adequate resources and "
    "to broaden its mandate to carry out investigations into allegations of torture and "
    "ill-treatment.")
COMPILATION_12 = (
    "12. CERD remained concerned about marginalization and discrimination of Roma, and urged "
    "Slovenia to combat discrimination against them and implement special measures in "
    "education, housing, health and employment. CRC remained seriously concerned about "
    "persistent discrimination against Roma children. CRC recommended that Slovenia "
    "investigate and prosecute any discriminatory act directed at Roma children.")
COMPILATION_25 = (
    "25. CRC expressed concern about the narrow definition of violence provided within the "
    "Domestic Violence Prevention Act, and the limited definition of violence against children "
    "in national legislation. It recommended (a) a comprehensive definition of violence to "
    "include all forms of violence, including sexual exploitation and abuse of children; (b) a "
    "comprehensive national strategy to prevent and address all forms of violence against "
    "children; and (c) the establishment of an investigation and prosecution mechanism. It "
    "urged Slovenia to ban all forms of abuse and neglect of children in all settings, ensure "
    "follow-up to cases of abuse or neglect and establish community protection mechanisms. "
    "CRC noted with concern that Roma girls were often subject to sexual violence and "
    "exploitation by family members.")
COMPILATION_26 = (
    "26. CRC was concerned that corporal punishment in educational day-care centres, "
    "residential school institutions and penal institutions was not explicitly prohibited. "
    "CRC recommended that Slovenia explicitly prohibit in national legislation corporal "
    "punishment in all settings, including at home, and amend the Criminal Code as well as "
    "the Foster Care Act. It recommended that Slovenia strengthen its efforts to address "
    "corporal punishment by, inter alia, launching awareness-raising campaigns.")
COMPILATION_30 = (
    "30. CRC recommended that Slovenia (a) put an end to forced and underage marriages of Roma "
    "children; (b) investigate such cases with a view to bringing perpetrators to justice; "
    "(c) increase awareness-raising within the Roma population on the harmful impact of early "
    "marriage on children; (d) provide victims with rehabilitation and counselling services; "
    "and (e) protect children who are victims of forced marriage.")


def test_the_committee_and_the_country_go_one_ask_per_sentence() -> None:
    assert asks(COMPILATION_5) == [
        "Bring the Ombudsman’s Office into compliance with the Paris Principles",
        "Provide this Office with adequate resources",
        "Broaden its mandate to carry out investigations into allegations of torture and "
        "ill-treatment"]


def test_ratification_asks_keep_the_instruments() -> None:
    assert asks(COMPILATION_1) == ["Ratify ICRMW", "Ratify CPED and OP-ICESCR",
                                   "The ratification of OP-CRC-IC"]


def test_concerns_are_not_asks() -> None:
    assert asks(COMPILATION_12) == [
        "Combat discrimination against them and implement special measures in education, "
        "housing, health and employment",
        "Investigate and prosecute any discriminatory act directed at Roma children"]
    assert not any("concerned" in a for a in asks(COMPILATION_26))


def test_a_lettered_list_is_one_ask_per_letter() -> None:
    assert asks(COMPILATION_30) == [
        "Put an end to forced and underage marriages of Roma children",
        "Investigate such cases with a view to bringing perpetrators to justice",
        "Increase awareness-raising within the Roma population on the harmful impact of early "
        "marriage on children",
        "Provide victims with rehabilitation and counselling services",
        "Protect children who are victims of forced marriage"]


def test_the_sentences_after_a_list_are_read_and_a_trailing_concern_dropped() -> None:
    got = asks(COMPILATION_25)
    assert got[:3] == [
        "A comprehensive definition of violence to include all forms of violence, including "
        "sexual exploitation and abuse of children",
        "A comprehensive national strategy to prevent and address all forms of violence "
        "against children",
        "The establishment of an investigation and prosecution mechanism"]
    assert got[3].startswith("Ban all forms of abuse and neglect of children")
    assert len(got) == 4  # "CRC noted with concern ..." is no ask


def test_concluding_observations_frame_preamble_references_and_list() -> None:
    text = ("12. Recalling its previous recommendations (CRC/C/15/Add.230, para. 12), the "
            "Committee recommends that the State party: (a) Adopt a comprehensive law on "
            "children; (b) Establish a coordinating body (see CRC/C/SVN/CO/3-4, paras. 8 and "
            "9); and (c) Allocate adequate resources.")
    assert asks(text) == ["Adopt a comprehensive law on children", "Establish a coordinating "
                          "body", "Allocate adequate resources"]


def test_a_list_lead_is_kept_in_each_ask() -> None:
    text = ("The Committee urges the State party to take all necessary measures to: (a) "
            "Ensure that Roma children attend mainstream schools; (b) Provide free preschool "
            "education.")
    assert asks(text) == [
        "Take all necessary measures to ensure that Roma children attend mainstream schools",
        "Take all necessary measures to provide free preschool education"]


@pytest.mark.parametrize(("text", "expected"), [
    ("The State party should take all necessary measures to ensure that allegations of "
     "torture are promptly investigated (CAT/C/SVN/CO/3, para. 12).",
     ["Take all necessary measures to ensure that allegations of torture are promptly "
      "investigated"]),
    ("26.1 The Committee is concerned about the gender pay gap. The Committee urges the State "
     "party to adopt a national action plan against racism and to ensure its implementation.",
     ["Adopt a national action plan against racism", "Ensure its implementation"]),
    ("The Committee recommends that the State party, in accordance with its general "
     "recommendation No. 25, adopt temporary special measures.",
     ["Adopt temporary special measures, in accordance with its general recommendation No. 25"]),
    ("The Committee also strongly encourages the State party to consider ratifying the "
     "International Convention on the Protection of the Rights of All Migrant Workers and "
     "Members of Their Families.",
     ["Consider ratifying the International Convention on the Protection of the Rights of All "
      "Migrant Workers and Members of Their Families"]),
    ("The Committee reiterates its previous recommendation (CEDAW/C/SVN/CO/4, para. 20) that "
     "the State party establish a national human rights institution in full compliance with "
     "the Paris Principles. Such an institution should have a broad mandate.",
     ["Establish a national human rights institution in full compliance with the Paris "
      "Principles. Such an institution should have a broad mandate"]),
    ("It should also ensure that the Ombudsman is allocated sufficient resources.",
     ["Ensure that the Ombudsman is allocated sufficient resources"]),
])
def test_committee_frames(text: str, expected: list[str]) -> None:
    assert asks(text) == expected


@pytest.mark.parametrize("text", [
    # Real UPR texts (upr_info_new_zealand_2009_2014.csv): already asks; left as they are.
    "Consider ratifying the International Convention on the Protection of the Rights of All "
    "Migrant Workers and Members of Their Families",
    "Invite the Special Rapporteur on the rights of indigenous people to visit the country",
    "Ensure that article 2 (a) and (b) of the Convention are applied",
    "Continue efforts to reduce the disparities affecting Māori in health and education",
])
def test_upr_texts_pass_unchanged(text: str) -> None:
    assert not is_treaty_text(text)
    assert asks(text) == [text]
    assert as_upr_text(text) == text


def test_as_upr_text_joins_the_asks() -> None:
    assert as_upr_text(COMPILATION_5).startswith(
        "Bring the Ombudsman’s Office into compliance with the Paris Principles; Provide this "
        "Office with adequate resources; Broaden its mandate")


@pytest.mark.parametrize(("text", "expected"), [
    ("", []),
    ("   ", []),
    ("The Committee recommends that the State party:",
     ["The Committee recommends that the State party:"]),  # nothing after: kept whole
    ("CRC recommended that Slovenia (a) do one thing only.", ["(a) do one thing only"]),
    ("12.", ["12."]),
])
def test_degenerate_paragraphs(text: str, expected: list[str]) -> None:
    assert asks(text) == expected


def test_macrons_survive() -> None:
    text = ("The Committee recommends that the State party consult Māori on the Treaty of "
            "Waitangi settlement process.")
    assert asks(text) == ["Consult Māori on the Treaty of Waitangi settlement process"]


def test_hostile_lengths_stay_fast() -> None:
    texts = ["The Committee urges the State party " + "also, " * 5000 + "to act",
             "The Committee recommends that the State party ratify " + "(a) " * 20000,
             "(" * 20000 + "CRC/C/SVN/CO/3-4" + ")" * 20000,
             "The State party should " + "x " * 50000]
    start = time.perf_counter()
    for text in texts:
        assert asks(text)
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(("text", "expected"), [
    # A/HRC/WG.6/20/SVN/2 paragraph 17 (CAT), 40 (the Special Rapporteur), 46 (CERD), 4 (CRC)
    ("CAT recommended the restoration of the permanent resident status of these persons, and "
     "encouraged Slovenia to guarantee fair procedures in applying for citizenship.",
     ["The restoration of the permanent resident status of these persons",
      "Guarantee fair procedures in applying for citizenship"]),
    ("The independent expert on safe drinking water and sanitation recommended that Slovenia "
     "explicitly recognize the rights to water and to sanitation in law, make them "
     "justiciable and amend relevant laws to reflect these human rights obligations.",
     ["Explicitly recognize the rights to water and to sanitation in law, make them "
      "justiciable and amend relevant laws to reflect these human rights obligations"]),
    ("She recommended that Slovenia (a) urgently address the situation of people, especially "
     "Roma communities, who did not have access to safe drinking water and sanitation; and "
     "(b) implement measures to ensure that their rights to water and sanitation were fully "
     "protected.",
     ["Urgently address the situation of people, especially Roma communities, who did not "
      "have access to safe drinking water and sanitation",
      "Implement measures to ensure that their rights to water and sanitation were fully "
      "protected"]),
    ("Concerned about segregation of Roma children in schools, CERD recommended that Roma "
     "children enjoy equal opportunities in access to quality education at all levels.",
     ["Roma children enjoy equal opportunities in access to quality education at all levels"]),
    ("CRC however, regretted the continued absence of a consolidated child law that "
     "incorporated all the provisions of the Convention into the State's national legislation "
     "and recommended the introduction of a comprehensive law on children.",
     ["The introduction of a comprehensive law on children"]),
    ("CRC recommended, inter alia, that Slovenia raise the enrolment of Roma children in "
     "preschool educational institutions and integrate them in mainstream education.",
     ["Raise the enrolment of Roma children in preschool educational institutions and "
      "integrate them in mainstream education"]),
])
def test_compilation_sentences(text: str, expected: list[str]) -> None:
    assert asks(text) == expected


@pytest.mark.parametrize("text", [
    # Real UPR Info texts (2008-2014) that name a committee or a "recommendation" and are
    # asks as they stand: no frame is read into them.
    "In line with the Committee on the Rights of the Child recommendations regarding "
    "discrimination against vulnerable children, in particular girls and children with "
    "disabilities, envisage reviewing the legislation to guarantee the application of the "
    "non-discrimination principle ",
    "Accept the Working Group on Enforced or Involuntary Disappearances request for visit",
    "Formally establish the Follow-up Committee recommended in the Truth and Reconciliation "
    "Commission's report and task it to monitor and report to Government and civil society "
    "on the further implementation of the Commission's recommendations ",
    "Ratify at the earliest the Agreement on the Privileges and Immunities of the "
    "International Criminal Court and take, if the need arises, requested measures to fully "
    "integrate the Rome Statute in domestic legislation ",
    "Become a State party to the Optional Protocol to the International Covenant on "
    "Economic, Social and Cultural Rights ",
])
def test_upr_texts_naming_committees_are_left_alone(text: str) -> None:
    assert asks(text) == [text]
    assert as_upr_text(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    # Early UPR Info texts are written as the Working Group report's past tense.
    ("Give special attention to the role of international cooperation for the enjoyment of "
     "economic, social and cultural rights and recommended South Africa to share its "
     "experience, programmes and plans in this field with other developing countries.",
     ["Give special attention to the role of international cooperation for the enjoyment of "
      "economic, social and cultural rights",
      "Share its experience, programmes and plans in this field with other developing "
      "countries"]),
    ("Recommended that the Criminal Code be amended to decriminalize same-sex activity "
     "between consenting adults.",
     ["The Criminal Code be amended to decriminalize same-sex activity between consenting "
      "adults"]),
    ("Encouraged Benin, in particular in the areas of economic, social and cultural rights, "
     "to continue achieving its progress.",
     ["Continue achieving its progress, in particular in the areas of economic, social and "
      "cultural rights"]),
    ("Recommended that Benin, following the recommendation of the Committee against "
     "Torture,establish without further delay an effective and independent national "
     "preventive mechanism.",
     ["Following the recommendation of the Committee against Torture,establish without "
      "further delay an effective and independent national preventive mechanism"]),
])
def test_upr_texts_in_the_past_tense(text: str, expected: list[str]) -> None:
    assert asks(text) == expected
