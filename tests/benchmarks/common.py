"""What the benchmarks share: data paths, timing, and the figures they report."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
UPR_INFO = REPO.parent / "shared" / "data" / "upr-info"
UPR_INFO_FILES = sorted(UPR_INFO.glob("upr_info_sessions_*.csv"))
DEFAULT_OUT = REPO / "bench-out"


@dataclass(slots=True)
class Figure:
    """One reported number: its median (or percentile) and its ratio to the raw floor."""

    name: str
    value: float
    unit: str
    floor: float | None = None
    runs: int = 1
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None

    def line(self) -> str:
        ratio = f"{self.ratio:5.2f}x floor ({self.floor:.4g} {self.unit})" if self.ratio \
            else "(floor)"
        note = f"  {self.note}" if self.note else ""
        return f"{self.name:<28} {self.value:10.4g} {self.unit:<3} {ratio}  n={self.runs}{note}"

    def as_json(self) -> dict[str, object]:
        return asdict(self) | {"ratio": self.ratio}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile (p95 of 100 values is the 95th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5 - 1e-9)))
    return ordered[rank - 1]
