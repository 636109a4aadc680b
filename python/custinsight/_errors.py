"""The package's own exception types."""

from __future__ import annotations

__all__ = ["NotFittedError"]


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit`` (or ``load``).

    A ValueError and an AttributeError at once, as scikit-learn's of the same name: code that
    catches either keeps working, and ``hasattr(model, "params_")`` is False before fit.
    """

    @classmethod
    def of(cls, estimator: object, how: str = "fit() or load()") -> NotFittedError:
        """The error for ``estimator``: its class named, and what to call first."""
        return cls(f"this {type(estimator).__name__} is not fitted yet: call {how} first")
