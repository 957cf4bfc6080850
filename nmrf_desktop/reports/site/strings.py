"""The site's chrome strings, in English and (where translated) te reo Māori.

Content (the UN's words, theme labels, narratives) is published as recorded; only the
site's own words are here. An untranslated string on a te reo Māori site is shown in
English inside `lang="en"`, so screen readers say it in the right voice.
"""

from __future__ import annotations

from markupsafe import Markup, escape

LANGS = ("en", "mi")

# key -> (English, te reo Māori or None). Only translations we are sure of are filled in;
# a translator adds the rest here.
STRINGS: dict[str, tuple[str, str | None]] = {
    "site_title": ("Human rights recommendations: the public monitor", None),
    "site_owner": ("National Mechanism for Reporting and Follow-up", None),
    "skip": ("Skip to main content", None),
    "nav_label": ("Main", None),
    "home": ("Home", "Kāinga"),
    "search": ("Search", "Rapu"),
    "browse": ("Browse", "Tirotiro"),
    "recommendations": ("Recommendations", "Ngā tūtohutanga"),
    "recommendation": ("Recommendation", "Tūtohutanga"),
    "indicators": ("Indicators", "Ngā tohu"),
    "open_data": ("Open data", "Raraunga tuwhera"),
    "about": ("About the data", "Mō ngā raraunga"),
    "status": ("Status", "Tūnga"),
    "agencies": ("Agencies", "Ngā tari"),
    "themes": ("Themes", "Ngā kaupapa"),
    "page": ("Page", "Whārangi"),
    "next": ("Next page", None),
    "previous": ("Previous page", None),
    "body": ("Body", None),
    "cycle": ("Cycle", None),
    "group": ("Affected group", None),
    "groups": ("Affected groups", None),
    "sdg": ("Sustainable Development Goal", None),
    "sdgs": ("Sustainable Development Goals", None),
    "agency": ("Agency", None),
    "theme": ("Theme", None),
    "count": ("Recommendations", "Ngā tūtohutanga"),
    "value": ("Value", None),
    "total": ("Total", None),
    "mechanism": ("Mechanism", None),
    "session": ("Session", None),
    "year": ("Year", None),
    "document": ("Document symbol", None),
    "paragraph": ("Paragraph", None),
    "states": ("Recommending states", None),
    "position": ("Position", None),
    "responsible": ("Agencies reporting progress", None),
    "actions": ("Public actions", None),
    "progress": ("Progress updates", None),
    "evidence": ("Public evidence", None),
    "related": ("Related recommendations", None),
    "no_update": ("No public update", None),
    "as_of": ("as of", None),
    "started": ("Started", None),
    "target": ("Target", None),
    "completed": ("Completed", None),
    "kind": ("Kind", None),
    "download": ("Download", None),
    "columns": ("Columns", None),
    "column": ("Column", None),
    "meaning": ("Meaning", None),
    "file": ("File", None),
    "rows": ("Rows", None),
    "format": ("Format", None),
    "last_update": ("Last update of the record", None),
    "sources": ("Sources", None),
    "source": ("Source", None),
    "search_hint": ("Search needs JavaScript. Every recommendation can also be reached "
                    "from the browse pages.", None),
    "by_status": ("Recommendations by status", None),
    "by_body": ("Recommendations by body", None),
    "by_cycle": ("Recommendations by cycle", None),
    "by_theme": ("Recommendations by theme", None),
    "by_group": ("Recommendations by affected group", None),
    "by_sdg": ("Recommendations by Sustainable Development Goal", None),
    "by_agency": ("Recommendations by agency", None),
    "details": ("Details", None),
    "classification": ("Themes, groups and goals", None),
    "downloads": ("Downloads", None),
    "dictionary": ("Data dictionary", None),
    "published_rule": ("What is published", None),
    "te_tiriti": ("Relevant to Te Tiriti o Waitangi", None),
    "yes": ("Yes", "Āe"),
    "no": ("No", "Kāo"),
    "charts": ("Charts", None),
    "pages_label": ("Pages", "Ngā whārangi"),
    "value_of": ("Values", None),
    "action": ("Action", None),
    "date": ("Date", "Rā"),
    "footer_note": ("Only information marked public is published here.", None),
    "none_recorded": ("None recorded", None),
    "period": ("Period", None),
    "series": ("Series", None),
    "latest": ("Latest value", None),
    "trend": ("Trend", None),
    "steward": ("Steward", None),
    "method": ("Method", None),
    "baseline": ("Baseline", None),
    "unit": ("Unit", None),
    "governance": ("Māori data governance", None),
    "linked": ("Linked recommendations", None),
    "withheld": ("series withheld (Māori data not released)", None),
    "language": ("Language", "Reo"),
}


class Chrome:
    """The chrome strings of one site language: `t("home")` gives safe markup."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str) -> Markup:
        en, mi = STRINGS[key]
        if self.lang == "mi":
            if mi:
                return Markup(escape(mi))
            return Markup('<span lang="en">{}</span>').format(en)
        return Markup(escape(en))

    def plain(self, key: str) -> str:
        """The string as plain text (a `<title>`, an attribute)."""
        en, mi = STRINGS[key]
        return mi if self.lang == "mi" and mi else en

    def content(self, text: object) -> Markup:
        """Recorded content (English) on this site: marked `lang="en"` on a te reo site."""
        if self.lang == "mi":
            return Markup('<span lang="en">{}</span>').format(text)
        return Markup(escape(str(text)))


MECHANISMS = {"upr": "Universal Periodic Review", "treaty_body": "Treaty body",
              "special_procedure": "Special procedure"}


def mechanism(value: str) -> str:
    return MECHANISMS.get(value, value.replace("_", " "))
