"""Overlap detection for one state's record: instrument asks, then similar wording."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from nmrf_desktop.overlap.cluster import greedy
from nmrf_desktop.overlap.instruments import Ask
from nmrf_desktop.overlap.meaning import Vectors
from nmrf_desktop.overlap.model import CONFIRM, REJECT, Cluster, Decision, Doc, Match, pair
from nmrf_desktop.overlap.scoring import Cache, Scorer as _Scorer
from nmrf_desktop.overlap.settings import DEFAULT, Settings
from nmrf_desktop.overlap.similarity import TermStats, cosine
from nmrf_desktop.overlap.text import ASK_CONCEPTS, analyse, concept_asks, display_terms, upr_form

TEXT = "text"


@dataclass(slots=True)
class Prepared:
    """What detection keeps about a document: its terms, instrument asks, and (worked out
    when it was indexed, else from its text here) its asks' terms and concepts."""

    doc: Doc
    counts: dict[str, float]
    asks: tuple[Ask, ...]
    parts: list[dict[str, float]] | None = None
    concepts: tuple[str, ...] | None = None


@dataclass(slots=True)
class Result:
    matches: list[Match] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)


def detect_group(docs: list[Prepared], stats: TermStats, decisions: Iterable[Decision] = (),
                 settings: Settings = DEFAULT, vectors: Vectors | None = None,
                 cache: Cache | None = None) -> Result:
    """Matches and clusters among the documents of one group (one state under review).

    `vectors`: the corpus word vectors (meaning and generic terms; None: wording alone);
    `cache`: per-term weights shared by the groups of one run (same stats and settings).
    """
    docs = sorted(docs, key=lambda p: p.doc.id)
    ids = {p.doc.id for p in docs}
    confirmed: set[tuple[str, str]] = set()
    rejected: set[tuple[str, str]] = set()
    for d in decisions:
        if d.a in ids and d.b in ids:
            (confirmed if d.verdict == CONFIRM else rejected).add(pair(d.a, d.b))
    result = Result()
    by_ask: dict[Ask, list[str]] = defaultdict(list)
    for p in docs:
        for ask in p.asks:
            by_ask[ask].append(p.doc.id)
    asks_of = {p.doc.id: set(p.asks) for p in docs}

    # Instrument asks: the same ask on the same instrument is a match, whatever the wording.
    for ask, members in sorted(by_ask.items()):
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if (a, b) in rejected or (a, b) in confirmed:
                    continue
                shared = sorted(asks_of[a] & asks_of[b])
                if shared[0] == ask:  # one match per pair, on its first shared ask
                    result.matches.append(Match(a, b, "instrument", 1.0, "both ask to " + "; ".join(
                        s.describe() for s in shared)))
        kept = _all_match(members, confirmed, rejected)
        result.clusters += [Cluster(docs[0].doc.group, ask.key, g, [ask.describe()])
                            for g in kept]

    # Concrete-problem concepts ("gender pay gap", "child poverty"): the same as an
    # instrument ask, whatever the rest of the wording.
    concepts_of = {p.doc.id: set(p.concepts if p.concepts is not None
                                 else concept_asks(upr_form(p.doc.text))) for p in docs}
    by_concept: dict[str, list[str]] = defaultdict(list)
    for p in docs:
        for c in sorted(concepts_of[p.doc.id]):
            by_concept[c].append(p.doc.id)
    matched = {(m.a, m.b) for m in result.matches}
    for concept, members in sorted(by_concept.items()):
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if (a, b) in rejected or (a, b) in confirmed or (a, b) in matched:
                    continue
                matched.add((a, b))
                common = sorted(concepts_of[a] & concepts_of[b])
                result.matches.append(Match(a, b, "concept", 1.0, "both ask to " + "; ".join(
                    ASK_CONCEPTS[c] for c in common)))
        kept = _all_match(members, confirmed, rejected)
        result.clusters += [Cluster(docs[0].doc.group, "concept:" + concept, g,
                                    [ASK_CONCEPTS[concept]]) for g in kept]

    # Wording and meaning between asks (clauses), unless the two make instrument asks
    # (those decide alone). A recommendation that asks several things has one node per
    # ask, so it can sit in one cluster per ask, as the labelled sets group them.
    scorer = _Scorer(stats, vectors, settings, cache)
    text_of = {p.doc.id: p.doc.text for p in docs}
    nodes: list[str] = []
    node_doc: list[str] = []
    node_counts: list[dict[str, float]] = []
    nodes_of: dict[str, list[str]] = defaultdict(list)
    for p in docs:
        parts = p.parts if p.parts is not None else _parts(p)
        for k, counts in enumerate([p.counts, *parts] if parts else [p.counts]):
            node = f"{p.doc.id}#{k}"
            nodes.append(node)
            node_doc.append(p.doc.id)
            node_counts.append(counts)
            nodes_of[p.doc.id].append(node)
    scorer.index(node_counts)
    node_at = {n: i for i, n in enumerate(nodes)}
    vec_of = {d: scorer.vecs[node_at[ns[0]]] for d, ns in nodes_of.items()}  # node 0: whole
    best: dict[tuple[str, str], tuple[float, int, int]] = {}
    edges: list[tuple[float, str, str]] = []
    for (i, j), score in scorer.pairs().items():
        a, b = node_doc[i], node_doc[j]
        if a == b:
            continue
        key = pair(a, b)
        if ((asks_of[a] and asks_of[b]) or key in rejected or key in confirmed
                or key in matched):
            continue
        edges.append((score, nodes[i], nodes[j]))
        if key not in best or score > best[key][0]:
            best[key] = (score, i, j)
    for (a, b), (score, i, j) in sorted(best.items()):
        result.matches.append(Match(a, b, TEXT, round(score, 4),
                                    scorer.explain(i, j, text_of[a], text_of[b])))
    for a, b in sorted(confirmed):
        result.matches.append(Match(a, b, "confirmed", 1.0, "confirmed by a coordinator"))

    def cohesive(left: list[str], right: list[str]) -> bool:
        if len(left) + len(right) <= 2:
            return True
        xs, ys = sorted(left)[:20], sorted(right)[:20]
        close = scorer.close([node_at[x] for x in xs], [node_at[y] for y in ys])
        return close >= settings.cohesion * len(xs) * len(ys)

    def first_nodes(a: str, b: str) -> tuple[str, str]:
        return nodes_of[a][0], nodes_of[b][0]

    must = [first_nodes(a, b) for a, b in confirmed if not (asks_of[a] & asks_of[b])]
    cannot = {(x, y) for a, b in rejected if a in nodes_of and b in nodes_of
              for x in nodes_of[a] for y in nodes_of[b]}
    for group in greedy(nodes, edges, must=must, cannot=cannot, cohesive=cohesive):
        members = sorted({n.split("#", 1)[0] for n in group})
        if len(members) > 1:
            result.clusters.append(Cluster(docs[0].doc.group, TEXT, members,
                                           _text_reasons(members, vec_of, text_of, confirmed)))
    result.clusters = _without_subsets(result.clusters)
    result.matches.sort(key=lambda m: (m.a, m.b))
    return result


def _all_match(members: list[str], confirmed: set[tuple[str, str]],
               rejected: set[tuple[str, str]]) -> list[list[str]]:
    """Clusters of recommendations that all make one ask, so that every pair matches.

    Confirmed pairs join first. Then pairs that no rejection touches, and last those
    that one does: a rejection keeps its own two apart and splits off the one that
    comes later, never a confirmed partner or the rest of the group.
    """
    inside = set(members)
    must = sorted(p for p in confirmed if p[0] in inside and p[1] in inside)
    touched = {x for p in rejected for x in p if x in inside}
    edges = [(-float((a in touched) + (b in touched)), a, b)
             for i, a in enumerate(members) for b in members[i + 1:]]
    return greedy(members, edges, must=must, cannot=rejected)


def _parts(p: Prepared) -> list[dict[str, float]]:
    return analyse(p.doc.text).parts if p.doc.text else []


def _text_reasons(members: list[str], vec_of: Mapping[str, dict[str, float]],
                  text_of: Mapping[str, str], confirmed: set[tuple[str, str]]) -> list[str]:
    weight: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for m in members:
        for t, w in vec_of[m].items():
            weight[t] += w
            count[t] += 1
    common = sorted((t for t in weight if count[t] * 2 >= len(members)),
                    key=lambda t: (-weight[t], t))[:4]
    scores = [cosine(vec_of[a], vec_of[b]) for i, a in enumerate(members)
              for b in members[i + 1:]][:400]
    reasons = []
    if common:
        reasons.append("shared key phrases: " + ", ".join(
            f"'{t}'" for t in display_terms(common, text_of[members[0]])))
    if scores:
        reasons.append(f"similarity {min(scores):.2f}–{max(scores):.2f}")
    if any(pair(a, b) in confirmed for i, a in enumerate(members) for b in members[i + 1:]):
        reasons.append("confirmed by a coordinator")
    return reasons


def _without_subsets(clusters: list[Cluster]) -> list[Cluster]:
    """Drop a cluster whose members all sit in a bigger (or earlier, equal) cluster."""
    ordered = sorted(clusters, key=lambda c: (-len(c.members), c.channel, c.members))
    kept: list[Cluster] = []
    for c in ordered:
        mine = set(c.members)
        host = next((k for k in kept if mine <= set(k.members)), None)
        if host is None:
            kept.append(c)
        else:
            host.reasons += [r for r in c.reasons if r not in host.reasons]
    return sorted(kept, key=lambda c: c.members)


def reject_set(decisions: Iterable[Decision]) -> set[tuple[str, str]]:
    return {pair(d.a, d.b) for d in decisions if d.verdict == REJECT}
