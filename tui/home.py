"""The data home: where paperdeck keeps the user's digests, state and themes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_HOME = "PAPERDECK_HOME"
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Home:
    """The folders and files of one data home. Nothing is created until `ensure()`."""

    root: Path

    @property
    def library(self) -> Path:
        """Digest files, as `paperdeck add` copied them."""
        return self.root / "library"

    @property
    def store(self) -> Path:
        """The user's state: read, starred, tags, notes, review cards."""
        return self.root / "store.json"

    @property
    def cache(self) -> Path:
        """Derived data that is safe to delete: the library index."""
        return self.root / "cache"

    @property
    def themes(self) -> Path:
        """The user's own theme files, beside the bundled ones."""
        return self.root / "themes"

    def ensure(self) -> Home:
        self.library.mkdir(parents=True, exist_ok=True)
        return self


def resolve_home(option: str | os.PathLike[str] | None = None) -> Home:
    """`--home DIR`, else $PAPERDECK_HOME, else the platform's user data folder."""
    if option:
        return Home(Path(option).expanduser())
    if env := os.environ.get(ENV_HOME):
        return Home(Path(env).expanduser())
    return Home(Path(platformdirs.user_data_dir("paperdeck", appauthor=False)))


def bundled(name: str) -> Path:
    """A folder shipped with paperdeck (`sample_data`, `themes`), installed or in a checkout.

    A wheel carries them inside the package under `_bundled/`; a source checkout (and an
    editable install) has them at the top of the repository.
    """
    installed = _PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


def sample_data_dir() -> Path:
    return bundled("sample_data")
