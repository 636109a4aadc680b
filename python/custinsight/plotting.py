"""Plots for the loyalty models; matplotlib is imported only when a plot is drawn."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .loyalty import calibration_holdout_table

__all__ = ["plot_calibration_purchases_vs_holdout_purchases", "plot_probability_alive_matrix"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - only without matplotlib
        raise ImportError("plotting needs matplotlib: pip install matplotlib") from err
    return plt


def plot_calibration_purchases_vs_holdout_purchases(model: Any, calibration_holdout: pd.DataFrame,
                                                    n: int = 7, ax: Any = None) -> Any:
    """Actual and predicted mean holdout purchases by calibration frequency (lifetimes' plot).
    Returns the matplotlib axes."""
    plt = _pyplot()
    table = calibration_holdout_table(model, calibration_holdout, n=n)
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(table.index, table["frequency_holdout"], marker="o", label="actual")
    ax.plot(table.index, table["model_predictions"], marker="s", label="model")
    ax.set_xlabel("purchases in calibration period")
    ax.set_ylabel("average purchases in holdout period")
    ax.set_title("Actual vs predicted purchases in the holdout period")
    ax.legend()
    return ax


def plot_probability_alive_matrix(model: Any, max_frequency: int | None = None,
                                  max_recency: int | None = None, ax: Any = None) -> Any:
    """Heatmap of P(alive) over recency x frequency. Returns the matplotlib axes."""
    plt = _pyplot()
    z = np.asarray(model.conditional_probability_alive_matrix(max_frequency, max_recency))
    if ax is None:
        _, ax = plt.subplots()
    image = ax.imshow(z, origin="upper", aspect="auto", vmin=0.0, vmax=1.0, cmap="viridis")
    ax.figure.colorbar(image, ax=ax, label="P(alive)")
    ax.set_xlabel("frequency (repeat purchases)")
    ax.set_ylabel("recency (time of last purchase)")
    ax.set_title("Probability a customer is alive, by frequency and recency")
    return ax
