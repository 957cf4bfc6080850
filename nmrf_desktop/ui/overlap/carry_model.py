"""The carry-forward review tree: each repeated recommendation, the earlier ones it repeats,
and under each the agencies and actions that may be carried, with the coordinator's ticks.

Nothing starts ticked: carrying work is a decision a person takes, item by item or with
"Select All in This Cluster", never a default to untick.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from nmrf_desktop.services.carry_forward import Candidate, Suggestion
from nmrf_desktop.ui.browsing.recommendations_model import cycle_label

Index = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()
_T = QCoreApplication.translate
_C = "CarryModel"

# Node kinds; KIND_ROLE gives one, KEY_ROLE the node's stable key (for tests and reloads).
SUGGESTION, CANDIDATE, AGENCY, ACTION = range(4)
KIND_ROLE = Qt.ItemDataRole.UserRole
KEY_ROLE = Qt.ItemDataRole.UserRole + 1

NAME, CYCLE, TEXT, WHY, PROGRESS = range(5)
_COLUMNS = 5
_SHOWN = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_CHECKABLE = _SHOWN | Qt.ItemFlag.ItemIsUserCheckable


def headers() -> list[str]:
    return [_T(_C, "Recommendation / work to carry"), _T(_C, "Cycle"), _T(_C, "Text"),
            _T(_C, "Matched because"), _T(_C, "Updates")]


def role_label(role: str) -> str:
    return {"lead": _T(_C, "lead"), "contributing": _T(_C, "contributing")}.get(role, role)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the coordinator chose for one earlier recommendation: carry these to the new one."""

    suggestion: Suggestion
    candidate: Candidate
    agencies: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(eq=False)
class _Node:
    kind: int
    suggestion: Suggestion
    candidate: Candidate | None = None
    item: tuple[str, str, str] | None = None  # (code, name, role) or (id, title, agency)
    parent: _Node | None = None
    row: int = 0
    cluster: int = 0  # 1-based, in the order clusters are listed
    checked: bool = False  # an item's tick; a candidate's own when it has nothing under it
    children: list[_Node] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, ...]:
        s, c = self.suggestion, self.candidate
        if self.kind == SUGGESTION:
            return (s.recommendation_id,)
        assert c is not None
        if self.kind == CANDIDATE:
            return (s.recommendation_id, c.earlier_id)
        assert self.item is not None
        return (s.recommendation_id, c.earlier_id, "agency" if self.kind == AGENCY
                else "action", self.item[0])


def _candidate_node(suggestion: Suggestion, candidate: Candidate, parent: _Node,
                    row: int) -> _Node:
    node = _Node(CANDIDATE, suggestion, candidate, parent=parent, row=row,
                 cluster=parent.cluster)
    items = [(AGENCY, a) for a in candidate.agencies] + [(ACTION, a) for a in candidate.actions]
    node.children = [_Node(kind, suggestion, candidate, item, node, i, parent.cluster)
                     for i, (kind, item) in enumerate(items)]
    return node


class CarryModel(QAbstractItemModel):
    """Suggestions (top level) → earlier recommendations → agencies and actions to carry."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._roots: list[_Node] = []
        self._headers = headers()

    # -- content --------------------------------------------------------------------------

    def set_suggestions(self, suggestions: Sequence[Suggestion],
                        keep: Iterable[tuple[str, ...]] = ()) -> None:
        """Show these, grouped by cluster; `keep` names the ticks to carry over (reload)."""
        clusters: dict[str, int] = {}
        for s in suggestions:
            clusters.setdefault(s.cluster_id, len(clusters) + 1)
        ordered = sorted(suggestions, key=lambda s: (clusters[s.cluster_id], s.reference))
        kept = set(keep)
        self.beginResetModel()
        self._roots = []
        for row, s in enumerate(ordered):
            root = _Node(SUGGESTION, s, row=row, cluster=clusters[s.cluster_id])
            root.children = [_candidate_node(s, c, root, i)
                             for i, c in enumerate(s.candidates)]
            for node in self._leaves(root):
                node.checked = node.key in kept
            self._roots.append(root)
        self.endResetModel()

    def checked_keys(self) -> list[tuple[str, ...]]:
        return [n.key for root in self._roots for n in self._leaves(root) if n.checked]

    @property
    def suggestions(self) -> list[Suggestion]:
        return [r.suggestion for r in self._roots]

    def cluster_count(self) -> int:
        return len({r.suggestion.cluster_id for r in self._roots})

    def candidate_count(self) -> int:
        return sum(len(r.children) for r in self._roots)

    # -- what the coordinator chose -------------------------------------------------------

    def decisions(self) -> list[Decision]:
        """Every earlier recommendation with something ticked, and what is ticked under it."""
        out = []
        for root in self._roots:
            for cand in root.children:
                if self._state(cand) == Qt.CheckState.Unchecked:
                    continue
                assert cand.candidate is not None
                ticked = [n for n in cand.children if n.checked]
                out.append(Decision(
                    root.suggestion, cand.candidate,
                    tuple(n.item[0] for n in ticked if n.kind == AGENCY and n.item),
                    tuple(n.item[0] for n in ticked if n.kind == ACTION and n.item)))
        return out

    def pairs_at(self, indexes: Iterable[Index]) -> list[tuple[Suggestion, Candidate]]:
        """The (new, earlier) pairs these rows stand for: a suggestion row stands for all."""
        seen: dict[tuple[str, ...], tuple[Suggestion, Candidate]] = {}
        for index in indexes:
            node = self.node(index)
            if node is None:
                continue
            while node.kind in (AGENCY, ACTION) and node.parent is not None:
                node = node.parent
            for cand in node.children if node.kind == SUGGESTION else [node]:
                assert cand.candidate is not None
                seen.setdefault(cand.key, (cand.suggestion, cand.candidate))
        return list(seen.values())

    def set_cluster_checked(self, index: Index, checked: bool = True) -> int:
        """Tick (or untick) everything in the cluster of the row at `index`; how many rows."""
        node = self.node(index)
        if node is None:
            return 0
        cluster = node.suggestion.cluster_id
        roots = [r for r in self._roots if r.suggestion.cluster_id == cluster]
        for root in roots:
            self._set_subtree(root, checked)
        return len(roots)

    def clear_checks(self) -> None:
        """Untick everything (only the rows with a tick are told: thousands of rows may
        be shown, a few ticked)."""
        for root in self._roots:
            if any(leaf.checked for leaf in self._leaves(root)):
                self._set_subtree(root, False)

    # -- tree plumbing --------------------------------------------------------------------

    def node(self, index: Index) -> _Node | None:
        if not index.isValid():
            return None
        parent: _Node | None = index.internalPointer()
        siblings = self._roots if parent is None else parent.children
        return siblings[index.row()] if 0 <= index.row() < len(siblings) else None

    def _index_of(self, node: _Node, column: int = 0) -> QModelIndex:
        # A child's index carries its parent node; a top-level one carries None.
        return self.createIndex(node.row, column, node.parent)

    def index(self, row: int, column: int, parent: Index = _INVALID) -> QModelIndex:
        # Bounds checked here, not with hasIndex (two more Python calls per index: a view
        # expanding thousands of rows asks for every one).
        if not 0 <= column < _COLUMNS or (parent.isValid() and parent.column() != NAME):
            return QModelIndex()
        owner = self.node(parent)
        siblings = self._roots if owner is None else owner.children
        if not 0 <= row < len(siblings):
            return QModelIndex()
        return self.createIndex(row, column, owner)

    def parent(self, index: Index = _INVALID) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        owner: _Node | None = index.internalPointer()
        return QModelIndex() if owner is None else self._index_of(owner)

    def rowCount(self, parent: Index = _INVALID) -> int:
        if not parent.isValid():
            return len(self._roots)
        if parent.column() != 0:
            return 0
        node = self.node(parent)
        return 0 if node is None else len(node.children)

    def columnCount(self, parent: Index = _INVALID) -> int:
        return _COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _CHECKABLE if index.column() == NAME else _SHOWN

    # -- check states ---------------------------------------------------------------------

    @staticmethod
    def _leaves(node: _Node) -> list[_Node]:
        """The nodes holding ticks under `node`: items, and candidates with no items."""
        if node.kind in (AGENCY, ACTION):
            return [node]
        if node.kind == CANDIDATE:
            return node.children or [node]
        return [leaf for c in node.children for leaf in CarryModel._leaves(c)]

    def _state(self, node: _Node) -> Qt.CheckState:
        leaves = self._leaves(node)
        ticked = sum(n.checked for n in leaves)
        if ticked == 0:
            return Qt.CheckState.Unchecked
        return Qt.CheckState.Checked if ticked == len(leaves) else Qt.CheckState.PartiallyChecked

    def _set_subtree(self, node: _Node, checked: bool) -> None:
        for leaf in self._leaves(node):
            leaf.checked = checked
        self._changed(node)

    def _changed(self, node: _Node) -> None:
        """The ticks under `node` changed: its row, its descendants' and its ancestors'."""
        def rows(n: _Node) -> None:
            if n.children:
                self.dataChanged.emit(self._index_of(n.children[0]),
                                      self._index_of(n.children[-1], PROGRESS))
                for child in n.children:
                    rows(child)
        rows(node)
        up: _Node | None = node
        while up is not None:
            self.dataChanged.emit(self._index_of(up), self._index_of(up, PROGRESS))
            up = up.parent

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node = self.node(index)
        if node is None or role != Qt.ItemDataRole.CheckStateRole or index.column() != NAME:
            return False
        self._set_subtree(node, Qt.CheckState(value) != Qt.CheckState.Unchecked)
        return True

    # -- what is shown --------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == KIND_ROLE:
            return node.kind
        if role == KEY_ROLE:
            return node.key
        if role == Qt.ItemDataRole.CheckStateRole:
            return self._state(node) if column == NAME else None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == NAME:
            state = {Qt.CheckState.Checked: _T(_C, "chosen"),
                     Qt.CheckState.PartiallyChecked: _T(_C, "partly chosen"),
                     Qt.CheckState.Unchecked: _T(_C, "not chosen")}[self._state(node)]
            return f"{self._display(node, NAME)}, {state}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == PROGRESS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(node, column)
        return None

    def _display(self, node: _Node, column: int) -> str:
        s, c, item = node.suggestion, node.candidate, node.item
        if node.kind == SUGGESTION:
            return (_T(_C, "{0} (cluster {1})").format(s.reference, node.cluster),
                    cycle_label(s.cycle, None), s.text, "", "")[column]
        assert c is not None
        if node.kind == CANDIDATE:
            return (_T(_C, "repeats {0}").format(c.earlier_reference),
                    cycle_label(c.earlier_cycle, None), c.earlier_text, c.reason,
                    str(c.progress))[column]
        assert item is not None
        if node.kind == AGENCY:
            code, name, role = item
            return (_T(_C, "Assign {0} ({1})").format(code, role_label(role)), "", name, "",
                    "")[column]
        _action_id, title, agency = item
        return (_T(_C, "Link action ({0})").format(agency), "", title, "", "")[column]

    def _tooltip(self, node: _Node, column: int) -> str | None:
        if column in (TEXT, WHY):
            return self._display(node, column) or None
        if column == PROGRESS and node.kind == CANDIDATE:
            return _T(_C, "Progress updates recorded on the earlier recommendation")
        if column != NAME:
            return None
        if node.kind == SUGGESTION:
            return _T(_C, "Tick to carry everything offered to {0}").format(
                node.suggestion.reference)
        if node.kind == CANDIDATE and not node.children:
            return _T(_C, "Nothing left to assign or link: ticking records that {0} repeats "
                          "{1}").format(node.suggestion.reference,
                                        node.candidate.earlier_reference
                                        if node.candidate else "")
        return None
