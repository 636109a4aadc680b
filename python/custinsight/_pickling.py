"""Pickling of the objects that wrap C++ state, for process pools, Dask and Spark.

A fitted model travels as its JSON text (the same text ``save`` writes), so a model pickled by
one version and read by another fails with the file format's clear error rather than with a
corrupt object. A lexicon travels as its entries plus a content digest: a process that has
already built a lexicon with that digest reuses it, so that a worker builds each lexicon once,
however many tasks carry it.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from typing import Any

from . import _core

__all__ = ["lexicon_state", "reduce_model", "restore_analyzer", "restore_lexicon", "restore_model"]

# A handful of lexicons per process at most; each is a few hundred kilobytes.
_CACHE_SIZE = 8
_lock = threading.Lock()
_lexicons: OrderedDict[str, Any] = OrderedDict()
_analyzers: OrderedDict[tuple[str, bool], Any] = OrderedDict()
# Digests of lexicon objects already serialised in this process, keyed by id() and checked
# against the object itself, so a lexicon pickled for many tasks is hashed once.
_digests: dict[int, tuple[Any, str, bytes]] = {}


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> Any:
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return value


def _lookup(cache: OrderedDict[Any, Any], key: Any) -> Any:
    with _lock:
        value = cache.get(key)
        if value is not None:
            cache.move_to_end(key)
        return value


def lexicon_state(core_lexicon: Any) -> tuple[str, bytes]:
    """(digest, payload) of a ``_core.sentiment.SentimentLexicon``: its sorted entries, pickled."""
    cached = _digests.get(id(core_lexicon))
    if cached is not None and cached[0] is core_lexicon:
        return cached[1], cached[2]
    payload = pickle.dumps((sorted(core_lexicon.items()), sorted(core_lexicon.emoji_items())),
                           protocol=pickle.HIGHEST_PROTOCOL)
    digest = hashlib.sha256(payload).hexdigest()
    with _lock:
        if len(_digests) >= 4 * _CACHE_SIZE:
            _digests.clear()
        _digests[id(core_lexicon)] = (core_lexicon, digest, payload)
    return digest, payload


def _core_lexicon(digest: str, payload: bytes) -> Any:
    lex = _lookup(_lexicons, digest)
    if lex is not None:
        return lex
    if hashlib.sha256(payload).hexdigest() != digest:
        raise ValueError("pickled lexicon is corrupt: its entries do not match their digest")
    tokens, emoji = pickle.loads(payload)
    lex = _core.sentiment.SentimentLexicon()
    for token, valence in tokens:
        lex.set(token, valence)
    for key, description in emoji:
        lex.set_emoji(key, description)
    # The cached object is only ever read: Lexicon has no mutating methods.
    return _remember(_lexicons, digest, lex)


def restore_lexicon(digest: str, payload: bytes) -> Any:
    """Unpickle a :class:`custinsight.Lexicon` (built once per process and digest)."""
    from .sentiment import Lexicon

    lexicon = Lexicon(_core_lexicon(digest, payload))
    _digests[id(lexicon._lex)] = (lexicon._lex, digest, payload)
    return lexicon


def restore_analyzer(digest: str, payload: bytes, corrected: bool) -> Any:
    """Unpickle a :class:`custinsight.SentimentAnalyzer` (built once per process, digest and
    mode: scoring with it is thread-safe and never changes it)."""
    key = (digest, bool(corrected))
    analyzer = _lookup(_analyzers, key)
    if analyzer is not None:
        return analyzer
    from .sentiment import SentimentAnalyzer

    return _remember(_analyzers, key,
                     SentimentAnalyzer(restore_lexicon(digest, payload), corrected=corrected))


def reduce_model(model: Any) -> tuple[Any, tuple[Any, ...]]:
    """``__reduce__`` of a loyalty model: the core model as JSON text (None when not fitted)
    and the Python attributes (settings, and the fit data when there is some).

    This and :func:`restore_model` are the pickling protocol of ``loyalty._Model``: they read
    and set its ``_model`` (the C++ model) and ``_info`` (its FitResult) directly."""
    state = {k: v for k, v in model.__dict__.items() if k not in ("_model", "_info")}
    text = None if model._info is None else model._model.to_json()
    return restore_model, (type(model), text, state)


def restore_model(cls: type, model_json: str | None, state: dict[str, Any]) -> Any:
    """Unpickle a loyalty model written by :func:`reduce_model`."""
    model = cls.__new__(cls)
    model.__dict__.update(state)
    if model_json is None:
        model._model = cls._core_class()
        model._info = None
    else:
        model._model = cls._core_class.from_json(model_json)
        model._info = model._model.result()
    return model
