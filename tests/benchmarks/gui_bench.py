"""The desktop window at 270,000 recommendations: typing, event-loop lag, startup, memory.

Issue 3, acceptance point 3, measured on the real window (offscreen):

- gui.type.p50/p95: from the last keystroke of a query typed into the search box (keys
  80-160 ms apart, so earlier prefixes are searched while typing) to the first paint of
  the table showing the final query's rows; the debounce is included. Floor: the
  debounce plus the bare `store.search.search_ids(limit=page)` call for the same query.
- gui.filter.*: the same latency for "mine only" (an officer's agency) and for a text
  search sorted by another column with a body filter.
- gui.lag.*: the longest the GUI thread was blocked (a heartbeat: a 1 ms precise QTimer
  on the GUI thread; a tick that comes late by more than its interval means the thread
  could not handle an event for that long, whatever held it: a slot, a paint, a layout,
  the garbage collector or the worker holding the GIL) while opening the database,
  typing, filtering, scrolling through the whole table and opening recommendations:
  the worst of each run, as the max over runs and (gui.lag.*.median) their median.
- gui.startup: a child process, from its start to the first rows painted, on a
  50,000-row database. Floor: a child that only shows an empty QTableView.
- gui.rss: resident memory (VmRSS) after scrolling through all 270,000 rows; and the
  peak (ru_maxrss).

The databases are copies of the search benchmark's 270,000-row database and a 50,000-row
one built the same way, with Annex II lead agencies assigned and an MOJ officer's profile;
they are cached in --out. The window opens as the officer sees it ("mine only" on, 230,753
rows); typing, filtering and scrolling then run over all 270,000. Its data folder (backups
on close) is a temporary one and the daily backup is off: this measures browsing.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.settings import BACKUP_DAILY
from nmrf_desktop.store import migrate, recommendations as recs_store
from nmrf_desktop.store.engine import make_engine

from . import bigdb
from .common import REPO, UPR_INFO_FILES, Figure, median, percentile

RECIPE = 1  # bump when the copies change
SMALL_TOTAL = 50_000
AGENCY = "MOJ"
QUERIES = 24
KEY_GAP_MS = (80, 160)
SCROLL_STEPS = 120
OPENS = 30
PROBE_MS = 1
MS = 1000.0


# -- databases ------------------------------------------------------------------------


def _prepare(path: Path) -> None:
    record = open_record(path, create=False)
    try:
        assign_lead_defaults(record)
        save_profile(record, Profile(role="officer", agency=AGENCY, officer_name="Bench"))
    finally:
        record.close()


def _stamp(extra: dict[str, object]) -> dict[str, object]:
    engine = make_engine(REPO / "bench-out" / "unused.sqlite3")
    try:
        head = migrate.head_revision(engine)
    finally:
        engine.dispose()
    return {"gui": RECIPE, "schema": head, **extra}


def _cached(path: Path, stamp: dict[str, object], build: Callable[[Path], None]) -> Path:
    stamp_file = path.with_suffix(".json")
    if path.exists() and stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        return path
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    build(path)
    stamp_file.write_text(json.dumps(stamp))
    return path


def ensure_big(out: Path) -> Path:
    """The 270,000-row search database, copied, with lead agencies and a profile."""
    source = bigdb.ensure(out)

    def build(path: Path) -> None:
        with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        _prepare(path)
    return _cached(out / "gui-270k.sqlite3", _stamp({"total": bigdb.TOTAL,
                                                      "recipe": bigdb.RECIPE}), build)


def ensure_small(out: Path) -> Path:
    """50,000 rows: the real 41,066 and synthetic ones made as bigdb makes them."""
    def build(path: Path) -> None:
        record = open_record(path)
        try:
            report = import_files(record, "upr-info", UPR_INFO_FILES)
            extra = bigdb.synthetic(bigdb.real_records(), SMALL_TOTAL - report.created)
            with record.unit_of_work() as session:
                recs_store.upsert(session, extra)
        finally:
            record.close()
        _prepare(path)
    return _cached(out / "gui-50k.sqlite3", _stamp({"total": SMALL_TOTAL,
                                                     "recipe": bigdb.RECIPE}), build)


# -- Qt helpers (imported late: the runner must not need Qt for other benchmarks) ------


def _isolate_settings(folder: str) -> None:
    from PySide6.QtCore import QCoreApplication, QSettings

    from nmrf_desktop.ui.window import state as window_state
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, folder)
    QCoreApplication.setOrganizationName(window_state.ORGANIZATION)
    QCoreApplication.setApplicationName(window_state.APPLICATION + "-bench")
    window_state.settings().setValue(BACKUP_DAILY.key, False)


def _app():  # type: ignore[no-untyped-def]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(_kind, _context, message: str) -> None:  # type: ignore[no-untyped-def]
        if "propagateSizeHints" not in message:  # offscreen noise (see tests/gui/conftest)
            sys.stderr.write(message + "\n")
    qInstallMessageHandler(quiet)
    return QApplication.instance() or QApplication(["nmrf-gui-bench"])


def wait_until(cond: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Run the event loop until `cond()` holds (checked every millisecond)."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    if cond():
        return True
    loop = QEventLoop()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    deadline = time.perf_counter() + timeout
    timer.timeout.connect(lambda: (cond() or time.perf_counter() > deadline) and loop.quit())
    timer.start()
    loop.exec()
    timer.stop()
    return cond()


def pause(seconds: float) -> None:
    end = time.perf_counter() + seconds
    wait_until(lambda: time.perf_counter() >= end, seconds + 1)


class LagProbe:
    """A 1 ms heartbeat on the GUI thread; how late each tick fires is how long it was blocked.

    `blocks` keeps (when it ended, how long) for every block over `NOTE_S`, for profiling.
    On Linux it also reads the GUI thread's scheduler statistics: `own` is the same block
    less the time the thread was ready to run but the kernel ran another process (on a
    machine shared with other work that wait is not the app's doing; a wait for the GIL or
    for the app's own threads still counts).
    """

    NOTE_S = 0.02

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.worst = 0.0
        self.blocks: list[tuple[float, float]] = []
        self._kept = 0
        self.worst_own = 0.0
        self.own = 0.0  # the longest own block of the last take
        self._stat: int | None = None
        self._queued = 0.0

    def start(self) -> None:
        try:  # opened on the GUI thread: "thread-self" is the thread that opens it
            self._stat = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
        except OSError:
            self._stat = None
        self._last = time.perf_counter()
        self._queued = self._run_queue_wait()
        self._timer.start()

    def _run_queue_wait(self) -> float:
        """Seconds this thread has spent ready to run but not running (0 off Linux)."""
        if self._stat is None:
            return 0.0
        return int(os.pread(self._stat, 128, 0).split()[1]) / 1e9

    def stop(self) -> None:
        self._timer.stop()
        if self._stat is not None:
            os.close(self._stat)
            self._stat = None

    def _tick(self) -> None:
        now = time.perf_counter()
        queued = self._run_queue_wait()
        late = now - self._last - PROBE_MS / MS
        self.worst = max(self.worst, late)
        self.worst_own = max(self.worst_own, late - (queued - self._queued))
        if late > self.NOTE_S:
            self.blocks.append((now, late))
        self._last, self._queued = now, queued

    def begin(self) -> None:
        """Start measuring (blocks since the last take were not measured: forget them)."""
        del self.blocks[self._kept:]
        self.take()

    def take(self) -> float:
        """The longest block since the last begin or take (seconds); `own` likewise."""
        worst, self.worst = self.worst, 0.0
        self.own, self.worst_own = self.worst_own, 0.0
        self._last = time.perf_counter()
        self._queued = self._run_queue_wait()
        self._kept = len(self.blocks)
        return worst


class Shown:
    """When the table first painted rows of the query wanted (the model's own signals)."""

    def __init__(self, window) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QEvent, QObject

        self._window = window
        self.wanted: Filters | None = None
        self.ready_at: float | None = None
        self.shown_at: float | None = None
        model = window.model
        for signal in (model.modelReset, model.dataChanged, model.countsChanged,
                       model.rowsInserted):
            signal.connect(self._check)

        shown = self

        class _Paints(QObject):
            def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]
                if event.type() == QEvent.Type.Paint and shown.ready_at is not None \
                        and shown.shown_at is None:
                    shown.shown_at = time.perf_counter()
                return False
        self._filter = _Paints()
        window.table.viewport().installEventFilter(self._filter)

    def expect(self, wanted: Filters | None) -> None:
        self.wanted, self.ready_at, self.shown_at = wanted, None, None

    def _ready(self) -> bool:
        model = self._window.model
        if self.wanted is None or model.filters != self.wanted or model.is_querying():
            return False
        return model.is_row_loaded(0)

    def _check(self, *_args: object) -> None:
        if self.ready_at is None and self._ready():
            self.ready_at = time.perf_counter()

    def wait(self, timeout: float = 30.0) -> float:
        """Seconds from now-ish to shown; returns the shown time."""
        self._check()
        if not wait_until(lambda: self.shown_at is not None, timeout):
            raise RuntimeError(f"the query {self.wanted} was never shown")
        assert self.shown_at is not None
        return self.shown_at


def _typing_queries() -> list[str]:
    from .search_bench import sample_queries
    texts = [rec.text for rec in bigdb.real_records()]
    return [f.text for f in sample_queries(texts, QUERIES * 3)
            if f == Filters(text=f.text)][:QUERIES]


def _type(window, text: str, rng: random.Random) -> float:  # type: ignore[no-untyped-def]
    """Type `text` key by key into the search box; the time of the last key."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    box = window.search_box
    last = 0.0
    for n, char in enumerate(text):
        if n:
            pause(rng.uniform(*KEY_GAP_MS) / MS)
        QTest.keyClick(box, char, Qt.KeyboardModifier.NoModifier)
        last = time.perf_counter()
    return last


def _settle(window) -> None:  # type: ignore[no-untyped-def]
    wait_until(window.is_idle, 60)


def measure_window(path: Path, reps: int) -> list[Figure]:
    from PySide6.QtCore import Qt

    from nmrf_desktop.store.search import search_ids
    from nmrf_desktop.ui.browsing.recommendations_model import PAGE_SIZE
    from nmrf_desktop.ui.tasks import TaskRunner
    from nmrf_desktop.ui.window import main_window as mw
    from nmrf_desktop.ui.window.main_window import MainWindow

    figures: list[Figure] = []
    settings = tempfile.TemporaryDirectory(prefix="nmrf-gui-bench-")
    data = tempfile.TemporaryDirectory(prefix="nmrf-gui-bench-data-")
    old_data = os.environ.get("NMRF_DATA_DIR")
    os.environ["NMRF_DATA_DIR"] = data.name  # the close backups land there, not in ~
    _isolate_settings(settings.name)
    _app()
    runner = TaskRunner()
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    window.resize(1280, 800)
    window.show()
    shown = Shown(window)
    probe = LagProbe()
    probe.start()
    lags: dict[str, list[float]] = {"open": [], "type": [], "filter": [], "scroll": [],
                                    "detail": []}
    own: dict[str, list[float]] = {phase: [] for phase in lags}
    load = os.getloadavg()[0]
    try:
        # -- open ------------------------------------------------------------------
        opens = []
        panel = window.filter_panel
        for _ in range(max(1, min(reps, 3))):
            probe.begin()
            shown.expect(Filters(agency=AGENCY))  # an officer's "mine only" is on at first
            start = time.perf_counter()
            window.open_database(path)
            opens.append(shown.wait(60) - start)
            _settle(window)
            lags["open"].append(probe.take())
            own["open"].append(probe.own)
        figures.append(Figure("gui.open", median(opens) * MS, "ms", runs=len(opens),
                              note="open 270,000 rows (mine only) to the first rows painted"))
        shown.expect(Filters())
        panel.mine.setChecked(False)  # all 270,000 from here on
        shown.wait()
        _settle(window)

        # -- typing ----------------------------------------------------------------
        rng = random.Random(11)
        queries = _typing_queries()
        latencies: list[float] = []
        for _ in range(reps):
            worst = worst_own = 0.0
            for text in queries:
                window.search_box.clear()
                _settle(window)
                pause(0.05)
                probe.begin()
                shown.expect(Filters(text=text))
                last_key = _type(window, text, rng)
                latencies.append(shown.wait() - last_key)
                _settle(window)
                worst = max(worst, probe.take())
                worst_own = max(worst_own, probe.own)
            lags["type"].append(worst)
            own["type"].append(worst_own)
        record = window.record
        assert record is not None
        floors = []
        with record.reading() as session:
            for text in queries:
                search_ids(session, Filters(text=text), limit=PAGE_SIZE)
                times = []
                for _ in range(3):
                    start = time.perf_counter()
                    search_ids(session, Filters(text=text), limit=PAGE_SIZE)
                    times.append(time.perf_counter() - start)
                floors.append(min(times) + mw.SEARCH_DEBOUNCE_MS / MS)
        for pct in (50, 95):
            figures.append(Figure(
                f"gui.type.p{pct}", percentile(latencies, pct) * MS, "ms",
                percentile(floors, pct) * MS, reps,
                f"last key to rows painted, {len(queries)} queries, debounce "
                f"{mw.SEARCH_DEBOUNCE_MS} ms + search_ids floor"))

        # -- filters ---------------------------------------------------------------
        window.search_box.clear()
        _settle(window)
        mine, sorted_text = [], []
        filter_lags: list[list[float]] = [[] for _ in range(reps)]
        filter_own: list[list[float]] = [[] for _ in range(reps)]
        for rep in range(reps):
            probe.begin()
            shown.expect(Filters(**{**_fields(panel.filters("")), "agency": AGENCY}))
            start = time.perf_counter()
            panel.mine.setChecked(True)
            mine.append(shown.wait() - start)
            _settle(window)
            filter_lags[rep].append(probe.take())
            filter_own[rep].append(probe.own)
            shown.expect(Filters())
            panel.mine.setChecked(False)
            shown.wait()
            _settle(window)
        figures.append(Figure("gui.filter.mine", median(mine) * MS, "ms", runs=len(mine),
                              note=f"'mine only' ({AGENCY}) to rows painted, debounce incl."))
        bodies = panel.lists["bodies"]
        for rep in range(reps):
            window.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # status
            _settle(window)
            probe.begin()
            start = time.perf_counter()
            _check(bodies, "CRC", True)
            window.search_box.setText("children")
            shown.expect(panel.filters("children"))
            sorted_text.append(shown.wait() - start)
            _settle(window)
            filter_lags[rep].append(probe.take())
            filter_own[rep].append(probe.own)
            _check(bodies, "CRC", False)
            window.search_box.clear()
            window.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
            _settle(window)
        lags["filter"] = [max(run) for run in filter_lags]
        own["filter"] = [max(run) for run in filter_own]
        figures.append(Figure("gui.filter.sorted_text", median(sorted_text) * MS, "ms",
                              runs=len(sorted_text),
                              note="'children' + body CRC, sorted by status, debounce incl."))

        # -- scroll ----------------------------------------------------------------
        window.search_box.clear()
        _settle(window)
        table, model = window.table, window.model
        bar = table.verticalScrollBar()
        fills = []
        for _ in range(max(1, min(reps, 3))):
            probe.begin()
            for step in range(SCROLL_STEPS + 1):
                bar.setValue(round(bar.maximum() * step / SCROLL_STEPS))
                start = time.perf_counter()
                top = table.rowAt(0)
                bottom = table.rowAt(table.viewport().height() - 1)
                bottom = model.rowCount() - 1 if bottom < 0 else bottom
                wait_until(lambda t=top, b=bottom: model.is_row_loaded(t)
                           and model.is_row_loaded(b), 30)
                fills.append(time.perf_counter() - start)
                pause(0.01)
            lags["scroll"].append(probe.take())
            own["scroll"].append(probe.own)
            bar.setValue(0)
            _settle(window)
        figures.append(Figure("gui.scroll.fill.p95", percentile(fills, 95) * MS, "ms",
                              runs=len(fills),
                              note=f"a jump to 1/{SCROLL_STEPS} further: visible rows in"))
        with open("/proc/self/status") as status:
            rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        # -- open recommendations (the detail pane) -----------------------------------
        detail_times = []
        picks = random.Random(5)
        probe.begin()
        for _ in range(OPENS):
            row = picks.randrange(model.rowCount())
            bar.setValue(row)
            wait_until(lambda r=row: model.id_at(r) is not None, 30)
            rec_id = model.id_at(row)
            start = time.perf_counter()
            window.select_row(row)
            wait_until(lambda i=rec_id: window.detail.current_id == i, 30)
            detail_times.append(time.perf_counter() - start)
        lags["detail"].append(probe.take())
        own["detail"].append(probe.own)
        figures.append(Figure("gui.detail.p95", percentile(detail_times, 95) * MS, "ms",
                              runs=len(detail_times),
                              note="select a row to its detail shown"))

        for phase, values in lags.items():
            figures.append(Figure(f"gui.lag.{phase}", max(values) * MS, "ms", runs=len(values),
                                  note="longest GUI-thread block, max of runs (1 ms "
                                       "heartbeat), target 50"))
            figures.append(Figure(f"gui.lag.{phase}.median", median(values) * MS, "ms",
                                  runs=len(values), note="each run's longest block, median: "
                                  + " ".join(f"{v * MS:.0f}" for v in values)))
            figures.append(Figure(f"gui.lag.{phase}.own", max(own[phase]) * MS, "ms",
                                  runs=len(values), note="less the kernel's run-queue wait "
                                  "(other processes on the CPU), each run: "
                                  + " ".join(f"{v * MS:.0f}" for v in own[phase])))
        blocks = sorted(probe.blocks, key=lambda b: -b[1])
        figures.append(Figure("gui.lag.blocks", len(blocks), "", runs=1,
                              note=f"blocks over {probe.NOTE_S * MS:.0f} ms, longest: "
                              + " ".join(f"{late * MS:.0f}" for _, late in blocks[:8])))
        figures.append(Figure("gui.load", max(load, os.getloadavg()[0]), "", runs=1,
                              note="the machine's 1-minute load average (at start or end, "
                                   f"the higher) on {os.cpu_count()} CPUs"))
        figures.append(Figure("gui.rss", rss / 1024, "MB", runs=1,
                              note="VmRSS after scrolling through 270,000 rows, target 400"))
        figures.append(Figure("gui.rss.peak", peak / 1024, "MB", runs=1, note="ru_maxrss"))
    finally:
        probe.stop()
        window.close()
        runner.shutdown()
        window.deleteLater()
        settings.cleanup()
        if old_data is None:
            os.environ.pop("NMRF_DATA_DIR", None)
        else:
            os.environ["NMRF_DATA_DIR"] = old_data
        data.cleanup()
    return figures


def _check(facet, value: object, on: bool) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    for i in range(facet.count()):
        item = facet.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == value:
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def _fields(filters: Filters) -> dict[str, object]:
    return {name: getattr(filters, name) for name in Filters.__dataclass_fields__}


# -- startup in a child process -----------------------------------------------------


def _child(path: str | None) -> int:
    """Run as a child: start the window on `path` (or an empty table); say when painted."""
    settings = tempfile.TemporaryDirectory(prefix="nmrf-gui-bench-")
    app = _app()
    _isolate_settings(settings.name)
    if path is None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QMainWindow, QTableView
        win = QMainWindow()
        view = QTableView(win)
        win.setCentralWidget(view)
        win.resize(1280, 800)
        painted: list[bool] = []

        class _Paints(QObject):
            def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]
                if event.type() == QEvent.Type.Paint:
                    painted.append(True)
                return False
        watch = _Paints()
        view.viewport().installEventFilter(watch)
        win.show()
        wait_until(lambda: bool(painted), 30)
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        return 0
    from nmrf_desktop.ui.tasks import TaskRunner
    from nmrf_desktop.ui.window.main_window import MainWindow
    runner = TaskRunner()
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    window.resize(1280, 800)
    shown = Shown(window)
    shown.expect(Filters())
    window.open_database(path)
    window.show()
    shown.wait(60)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    window.close()
    runner.shutdown()
    del app
    return 0


def _startup_once(path: Path | None) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory(prefix="nmrf-gui-home-") as home:
        env["XDG_CONFIG_HOME"] = env["XDG_DATA_HOME"] = env["XDG_CACHE_HOME"] = home
        args = [sys.executable, "-m", "tests.benchmarks.gui_bench", "--child"]
        if path is not None:
            args.append(str(path))
        start = time.perf_counter()
        child = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        line = child.stdout.readline()
        took = time.perf_counter() - start
        child.wait(60)
    if line.strip() != "ready":
        raise RuntimeError(f"the startup child failed (exit {child.returncode})")
    return took


def measure_startup(path: Path, reps: int) -> list[Figure]:
    floor, times = [], []
    _startup_once(path)  # warm the file cache
    for _ in range(reps):
        floor.append(_startup_once(None))
        times.append(_startup_once(path))
    return [Figure("gui.startup", median(times) * MS, "ms", median(floor) * MS, reps,
                   f"50,000 rows, process start to first rows painted (max "
                   f"{max(times) * MS:.0f} ms), target 1500"),
            Figure("gui.startup.floor", median(floor) * MS, "ms", runs=reps,
                   note="process start to an empty QTableView painted")]


def run(reps: int, out: Path) -> list[Figure]:
    big = ensure_big(out)
    small = ensure_small(out)
    return measure_startup(small, reps) + measure_window(big, reps)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        raise SystemExit(_child(sys.argv[2] if len(sys.argv) > 2 else None))
    raise SystemExit("run through: python -m tests.benchmarks.run --only gui")
