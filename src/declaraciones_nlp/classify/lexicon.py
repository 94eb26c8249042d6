"""The axis lexicon: Spanish and English terms per axis, counted as features.

Entries live in `lexicon.tsv` beside this module (axis, pattern). Patterns are
matched on folded words (see `text.fold`); `word*` is a prefix. At each
word the longest pattern wins and its words are consumed, so a phrase entry
such as `seguridad alimentaria → governance` stops `seguridad` from counting
for `security`. Axis `none` consumes words without counting them.

    >>> lex = Lexicon.default()
    >>> lex.counts("Garantizar la seguridad alimentaria")["security"]
    0
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import ModelError
from ..schema import AXES, LABELS, OTHER
from .features import fold_words

LEXICON_AXES: tuple[str, ...] = AXES + (OTHER,)
_MEMO_SIZE = 100_000


@dataclass(frozen=True)
class Match:
    axes: tuple[str, ...]
    start: int  # word index
    end: int
    words: tuple[str, ...]

    @property
    def term(self) -> str:
        return " ".join(self.words)


class Lexicon:
    """Matches lexicon entries against folded words; picklable as its `entries`."""

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        self.entries = [(axes, pattern) for axes, pattern in entries]
        self._memo: dict[str, dict[str, int]] = {}  # text → counts: the classifier counts a text several times
        # first word of a pattern → candidate patterns (exact and prefix)
        self._exact: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        self._prefix: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for axes_field, pattern in self.entries:
            axes = tuple(a for a in axes_field.split(",") if a != "none")
            bad = [a for a in axes if a not in LABELS]
            if bad:
                raise ModelError(f"lexicon: unknown axis {bad[0]!r} in entry {pattern!r}")
            words = tuple(pattern.split())
            head = words[0]
            if head.endswith("*"):
                self._prefix.setdefault(head[:3], []).append((words, axes))
            else:
                self._exact.setdefault(head, []).append((words, axes))
        for table in (self._exact, self._prefix):
            for key in table:
                table[key].sort(key=lambda entry: -sum(len(w) for w in entry[0]))

    def digest(self) -> str:
        """SHA-256 of the entries: a changed lexicon means a model to retrain."""
        text = "\n".join(f"{axes}\t{pattern}" for axes, pattern in self.entries)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __reduce__(self):
        return (Lexicon, (self.entries,))  # the entries only, not the memo

    @classmethod
    def default(cls) -> "Lexicon":
        return cls(default_entries())

    @staticmethod
    def _word_matches(pattern: str, word: str) -> bool:
        return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern

    def matches(self, words: list[str]) -> list[Match]:
        """Non-overlapping matches, scanning left to right, longest pattern first."""
        found: list[Match] = []
        i, n = 0, len(words)
        while i < n:
            word = words[i]
            best: tuple[int, tuple[str, ...]] | None = None
            for pattern, axes in self._exact.get(word, []) + self._prefix.get(word[:3], []):
                size = len(pattern)
                if best is not None and size <= best[0]:
                    continue
                if i + size <= n and all(
                    self._word_matches(p, w) for p, w in zip(pattern, words[i:i + size])
                ):
                    best = (size, axes)
            if best is None:
                i += 1
                continue
            size, axes = best
            found.append(Match(axes, i, i + size, tuple(words[i:i + size])))
            i += size
        return found

    def counts(self, text: str) -> dict[str, int]:
        """Matches per axis (and `other`) in `text`."""
        found = self._memo.get(text)
        if found is None:
            found = dict.fromkeys(LEXICON_AXES, 0)
            for match in self.matches(fold_words(text)):
                for axis in match.axes:
                    found[axis] += 1
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[text] = found
        return dict(found)


@lru_cache(maxsize=1)
def default_entries() -> list[tuple[str, str]]:
    """The entries of the packaged `lexicon.tsv`, in file order."""
    text = resources.files(__package__).joinpath("lexicon.tsv").read_text(encoding="utf-8")
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        axes, _, pattern = line.partition("\t")
        entries.append((axes.strip(), " ".join(pattern.split())))
    return entries
