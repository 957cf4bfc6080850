"""What the browser tests do with a page: open it, run axe-core on it, wait for things."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# axe-core's tags for WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
_AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done({violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 300),
                                summary: n.failureSummary}))}))}))
  .catch(e => done({error: String(e)}));
"""


def wait_for(check: Callable[[], T | None], timeout: float = 30.0, what: str = "") -> T:
    """Poll `check` until it gives something truthy; fail saying `what` after `timeout`."""
    end = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < end:
        try:
            found = check()
        except Exception as exc:  # a stale element while the page changes: try again
            last = exc
        else:
            if found:
                return found
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or check}"
                         + (f" (last error: {last})" if last else ""))


def open_page(driver: Any, url: str) -> None:
    """Load `url` and wait until the document is complete."""
    driver.get(url)
    wait_for(lambda: driver.execute_script("return document.readyState") == "complete",
             what=f"{url} to load")


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page now shown."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(Path(AXE).read_text(encoding="utf-8"))
    found = driver.execute_async_script(_AXE_RUN, list(WCAG_TAGS))
    assert "error" not in found, f"axe-core failed: {found.get('error')}"
    return list(found["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """Each violation's id, impact and help, with the nodes it was found on."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}: {node['html']}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more nodes")
    return "\n".join(lines)


def active(driver: Any) -> Any:
    return driver.switch_to.active_element


def outer(element: Any, limit: int = 200) -> str:
    """An element's HTML, shortened, for messages."""
    return str(element.get_attribute("outerHTML") or "")[:limit]


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """`python -m http.server` on 127.0.0.1 (a free port) for `folder`: its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
         "--directory", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"port (\d+)", line)
        assert found, f"http.server did not say its port: {line!r}"
        yield f"http://127.0.0.1:{found.group(1)}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
