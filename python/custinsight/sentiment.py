"""Rule-based sentiment scoring of customer feedback: VADER-exact, with a corrected mode.

``SentimentAnalyzer(Lexicon.vader())`` gives vaderSentiment 3.3.2's ``polarity_scores`` bit for
bit (quirks included), far faster; ``SentimentAnalyzer()`` uses the library's embedded lexicon,
which adds customer-service language; ``corrected=True`` fixes the reference's known bugs.
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _core

__all__ = ["Lexicon", "SentimentAnalyzer"]

_SCORE_COLUMNS = ["neg", "neu", "pos", "compound"]
#: The most top_tokens a batch call gives (each adds two columns per text).
_MAX_TOP_TOKENS = 1000


def _vader_directory() -> str:
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "Lexicon.vader() reads the lexicon files of the vaderSentiment package, which is not "
            "installed: `pip install vaderSentiment==3.3.2` (or use Lexicon.default())"
        )
    return list(spec.submodule_search_locations)[0]


class Lexicon:
    """Token valences plus an emoji table, as the analyser consumes them.

    Build one with :meth:`vader`, :meth:`default`, :meth:`from_file` or :meth:`from_dict`, and
    overlay a team's own terms with :meth:`merge` (later lexicons override earlier ones)::

        lex = Lexicon.default().merge(Lexicon.from_dict({"escalation": -1.5}))

    Keys are matched against lower-cased tokens; keys containing spaces are phrases, which only
    the corrected mode matches.
    """

    __slots__ = ("_lex",)

    def __init__(self, _lexicon: _core.sentiment.SentimentLexicon | None = None) -> None:
        self._lex = _lexicon if _lexicon is not None else _core.sentiment.SentimentLexicon()

    @classmethod
    def vader(cls, *, emoji: bool = True) -> Lexicon:
        """VADER's lexicon (and its emoji table), read from an installed vaderSentiment package.

        Repeated tokens keep their last value, as vaderSentiment's dict does.
        """
        directory = _vader_directory()
        lex = _core.sentiment.SentimentLexicon.from_file(os.path.join(directory, "vader_lexicon.txt"))
        if emoji:
            lex.add_emoji_file(os.path.join(directory, "emoji_utf8_lexicon.txt"))
        return cls(lex)

    @classmethod
    def default(cls) -> Lexicon:
        """The embedded lexicon: general sentiment words, emoticons, a small emoji table and
        customer-service language (words and phrases), built by this project."""
        return cls(_core.sentiment.SentimentLexicon.embedded())

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        format: Literal["vader", "afinn"] = "vader",
        *,
        scale: float = 1.0,
        emoji_path: str | os.PathLike[str] | None = None,
    ) -> Lexicon:
        """Read a lexicon file.

        Parameters
        ----------
        path : file in VADER's ``token<TAB>mean<TAB>sd<TAB>ratings`` format or AFINN's
            ``token<TAB>integer`` format (UTF-8)
        format : ``"vader"`` or ``"afinn"``
        scale : multiplies AFINN scores (0.8 maps AFINN's -5..5 onto VADER's -4..4)
        emoji_path : optional emoji table in VADER's ``emoji<TAB>description`` format
        """
        if format not in ("vader", "afinn"):
            raise ValueError(f"format={format!r}: expected 'vader' or 'afinn'")
        lex = _core.sentiment.SentimentLexicon.from_file(os.fspath(path), format, float(scale))
        if emoji_path is not None:
            lex.add_emoji_file(os.fspath(emoji_path))
        return cls(lex)

    @classmethod
    def from_dict(
        cls, valences: Mapping[str, float], emoji: Mapping[str, str] | None = None
    ) -> Lexicon:
        """A lexicon from ``{token: valence}`` (and optionally ``{emoji: description}``)."""
        lex = _core.sentiment.SentimentLexicon()
        for token, value in valences.items():
            if not isinstance(token, str):
                raise TypeError(f"lexicon key {token!r} is not a str")
            v = float(value)
            if not math.isfinite(v):
                raise ValueError(f"valences[{token!r}] = {value!r}: must be finite")
            lex.set(token, v)
        for key, description in (emoji or {}).items():
            lex.set_emoji(str(key), str(description))
        return cls(lex)

    def merge(self, *others: Lexicon) -> Lexicon:
        """A new lexicon: this one overlaid with ``others`` in order (later entries win)."""
        out = self._lex
        for other in others:
            if not isinstance(other, Lexicon):
                raise TypeError(f"can only merge Lexicon objects, not {type(other).__name__}")
            out = out.merged(other._lex)
        return Lexicon(out if others else self._lex.merged(_core.sentiment.SentimentLexicon()))

    def __or__(self, other: Lexicon) -> Lexicon:
        return self.merge(other)

    def __len__(self) -> int:
        return len(self._lex)

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and token in self._lex

    def get(self, token: str, default: float | None = None) -> float | None:
        """The valence of ``token`` (as stored, case-sensitive), or ``default``."""
        value = self._lex.get(token)
        return default if value is None else value

    def to_dict(self) -> dict[str, float]:
        """All token valences, sorted by token."""
        return dict(sorted(self._lex.items()))

    def emoji(self) -> dict[str, str]:
        """The emoji table, sorted by emoji."""
        return dict(sorted(self._lex.emoji_items()))

    def __repr__(self) -> str:
        return f"Lexicon({len(self)} tokens, {self._lex.emoji_count} emoji)"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Entries plus a digest: a process rebuilds each distinct lexicon once (see _pickling).
        from ._pickling import lexicon_state, restore_lexicon

        return restore_lexicon, lexicon_state(self._lex)


def _is_missing(x: Any) -> bool:
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    return isinstance(x, float) and math.isnan(x)


def _as_text_list(texts: Any) -> tuple[list[Any], pd.Index]:
    if isinstance(texts, pd.Series):
        index = texts.index
        values = texts.to_numpy(dtype=object)
    elif isinstance(texts, np.ndarray):
        if texts.ndim != 1:
            raise ValueError(f"texts must be one-dimensional, got shape {texts.shape}")
        values = texts.astype(object) if texts.dtype.kind in "US" else texts
        index = pd.RangeIndex(len(values))
    elif isinstance(texts, (list, tuple)):
        values = texts
        index = pd.RangeIndex(len(values))
    elif isinstance(texts, Iterable) and not isinstance(texts, (str, bytes, Mapping)):
        values = list(texts)
        index = pd.RangeIndex(len(values))
    else:
        raise TypeError(
            f"texts has type {type(texts).__name__}; expected str, list, numpy array or Series"
        )
    # None, NaN, pd.NA and pd.NaT are recognised by the extension, which raises or scores NaN.
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    return items, index


class SentimentAnalyzer:
    """VADER's rule-based sentiment analyser over a lexicon, in C++.

    Parameters
    ----------
    lexicon : Lexicon, optional
        ``None`` (default) uses the embedded lexicon; ``Lexicon.vader()`` gives vaderSentiment's
        answers exactly.
    corrected : bool, default False
        Fix the reference's known bugs: typographic apostrophes and quotes ("don’t" negates),
        multi-word lexicon entries and idioms ("can't stand", "on hold"), the "but" rule by
        position, the "never so/this" precedence, dampening phrases that strengthened negative
        words, and emoji sequences. Off by default, so that scores equal vaderSentiment's.

    Notes
    -----
    Scores: ``compound = s / sqrt(s**2 + 15)`` of the sum ``s`` of token valences after the
    rules (plus punctuation emphasis), clipped to [-1, 1]; ``neg``, ``neu`` and ``pos`` are the
    shares of negative, neutral and positive tokens weighted by intensity. ``neg``/``neu``/
    ``pos`` are rounded to 3 decimals and ``compound`` to 4, as Python's ``round`` does;
    :meth:`raw_scores` gives them unrounded.
    """

    __slots__ = ("_analyzer", "_lexicon")

    def __init__(self, lexicon: Lexicon | None = None, *, corrected: bool = False) -> None:
        if lexicon is None:
            lexicon = Lexicon.default()
        if not isinstance(lexicon, Lexicon):
            raise TypeError(f"lexicon must be a Lexicon or None, not {type(lexicon).__name__}")
        self._lexicon = lexicon
        self._analyzer = _core.sentiment.SentimentAnalyzer(lexicon._lex, bool(corrected))

    @property
    def corrected(self) -> bool:
        """Whether the corrected mode is on."""
        return bool(self._analyzer.corrected)

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon

    def polarity_scores(
        self,
        text: Any,
        *,
        top_tokens: int = 0,
        missing: Literal["raise", "nan"] = "raise",
        raw: bool = False,
    ) -> Any:
        """Sentiment scores of one text (a dict) or of many (a DataFrame).

        Parameters
        ----------
        text : str, or a list / numpy array / pandas Series of str
        top_tokens : int, default 0
            For many texts: add columns ``token_k`` (str or None) and
            ``token_k_contribution`` (float) for k in 1..top_tokens, the tokens with the
            largest absolute contributions to the score (after every rule), largest first.
        missing : {"raise", "nan"}
            What None / NaN items do: raise ValueError (default) or get NaN scores.
        raw : bool, default False
            Return unrounded scores.

        Returns
        -------
        dict with neg, neu, pos, compound for one str; otherwise a DataFrame with those columns
        (and the token columns), indexed like the Series or by position. Scoring of many texts
        releases the GIL and runs on every core; results do not depend on the thread count.
        """
        if missing not in ("raise", "nan"):
            raise ValueError(f"missing={missing!r}: expected 'raise' or 'nan'")
        top = int(top_tokens)
        if top < 0:
            raise ValueError(f"top_tokens={top_tokens!r}: must be non-negative")
        if top > _MAX_TOP_TOKENS:
            # Two columns per token for every text: 10**9 would ask for terabytes.
            raise ValueError(f"top_tokens={top_tokens!r}: must be at most {_MAX_TOP_TOKENS}")
        if isinstance(text, (str, bytes)):
            return self._analyzer.raw_scores(text) if raw else self._analyzer.polarity_scores(text)
        if _is_missing(text):
            if missing == "nan":
                return {c: math.nan for c in _SCORE_COLUMNS}
            raise ValueError(f"text is missing ({text!r}); pass missing='nan' to score it as NaN")
        items, index = _as_text_list(text)
        out = self._analyzer.score_batch(items, top, missing == "nan", raw)
        prefix = "raw_" if raw else ""
        frame = pd.DataFrame({c: out[prefix + c] for c in _SCORE_COLUMNS}, index=index)
        if top:
            tokens = np.asarray(out["top_token"], dtype=object).reshape(len(items), top)
            contrib = np.asarray(out["top_contribution"]).reshape(len(items), top)
            columns: dict[str, Any] = {}
            for k in range(top):
                columns[f"token_{k + 1}"] = pd.Series(tokens[:, k], index=index, dtype=object)
                columns[f"token_{k + 1}_contribution"] = pd.Series(contrib[:, k], index=index)
            # One concat: inserting column by column fragments the frame.
            frame = pd.concat([frame, pd.DataFrame(columns, index=index)], axis=1)
        return frame

    def raw_scores(self, text: str) -> dict[str, float]:
        """Unrounded neg, neu, pos and compound of one text."""
        return self._analyzer.raw_scores(text)

    def top_tokens(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` tokens (lower-cased) that drove ``text``'s score, with their signed
        contributions, largest absolute contribution first."""
        if int(k) < 0:
            raise ValueError(f"k={k!r}: must be non-negative")
        return [tuple(t) for t in self._analyzer.contributions(text, int(k))]

    def __repr__(self) -> str:
        return f"SentimentAnalyzer({self._lexicon!r}, corrected={self.corrected})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Rebuilt once per process, lexicon digest and mode (see _pickling).
        from ._pickling import lexicon_state, restore_analyzer

        return restore_analyzer, (*lexicon_state(self._lexicon._lex), self.corrected)
