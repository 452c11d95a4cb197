"""`make serve` as an editor feels it: how long until the preview answers, and until a save shows.

:func:`measure_preview` starts ``mkdocs serve`` on the benchmark's project
from nothing (no ``docs/help/``: the first start of a fresh clone), as
``make serve`` runs it, and measures

* ``first_s``: from the start of the process to the home page served;
* ``open_s``: the first visit to an article not rendered yet (the preview
  renders it then);
* ``edit_s``: per save of that checklist (a sentence of its body reworded),
  from the write to its page showing the change; the median of ``edits``;
* ``edit_title_s``: the same for its title, which the navigation, the home,
  A–Z and collection pages show too (more pages change).

Each answer is read over HTTP like a browser; polling every 50 ms.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .processes import free_port, median
from .project import BIN, env_for


class Preview:
    def __init__(self, project: Path):
        self.port = free_port()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [str(BIN / "mkdocs"), "serve", "--strict", "--livereload", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project, env=env_for(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)

    def get(self, path: str) -> str | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=600) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def until(self, path: str, condition, timeout: float = 900) -> float:
        """Seconds from now until ``path`` answers and ``condition(text)`` holds."""
        start = time.perf_counter()
        while True:
            text = self.get(path)
            if text is not None and condition(text):
                return time.perf_counter() - start
            if self.process.poll() is not None:
                raise SystemExit("mkdocs serve stopped during the preview benchmark")
            if time.perf_counter() - start > timeout:
                raise SystemExit(f"the preview never showed {path} as expected within {timeout} s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def measure_preview(project: Path, checklist: Path, article: str, sentence: str, edits: int = 5) -> dict:
    """``checklist``: the YAML file edited; ``article``: its English page's address;
    ``sentence``: text of its English body that the edits reword."""
    import shutil

    shutil.rmtree(project / "docs" / "help", ignore_errors=True)
    original = checklist.read_text(encoding="utf-8")
    title_line = next(line for line in original.splitlines() if line.startswith("  en: "))
    assert original.count(sentence) >= 1, f"{checklist} does not say {sentence!r}"
    preview = Preview(project)

    def save_and_wait(text: str, marker: str) -> float:
        checklist.write_text(text, encoding="utf-8")
        return preview.until(article, lambda page: marker in page)

    try:
        first = preview.until("", lambda text: "</html>" in text)
        first_s = time.perf_counter() - preview.started
        open_s = preview.until(article, lambda text: "</html>" in text)
        times = [save_and_wait(original.replace(sentence, f"{sentence} (edit {number})", 1), f"(edit {number})")
                 for number in range(1, edits + 1)]
        title_s = save_and_wait(original.replace(title_line, f"{title_line} (retitled)", 1), "(retitled)")
        return {"first_s": round(first_s, 2), "first_request_s": round(first, 2), "open_s": round(open_s, 2),
                "edit_s": round(median(times), 2), "edit_runs_s": [round(t, 2) for t in times],
                "edit_title_s": round(title_s, 2)}
    finally:
        preview.stop()
        checklist.write_text(original, encoding="utf-8")
