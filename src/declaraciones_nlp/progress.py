"""One progress wrapper for batches: a rich bar, or nothing when silent."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Protocol


class Advance(Protocol):
    def __call__(self, steps: int = 1, description: str | None = None) -> None: ...


@contextmanager
def progressbar(total: int, label: str, silent: bool = False) -> Iterator[Advance]:
    """Yield an `advance(steps, description)` callable; callers never branch on verbosity."""
    if silent or total <= 1:
        yield lambda steps=1, description=None: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(steps: int = 1, description: str | None = None) -> None:
            bar.update(task, advance=steps, description=description or label)

        yield advance
