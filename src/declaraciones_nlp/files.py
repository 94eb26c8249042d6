"""Files written whole: a temporary name beside the target, then a rename.

`tempfile.mkstemp` creates its file readable by its owner only (0600); renamed
as it is, a chart or an export would end up unreadable to colleagues sharing
the folder. `publish` gives it the mode a plain `open(path, "w")` would have:
the mode of the file it replaces, else 0666 less the process umask (0644 under
the usual umask 022).
"""
from __future__ import annotations

import os
from pathlib import Path


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (else set and restored)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publish(tmp_path: str | os.PathLike, path: str | os.PathLike) -> None:
    """Rename the finished `tmp_path` to `path`, with the permissions a new (or the replaced) file has."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()
    os.chmod(tmp_path, mode)
    os.replace(tmp_path, path)
