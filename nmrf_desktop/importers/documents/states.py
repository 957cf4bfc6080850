"""Recommending States as UN documents name them, and reading them from "(Chile) (Peru)"."""

from __future__ import annotations

import re

from nmrf_desktop.domain.countries import ISO3

# The names the Human Rights Council's documents use (the UN's short official names), with
# the older spellings the matrices of earlier cycles still carry.
UN_NAMES: frozenset[str] = frozenset("""
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|
Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|
Bolivia (Plurinational State of)|Plurinational State of Bolivia|Bosnia and Herzegovina|
Botswana|Brazil|Brunei Darussalam|Bulgaria|Burkina Faso|Burundi|Cabo Verde|Cape Verde|
Cambodia|Cameroon|Canada|Central African Republic|Chad|Chile|China|Colombia|Comoros|Congo|
Costa Rica|Côte d'Ivoire|Côte d’Ivoire|Croatia|Cuba|Cyprus|Czechia|Czech Republic|
Democratic People's Republic of Korea|Democratic People’s Republic of Korea|
Democratic Republic of the Congo|Denmark|Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|
El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Swaziland|Ethiopia|Fiji|Finland|
France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|
Guyana|Haiti|Holy See|Honduras|Hungary|Iceland|India|Indonesia|Iran (Islamic Republic of)|
Islamic Republic of Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|
Kiribati|Kuwait|Kyrgyzstan|Lao People's Democratic Republic|Lao People’s Democratic Republic|
Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|
Malaysia|Maldives|Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|
Micronesia (Federated States of)|Federated States of Micronesia|Monaco|Mongolia|Montenegro|
Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|Netherlands (Kingdom of the)|
Kingdom of the Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Macedonia|
The former Yugoslav Republic of Macedonia|Norway|Oman|Pakistan|Palau|Panama|
Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Republic of Korea|
Republic of Moldova|Romania|Russian Federation|Rwanda|Saint Kitts and Nevis|Saint Lucia|
Saint Vincent and the Grenadines|Samoa|San Marino|Sao Tome and Principe|Saudi Arabia|
Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|
South Africa|South Sudan|Spain|Sri Lanka|State of Palestine|Sudan|Suriname|Sweden|
Switzerland|Syrian Arab Republic|Tajikistan|Thailand|Timor-Leste|Togo|Tonga|
Trinidad and Tobago|Tunisia|Türkiye|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom of Great Britain and Northern Ireland|United Kingdom|
United Republic of Tanzania|United States of America|Uruguay|Uzbekistan|Vanuatu|
Venezuela (Bolivarian Republic of)|Bolivarian Republic of Venezuela|Viet Nam|Yemen|Zambia|
Zimbabwe
""".replace("\n", "").split("|"))


def _fold(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.casefold().replace("&", "and"))


_KNOWN = frozenset(_fold(n) for n in UN_NAMES | set(ISO3))


def is_state(name: str) -> bool:
    """True for a name of a State (UN or UPR Info spelling, any case or punctuation)."""
    return _fold(name) in _KNOWN


def _looks_like_state(name: str) -> bool:
    """A name we do not know that could still be a State's: capitalised words, no digits,
    not an acronym, short."""
    words = name.split()
    return (bool(words) and len(words) <= 8 and not re.search(r"\d", name)
            and name[0].isupper() and not name.replace(" ", "").isupper()
            and not re.search(r"\b(?:No|para|art|see|including|e\.g)\b", name, re.I))


def _groups(text: str) -> list[tuple[int, int, str]]:
    """Every top-level (…) group of `text`: start, end (after ')'), inner text."""
    out: list[tuple[int, int, str]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1, text[start + 1:i]))
    return out


def _names(inner: str) -> list[str]:
    """'Chile, Peru' -> ['Chile', 'Peru']; 'Bolivia (Plurinational State of)' stays one."""
    if is_state(inner):
        return [inner.strip()]
    return [n.strip() for n in re.split(r",|\band\b", inner) if n.strip()]


def split_states(text: str) -> tuple[str, tuple[str, ...]]:
    """A UPR recommendation's text without its trailing recommending State(s), and those
    States in order: "Ratify … (France) (Lithuania);" -> ("Ratify …", ("France",
    "Lithuania")). Groups at the end of each clause (before ';', '.' or the end) name
    States; a group like "(No. 29)" or "(ICRMW)" does not. "(Portugal, Slovakia)" is two.
    A name we do not know is taken only from the groups that end the text."""
    body = text.strip()
    groups = _groups(body)
    trailing: list[int] = []  # indices of the run of groups that ends the text
    end_at = len(body.rstrip(" ;.,\n"))
    for k in range(len(groups) - 1, -1, -1):
        start, end, _ = groups[k]
        if body[end:end_at].strip(" ;,") == "":
            trailing.insert(0, k)
            end_at = start
        else:
            break
    states: list[str] = []
    cut_at = None
    for k, (start, end, inner) in enumerate(groups):
        after = body[end:].lstrip()
        if after and after[0] not in ";.(":
            continue
        names = _names(inner)
        known = bool(names) and all(is_state(n) for n in names)
        if k in trailing:
            if known or (names and all(_looks_like_state(n) for n in names)):
                states.extend(names)
                if cut_at is None:
                    cut_at = start
            else:
                cut_at = None
                states = [s for s in states if s not in names]
        elif known:
            states.extend(names)
    unique: list[str] = []
    for s in (" ".join(n.split()) for n in states):
        if s not in unique:
            unique.append(s)
    cut = body[:cut_at] if cut_at is not None else body
    return cut.rstrip(" ;,.\n"), tuple(unique)
