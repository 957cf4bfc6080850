"""Text features for overlap detection: folding, hedge stripping, stems, word n-grams."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from nmrf_desktop.domain.text import fold as _fold_any
from nmrf_desktop.overlap import treaty


def fold(text: str) -> str:
    """`domain.text.fold`, with plain ASCII (most texts) lower-cased directly: the same result."""
    return text.lower() if text.isascii() else _fold_any(text)


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
# A small human-rights thesaurus: expressions any state's recommendations use for one
# concept read as one token (most specific first; the replacement may be several tokens).
_THESAURUS = (
    # equal pay for women and men
    (r"(?:gender\s+)?(?:pay|wage|salary|salaries|remuneration|earnings|income)\s+"
     r"(?:gaps?|differences?|differentials?|inequalit(?:y|ies)|disparit(?:y|ies)|"
     r"equality|equity)(?:\s+between\s+(?:men\s+and\s+women|women\s+and\s+men))?"
     r"|(?:gaps?|differences?|inequalit(?:y|ies)|disparit(?:y|ies))\s+in\s+(?:pay|wages?|"
     r"salar(?:y|ies)|remuneration|earnings)(?:\s+between\s+(?:men\s+and\s+women|women\s+"
     r"and\s+men))?|equal\s+(?:pay|remuneration|wages?)(?:\s+for\s+(?:work\s+of\s+)?equal\s+"
     r"(?:value|work))?|pay\s+equity", "gender-pay-gap"),
    (r"child(?:ren)?(?:'s)?\s+(?:living\s+in\s+)?poverty|poverty\s+(?:among|amongst|of|"
     r"affecting)\s+(?:\w+\s+){0,2}?(?:children|youth)|children\s+(?:\w+\s+){0,5}?"
     r"(?:in|out\s+of|from)\s+poverty", "child-poverty"),
    (r"(?:minimum\s+)?age\s+of\s+criminal\s+(?:responsibility|liability)|minimum\s+criminal"
     r"\s+age|criminal\s+(?:responsibility|majority)\s+age", "age-criminal-responsibility"),
    (r"national\s+human\s+rights\s+(?:institutions?|commissions?)|nhris?|paris\s+principles"
     r"|human\s+rights\s+commissions?", "nhri"),
    (r"corporal\s+punishment|physical\s+punishment|smacking|spanking", "corporal-punishment"),
    (r"death\s+penalty|capital\s+punishment", "death-penalty"),
    (r"(?:prison|jail|detention)\s+overcrowding|overcrowding\s+(?:of|in)\s+(?:prisons|jails|"
     r"detention\s+(?:centres|centers|facilities))|overcrowded\s+(?:prisons|jails)",
     "prison-overcrowding"),
    (r"pre-?\s?trial\s+detention|detention\s+before\s+trial|remand\s+in\s+custody",
     "pretrial-detention"),
    (r"female\s+genital\s+(?:mutilation|cutting)|fgm", "fgm"),
    (r"(?:early|child|forced)(?:\s*(?:,|and|or)\s*(?:early|child|forced))*\s+marriages?",
     "child-marriage"),
    (r"(?:sexual\s+and\s+)?gender-based\s+violence|violence\s+against\s+(?:women|woman)"
     r"(?:\s+and\s+girls)?", "violence-against-women"),
    (r"domestic(?:/family)?\s+violence|family\s+violence|intimate\s+partner\s+violence"
     r"|violence\s+(?:in|within)\s+the\s+(?:family|home)", "domestic-violence"),
    (r"indigenous\s+(?:peoples?|populations?|communities|persons|groups)|first\s+nations"
     r"|aboriginal(?:\s+peoples?)?|native\s+peoples?|tribal\s+peoples", "indigenous"),
    (r"(?:national\s+)?(?:action\s+plans?|plans?\s+of\s+action)|national\s+strateg(?:y|ies)"
     r"|comprehensive\s+strateg(?:y|ies)", "action-plan"),
    (r"persons\s+with\s+disabilit(?:y|ies)|people\s+with\s+disabilit(?:y|ies)|disabled\s+"
     r"(?:persons|people)|children\s+with\s+disabilit(?:y|ies)|disabilit(?:y|ies)", "disability"),
    (r"human\s+rights\s+(?:education|training)", "hr-education"),
    (r"human\s+rights\s+defenders", "hr-defenders"),
    (r"lgbti?q?|sexual\s+orientation(?:\s+and\s+gender\s+identity)?", "sogi"),
    (r"birth\s+registration|registration\s+of\s+(?:all\s+)?births", "birth-registration"),
    (r"freedom\s+of\s+(?:opinion\s+and\s+)?expression", "free-expression"),
    (r"domestic\s+(?:legislation|law|legal\s+(?:order|system|framework))|national\s+"
     r"(?:legislation|laws?|legal\s+(?:order|system|framework)|(?:human\s+rights\s+)?norms)",
     "domestic-law"),
)
# General UN human-rights vocabulary: different words for one concept read as one.
# Every pattern starts with a letter, so "\b(?<!-)" is "(?<![\w-])", and lets the regex
# engine skip ahead to word starts (about 40% faster).
_CONCEPTS = tuple((re.compile(rf"\b(?<!-)(?:{pattern})(?![\w-])"), concept)
                  for pattern, concept in (
    *_THESAURUS,
    (r"socio-?economic|economic and social|social and economic", "socioeconomic"),
    (r"inequalit(?:y|ies)|disparit(?:y|ies)|gaps?|differences|inequities", "disparity"),
    (r"salar(?:y|ies)|wages?|remuneration|pay", "pay"),
    (r"official development (?:assistance|aid)|development aid|oda", "oda"),
    (r"incarceration|imprisonment|prison population|penal system|over-?representation",
     "incarceration"),
    (r"trafficking in (?:persons|human beings)|human trafficking", "trafficking"),
    (r"economic,? social and cultural rights|ecosoc rights|economic and social rights",
     "escr"),
    (r"bill of rights(?: act)?(?: of)?(?: 1990)?|human rights charter", "domestic-law bora"),
    (r"pacifika|pasifika|pacific (?:islanders|peoples?|population|background)", "pacific"),
    (r"land claims|historical claims|treaty settlements?|loss of (?:their )?lands?|land rights"
     r"|restitution of (?:their )?lands?|ancestral lands?", "land-claims"),
    (r"counter-?terrorism|anti-terrorist|terrorism suppression", "counterterrorism"),
))
# The concepts in runs of eight, each run behind one scan for any of its patterns: when
# none matches, replacing them one by one would change nothing (same result, less work).
_CONCEPT_GROUPS = tuple(
    (re.compile("|".join(f"(?:{p.pattern})" for p, _c in _CONCEPTS[i:i + 8])),
     _CONCEPTS[i:i + 8]) for i in range(0, len(_CONCEPTS), 8))
# Verb families: one word for the verbs that ask for the same kind of act.
_VERB_FAMILY = {w: "incorporate" for w in (
    "incorporate", "incorporating", "incorporated", "incorporation", "integrate", "integrating",
    "integration", "include", "inclusion", "enshrine", "enshrining", "domesticate",
    "domesticating", "domestication", "transpose", "transposing", "transposition")}
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
combat combating combatting fight fighting tackle tackling eradicate eradicating eliminate
eliminating elimination end ending reduce reducing reduction decrease close closing narrow
tighten lower overcome prevent preventing prevention protect protecting protection safeguard
efforts accelerate speed seek put place
"""
STOP = frozenset(_STOP_WORDS.split())

_IRREGULAR = {"children": "child", "women": "woman", "men": "man", "people": "person",
              "peoples": "person", "persons": "person", "maoris": "maori", "girls": "girl"}
_SUFFIXES = ("izations", "ization", "ations", "ation", "itions", "ition", "ments", "ment",
             "ities", "ity", "ings", "ing", "ies", "ied", "ive", "ed", "es", "ates", "ate",
             "s", "ly", "al")


@functools.lru_cache(maxsize=131072)
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


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Folded text with its leading hedges removed, one space between words."""
    folded = " ".join(fold(text).replace("’", "'").split())
    folded = _HEDGE.sub("", folded, count=1)
    for check, group in _CONCEPT_GROUPS:
        if check.search(folded):
            for pattern, concept in group:
                folded = pattern.sub(concept, folded)
    return folded


def content_words(text: str) -> list[str]:
    """Stems of the words that carry the ask, in order (hedges and stop words dropped)."""
    return [stem(_VERB_FAMILY.get(w, w)) for w in _WORD.findall(normalise(text))
            if w not in STOP and len(w) > 1]


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
    words: dict[str, str] = {}
    for w in _WORD.findall(normalise(text)):
        if w not in STOP:
            words.setdefault(stem(w), w)
    return [" ".join(words.get(part, part) for part in t.split(" ")) for t in terms]


# Imperative verbs that open a new ask inside one recommendation ("..., and increase ...").
_ASK_VERB_WORDS = """
abolish accede accelerate accept address adopt allocate amend apply appoint assess avoid
bring build carry collect combat commit complete comply conduct consider consolidate
continue cooperate create criminalize criminalise decriminalize decriminalise define
develop devote eliminate enact encourage end enforce enhance enshrine ensure establish
expand extend facilitate finalize finalise find fight foster fulfil fulfill give grant
guarantee harmonize harmonise implement improve include incorporate increase integrate
intensify introduce investigate issue launch legislate lift maintain monitor pass promote
prosecute protect provide pursue raise ratify recognize recognise redouble reduce reform
reinforce remove repeal respect review revise set share sign step strengthen submit support
take tackle undertake uphold withdraw"""
_ASK_VERBS = frozenset(_ASK_VERB_WORDS.split())
_SENTENCE = re.compile(r"\s*(?:[;.]|\n)\s+|\s*;\s*")
_JOINER = re.compile(r"(?:,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+|"
                     r"\s+(?:in\s+order|so\s+as|with\s+a\s+view)\s+to\s+|,?\s+particularly\s+"
                     r"in\s+order\s+to\s+)(?:(?:also|further|to|especially|particularly|notably|in\s+"
                     r"particular)\s+)*([a-z]+)\b")


def clauses(text: str) -> list[str]:
    """The asks of a recommendation, one clause each (the whole text if it asks one thing).

    A clause starts at a sentence or ';' break, or where 'and' / ',' / 'in order to' is
    followed by an imperative verb ('..., and increase efforts against child poverty').
    A piece with fewer than two content words joins its neighbour ('sign and ratify').
    """
    folded = " ".join(fold(text).replace("’", "'").split())
    pieces: list[str] = []
    for sentence in _SENTENCE.split(folded):
        start = 0
        for m in _JOINER.finditer(sentence):
            if m.group(1) in _ASK_VERBS and m.start() > start:
                pieces.append(sentence[start:m.start()])
                start = m.start(1)
        pieces.append(sentence[start:])
    if len(pieces) == 1:  # one ask: nothing to join (and no need to read its words)
        return [pieces[0].strip() or folded]
    out: list[str] = []
    carry = ""
    for piece in pieces:
        piece = (carry + " " + piece).strip() if carry else piece.strip()
        words = content_words(piece)
        if len(words) < 2 and not any("-" in w for w in words):
            carry = piece
            continue
        carry = ""
        out.append(piece)
    if carry:
        if out:
            out[-1] = out[-1] + " " + carry
        else:
            out.append(carry)
    return out or [folded]


def clause_features(text: str) -> list[dict[str, float]]:
    """Term counts of each ask of the text (see `clauses`); one entry if it asks one thing."""
    parts = clauses(text)
    return [features(p) for p in parts] if len(parts) > 1 else [features(text)]


@dataclass(frozen=True, slots=True)
class Analysis:
    """What detection needs of a text, worked out once when it is indexed."""

    counts: dict[str, float]  # the whole text's terms
    parts: list[dict[str, float]]  # each ask's terms, when it asks several things; else []
    concepts: tuple[str, ...]  # concrete-problem concepts (ASK_CONCEPTS)


# Every frame `treaty` reads holds one of these words: a text without any is left as it is
# without running its (costlier) patterns; most UPR texts have none.
_TREATY_HINT = re.compile(r"\b(?:recommend|urg(?:es|ed|e)\b|call(?:s|ed)?\s|encourag(?:es|ed|e)\b|"
                          r"invit(?:es|ed|e)\b|request(?:s|ed)?\b|ask(?:s|ed)?\b|"
                          r"suggest(?:s|ed)?\b|reiterat(?:es|ed)\b|should\b|state\s+party)", re.I)


def upr_form(text: str) -> str:
    """A treaty-body or special-procedure paragraph as UPR-style asks joined by '; '
    ("The Committee recommends that the State party: (a) adopt ...; (b) ..." -> "adopt
    ...; ..."); a UPR text unchanged (see `overlap.treaty`)."""
    return treaty.as_upr_text(text) if _TREATY_HINT.search(text) else text


def analyse(text: str) -> Analysis:
    """Terms, asks' terms and concepts of a text, read as UPR-style asks (`upr_form`)."""
    text = upr_form(text)
    pieces = clauses(text)
    parts = [features(p) for p in pieces] if len(pieces) > 1 else []
    return Analysis(features(text), parts, concept_asks(text))


# Concepts that name one concrete problem to fix: two asks about one of them ask the same
# thing whatever else they say ("tighten the gap in salaries between men and women",
# "take steps to eliminate the gender pay gap across all groups").
ASK_CONCEPTS = {
    "gender-pay-gap": "close the gender pay gap",
    "child-poverty": "reduce child poverty",
    "age-criminal-responsibility": "raise the age of criminal responsibility",
    "corporal-punishment": "prohibit corporal punishment",
    "fgm": "end female genital mutilation",
    "child-marriage": "end child, early and forced marriage",
    "birth-registration": "register all births",
    "prison-overcrowding": "reduce prison overcrowding",
    "pretrial-detention": "limit pre-trial detention",
    "oda": "official development assistance",
    "land-claims": "settle land claims",
    "escr-in-law": "incorporate economic, social and cultural rights in domestic law",
    "socioeconomic-disparity": "reduce socio-economic disparities",
    "justice-disparity": "address over-representation of groups in the criminal justice system",
}
# Concrete problems told by two ideas within one clause (on the normalised text).
_COMPOSITE = (
    ("escr-in-law", re.compile(r"\bescr\b[^.;]{0,80}\bdomestic-law\b|\bdomestic-law\b[^.;]{0,80}"
                               r"\bescr\b")),
    ("socioeconomic-disparity", re.compile(
        r"\bsocioeconomic (?:disparity|situation|conditions?|status)\b|\bdisparity in "
        r"(?:\w+,? (?:and )?){0,6}?(?:employment|health|education|income)\b[^.;]{0,40}"
        r"\bbetween\b")),
    ("justice-disparity", re.compile(
        r"\b(?:disproportionate|discriminat\w*|bias|over-?represent\w*|incarceration)\b[^.;]{0,80}"
        r"\b(?:justice system|incarceration)\b|\b(?:justice system|incarceration)\b[^.;]{0,40}"
        r"\b(?:disproportionate\w*|over-?represent\w*)\b")),
)


def concept_asks(text: str) -> tuple[str, ...]:
    """The concrete-problem concepts (ASK_CONCEPTS) the text asks about, sorted."""
    norm = normalise(text)
    words = set(_WORD.findall(norm))
    found = {c for c in ASK_CONCEPTS if c in words}
    found.update(c for c, pattern in _COMPOSITE if pattern.search(norm))
    return tuple(sorted(found))
