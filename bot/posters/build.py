"""A rendered poster, ready to send or save: its format, file name and media type."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.posters.content import PosterContent, poster_content
from bot.posters.layout import SIZES
from bot.posters.links import PosterError
from bot.posters.render import RENDERERS

FORMATS = ("pdf", "png", "svg")
MIME_TYPES = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml"}


@dataclass(frozen=True)
class Poster:
    """A rendered poster: what to call the file, its bytes, its media type."""

    content: PosterContent
    paper: str
    fmt: str
    data: bytes

    @property
    def filename(self) -> str:
        suffix = "" if self.paper == "a4" else f"-{self.paper}"
        return f"poster-{self.content.topic}-{self.content.lang}{suffix}.{self.fmt}"

    @property
    def mime(self) -> str:
        return MIME_TYPES[self.fmt]


def build_poster(
    kb: Any, topic: str, lang: str, username: str, fmt: str = "pdf", paper: str = "a4"
) -> Poster:
    """Render `topic`'s poster; PosterError for bad input, PosterUnavailable without the extra."""
    if fmt not in RENDERERS:
        raise PosterError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    if paper not in SIZES:
        raise PosterError(f"unknown paper size '{paper}' (sizes: {', '.join(SIZES)})")
    content = poster_content(kb, topic, lang, username)
    return Poster(content, paper, fmt, RENDERERS[fmt](content, paper))


def write_atomically(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file or none: each goes to a temporary file that is renamed at the end.

    OSError if any cannot be written; the temporary files are then removed and no target is
    touched.
    """
    staged: list[tuple[str, Path]] = []
    target = Path()
    try:
        for target, data in files:
            handle, temporary = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            staged.append((temporary, target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, 0o644)
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as exc:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
        # Name the file asked for, not the temporary one.
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc


def describe(topics: Iterable[str]) -> str:
    """The topic list for a help or usage message."""
    return textwrap.shorten(", ".join(topics), 300)
