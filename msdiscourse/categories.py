"""Ordered categories shared by analyses and plots, so every table and figure sorts alike."""

from __future__ import annotations

import pandas as pd

__all__ = ["ROLES", "ROLE_DTYPE", "TONES", "TONE_DTYPE", "MARKER_CATEGORIES", "MARKER_DTYPE"]

#: participant roles, in the order every table and plot uses
ROLES: tuple[str, ...] = ("researcher", "patient", "relative", "other", "unknown")
ROLE_DTYPE = pd.CategoricalDtype(list(ROLES), ordered=True)

TONES: tuple[str, ...] = ("negative", "neutral", "positive")
TONE_DTYPE = pd.CategoricalDtype(list(TONES), ordered=True)

#: irony-marker categories (Ghosh & Muresan 2018, extended): see resources/sarcasm_markers.csv
MARKER_CATEGORIES: tuple[str, ...] = (
    "trope",
    "morphosyntactic",
    "typographic",
    "explicit",
    "formula",
    "repetition",
    "contrast",
)
MARKER_DTYPE = pd.CategoricalDtype(list(MARKER_CATEGORIES), ordered=True)
