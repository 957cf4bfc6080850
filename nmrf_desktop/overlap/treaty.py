"""Treaty-body and special-procedure paragraphs as the imperative asks UPR texts use.

A concluding-observations paragraph says "12. Recalling its previous recommendation
(CRC/C/15/Add.230, para. 8), the Committee recommends that the State party: (a) Adopt a
comprehensive law on children; (b) Establish ..."; a UPR recommendation says "Adopt a
comprehensive law on children". `asks` turns the first into the second's form, one ask per
sub-paragraph, so the same ask from a committee and from the UPR shares its words:

- the frame goes: "The Committee (also|further|strongly) recommends/urges/calls upon/
  encourages/invites/requests/reiterates its recommendation that the State party (to|
  should)", "The State party should", "It should", "CRC recommended that Slovenia";
- whatever precedes the frame in its sentence goes ("Recalling its previous
  recommendations (...),", "In the light of its general recommendation No. 25,", "While
  noting ..."), and so do the sentences before the first frame (the concern);
- paragraph numbers ("12.", "26.1") and document references ("(CRC/C/SVN/CO/3-4, para.
  12)", "(see A/HRC/14/15, paras. 83 and 84)") go;
- "(a) ...; (b) ...; and (c) ..." becomes one ask per letter, each with the words that
  introduce the list ("Take measures to: (a) ensure ..." -> "Take measures to ensure ...");
- "... to adopt X and to ensure Y" becomes "Adopt X" and "Ensure Y".

A text with none of this (a UPR recommendation) comes back unchanged, as its only ask, so
callers may pass every text through `asks`/`as_upr_text`; a non-empty text always gives
at least one ask. Pure: no I/O, no state.
"""

from __future__ import annotations

import re

_SUBJECT = (r"(?:the\s+)?(?:(?:sub)?committee|working\s+group|special\s+rapporteur|"
            r"independent\s+expert|expert\s+mechanism|it|she|he|they|cerd|cedaw|crc|cat|spt|"
            r"cescr|crpd|ced|cmw|hr\s*committee|ccpr)"
            # "the independent expert on water and sanitation", "CERD (2010)"
            r"(?:\s+on\s+[^,.;()]{1,100}?)?(?:\s*\([^()]{1,60}\))?")
_ADVERB = (r"(?:\s+(?:also|further|furthermore|therefore|again|once\s+again|strongly|"
           r"moreover|accordingly|thus|firmly|respectfully|however|in\s+particular|"
           r"in\s+this\s+regard|in\s+that\s+regard|,))*")
# "recommends" may stand without whom it is put to ("CRC recommended the ratification of
# ..."); the other verbs need it, or "that" ("the Working Group's request for a visit" in a
# UPR text is no frame).
_RECOMMEND = r"(?:recommend(?:s|ed)?)\b"
# ... and without it, only before what is recommended ("the ratification", "that",
# "measures"), not "the Follow-up Committee recommended in the ... report".
_WHAT = (r"(?!\s+(?:in|by|on|at|for|with|from|under|during|within|above|below|earlier|"
         r"previously|herein|therein|thereto|hereafter|and|or|but|as)\b)")
_VERB = (r"(?:urg(?:es|ed|e)|call(?:s|ed)?\s+(?:up)?on|encourag(?:es|ed|e)|"
         r"invit(?:es|ed|e)|request(?:s|ed)?|ask(?:s|ed)?|suggest(?:s|ed)?|"
         r"reiterat(?:es|ed)\s+(?:its|their)\s+(?:previous\s+|earlier\s+)?"
         r"(?:recommendations?|concerns?\s+and\s+recommendations?|requests?|calls?)"
         r"(?:\s*\([^()]*\))?(?:\s*,)?)\b")
_ALIA = r"(?:\s*,?\s*inter\s+alia\s*,?)?"
# Whom the ask is put to. A capitalised name is a State ("Slovenia") unless it runs on
# ("the National Commission for ...", "Indonesia's efforts", "the Criminal Code be
# amended") or a group of people follows it ("recommended that Roma children enjoy ...").
_OBJECT = (r"(?:the\s+state\s+party|the\s+state|the\s+country|the\s+authorities|it|"
           r"the\s+government(?-i:(?:\s+of\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)?)|"
           r"(?-i:(?:the\s+)?[A-Z][a-z-]+(?:\s+[A-Z][a-z-]+){0,2})"
           r"(?![\w-])(?!['’]s\b)(?!\s+(?-i:[A-Z])|\s+(?:of|for|and|on|in|be|is|are|was|were|"
           r"would|will|shall|has|have)\b)"
           r"(?!\s+(?:children|child|people|persons|communities|community|women|girls|boys|men|"
           r"families|minorit(?:y|ies)|population|individuals|settlements|girl|woman)\b))")
# What the UN's compilations write: "CRC recommended that Slovenia ...", "..., and urged
# Slovenia to ...". Past tense only (a UPR text is in the imperative, "Urge ..."), and in
# mid-sentence only with whom it is put to (", requested measures to ..." is no frame).
_PAST = r"(?:recommended|urged|encouraged|invited|requested|called\s+(?:up)?on)\b"
_TO = r"(?:\s+(?:that\s+|to\s+)?{obj}\b)"
_FRAME = re.compile(
    # "<subject> <verb> [that] <object> [, insert,] [to|should]"
    rf"\b{_SUBJECT}\)?{_ADVERB}\s+"
    rf"(?:{_RECOMMEND}{_ALIA}(?:{_TO.format(obj=_OBJECT)}|{_WHAT})|{_VERB}{_ALIA}"
    rf"(?:{_TO.format(obj=_OBJECT)}|\s+that\b))"
    rf"(?:\s*,\s*(?P<insert>[^,;:]{{1,160}}?)\s*,)?"
    rf"(?:\s+(?:to|should(?:\s+(?:also|further|continue\s+to))?|shall))?\s*:?\s*"
    # a compilation's sentence without its subject
    rf"|^\s*(?:also\s+)?{_PAST}{_ALIA}{_TO.format(obj=_OBJECT)}?"
    rf"(?:\s*,\s*(?P<insert2>[^;:]{{1,200}}?)\s*,\s*(?=to\b))?\s*(?:\bto\s+)?"
    rf"|(?:,\s*|\band\s+)(?:also\s+)?{_PAST}{_ALIA}{_TO.format(obj=_OBJECT)}\s*(?:\bto\s+)?"
    rf"|\band\s+(?:also\s+)?recommended\b{_ALIA}\s*(?:that\s+)?"
    # "The State party should ...", "It is urged to ..."
    rf"|(?:\bthe\s+state\s+party|^\s*it)\s+should(?:\s+(?:also|further|continue\s+to))?\s+"
    rf"|\b(?:the\s+state\s+party|it)\s+is\s+(?:urged|encouraged|invited|requested|called\s+"
    rf"upon)\s+to\s+",
    re.I)
_NUMBER = re.compile(r"^\s*(?:para(?:graph)?\.?\s*)?\d{1,3}(?:\.\d{1,3})*\.?(?:\s*\([a-z]\))?"
                     r"\s*[.:]?\s+(?=\S)", re.I)
# "(CRC/C/SVN/CO/3-4, para. 12)", "(see A/HRC/14/15, paras. 83-84)", "(E/C.12/SVN/CO/1)".
_REFERENCE = re.compile(r"\s*\((?:see\s+)?(?:also\s+)?[^()]*?\b[A-Z]{1,6}(?:\.\d+)?/[A-Z0-9./-]+"
                        r"[^()]*\)", re.I)
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z])|(?<=\.)\s*$")
# A marker "(a)" that opens a list item (not "article 2 (a)"); lists must run a, b, c...
_MARKER = re.compile(r"(?<![\d(])(?<!\d\s)\(([a-z])\)\s*(?=\w)", re.I)
_AND_TO = re.compile(r"(?:,|;)?\s+and\s+to\s+(?=[a-z])|;\s+to\s+(?=[a-z])")
# ... but not "the rights to water and to sanitation", "access to X and to Y".
_NOT_VERB = re.compile(r"(?:the|a|an|its|their|his|her|all|any|water|sanitation|education|"
                       r"health|food|housing|work|justice|information|life|privacy)\b", re.I)
_TO_NOUN = re.compile(r"\b(?:rights?|access|entitled|related|according|due|contrary|prior|"
                      r"pursuant|subject|equal|regard|respect)\s+to\s+[^,;]*$", re.I)
# An unframed sentence after a frame continues the last ask only when it reads so
# ("Such a strategy should include ...", "To that end, ..."); a concern does not.
_CONTINUES = re.compile(r"^(?!the\s+committee\b|it\s+(?:notes|regrets|is\s+concerned))"
                        r"(?:.*\bshould\b|(?:such|this|these|those|to\s+(?:that|this)\s+end|"
                        r"in\s+(?:so|doing)\s+(?:doing|so)|moreover|furthermore|in\s+addition)\b)",
                        re.I)
_TAIL = re.compile(r"[\s;,:]+(?:and|or)?\s*$|[\s;,:.]+$", re.I)


def is_treaty_text(text: str) -> bool:
    """True when the text speaks as a committee or expert does (a frame, "State party")."""
    return bool(_FRAME.search(text) or re.search(r"\bstate\s+party\b", text, re.I))


def _clean(text: str) -> str:
    text = " ".join(text.split())
    text = _TAIL.sub("", re.sub(r"^[\s,;:.]+", "", text)).strip()
    text = re.sub(r"^(?:(?:to|and|or|also|further|moreover|that)\s+)+(?=[a-z])", "", text,
                  flags=re.I)
    return text[:1].upper() + text[1:] if text else ""


def _split_letters(text: str) -> tuple[str, list[str]]:
    """('Take measures to', ['ensure X', 'provide Y']) from 'Take measures to: (a) ensure
    X; (b) provide Y'; (text, []) when there is no list (a, b, ... in order)."""
    marks: list[re.Match[str]] = []
    expected = "a"
    for m in _MARKER.finditer(text):
        if m.group(1).lower() == expected:
            marks.append(m)
            expected = chr(ord(expected) + 1)
    if len(marks) < 2:
        return text, []
    lead = text[:marks[0].start()].strip()
    items = [text[m.end():(marks[i + 1].start() if i + 1 < len(marks) else len(text))]
             for i, m in enumerate(marks)]
    return lead, items


def _join(lead: str, item: str) -> str:
    lead = re.sub(r"\s*[:;,]\s*$", "", lead).strip()
    item = _TAIL.sub("", " ".join(item.split()))
    if not lead:
        return item
    if re.search(r"\b(?:to|should|shall)$", lead, re.I):
        item = re.sub(r"^to\s+", "", item, flags=re.I)
    return f"{lead} {item[:1].lower() + item[1:] if item[:2] != item[:2].upper() else item}"


def _after_frame(sentence: str) -> str | None:
    """The sentence's ask, with the frame and what precedes it gone; None without a frame."""
    m = _FRAME.search(sentence)
    if m is None:
        return None
    rest = sentence[m.end():]
    insert = m.group("insert") or m.group("insert2")
    if insert and rest:
        rest = f"{rest.rstrip(' .;')}, {insert}"
    return rest


# What a clause before a mid-sentence frame says when it is the committee's own remark
# ("CERD remained concerned about ..., and urged Slovenia to"), not an ask of its own.
_REMARK = re.compile(rf"^\s*(?:{_SUBJECT}\b|in\s+\d{{4}}\b|while\b|although\b|noting\b|"
                     r"recalling\b|concerned\b)|\b(?:concern\w*|not(?:ed|es|ing)|welcom\w*|"
                     r"regret\w*|express\w*|acknowledg\w*|commend\w*|appreciat\w*|observ\w*)\b",
                     re.I)


def _lead_ask(sentence: str) -> str | None:
    """The words before a mid-sentence frame when they are an ask themselves ("Give special
    attention to X, and recommended South Africa to share ..." in a UPR text)."""
    m = _FRAME.search(sentence)
    if m is None or m.start() == 0 or not re.match(r",|\s*and\b", sentence[m.start():]):
        return None
    lead = sentence[:m.start()]
    return None if _REMARK.search(lead) else lead


def asks(text: str) -> list[str]:
    """The paragraph's asks in the imperative form of UPR texts, in order (see module)."""
    if not text.strip() or not is_treaty_text(text):
        return [text] if text.strip() else []
    found = _asks(text)
    if found is None:  # "State party" but no committee speaking: as written
        return [text]
    return found or [" ".join(text.split())]  # a frame with nothing after it: kept whole


def _asks(text: str) -> list[str] | None:
    body = _NUMBER.sub("", " ".join(text.split()), count=1)
    body = _REFERENCE.sub("", body)
    out: list[str] = []
    lead, items = _split_letters(body)
    if not items:
        framed = _from_sentences(_sentences(body), out, framed=False)
        if not framed:
            return None
        return [a for a in (_clean(x) for x in out) if a]
    before = _sentences(lead)
    last = before.pop() if before else ""
    framed = _from_sentences(before, out, framed=False)
    head = _after_frame(last)
    # The words before "(a)" hold the frame; without one ("Measures should include:")
    # they are kept as the items' lead.
    head = last if head is None else head
    # The last item ends at its sentence; what follows is read as sentences again.
    last_item, *after = _sentences(items[-1]) or [""]
    for item in [*items[:-1], last_item]:
        rest = _after_frame(item)
        out.extend(_split_and_to(_join(head, item if rest is None else rest)))
    _from_sentences(after, out, framed=True)
    return [a for a in (_clean(x) for x in out) if a]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def _from_sentences(sentences: list[str], out: list[str], framed: bool) -> bool:
    """Append the asks of framed sentences (an unframed one after a frame may continue the
    last ask: `_CONTINUES`); True once a frame was seen."""
    for sentence in sentences:
        rest = _after_frame(sentence)
        if rest is not None:
            framed = True
            if (lead := _lead_ask(sentence)) is not None:
                out.append(lead)
            out.extend(_split_and_to(rest))
        elif framed and out and _CONTINUES.search(sentence):
            out[-1] = f"{out[-1].rstrip(' .;')}. {sentence}"
    return framed


def _split_to(ask: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in _AND_TO.finditer(ask):
        if _NOT_VERB.match(ask, m.end()) or _TO_NOUN.search(ask, start, m.start()):
            continue
        parts.append(ask[start:m.start()])
        start = m.end()
    parts.append(ask[start:])
    return parts


def _split_and_to(ask: str) -> list[str]:
    """'adopt X and to ensure Y' -> two asks; so is 'X, and encouraged Slovenia to Y'."""
    out: list[str] = []
    for part in _split_to(ask):
        m = _FRAME.search(part)
        while m is not None and m.start() > 0 and m.end() < len(part):
            out.append(part[:m.start()])
            part = part[m.end():]
            m = _FRAME.search(part)
        out.append(part)
    return [p for p in out if p.strip()]


def as_upr_text(text: str) -> str:
    """The asks joined by '; ' (the way a UPR text lists several); unchanged for UPR texts."""
    if not text or not is_treaty_text(text):
        return text
    return "; ".join(asks(text)) or text
