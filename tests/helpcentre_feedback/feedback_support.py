"""Shared pieces of the feedback service tests: a manifest on disk, and the real
service started as a subprocess (``python -m helpcentre_feedback serve``) on a
free loopback port with its own database.

(Not a conftest: this folder is no package, so that its name can be the
service's without shadowing it, and a second conftest.py outside a package
would shadow the project's. Test modules import the fixtures they use from here.)
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
SITE_URL = "https://help.example.test/"
ORIGIN = {"Origin": "https://help.example.test"}
"""What a reader's browser adds to a post from the site; the service refuses posts without it."""
PAGE = "rms-administrator-job-aid"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def manifest_data(pages: list[str] | None = None) -> dict:
    """A manifest like the site build writes, for the given page ids (all in en and fr)."""
    pages = [PAGE] if pages is None else pages
    return {
        "version": 1,
        "languages": ["en", "fr"],
        "answers": ["no", "partly", "yes"],
        "pages": {p: {"en": f"help/ereferral/{p}/", "fr": f"fr/help/ereferral/{p}/"} for p in pages},
        "thanks": {"en": "feedback/thanks/", "fr": "fr/feedback/thanks/"},
        "comment_pages": {"en": "feedback/more/{page}/", "fr": "fr/feedback/more/{page}/"},
    }


def write_manifest(path: Path, pages: list[str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest_data(pages)), encoding="utf-8")
    tmp.replace(path)  # atomic, as a careful build does
    return path


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("HELPCENTRE_FEEDBACK_")}
    e["PYTHONPATH"] = str(SCRIPTS) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    """Run ``python -m helpcentre_feedback ARGS`` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "helpcentre_feedback", *args],
        cwd=cwd or ROOT, env=env(), capture_output=True, text=True, timeout=timeout,
    )


class Service:
    """The feedback service running as a subprocess; stderr goes to ``log_path``."""

    def __init__(self, db: Path, manifest: Path, log_path: Path, *extra: str, environ: dict[str, str] | None = None):
        self.db, self.manifest, self.log_path, self.extra = db, manifest, log_path, extra
        self.environ = environ or {}
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Service":
        for _ in range(3):  # a free port can be taken between probing and binding: try another
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "helpcentre_feedback", "serve",
                     "--host", "127.0.0.1", "--port", str(self.port),
                     "--db", f"sqlite:///{self.db}", "--manifest", str(self.manifest),
                     "--site-url", SITE_URL, *self.extra],
                    cwd=ROOT, env={**env(), **self.environ}, stdout=log, stderr=log,
                )
            if self._wait_healthy():
                return self
            self.stop()
        raise RuntimeError(f"the feedback service did not start:\n{self.log()}")

    def _wait_healthy(self, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        return False

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last commit, as a crash or the OOM killer does."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


def rows(db: Path, table: str = "answers") -> list[tuple]:
    """Every row of a table, read as a separate client would."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


def columns(db: Path, table: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


class Helpers:
    """What the tests share, handed out as the ``fb`` fixture."""

    PAGE = PAGE
    SITE_URL = SITE_URL
    ORIGIN = ORIGIN
    FORM = FORM
    Service = Service
    manifest_data = staticmethod(manifest_data)
    write_manifest = staticmethod(write_manifest)
    run_cli = staticmethod(run_cli)
    free_port = staticmethod(free_port)
    rows = staticmethod(rows)
    columns = staticmethod(columns)


@pytest.fixture(scope="session")
def fb() -> type[Helpers]:
    return Helpers


@pytest.fixture
def spawn(tmp_path):
    """Start extra services for one test: ``spawn(*flags, db=..., manifest=..., environ=...)``
    (``environ``: variables added to the service's environment); all are stopped after it."""
    started: list[Service] = []

    def start(*extra: str, db: Path | None = None, manifest: Path | None = None,
              environ: dict[str, str] | None = None) -> Service:
        svc = Service(db or tmp_path / "feedback.sqlite3",
                      manifest or write_manifest(tmp_path / "feedback-manifest.json"),
                      tmp_path / f"service-{len(started)}.log", *extra, environ=environ)
        started.append(svc)
        return svc.start()

    yield start
    for svc in started:
        svc.stop()


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Service:
    """One service for a module's functional tests: rate limit off, manifest checked on every request.
    (Each module that imports this fixture has its own, stopped when its tests are done.)"""
    tmp = tmp_path_factory.mktemp("feedback")
    manifest = write_manifest(tmp / "site" / "feedback-manifest.json")
    svc = Service(tmp / "var" / "feedback.sqlite3", manifest, tmp / "service.log",
                  "--rate-limit", "0", "--manifest-check", "0").start()
    yield svc
    svc.stop()


@pytest.fixture
def client(service) -> httpx.Client:
    with httpx.Client(base_url=service.url, timeout=10, follow_redirects=False, headers=ORIGIN) as c:
        yield c
