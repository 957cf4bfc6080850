"""Text features for overlap detection: folding, hedge stripping, stems, word n-grams."""

from __future__ import annotations

import itertools
import re

from ..domain.text import fold

# Openers that soften an ask without changing it ("consider ratifying" = "ratify").
_HEDGE = re.compile(
    r"^(?:(?:seriously|further|also|duly|positively|favourably|actively)\s+"
    r"|consider(?:ing)?\s+(?:the\s+possibility\s+of\s+|the\s+option\s+of\s+)?"
    r"|(?:continue|endeavou?r|strive|work|seek|commit\s+itself|make\s+(?:every\s+)?efforts?)"
    r"(?:\s+(?:its|the|all))?(?:\s+(?:efforts?|work))?\s+(?:to|in|towards?|on|for)\s+"
    r"|(?:redouble|step\s+up|intensify|increase|enhance|strengthen|pursue|continue|make)"
    r"(?:\s+(?:its|the|all))?\s+efforts?\s+(?:to|in|towards?|for|aimed\s+at)?\s*"
    r"|take\s+(?:(?:further|additional|appropriate|necessary|all|effective|concrete|the|"
    r"immediate|legal|targeted|specific|adequate)\s+|,\s*)*(?:steps|measures|action)"
    r"\s+(?:to|in\s+order\s+to|aimed\s+at|with\s+a\s+view\s+to|for|so\s+that)\s+"
    r"|(?:to|and)\s+)+")
# General UN human-rights vocabulary: different words for one concept read as one.
_CONCEPTS = tuple((re.compile(rf"\b(?:{pattern})\b"), concept) for pattern, concept in (
    (r"socio-?economic|economic and social|social and economic", "socioeconomic"),
    (r"inequalit(?:y|ies)|disparit(?:y|ies)|gaps?|differences|inequities", "disparity"),
    (r"salar(?:y|ies)|wages?|remuneration|pay", "pay"),
    (r"official development (?:assistance|aid)|development aid|oda", "oda"),
    (r"incarceration|imprisonment|prison population|penal system|over-?representation",
     "incarceration"),
    (r"trafficking in (?:persons|human beings)|human trafficking", "trafficking"),
    (r"economic,? social and cultural rights|ecosoc rights|economic and social rights",
     "escr"),
    (r"bill of rights(?: act)?(?: of)?(?: 1990)?|human rights charter", "bora"),
    (r"domestic(?:/family)? violence|family violence", "domestic-violence"),
    (r"gender-based violence", "violence against women"),
    (r"pacifika|pasifika|pacific (?:islanders|peoples?|population|background)", "pacific"),
    (r"land claims|historical claims|treaty settlements?", "land-claims"),
    (r"counter-terrorism|anti-terrorist|terrorism suppression", "counterterrorism"),
))
_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

# Function words and the generic vocabulary of recommendations: no ask is told apart by them.
_STOP_WORDS = """
a about above according across act after against aim aimed all allow also an and any appropriate
are as at be been being both but by can concerned concerning consider continue continued
country countries could do done due during each effective effectively efforts effort ensure
especially etc every existing for from full fully further furthermore give given has have
in including inter into is it its itself line make measures measure more most necessary new
not of on or order other others own particular particularly possible possibility pursue
regard regarding relevant respect so such take taken taking than that the their them these
they this those through to towards under undertake up upon various very view well were what
when where which while who whose will with within without would zealand steps step all
strengthen strengthening enhance enhancing intensify redouble continue increase improve
ensure promote promoting guarantee adopt adopting implement implementing establish state
government area areas way ways field fields level levels address addressing
"""
STOP = frozenset(_STOP_WORDS.split())

_IRREGULAR = {"children": "child", "women": "woman", "men": "man", "people": "person",
              "peoples": "person", "persons": "person", "maoris": "maori", "girls": "girl"}
_SUFFIXES = ("izations", "ization", "ations", "ation", "itions", "ition", "ments", "ment",
             "ities", "ity", "ings", "ing", "ies", "ied", "ive", "ed", "es", "ates", "ate",
             "s", "ly", "al")


def stem(word: str) -> str:
    """A light suffix stripper: 'ratifying', 'ratified' and 'ratification' meet."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if "-" in word or any(c.isdigit() for c in word):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def normalise(text: str) -> str:
    """Folded text with its leading hedges removed, one space between words."""
    folded = " ".join(fold(text).replace("’", "'").split())
    folded = _HEDGE.sub("", folded, count=1)
    for pattern, concept in _CONCEPTS:
        folded = pattern.sub(concept, folded)
    return folded


def content_words(text: str) -> list[str]:
    """Stems of the words that carry the ask, in order (hedges and stop words dropped)."""
    return [stem(w) for w in _WORD.findall(normalise(text)) if w not in STOP and len(w) > 1]


def features(text: str) -> dict[str, float]:
    """Term counts: stems and adjacent stem pairs (bigrams weigh as much as two words)."""
    words = content_words(text)
    out: dict[str, float] = {}
    for w in words:
        out[w] = out.get(w, 0.0) + 1.0
    for a, b in itertools.pairwise(words):
        key = f"{a} {b}"
        out[key] = out.get(key, 0.0) + 1.0
    return out


def display_terms(terms: list[str], text: str) -> list[str]:
    """Stemmed terms shown as the words the text uses ('discrimin' -> 'discrimination')."""
    words = {}
    for w in _WORD.findall(normalise(text)):
        if w not in STOP:
            words.setdefault(stem(w), w)
    return [" ".join(words.get(part, part) for part in t.split(" ")) for t in terms]
