"""What git says changed since a base: the files an editor's branch touches.

Used by the parity check (texts changed in one language only) and by the
preview (the checklists being edited are rendered in full first).
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """git could not answer; the message says what to do."""


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True)


def comparison_base(root: Path, base: str) -> tuple[str, str | None]:
    """The commit to compare with: the merge base of ``base`` and HEAD (or ``base`` itself)."""
    check = git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    if check.returncode != 0:
        raise GitError(f"'{base}' is not a commit here; fetch it first (git fetch origin main) or name another with --base")
    commit = check.stdout.decode().strip()
    merge_base = git(root, "merge-base", commit, "HEAD")
    if merge_base.returncode == 0 and merge_base.stdout.strip():
        return merge_base.stdout.decode().strip(), None
    return commit, f"no common ancestor of {base} and HEAD (a shallow clone?); comparing with {base} itself"


def old_bytes(root: Path, commit: str, path: str) -> bytes | None:
    result = git(root, "show", f"{commit}:{path}")
    return result.stdout if result.returncode == 0 else None


def changed_files(root: Path, commit: str, paths: list[str]) -> set[str]:
    """Files under ``paths`` that differ between ``commit`` and the working tree."""
    result = git(root, "diff", "--name-only", "--no-renames", commit, "--", *paths)
    if result.returncode != 0:
        raise GitError(f"git diff failed: {result.stderr.decode(errors='replace').strip()}")
    changed = {line for line in result.stdout.decode().splitlines() if line}
    untracked = git(root, "ls-files", "--others", "--exclude-standard", "--", *paths)
    changed.update(line for line in untracked.stdout.decode().splitlines() if line)
    return changed
