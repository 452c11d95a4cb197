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

from conftest import BIN, SCRIPTS, copy_project, free_port, run
from helpcentre.paths import AZ_PATH

LIVE_RELOAD = re.compile(rb"<script>\s*var livereload = .*?</script>(?=</body>)", re.S)


class Server:
    """``mkdocs serve`` in the background, its log collected line by line."""

    def __init__(self, project: Path, **env_vars: str):
        self.port = free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(SCRIPTS), **env_vars}
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
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=60) as response:
            return response.read().decode("utf-8")

    def page(self, path: str) -> bytes:
        """The page as built: without the live-reload script the server adds to what it sends."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=60) as response:
            return LIVE_RELOAD.sub(b"", response.read(), count=1)

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
    from helpcentre.paths import checklist_pages, url_in
    from helpcentre.pipeline import render
    from mkdocs_helpcentre import read_project

    site = render(read_project(project)).site
    edited = min(site.checklists.values(), key=lambda checklist: checklist.id)  # any of the live project's
    article = url_in(checklist_pages(edited, False)[0], "en", site)
    server = Server(project)
    try:
        server.wait_for("Serving on")
        assert "Raccordement" not in server.get(article)
        insert_at(project / edited.path, (edited.title.en_location, "(Raccordement) "))
        server.wait_for("Reloading browsers", times=1)
        assert "Raccordement" in server.get(article)
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


FIXTURE = Path(__file__).parent / "golden" / "every-feature" / "checklists"
FIXTURE_PAGE = "help/onboarding/first-setup/"


def test_a_broken_save_answers_at_once_with_the_problems_and_comes_back(tmp_path):
    """The preview never waits for a good build: each page shows the located
    problems (both languages) over the last good version, until the next good save."""
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    server = Server(project)
    try:
        server.wait_for("Serving on")
        checklist = project / "checklists" / "first-setup.yml"
        good = checklist.read_text(encoding="utf-8")
        checklist.write_text(good.replace("qualifier: under", "qualifier: sous", 1), encoding="utf-8")
        server.wait_for("Reloading browsers", times=1)
        started = time.monotonic()
        english, french = server.get(FIXTURE_PAGE), server.get("fr/" + FIXTURE_PAGE)
        assert time.monotonic() - started < 10
        for page, heading in ((english, "content has problems"), (french, "a des problèmes")):
            assert heading in page
            assert "checklists/first-setup.yml:" in page and "is not a known qualifier" in page
            assert 'role="alert"' in page
        assert "First setup" in english  # the last good version stays readable
        checklist.write_text(good, encoding="utf-8")
        server.wait_for("Reloading browsers", times=2)
        assert "content has problems" not in server.get(FIXTURE_PAGE)
    finally:
        server.stop()


def test_the_checklists_folder_is_seen_again_after_it_is_moved_away_and_back(tmp_path):
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    server = Server(project)
    try:
        server.wait_for("Serving on")
        checklists = project / "checklists"
        aside = project / "checklists-aside"
        checklists.rename(aside)
        time.sleep(2)
        aside.rename(checklists)
        reloads = server.count("Reloading browsers")
        checklist = checklists / "first-setup.yml"
        time.sleep(2)
        checklist.write_text(checklist.read_text(encoding="utf-8").replace("en: First setup", "en: First setup again", 1), encoding="utf-8")
        deadline = time.monotonic() + 60
        while "First setup again" not in server.get(FIXTURE_PAGE):
            assert time.monotonic() < deadline, "the edit after the folder came back was never built:\n" + "\n".join(server.lines[-30:])
            time.sleep(0.5)
        assert server.count("Reloading browsers") > reloads
    finally:
        server.stop()


def preview_everything_from(project: Path, in_full_up_to: int) -> None:
    """The copy's plugin options: render in full only up to ``in_full_up_to`` checklists."""
    config = project / "mkdocs.yml"
    marker = "  - helpcentre:\n"
    text = config.read_text(encoding="utf-8")
    assert marker in text
    config.write_text(text.replace(marker, marker + f"      preview_in_full_up_to: {in_full_up_to}\n"), encoding="utf-8")


def test_a_large_help_centre_previews_what_is_edited_and_each_page_is_the_built_page(tmp_path):
    """Above preview_in_full_up_to checklists, the preview renders what is being
    edited (saved, named, opened) and nothing else; every page it shows is,
    byte for byte, the page a full build makes of the same files."""
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    preview_everything_from(project, 0)
    from helpcentre.paths import checklist_pages, collection_path, url_in
    from helpcentre.pipeline import render
    from mkdocs_helpcentre import read_project

    site = render(read_project(project)).site
    by_collection = {}
    for checklist in site.checklists.values():
        by_collection.setdefault(checklist.collection.id, checklist)
    assert len(by_collection) >= 2, "the fixture needs checklists in two collections"
    opened, edited = list(by_collection.values())[:2]
    server = Server(project)

    def pages_of(*checklists):
        urls = ["", "fr/"] + [url_in(page, lang, site) for lang in ("en", "fr")
                              for page in [AZ_PATH, *(collection_path(c) for c in site.collections())]]
        return urls + [url_in(page, lang, site) for checklist in checklists
                       for page in checklist_pages(checklist, False) for lang in ("en", "fr")]

    def built(name: str) -> Path:
        folder = tmp_path / name
        result = run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(folder)], cwd=project,
                     env={"SITE_URL": f"http://127.0.0.1:{server.port}/", "FEEDBACK_ENDPOINT": None})
        assert result.returncode == 0, result.stderr
        return folder

    def unlike(urls, folder):
        return [url for url in urls if server.page(url) != (folder / url / "index.html").read_bytes()]

    try:
        server.wait_for("Serving on")
        full = built("site-before")
        # Nothing is being edited yet: the article is not rendered, and a first visit renders it.
        assert "Detected file changes" not in "\n".join(server.lines)
        article = url_in(checklist_pages(opened, False)[0], "fr", site)
        assert opened.title.fr.split()[0] in server.get(article)
        assert server.count("Detected file changes") == 1
        # What it shows is the full build's page, its collection open in the navigation, the other
        # closed; the A–Z and collection pages wait for a first visit too.
        assert not unlike(pages_of(opened), full), f"preview pages unlike the built ones: {unlike(pages_of(opened), full)}"
        assert server.count("Detected file changes") > 1

        # A save renders the saved checklist, the change shown.
        source = project / edited.path
        text = source.read_text(encoding="utf-8")
        assert text.count(edited.title.en) >= 1
        reloads = server.count("Reloading browsers")
        source.write_text(text.replace(edited.title.en, edited.title.en + " (edited)", 1), encoding="utf-8")
        server.wait_for("Reloading browsers", times=reloads + 1)
        assert "(edited)" in server.get(url_in(checklist_pages(edited, False)[0], "en", site))
        full = built("site-after")
        rebuilds = server.count("Detected file changes")
        different = unlike(pages_of(opened, edited), full)
        assert not different, f"preview pages unlike the built ones: {different}"
        assert server.count("Detected file changes") == rebuilds, "pages shown before were rendered again"
    finally:
        server.stop()


def test_the_checklists_named_or_changed_since_base_are_rendered_from_the_start(tmp_path):
    """PREVIEW="id" and the checklists changed since BASE (git) need no first visit."""
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    preview_everything_from(project, 0)
    from helpcentre.paths import checklist_path, url_in
    from helpcentre.pipeline import render
    from mkdocs_helpcentre import read_project

    site = render(read_project(project)).site
    named, changed = (site.checklists[key] for key in sorted(site.checklists)[:2])
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(git + args, cwd=project, check=True, capture_output=True)
    source = project / changed.path
    source.write_text(source.read_text(encoding="utf-8") + "\n# changed on the branch\n", encoding="utf-8")
    server = Server(project, PREVIEW=named.id, PREVIEW_BASE="main")
    try:
        server.wait_for("Serving on")
        for checklist in (named, changed):
            for lang in ("en", "fr"):
                assert "</html>" in server.get(url_in(checklist_path(checklist), lang, site))
        assert server.count("Detected file changes") == 0, "a page had to wait for its first visit"
    finally:
        server.stop()


def insert_at(path: Path, *insertions) -> None:
    """Put each ``(location, words)`` where the location (line and column, from 1)
    points in the file, inside its quotes; the later first, so none moves another."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for location, words in sorted(insertions, key=lambda insertion: tuple(insertion[0][1:]), reverse=True):
        line = lines[location.line - 1]
        column = location.column - 1 + (line[location.column - 1] in "\"'")
        lines[location.line - 1] = line[:column] + words + line[column:]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_save_of_text_alone_renders_its_pages_alone_and_each_is_the_built_page(tmp_path):
    """A save that changes only a checklist's text renders again the pages whose
    Markdown changed (no whole build: no navigation, sitemap or other page is
    made again), and every page the preview serves is, byte for byte, the page
    a full build makes of the same files. A title change builds the whole site."""
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    from helpcentre.paths import checklist_pages, url_in
    from helpcentre.pipeline import render
    from mkdocs_helpcentre import read_project

    site = render(read_project(project)).site
    edited = next(iter(site.checklists.values()))
    step = next(step for section in edited.sections for step in section.steps)
    server = Server(project)

    def built(name: str) -> dict[str, bytes]:
        folder = tmp_path / name
        result = run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(folder)], cwd=project,
                     env={"SITE_URL": f"http://127.0.0.1:{server.port}/", "FEEDBACK_ENDPOINT": None})
        assert result.returncode == 0, result.stderr
        return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*.html")}

    def unlike(full: dict[str, bytes]) -> list[str]:
        return [name for name, page in full.items() if server.page(name) != page]

    try:
        server.wait_for("Serving on")
        builds = server.count("Building documentation")
        insert_at(project / edited.path, (step.text.en_location, "Zebra "), (step.text.fr_location, "Zèbre "))
        server.wait_for("Reloading browsers")
        assert server.count("Rendered again") == 1, "\n".join(server.lines[-30:])
        assert server.count("Building documentation") == builds, "the save built the whole site"
        article = url_in(checklist_pages(edited, False)[0], "en", site)
        assert "Zebra" in server.get(article) and "Zèbre" in server.get("fr/" + article if not article.startswith("fr/") else article)
        full = built("site-text")
        assert full and not unlike(full), f"preview pages unlike the built ones: {unlike(full)}"

        # The shared file (contacts, roles) may change any page: the whole site is built, and
        # the pages it did not change are written back as they were (UnchangedPages).
        shared = project / site.shared.path
        os.utime(shared, ns=(time.time_ns(), time.time_ns()))
        server.wait_for("Reloading browsers", times=2)
        assert server.count("Building documentation") == builds + 1
        # A page written back so is rendered again by the next save of its text alone.
        again = next(step for section in render(read_project(project)).site.checklists[edited.id].sections
                     for step in section.steps)
        insert_at(project / edited.path, (again.text.en_location, "Zebra "), (again.text.fr_location, "Zèbre "))
        server.wait_for("Reloading browsers", times=3)
        assert server.count("Rendered again") == 2 and server.count("Building documentation") == builds + 1, "\n".join(server.lines[-40:])
        assert "Zebra Zebra" in server.get(article)
        full = built("site-text-again")
        assert not unlike(full), f"preview pages unlike the built ones: {unlike(full)}"

        # A title is shown by the navigation and the index pages: the whole site is built.
        insert_at(project / edited.path, (edited.title.en_location, "(retitled) "))
        server.wait_for("Reloading browsers", times=4)
        assert server.count("Building documentation") == builds + 2
        assert server.count("Rendered again") == 2
        full = built("site-title")
        assert not unlike(full), f"preview pages unlike the built ones: {unlike(full)}"
    finally:
        server.stop()


def test_a_text_save_that_strict_mode_warns_about_is_reported_as_a_whole_build_reports_it(tmp_path):
    """Rendering saved pages alone keeps --strict: a warning sends the save to the
    whole build, which fails with MkDocs' own message, as it always has."""
    project = copy_project(tmp_path / "project", checklists=FIXTURE)
    home = project / "docs" / "index.en.md"
    server = Server(project)
    try:
        server.wait_for("Serving on")
        home.write_text(home.read_text(encoding="utf-8") + "\n[Nowhere](no-such-page.md)\n", encoding="utf-8")
        server.wait_for("Building the whole site: a warning in --strict")
        server.wait_for("Aborted with")
        assert server.count("Rendered again") == 0 and server.count("no-such-page.md") >= 1
        # The page that warned is not trusted as rendered: the next whole build warns again.
        from helpcentre.pipeline import render
        from mkdocs_helpcentre import read_project

        shared = project / render(read_project(project)).site.shared.path
        os.utime(shared, ns=(time.time_ns(), time.time_ns()))
        server.wait_for("Aborted with", times=2)
    finally:
        server.stop()
