"""What the link checker reads from ``mkdocs.yml``: where pages come from, the site's address."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Settings:
    """What the link checker needs from ``mkdocs.yml``."""

    docs_dir: str = "docs"
    site_url: str | None = None
    checklists_dir: str = "checklists"


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml: ``!ENV [NAME, default]`` resolved, other tags ignored."""


def _env(loader, node):
    values = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]
    *names, default = values if len(values) > 1 else (values + [None])
    for name in names:
        if name in os.environ:
            return os.environ[name]
    return default


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_settings(root: Path) -> Settings:
    """``docs_dir``, ``site_url`` and ``extra.helpcentre.checklists_dir`` from ``root/mkdocs.yml``."""
    path = root / "mkdocs.yml"
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, yaml.YAMLError):
        return Settings()
    if not isinstance(config, dict):
        return Settings()
    extra = ((config.get("extra") or {}).get("helpcentre") or {}) if isinstance(config.get("extra"), dict) else {}
    return Settings(
        docs_dir=str(config.get("docs_dir") or "docs"),
        site_url=config.get("site_url") if isinstance(config.get("site_url"), str) else None,
        checklists_dir=str(extra.get("checklists_dir") or "checklists") if isinstance(extra, dict) else "checklists",
    )
