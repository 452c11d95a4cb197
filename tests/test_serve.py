"""`make serve` as an editor lives in it: save a checklist, see the page change, once.

The generator writes the changed pages into docs/help/ during the rebuild; if
those writes were watched, every save would cost a second full build.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from conftest import BIN, SCRIPTS, copy_project, free_port

ARTICLE = "help/ereferral/rms-administrator-job-aid/"


class Server:
    """``mkdocs serve`` in the background, its log collected line by line."""

    def __init__(self, project: Path):
        self.port = free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(SCRIPTS)}
        env.pop("FEEDBACK_ENDPOINT", None)
        self.process = subprocess.Popen(
            [str(BIN / "mkdocs"), "serve", "--strict", "--livereload", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def wait_for(self, text: str, times: int = 1, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.count(text) < times:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} (x{times}) from mkdocs serve:\n" + "\n".join(self.lines[-40:]))
            time.sleep(0.1)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=30) as response:
            return response.read().decode("utf-8")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def test_saving_a_checklist_rebuilds_once_and_shows_the_change(tmp_path):
    project = copy_project(tmp_path / "project")
    server = Server(project)
    try:
        server.wait_for("Serving on")
        assert "Raccordement" not in server.get(ARTICLE)
        checklist = project / "checklists" / "rms-administrator-job-aid.yml"
        text = checklist.read_text(encoding="utf-8")
        edited, count = re.subn(r"(\n  en: )RMS Administrator Job Aid", r"\1RMS Administrator Job Aid (Raccordement)", text, count=1)
        assert count == 1, "the checklist's English title moved; update this test"
        checklist.write_text(edited, encoding="utf-8")
        server.wait_for("Reloading browsers", times=1)
        assert "Raccordement" in server.get(ARTICLE)
        time.sleep(3)  # a second build would start within the watcher's delay
        assert server.count("Detected file changes") == 1, "\n".join(server.lines)

        # Hand-written pages are still watched, at the top of docs/ and in its folders.
        for number, page in enumerate(["index.en.md", "feedback/thanks.en.md"], start=2):
            source = project / "docs" / page
            source.write_text(source.read_text(encoding="utf-8") + f"\nEdited {number}.\n", encoding="utf-8")
            server.wait_for("Reloading browsers", times=number)
        assert "Edited 2." in server.get("")
        assert "Edited 3." in server.get("feedback/thanks/")
    finally:
        server.stop()
